//! NEWS2 (National Early Warning Score 2, Royal College of Physicians,
//! 2017): a score per physiological parameter, their total, and whether
//! the set must raise an alert (total ≥ 5, or one parameter scoring 3).
//! Compiled for both sides: the page shows the score as the set is typed.

use super::Consciousness;
use serde::{Deserialize, Serialize};

/// The SpO₂ scale: 2 for a person with hypercapnic respiratory failure
/// whose prescribed target is 88–92 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Spo2Scale {
    #[default]
    Scale1,
    Scale2,
}

/// The parameters NEWS2 reads, all present.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct News2Input {
    pub respiratory_rate: i32,
    pub spo2: i32,
    pub scale: Spo2Scale,
    pub on_oxygen: bool,
    pub systolic: i32,
    pub pulse: i32,
    pub consciousness: Consciousness,
    pub temperature: f32,
}

/// The score of each parameter and the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct News2 {
    pub respiratory_rate: u8,
    pub spo2: u8,
    pub oxygen: u8,
    pub systolic: u8,
    pub pulse: u8,
    pub consciousness: u8,
    pub temperature: u8,
    pub total: u8,
}

/// The clinical risk the RCP names for a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Risk {
    Low,
    /// A single parameter at 3 with a total below 5.
    LowMedium,
    Medium,
    High,
}

impl News2 {
    pub fn of(i: &News2Input) -> News2 {
        let respiratory_rate = match i.respiratory_rate {
            ..=8 => 3,
            9..=11 => 1,
            12..=20 => 0,
            21..=24 => 2,
            _ => 3,
        };
        let spo2 = match i.scale {
            Spo2Scale::Scale1 => match i.spo2 {
                ..=91 => 3,
                92..=93 => 2,
                94..=95 => 1,
                _ => 0,
            },
            Spo2Scale::Scale2 => match (i.spo2, i.on_oxygen) {
                (..=83, _) => 3,
                (84..=85, _) => 2,
                (86..=87, _) => 1,
                (88..=92, _) | (_, false) => 0,
                (93..=94, true) => 1,
                (95..=96, true) => 2,
                (_, true) => 3,
            },
        };
        let oxygen = if i.on_oxygen { 2 } else { 0 };
        let systolic = match i.systolic {
            ..=90 => 3,
            91..=100 => 2,
            101..=110 => 1,
            111..=219 => 0,
            _ => 3,
        };
        let pulse = match i.pulse {
            ..=40 => 3,
            41..=50 => 1,
            51..=90 => 0,
            91..=110 => 1,
            111..=130 => 2,
            _ => 3,
        };
        let consciousness = if i.consciousness == Consciousness::Alerte {
            0
        } else {
            3
        };
        // Tenths of a degree, so that 38.0 and 38.1 fall where the chart says.
        let temperature = match (i.temperature * 10.0).round() as i32 {
            ..=350 => 3,
            351..=360 => 1,
            361..=380 => 0,
            381..=390 => 1,
            _ => 2,
        };
        News2 {
            respiratory_rate,
            spo2,
            oxygen,
            systolic,
            pulse,
            consciousness,
            temperature,
            total: respiratory_rate
                + spo2
                + oxygen
                + systolic
                + pulse
                + consciousness
                + temperature,
        }
    }

    fn any_three(&self) -> bool {
        [
            self.respiratory_rate,
            self.spo2,
            self.systolic,
            self.pulse,
            self.consciousness,
            self.temperature,
        ]
        .contains(&3)
    }

    /// Total ≥ 5 or one parameter at 3: the team must be told.
    pub fn alerts(&self) -> bool {
        self.total >= 5 || self.any_three()
    }

    pub fn risk(&self) -> Risk {
        match self.total {
            7.. => Risk::High,
            5..=6 => Risk::Medium,
            _ if self.any_three() => Risk::LowMedium,
            _ => Risk::Low,
        }
    }

    /// "NEWS2 7 : risque élevé".
    pub fn label(&self) -> String {
        let risk = match self.risk() {
            Risk::Low => "risque faible",
            Risk::LowMedium => "un paramètre à 3 : avis rapide",
            Risk::Medium => "risque moyen : avis urgent",
            Risk::High => "risque élevé : avis médical en urgence",
        };
        format!("NEWS2 {} : {risk}", self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normal() -> News2Input {
        News2Input {
            respiratory_rate: 16,
            spo2: 97,
            scale: Spo2Scale::Scale1,
            on_oxygen: false,
            systolic: 125,
            pulse: 72,
            consciousness: Consciousness::Alerte,
            temperature: 36.8,
        }
    }

    #[test]
    fn a_healthy_set_scores_zero() {
        let s = News2::of(&normal());
        assert_eq!(s.total, 0);
        assert!(!s.alerts());
        assert_eq!(s.risk(), Risk::Low);
    }

    #[test]
    fn the_rcp_worked_cases() {
        // RR 22 (2), SpO2 94 (1), air (0), SBP 105 (1), pulse 105 (1),
        // alert (0), 38.4 °C (1): total 6, medium.
        let s = News2::of(&News2Input {
            respiratory_rate: 22,
            spo2: 94,
            systolic: 105,
            pulse: 105,
            temperature: 38.4,
            ..normal()
        });
        assert_eq!(s.total, 6);
        assert_eq!(s.risk(), Risk::Medium);
        assert!(s.alerts());

        // New confusion alone: 3, an alert below 5.
        let s = News2::of(&News2Input {
            consciousness: Consciousness::Confusion,
            ..normal()
        });
        assert_eq!((s.total, s.risk()), (3, Risk::LowMedium));
        assert!(s.alerts());

        // Septic picture: RR 26 (3), SpO2 91 on O2 (3 + 2), SBP 88 (3),
        // pulse 135 (3), voice (3), 39.5 °C (2): 19.
        let s = News2::of(&News2Input {
            respiratory_rate: 26,
            spo2: 91,
            on_oxygen: true,
            systolic: 88,
            pulse: 135,
            consciousness: Consciousness::Voix,
            temperature: 39.5,
            ..normal()
        });
        assert_eq!(s.total, 19);
        assert_eq!(s.risk(), Risk::High);
    }

    #[test]
    fn the_bounds_of_each_band() {
        let t = |temperature| {
            News2::of(&News2Input {
                temperature,
                ..normal()
            })
            .temperature
        };
        assert_eq!(
            [
                t(35.0),
                t(35.1),
                t(36.0),
                t(36.1),
                t(38.0),
                t(38.1),
                t(39.0),
                t(39.1)
            ],
            [3, 1, 1, 0, 0, 1, 1, 2]
        );
        let p = |pulse| News2::of(&News2Input { pulse, ..normal() }).pulse;
        assert_eq!(
            [
                p(40),
                p(41),
                p(50),
                p(51),
                p(90),
                p(91),
                p(110),
                p(111),
                p(130),
                p(131)
            ],
            [3, 1, 1, 0, 0, 1, 1, 2, 2, 3]
        );
        let b = |systolic| {
            News2::of(&News2Input {
                systolic,
                ..normal()
            })
            .systolic
        };
        assert_eq!(
            [b(90), b(91), b(100), b(101), b(110), b(111), b(219), b(220)],
            [3, 2, 2, 1, 1, 0, 0, 3]
        );
        let r = |respiratory_rate| {
            News2::of(&News2Input {
                respiratory_rate,
                ..normal()
            })
            .respiratory_rate
        };
        assert_eq!(
            [r(8), r(9), r(11), r(12), r(20), r(21), r(24), r(25)],
            [3, 1, 1, 0, 0, 2, 2, 3]
        );
    }

    #[test]
    fn scale_2_spares_a_person_whose_target_is_88_to_92() {
        let s2 = |spo2, on_oxygen| {
            News2::of(&News2Input {
                spo2,
                on_oxygen,
                scale: Spo2Scale::Scale2,
                ..normal()
            })
            .spo2
        };
        assert_eq!(
            [
                s2(83, false),
                s2(85, false),
                s2(87, false),
                s2(90, false),
                s2(97, false)
            ],
            [3, 2, 1, 0, 0]
        );
        assert_eq!(
            [s2(92, true), s2(93, true), s2(95, true), s2(97, true)],
            [0, 1, 2, 3]
        );
        // On scale 1 the same 90 % scores 3.
        assert_eq!(
            News2::of(&News2Input {
                spo2: 90,
                ..normal()
            })
            .spo2,
            3
        );
    }
}
