//! When recurring care is due, and the shifts of a day. Pure, in Paris
//! local time: the server lists a shift's round with it, the page shows a
//! task's rule in words.

use crate::error::AppError;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

crate::code_list! {
    /// How a care task recurs.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Rule {
        Days = "jours" => "Tous les N jours (1 : chaque jour)",
        Hours = "heures" => "Toutes les N heures",
        Months = "mois" => "Tous les N mois",
    }
}

crate::code_list! {
    /// The three shifts of a day.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Shift {
        Matin = "matin" => "Matin",
        ApresMidi = "apres_midi" => "Après-midi",
        Nuit = "nuit" => "Nuit",
    }
}

/// When each shift starts, in `Shift::ALL` order; each ends when the next
/// starts (the night ends with the next day's morning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftTimes(pub [NaiveTime; 3]);

impl Default for ShiftTimes {
    /// 7 h, 14 h, 21 h: the usual times of a foyer or a FAM.
    fn default() -> Self {
        let h = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default();
        ShiftTimes([h(7), h(14), h(21)])
    }
}

impl ShiftTimes {
    /// Checks three starts typed as `HH:MM`, in order within the day.
    pub fn parse(texts: [&str; 3]) -> Result<ShiftTimes, AppError> {
        let mut out = [NaiveTime::MIN; 3];
        for (i, (t, shift)) in texts.iter().zip(Shift::ALL).enumerate() {
            out[i] = NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| {
                AppError::invalid(
                    shift.code(),
                    &format!("{} : saisissez une heure (HH:MM).", shift.label()),
                )
            })?;
        }
        if !(out[0] < out[1] && out[1] < out[2]) {
            return Err(AppError::invalid(
                "nuit",
                "Les équipes se suivent dans la journée : matin, puis après-midi, puis nuit.",
            ));
        }
        Ok(ShiftTimes(out))
    }

    fn start(&self, s: Shift) -> NaiveTime {
        self.0[Shift::ALL.iter().position(|x| *x == s).unwrap_or(0)]
    }

    /// The shift of `day`, from its start to the next shift's start.
    pub fn window(&self, s: Shift, day: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
        let start = day.and_time(self.start(s));
        let end = match s {
            Shift::Matin => day.and_time(self.start(Shift::ApresMidi)),
            Shift::ApresMidi => day.and_time(self.start(Shift::Nuit)),
            Shift::Nuit => (day + Duration::days(1)).and_time(self.start(Shift::Matin)),
        };
        (start, end)
    }

    /// The shift at `now` and the day it started (a night shift after
    /// midnight belongs to the previous day).
    pub fn current(&self, now: NaiveDateTime) -> (Shift, NaiveDate) {
        let (day, t) = (now.date(), now.time());
        if t < self.start(Shift::Matin) {
            (Shift::Nuit, day - Duration::days(1))
        } else if t < self.start(Shift::ApresMidi) {
            (Shift::Matin, day)
        } else if t < self.start(Shift::Nuit) {
            (Shift::ApresMidi, day)
        } else {
            (Shift::Nuit, day)
        }
    }

    /// "07:00, 14:00, 21:00".
    pub fn texts(&self) -> [String; 3] {
        self.0.map(|t| t.format("%H:%M").to_string())
    }
}

/// A task's recurrence: every `every` days (at each of `times`), every
/// `every` hours (from the first time of `starts_on`), or every `every`
/// months on the day of the month of `starts_on` (at each of `times`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub rule: Rule,
    pub every: u32,
    pub times: Vec<NaiveTime>,
    pub starts_on: NaiveDate,
}

/// The most times a day a task lists.
pub const MAX_TIMES: usize = 12;

impl Schedule {
    /// Checks a rule as typed: `every` a whole number, `times` "08:00,
    /// 20:00" (one for an hourly rule: the first turn).
    pub fn parse(
        rule: &str,
        every: &str,
        times: &str,
        starts_on: NaiveDate,
    ) -> Result<Schedule, AppError> {
        let rule = Rule::parse(rule)
            .ok_or_else(|| AppError::invalid("rule", "Choisissez comment le soin revient."))?;
        let max = match rule {
            Rule::Days => 366,
            Rule::Hours => 24,
            Rule::Months => 12,
        };
        let every: u32 = every
            .trim()
            .parse()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                AppError::invalid(
                    "every",
                    &format!("Fréquence : un nombre entier de 1 à {max}."),
                )
            })?;
        let mut list = Vec::new();
        for t in times
            .split([',', ';', ' '])
            .filter(|t| !t.trim().is_empty())
        {
            let t = t.trim().replace('h', ":");
            let t = if t.ends_with(':') {
                format!("{t}00")
            } else {
                t
            };
            list.push(NaiveTime::parse_from_str(&t, "%H:%M").map_err(|_| {
                AppError::invalid("times", "Heures : par exemple « 08:00, 20:00 ».")
            })?);
        }
        list.sort();
        list.dedup();
        if list.is_empty() {
            return Err(AppError::invalid("times", "Indiquez au moins une heure."));
        }
        if list.len() > MAX_TIMES || (rule == Rule::Hours && list.len() > 1) {
            return Err(AppError::invalid(
                "times",
                if rule == Rule::Hours {
                    "Toutes les N heures : indiquez seulement l’heure du premier passage."
                } else {
                    "Pas plus de 12 heures par jour."
                },
            ));
        }
        Ok(Schedule {
            rule,
            every,
            times: list,
            starts_on,
        })
    }

    /// Whether the task falls on `day` (days and months rules).
    fn on_day(&self, day: NaiveDate) -> bool {
        if day < self.starts_on {
            return false;
        }
        match self.rule {
            Rule::Days => (day - self.starts_on).num_days() % i64::from(self.every) == 0,
            Rule::Months => {
                let months = (day.year() - self.starts_on.year()) * 12 + day.month0() as i32
                    - self.starts_on.month0() as i32;
                // The 31st falls on the last day of a shorter month.
                let last = last_day(day);
                months % self.every as i32 == 0 && day.day() == self.starts_on.day().min(last)
            }
            Rule::Hours => true,
        }
    }

    /// The times the task is due within `[from, to)`, in order.
    pub fn due_between(&self, from: NaiveDateTime, to: NaiveDateTime) -> Vec<NaiveDateTime> {
        let mut out = Vec::new();
        match self.rule {
            Rule::Hours => {
                let first = self.starts_on.and_time(self.times[0]);
                let step = Duration::hours(i64::from(self.every));
                let mut t = if from <= first {
                    first
                } else {
                    let k = (from - first).num_seconds().div_euclid(step.num_seconds());
                    let t = first + step * k as i32;
                    if t < from {
                        t + step
                    } else {
                        t
                    }
                };
                while t < to {
                    out.push(t);
                    t += step;
                }
            }
            _ => {
                let mut day = from.date();
                while day <= to.date() {
                    if self.on_day(day) {
                        out.extend(
                            self.times
                                .iter()
                                .map(|t| day.and_time(*t))
                                .filter(|t| *t >= from && *t < to),
                        );
                    }
                    day += Duration::days(1);
                }
            }
        }
        out
    }

    /// "Chaque jour à 08:00", "Tous les 2 jours à 09:00", "Toutes les 3
    /// heures à partir de 06:00", "Chaque mois le 5 à 10:00".
    pub fn words(&self) -> String {
        let times: Vec<String> = self
            .times
            .iter()
            .map(|t| t.format("%H:%M").to_string())
            .collect();
        let at = times.join(", ");
        match (self.rule, self.every) {
            (Rule::Days, 1) => format!("Chaque jour à {at}"),
            (Rule::Days, n) => format!("Tous les {n} jours à {at}"),
            (Rule::Hours, 1) => format!("Chaque heure à partir de {at}"),
            (Rule::Hours, n) => format!("Toutes les {n} heures à partir de {at}"),
            (Rule::Months, 1) => format!("Chaque mois le {} à {at}", self.starts_on.day()),
            (Rule::Months, n) => format!("Tous les {n} mois le {} à {at}", self.starts_on.day()),
        }
    }
}

fn last_day(day: NaiveDate) -> u32 {
    let (y, m) = if day.month() == 12 {
        (day.year() + 1, 1)
    } else {
        (day.year(), day.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .map(|d| (d - Duration::days(1)).day())
        .unwrap_or(28)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn at(day: NaiveDate, h: u32, min: u32) -> NaiveDateTime {
        day.and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn every_morning_falls_in_the_morning_shift() {
        let s = Schedule::parse("jours", "1", "08:00", d(2026, 1, 1)).unwrap();
        let (from, to) = ShiftTimes::default().window(Shift::Matin, d(2026, 12, 3));
        assert_eq!(s.due_between(from, to), vec![at(d(2026, 12, 3), 8, 0)]);
        let (from, to) = ShiftTimes::default().window(Shift::ApresMidi, d(2026, 12, 3));
        assert!(s.due_between(from, to).is_empty());
    }

    #[test]
    fn every_other_day_counts_from_the_start() {
        let s = Schedule::parse("jours", "2", "9h", d(2026, 12, 1)).unwrap();
        let due = |day| s.due_between(at(day, 0, 0), at(day, 23, 59));
        assert_eq!(due(d(2026, 12, 1)).len(), 1);
        assert!(due(d(2026, 12, 2)).is_empty());
        assert_eq!(due(d(2026, 12, 3)), vec![at(d(2026, 12, 3), 9, 0)]);
        assert!(due(d(2026, 11, 29)).is_empty(), "nothing before the start");
    }

    #[test]
    fn every_three_hours_crosses_midnight() {
        let s = Schedule::parse("heures", "3", "06:00", d(2026, 12, 1)).unwrap();
        let (from, to) = ShiftTimes::default().window(Shift::Nuit, d(2026, 12, 2));
        let due = s.due_between(from, to);
        assert_eq!(
            due,
            vec![
                at(d(2026, 12, 2), 21, 0),
                at(d(2026, 12, 3), 0, 0),
                at(d(2026, 12, 3), 3, 0),
                at(d(2026, 12, 3), 6, 0)
            ]
        );
        // 21:00 (6 + 5×3) belongs to the night, not to the afternoon.
        let (from, to) = ShiftTimes::default().window(Shift::ApresMidi, d(2026, 12, 2));
        assert_eq!(
            s.due_between(from, to),
            vec![at(d(2026, 12, 2), 15, 0), at(d(2026, 12, 2), 18, 0)]
        );
    }

    #[test]
    fn monthly_weighing_falls_on_the_last_day_of_a_short_month() {
        let s = Schedule::parse("mois", "1", "10:00", d(2026, 1, 31)).unwrap();
        let feb = s.due_between(at(d(2026, 2, 1), 0, 0), at(d(2026, 3, 1), 0, 0));
        assert_eq!(feb, vec![at(d(2026, 2, 28), 10, 0)]);
        let s = Schedule::parse("mois", "3", "10:00", d(2026, 1, 5)).unwrap();
        assert!(s
            .due_between(at(d(2026, 2, 5), 0, 0), at(d(2026, 2, 6), 0, 0))
            .is_empty());
        assert_eq!(
            s.due_between(at(d(2026, 4, 5), 0, 0), at(d(2026, 4, 6), 0, 0))
                .len(),
            1
        );
    }

    #[test]
    fn bad_rules_are_refused_in_french() {
        assert!(Schedule::parse("jours", "0", "08:00", d(2026, 1, 1)).is_err());
        assert!(Schedule::parse("jours", "1", "25:00", d(2026, 1, 1)).is_err());
        assert!(Schedule::parse("jours", "1", "", d(2026, 1, 1)).is_err());
        assert!(Schedule::parse("heures", "3", "06:00, 07:00", d(2026, 1, 1)).is_err());
        assert!(Schedule::parse("semaine", "1", "08:00", d(2026, 1, 1)).is_err());
        let two = Schedule::parse("jours", "1", "20:00, 08:00", d(2026, 1, 1)).unwrap();
        assert_eq!(two.words(), "Chaque jour à 08:00, 20:00");
    }

    #[test]
    fn the_current_shift_of_a_night_after_midnight_is_the_previous_day() {
        let t = ShiftTimes::default();
        assert_eq!(
            t.current(at(d(2026, 12, 3), 3, 0)),
            (Shift::Nuit, d(2026, 12, 2))
        );
        assert_eq!(
            t.current(at(d(2026, 12, 3), 7, 0)),
            (Shift::Matin, d(2026, 12, 3))
        );
        assert_eq!(
            t.current(at(d(2026, 12, 3), 22, 0)),
            (Shift::Nuit, d(2026, 12, 3))
        );
        assert!(ShiftTimes::parse(["07:00", "06:00", "21:00"]).is_err());
        assert_eq!(
            ShiftTimes::parse(["06:30", "13:30", "21:00"])
                .unwrap()
                .texts()[0],
            "06:30"
        );
    }
}
