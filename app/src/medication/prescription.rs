//! A prescription line as typed, checked, and when it is due. Pure and
//! compiled for both sides: the server refuses what the form would refuse,
//! with the same French sentence, and the round lists the doses of a day
//! with `Schedule::due_on`.

use crate::error::AppError;
use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

crate::code_list! {
    /// The usual times of a round.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    pub enum Slot {
        Matin = "matin" => "Matin",
        Midi = "midi" => "Midi",
        Soir = "soir" => "Soir",
        Coucher = "coucher" => "Coucher",
    }
}

impl Slot {
    /// When a slot's doses are due, Paris time; a dose is late an hour after.
    pub fn time(self) -> NaiveTime {
        let (h, m) = match self {
            Slot::Matin => (8, 0),
            Slot::Midi => (12, 0),
            Slot::Soir => (18, 30),
            Slot::Coucher => (21, 0),
        };
        NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
    }

    /// The round a time of day belongs to: before 10:00 the morning's,
    /// before 15:00 midday's, before 20:00 the evening's, then bedtime's.
    pub fn of_time(t: NaiveTime) -> Slot {
        match t.format("%H:%M").to_string().as_str() {
            x if x < "10:00" => Slot::Matin,
            x if x < "15:00" => Slot::Midi,
            x if x < "20:00" => Slot::Soir,
            _ => Slot::Coucher,
        }
    }
}

crate::code_list! {
    /// What became of one dose.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Outcome {
        Donne = "donne" => "Donné",
        AidePrise = "aide_prise" => "Aide à la prise",
        Refuse = "refuse" => "Refusé",
        Recrache = "recrache" => "Recraché / vomi",
        Absent = "absent" => "Absent",
        NonDisponible = "non_disponible" => "Non disponible",
        Reporte = "reporte" => "Reporté",
    }
}

impl Outcome {
    /// The dose was taken: counts against a si-besoin line's limits, and
    /// needs no reason.
    pub fn taken(self) -> bool {
        matches!(self, Outcome::Donne | Outcome::AidePrise)
    }
}

/// A dose's place in the day: a slot or a time of its line, or none for a
/// si-besoin dose. `parse_due("midi")`, `parse_due("08:00")`.
pub fn parse_due(text: &str) -> Option<Option<NaiveTime>> {
    match text.trim() {
        "" => Some(None),
        t => Slot::parse(t)
            .map(|s| Some(s.time()))
            .or_else(|| NaiveTime::parse_from_str(t, "%H:%M").ok().map(Some)),
    }
}

crate::code_list! {
    /// How a drug is taken.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Route {
        Orale = "orale" => "Voie orale",
        Sublinguale = "sublinguale" => "Sublinguale",
        Cutanee = "cutanee" => "Cutanée",
        SousCutanee = "sous_cutanee" => "Sous-cutanée",
        Inhalee = "inhalee" => "Inhalée",
        Ophtalmique = "ophtalmique" => "Ophtalmique",
        Auriculaire = "auriculaire" => "Auriculaire",
        Nasale = "nasale" => "Nasale",
        Rectale = "rectale" => "Rectale",
        Autre = "autre" => "Autre",
    }
}

crate::code_list! {
    /// The unit of a dose.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum DoseUnit {
        Comprime = "comprime" => "comprimé(s)",
        Gelule = "gelule" => "gélule(s)",
        Sachet = "sachet" => "sachet(s)",
        Ml = "ml" => "mL",
        Goutte = "goutte" => "goutte(s)",
        Mg = "mg" => "mg",
        Ui = "ui" => "UI",
        Bouffee = "bouffee" => "bouffée(s)",
        Application = "application" => "application(s)",
        Suppositoire = "suppositoire" => "suppositoire(s)",
        Patch = "patch" => "patch(s)",
    }
}

crate::code_list! {
    /// Which days a line is due.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum Recurrence {
        TousLesJours = "tous_les_jours" => "Tous les jours",
        JoursSemaine = "jours_semaine" => "Certains jours de la semaine",
        TousLesNJours = "tous_les_n_jours" => "Tous les N jours",
    }
}

/// The longest instructions, indication and drug name.
pub const MAX_INSTRUCTIONS: usize = 1000;
pub const MAX_INDICATION: usize = 300;
pub const MAX_DRUG: usize = 300;
/// The most lines one prescription holds.
pub const MAX_LINES: usize = 30;

/// French day names, Monday first (ISO 1 to 7).
pub const WEEKDAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

/// A line as the form sends it: the numbers and dates as typed, so that a
/// wrong one gets a French sentence rather than a decoding error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineInput {
    /// Chosen by the client: a retried send writes the line once.
    pub id: Uuid,
    /// The BDPM spécialité (`cis`), or empty for a preparation typed as
    /// free text in `drug`.
    pub cis: String,
    pub drug: String,
    /// "1", "0,5", "2.5".
    pub dose: String,
    pub unit: String,
    pub route: String,
    pub slots: Vec<String>,
    /// "08:00 20:00" (space or comma separated).
    pub times: String,
    pub recurrence: String,
    /// ISO weekdays, 1 (lundi) to 7.
    pub weekdays: Vec<u8>,
    pub every_n_days: String,
    pub starts_on: String,
    pub ends_on: String,
    pub as_needed: bool,
    pub indication: String,
    /// Minimum interval between two si-besoin doses, in hours ("4", "0,5").
    pub min_interval_hours: String,
    pub max_per_day: String,
    pub instructions: String,
    pub aide_prise: bool,
    pub high_risk: bool,
}

/// When a line is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub slots: Vec<Slot>,
    pub times: Vec<NaiveTime>,
    pub recurrence: Recurrence,
    pub weekdays: Vec<u8>,
    pub every_n_days: Option<u16>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

impl Schedule {
    /// A line's schedule as the database keeps it (codes, ISO weekdays).
    pub fn stored(
        slots: &[String],
        times: &[NaiveTime],
        recurrence: &str,
        weekdays: &[i16],
        every_n_days: Option<i16>,
        starts_on: NaiveDate,
        ends_on: Option<NaiveDate>,
    ) -> Schedule {
        Schedule {
            slots: slots.iter().filter_map(|s| Slot::parse(s)).collect(),
            times: times.to_vec(),
            recurrence: Recurrence::parse(recurrence).unwrap_or(Recurrence::TousLesJours),
            weekdays: weekdays.iter().map(|d| *d as u8).collect(),
            every_n_days: every_n_days.map(|n| n as u16),
            starts_on,
            ends_on,
        }
    }

    /// Whether the line gives doses on day `d` (a si-besoin line never has
    /// doses due: it has limits).
    pub fn due_on(&self, d: NaiveDate) -> bool {
        if d < self.starts_on || self.ends_on.is_some_and(|end| d > end) {
            return false;
        }
        match self.recurrence {
            Recurrence::TousLesJours => true,
            Recurrence::JoursSemaine => self
                .weekdays
                .contains(&(d.weekday().number_from_monday() as u8)),
            Recurrence::TousLesNJours => {
                let n = i64::from(self.every_n_days.unwrap_or(1).max(1));
                (d - self.starts_on).num_days() % n == 0
            }
        }
    }

    /// The doses of the round of `slot` on day `d`: the slot itself, and
    /// each time of the line that falls in it, with when each is due.
    /// `("midi", 12:00)`, `("13:30", 13:30)`.
    pub fn doses_in(&self, d: NaiveDate, slot: Slot) -> Vec<(String, NaiveTime)> {
        if !self.due_on(d) {
            return Vec::new();
        }
        let mut out = Vec::new();
        if self.slots.contains(&slot) {
            out.push((slot.code().to_string(), slot.time()));
        }
        for t in &self.times {
            if Slot::of_time(*t) == slot {
                out.push((t.format("%H:%M").to_string(), *t));
            }
        }
        out
    }

    /// "Matin, soir — tous les jours", "08:00 — lundi, jeudi".
    pub fn describe(&self) -> String {
        let mut when: Vec<String> = self.slots.iter().map(|s| s.label().to_string()).collect();
        when.extend(self.times.iter().map(|t| t.format("%H:%M").to_string()));
        let days = match self.recurrence {
            Recurrence::TousLesJours => "tous les jours".to_string(),
            Recurrence::JoursSemaine => self
                .weekdays
                .iter()
                .filter_map(|d| WEEKDAYS.get(usize::from(*d).wrapping_sub(1)))
                .copied()
                .collect::<Vec<_>>()
                .join(", "),
            Recurrence::TousLesNJours => {
                format!("tous les {} jours", self.every_n_days.unwrap_or(2))
            }
        };
        format!("{} — {days}", when.join(", "))
    }
}

/// The limits of a si-besoin line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsNeeded {
    pub indication: String,
    pub min_interval_minutes: u32,
    pub max_per_day: u8,
}

/// A line that passed every check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckedLine {
    pub id: Uuid,
    pub cis: Option<String>,
    pub drug: String,
    /// Thousandths of the unit (0,5 comprimé: 500), so that a dose is exact.
    pub dose_milli: u32,
    pub unit: DoseUnit,
    pub route: Route,
    pub schedule: Schedule,
    pub as_needed: Option<AsNeeded>,
    pub instructions: Option<String>,
    pub aide_prise: bool,
    pub high_risk: bool,
}

fn invalid(field: &str, reason: &str) -> AppError {
    AppError::invalid(field, reason)
}

/// "1", "0,5", "2.25" → thousandths; at most three decimals, more than 0,
/// at most 10 000.
pub fn parse_quantity(text: &str) -> Option<u32> {
    let t = text.trim().replace(',', ".");
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 3
        || whole.len() > 5
    {
        return None;
    }
    let whole: u32 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: u32 = format!("{frac:0<3}").parse().ok()?;
    let milli = whole.checked_mul(1000)?.checked_add(frac)?;
    (milli > 0 && milli <= 10_000_000).then_some(milli)
}

/// Thousandths back to French: 500 → "0,5", 2000 → "2".
pub fn format_quantity(milli: u32) -> String {
    let whole = milli / 1000;
    let frac = milli % 1000;
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole},{}", format!("{frac:03}").trim_end_matches('0'))
    }
}

fn parse_date(field: &str, label: &str, text: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        invalid(
            field,
            &format!("{label} : saisissez une date (JJ/MM/AAAA)."),
        )
    })
}

/// Checks a line as typed. `cis_known` says whether the BDPM has the `cis`
/// given (the server asks its table; the page passes `true`).
pub fn check_line(input: &LineInput, cis_known: bool) -> Result<CheckedLine, AppError> {
    // With a spécialité, the BDPM's name is the one kept (the server
    // writes it); a preparation is its typed name.
    let drug = input.drug.trim();
    if drug.is_empty() && input.cis.trim().is_empty() {
        return Err(invalid(
            "drug",
            "Choisissez un médicament de la BDPM ou saisissez une préparation.",
        ));
    }
    if drug.chars().count() > MAX_DRUG {
        return Err(invalid("drug", "Le nom du médicament est trop long."));
    }
    let cis = match input.cis.trim() {
        "" => None,
        c if c.len() == 8 && c.chars().all(|ch| ch.is_ascii_digit()) && cis_known => {
            Some(c.to_string())
        }
        _ => {
            return Err(invalid(
                "drug",
                "Ce médicament n’est pas dans la BDPM importée.",
            ))
        }
    };
    let dose_milli = parse_quantity(&input.dose).ok_or_else(|| {
        invalid(
            "dose",
            "Dose : saisissez une quantité plus grande que 0 (par exemple 1 ou 0,5).",
        )
    })?;
    let unit = DoseUnit::parse(&input.unit)
        .ok_or_else(|| invalid("unit", "Choisissez l’unité de la dose."))?;
    let route = Route::parse(&input.route)
        .ok_or_else(|| invalid("route", "Choisissez la voie d’administration."))?;
    let mut slots = Vec::new();
    for s in &input.slots {
        let slot = Slot::parse(s).ok_or_else(|| invalid("slots", "Moment de prise inconnu."))?;
        if !slots.contains(&slot) {
            slots.push(slot);
        }
    }
    slots.sort();
    let mut times = Vec::new();
    for t in input.times.split([' ', ',', ';']).filter(|t| !t.is_empty()) {
        let time = NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| {
            invalid(
                "times",
                &format!("Heure « {t} » : saisissez des heures comme 08:00 20:00."),
            )
        })?;
        if !times.contains(&time) {
            times.push(time);
        }
    }
    times.sort();
    let recurrence = Recurrence::parse(&input.recurrence)
        .ok_or_else(|| invalid("recurrence", "Choisissez quels jours la ligne s’applique."))?;
    let mut weekdays: Vec<u8> = Vec::new();
    let mut every_n_days = None;
    match recurrence {
        Recurrence::TousLesJours => {}
        Recurrence::JoursSemaine => {
            for d in &input.weekdays {
                if !(1..=7).contains(d) {
                    return Err(invalid("weekdays", "Jour de la semaine inconnu."));
                }
                if !weekdays.contains(d) {
                    weekdays.push(*d);
                }
            }
            weekdays.sort_unstable();
            if weekdays.is_empty() {
                return Err(invalid(
                    "weekdays",
                    "Cochez au moins un jour de la semaine.",
                ));
            }
        }
        Recurrence::TousLesNJours => {
            let n: u16 = input
                .every_n_days
                .trim()
                .parse()
                .ok()
                .filter(|n| (2..=90).contains(n))
                .ok_or_else(|| {
                    invalid(
                        "every_n_days",
                        "Tous les N jours : saisissez un nombre de 2 à 90.",
                    )
                })?;
            every_n_days = Some(n);
        }
    }
    let starts_on = parse_date("starts_on", "Début", &input.starts_on)?;
    let ends_on = match input.ends_on.trim() {
        "" => None,
        t => Some(parse_date("ends_on", "Fin", t)?),
    };
    if ends_on.is_some_and(|end| end < starts_on) {
        return Err(invalid("ends_on", "La fin ne peut pas précéder le début."));
    }
    let as_needed = if input.as_needed {
        let indication = input.indication.trim();
        if indication.is_empty() {
            return Err(invalid(
                "indication",
                "Si besoin : précisez l’indication (par exemple « douleur »).",
            ));
        }
        if indication.chars().count() > MAX_INDICATION {
            return Err(invalid("indication", "L’indication est trop longue."));
        }
        let interval = parse_quantity(&input.min_interval_hours)
            .map(|milli| milli * 60 / 1000)
            .filter(|m| (15..=2880).contains(m))
            .ok_or_else(|| {
                invalid(
                    "min_interval_hours",
                    "Si besoin : saisissez l’intervalle minimum en heures (de 0,25 à 48).",
                )
            })?;
        let max: u8 = input
            .max_per_day
            .trim()
            .parse()
            .ok()
            .filter(|m| (1..=24).contains(m))
            .ok_or_else(|| {
                invalid(
                    "max_per_day",
                    "Si besoin : saisissez le nombre maximum de prises par 24 h (1 à 24).",
                )
            })?;
        Some(AsNeeded {
            indication: indication.to_string(),
            min_interval_minutes: interval,
            max_per_day: max,
        })
    } else {
        if slots.is_empty() && times.is_empty() {
            return Err(invalid(
                "slots",
                "Choisissez au moins un moment de prise (matin, midi, soir, coucher) ou une heure.",
            ));
        }
        None
    };
    let instructions = match input.instructions.trim() {
        "" => None,
        t if t.chars().count() > MAX_INSTRUCTIONS => {
            return Err(invalid("instructions", "Les consignes sont trop longues."))
        }
        t => Some(t.to_string()),
    };
    Ok(CheckedLine {
        id: input.id,
        cis,
        drug: drug.to_string(),
        dose_milli,
        unit,
        route,
        schedule: Schedule {
            slots,
            times,
            recurrence,
            weekdays,
            every_n_days,
            starts_on,
            ends_on,
        },
        as_needed,
        instructions,
        aide_prise: input.aide_prise,
        high_risk: input.high_risk,
    })
}

/// Lower case without accents, for comparing a substance typed in an
/// allergy with the name and substances of a drug.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ÿ' => 'y',
            'œ' => 'o',
            c => c,
        })
        .collect()
}

/// The allergies in force (their substances as typed) that a drug matches:
/// an allergy's substance found in the drug's name or one of its
/// substances ("pénicilline" matches "AMOXICILLINE" only if typed so; a
/// class of drugs is the prescriber's to judge).
pub fn allergy_matches(allergies: &[String], drug: &str, substances: &[String]) -> Vec<String> {
    let haystack: Vec<String> = std::iter::once(drug)
        .chain(substances.iter().map(String::as_str))
        .map(fold)
        .collect();
    allergies
        .iter()
        .filter(|a| {
            let needle = fold(a.trim());
            needle.chars().count() >= 3 && haystack.iter().any(|h| h.contains(&needle))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line() -> LineInput {
        LineInput {
            id: Uuid::nil(),
            cis: "60234100".into(),
            drug: "DOLIPRANE 500 mg, comprimé".into(),
            dose: "1".into(),
            unit: "comprime".into(),
            route: "orale".into(),
            slots: vec!["soir".into(), "matin".into()],
            recurrence: "tous_les_jours".into(),
            starts_on: "2026-12-01".into(),
            ..LineInput::default()
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn quantities_are_exact_and_french() {
        assert_eq!(parse_quantity("1"), Some(1000));
        assert_eq!(parse_quantity("0,5"), Some(500));
        assert_eq!(parse_quantity("2.25"), Some(2250));
        assert_eq!(parse_quantity(",5"), Some(500));
        for bad in ["", "0", "abc", "-1", "1,2345", "1e3", "1,2,3", "999999"] {
            assert_eq!(parse_quantity(bad), None, "{bad}");
        }
        assert_eq!(format_quantity(500), "0,5");
        assert_eq!(format_quantity(2000), "2");
        assert_eq!(format_quantity(1250), "1,25");
    }

    #[test]
    fn a_good_line_passes_with_its_slots_in_order() {
        let c = check_line(&line(), true).unwrap();
        assert_eq!(c.schedule.slots, vec![Slot::Matin, Slot::Soir]);
        assert_eq!(c.dose_milli, 1000);
        assert_eq!(c.schedule.describe(), "Matin, Soir — tous les jours");
    }

    #[test]
    fn bad_lines_get_a_french_sentence_on_their_field() {
        let field = |l: LineInput| match check_line(&l, true) {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(LineInput {
                dose: "0".into(),
                ..line()
            }),
            "dose"
        );
        assert_eq!(
            field(LineInput {
                dose: "abc".into(),
                ..line()
            }),
            "dose"
        );
        assert_eq!(
            field(LineInput {
                ends_on: "2026-11-30".into(),
                ..line()
            }),
            "ends_on"
        );
        assert_eq!(
            field(LineInput {
                slots: vec![],
                ..line()
            }),
            "slots"
        );
        assert_eq!(
            field(LineInput {
                times: "25:00".into(),
                slots: vec![],
                ..line()
            }),
            "times"
        );
        assert_eq!(
            field(LineInput {
                unit: "litre".into(),
                ..line()
            }),
            "unit"
        );
        assert_eq!(
            field(LineInput {
                recurrence: "jours_semaine".into(),
                ..line()
            }),
            "weekdays"
        );
        assert_eq!(
            field(LineInput {
                as_needed: true,
                ..line()
            }),
            "indication"
        );
        assert_eq!(
            field(LineInput {
                as_needed: true,
                indication: "douleur".into(),
                min_interval_hours: "4".into(),
                ..line()
            }),
            "max_per_day"
        );
        assert_eq!(
            field(LineInput {
                cis: "".into(),
                drug: " ".into(),
                ..line()
            }),
            "drug"
        );
        // A cis the BDPM does not have.
        assert!(check_line(&line(), false).is_err());
    }

    #[test]
    fn a_si_besoin_line_needs_no_slot_and_keeps_its_limits() {
        let c = check_line(
            &LineInput {
                slots: vec![],
                as_needed: true,
                indication: "Douleur".into(),
                min_interval_hours: "6".into(),
                max_per_day: "4".into(),
                ..line()
            },
            true,
        )
        .unwrap();
        assert_eq!(
            c.as_needed,
            Some(AsNeeded {
                indication: "Douleur".into(),
                min_interval_minutes: 360,
                max_per_day: 4
            })
        );
    }

    #[test]
    fn due_days_follow_the_recurrence_and_the_period() {
        let every = check_line(
            &LineInput {
                ends_on: "2026-12-10".into(),
                ..line()
            },
            true,
        )
        .unwrap();
        assert!(!every.schedule.due_on(d("2026-11-30")));
        assert!(every.schedule.due_on(d("2026-12-01")));
        assert!(every.schedule.due_on(d("2026-12-10")));
        assert!(!every.schedule.due_on(d("2026-12-11")));
        // 2026-12-07 is a Monday.
        let mondays = check_line(
            &LineInput {
                recurrence: "jours_semaine".into(),
                weekdays: vec![1, 4],
                ..line()
            },
            true,
        )
        .unwrap();
        assert!(mondays.schedule.due_on(d("2026-12-07")));
        assert!(mondays.schedule.due_on(d("2026-12-10")));
        assert!(!mondays.schedule.due_on(d("2026-12-08")));
        assert_eq!(mondays.schedule.describe(), "Matin, Soir — lundi, jeudi");
        let third = check_line(
            &LineInput {
                recurrence: "tous_les_n_jours".into(),
                every_n_days: "3".into(),
                ..line()
            },
            true,
        )
        .unwrap();
        assert!(third.schedule.due_on(d("2026-12-01")));
        assert!(!third.schedule.due_on(d("2026-12-02")));
        assert!(third.schedule.due_on(d("2026-12-04")));
    }

    #[test]
    fn allergies_match_names_and_substances_without_accents() {
        let allergies = vec![
            "Pénicilline".to_string(),
            "paracétamol".to_string(),
            "l".to_string(),
        ];
        let m = allergy_matches(
            &allergies,
            "DOLIPRANE 500 mg",
            &["PARACETAMOL 500 mg".into()],
        );
        assert_eq!(m, vec!["paracétamol".to_string()]);
        assert!(allergy_matches(&allergies, "KEPPRA", &["LÉVÉTIRACÉTAM".into()]).is_empty());
    }

    #[test]
    fn a_round_holds_its_slot_and_the_times_that_fall_in_it() {
        let t = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").unwrap();
        assert_eq!(Slot::of_time(t("07:30")), Slot::Matin);
        assert_eq!(Slot::of_time(t("10:00")), Slot::Midi);
        assert_eq!(Slot::of_time(t("14:59")), Slot::Midi);
        assert_eq!(Slot::of_time(t("19:00")), Slot::Soir);
        assert_eq!(Slot::of_time(t("22:00")), Slot::Coucher);
        let line = check_line(
            &LineInput {
                slots: vec!["midi".into()],
                times: "13:30 20:00".into(),
                ..line()
            },
            true,
        )
        .unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(
            line.schedule.doses_in(day, Slot::Midi),
            vec![
                ("midi".to_string(), t("12:00")),
                ("13:30".to_string(), t("13:30"))
            ]
        );
        assert_eq!(
            line.schedule.doses_in(day, Slot::Coucher),
            vec![("20:00".to_string(), t("20:00"))]
        );
        assert!(line.schedule.doses_in(day, Slot::Matin).is_empty());
        let before = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        assert!(line.schedule.doses_in(before, Slot::Midi).is_empty());
    }
}
