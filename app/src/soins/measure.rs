//! A set of measures as typed on a tablet, checked: impossible values are
//! refused with a French message, unusual but possible ones accepted and
//! flagged. Compiled for both sides (the page checks as one types, the
//! server decides).

use super::news2::{News2, News2Input, Spo2Scale};
use super::{Consciousness, MeasureInput, Sleep, Stool};
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// A checked set; every measure is optional, at least one is present.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Measures {
    pub systolic: Option<i32>,
    pub diastolic: Option<i32>,
    pub pulse: Option<i32>,
    pub temperature: Option<f32>,
    pub spo2: Option<i32>,
    pub on_oxygen: bool,
    pub spo2_scale: Spo2Scale,
    pub respiratory_rate: Option<i32>,
    pub consciousness: Option<Consciousness>,
    pub weight: Option<f32>,
    pub height: Option<i32>,
    pub glucose: Option<f32>,
    /// EVA / EN, 0–10, said by the person.
    pub pain_self: Option<i32>,
    /// Algoplus, 0–5, observed by the professional.
    pub pain_algoplus: Option<i32>,
    /// Daily follow-ups.
    #[serde(default)]
    pub stool: Option<Stool>,
    #[serde(default)]
    pub fluid_ml: Option<i32>,
    #[serde(default)]
    pub sleep: Option<Sleep>,
}

/// One measure's bounds: outside `possible` refused, outside `usual` flagged.
struct Bounds {
    field: &'static str,
    label: &'static str,
    unit: &'static str,
    possible: (f32, f32),
    usual: (f32, f32),
}

const SYSTOLIC: Bounds = Bounds {
    field: "systolic",
    label: "Tension systolique",
    unit: "mmHg",
    possible: (40.0, 300.0),
    usual: (90.0, 160.0),
};
const DIASTOLIC: Bounds = Bounds {
    field: "diastolic",
    label: "Tension diastolique",
    unit: "mmHg",
    possible: (20.0, 200.0),
    usual: (50.0, 100.0),
};
const PULSE: Bounds = Bounds {
    field: "pulse",
    label: "Pouls",
    unit: "/min",
    possible: (20.0, 250.0),
    usual: (50.0, 110.0),
};
const TEMPERATURE: Bounds = Bounds {
    field: "temperature",
    label: "Température",
    unit: "°C",
    possible: (30.0, 44.0),
    usual: (35.5, 38.0),
};
const SPO2: Bounds = Bounds {
    field: "spo2",
    label: "Saturation (SpO₂)",
    unit: "%",
    possible: (50.0, 100.0),
    usual: (94.0, 100.0),
};
const RESPIRATORY: Bounds = Bounds {
    field: "respiratory_rate",
    label: "Fréquence respiratoire",
    unit: "/min",
    possible: (3.0, 70.0),
    usual: (12.0, 20.0),
};
const WEIGHT: Bounds = Bounds {
    field: "weight",
    label: "Poids",
    unit: "kg",
    possible: (2.0, 350.0),
    usual: (35.0, 150.0),
};
const HEIGHT: Bounds = Bounds {
    field: "height",
    label: "Taille",
    unit: "cm",
    possible: (40.0, 250.0),
    usual: (130.0, 205.0),
};
const GLUCOSE: Bounds = Bounds {
    field: "glucose",
    label: "Glycémie",
    unit: "g/L",
    possible: (0.1, 8.0),
    usual: (0.7, 1.8),
};
const PAIN_SELF: Bounds = Bounds {
    field: "pain_self",
    label: "Douleur (EVA/EN)",
    unit: "/10",
    possible: (0.0, 10.0),
    usual: (0.0, 3.0),
};
const ALGOPLUS: Bounds = Bounds {
    field: "pain_algoplus",
    label: "Douleur observée (Algoplus)",
    unit: "/5",
    possible: (0.0, 5.0),
    usual: (0.0, 1.0),
};

/// The normal range of a measure's chart, `(low, high)`, by field name.
pub fn usual_range(field: &str) -> Option<(f32, f32)> {
    ALL.iter().find(|b| b.field == field).map(|b| b.usual)
}

const FLUID: Bounds = Bounds {
    field: "fluid_ml",
    label: "Boissons",
    unit: "mL",
    possible: (0.0, 10000.0),
    usual: (0.0, 10000.0),
};

const ALL: [&Bounds; 11] = [
    &SYSTOLIC,
    &DIASTOLIC,
    &PULSE,
    &TEMPERATURE,
    &SPO2,
    &RESPIRATORY,
    &WEIGHT,
    &HEIGHT,
    &GLUCOSE,
    &PAIN_SELF,
    &ALGOPLUS,
];

fn number(b: &Bounds, text: &str, decimals: bool) -> Result<Option<f32>, AppError> {
    let t = text.trim().replace(',', ".");
    if t.is_empty() {
        return Ok(None);
    }
    let v: f32 = t
        .parse()
        .ok()
        .filter(|v: &f32| v.is_finite() && (decimals || v.fract() == 0.0))
        .ok_or_else(|| {
            AppError::invalid(
                b.field,
                &format!(
                    "{} : saisissez un nombre{} ({}).",
                    b.label,
                    if decimals { "" } else { " entier" },
                    b.unit
                ),
            )
        })?;
    if v < b.possible.0 || v > b.possible.1 {
        return Err(AppError::invalid(
            b.field,
            &format!(
                "{} : {} {} n’est pas une valeur possible (entre {} et {}).",
                b.label,
                t.replace('.', ","),
                b.unit,
                fr(b.possible.0),
                fr(b.possible.1)
            ),
        ));
    }
    Ok(Some(v))
}

fn fr(v: f32) -> String {
    format!("{v}").replace('.', ",")
}

fn int(b: &Bounds, text: &str) -> Result<Option<i32>, AppError> {
    Ok(number(b, text, false)?.map(|v| v as i32))
}

impl Measures {
    pub fn parse(i: &MeasureInput) -> Result<Measures, AppError> {
        let m = Measures {
            systolic: int(&SYSTOLIC, &i.systolic)?,
            diastolic: int(&DIASTOLIC, &i.diastolic)?,
            pulse: int(&PULSE, &i.pulse)?,
            temperature: number(&TEMPERATURE, &i.temperature, true)?,
            spo2: int(&SPO2, &i.spo2)?,
            on_oxygen: i.on_oxygen,
            spo2_scale: if i.spo2_scale_2 {
                Spo2Scale::Scale2
            } else {
                Spo2Scale::Scale1
            },
            respiratory_rate: int(&RESPIRATORY, &i.respiratory_rate)?,
            consciousness: match i.consciousness.trim() {
                "" => None,
                code => Some(Consciousness::parse(code).ok_or_else(|| {
                    AppError::invalid("consciousness", "Conscience : choisissez A, C, V, P ou U.")
                })?),
            },
            weight: number(&WEIGHT, &i.weight, true)?,
            height: int(&HEIGHT, &i.height)?,
            glucose: number(&GLUCOSE, &i.glucose, true)?,
            pain_self: int(&PAIN_SELF, &i.pain_self)?,
            pain_algoplus: int(&ALGOPLUS, &i.pain_algoplus)?,
            stool: match i.stool.trim() {
                "" => None,
                code => Some(Stool::parse(code).ok_or_else(|| {
                    AppError::invalid("stool", "Selles : choisissez dans la liste.")
                })?),
            },
            fluid_ml: int(&FLUID, &i.fluid_ml)?,
            sleep: match i.sleep.trim() {
                "" => None,
                code => Some(Sleep::parse(code).ok_or_else(|| {
                    AppError::invalid("sleep", "Sommeil : choisissez dans la liste.")
                })?),
            },
        };
        match (m.systolic, m.diastolic) {
            (Some(s), Some(d)) if s <= d => {
                return Err(AppError::invalid(
                    "diastolic",
                    &format!(
                    "Tension : la systolique ({s}) doit être plus haute que la diastolique ({d})."
                ),
                ))
            }
            (Some(_), None) | (None, Some(_)) => {
                return Err(AppError::invalid(
                    "diastolic",
                    "Tension : saisissez la systolique et la diastolique.",
                ))
            }
            _ => {}
        }
        // The two ticks alone are not a measure.
        let ticks_only = Measures {
            on_oxygen: m.on_oxygen,
            spo2_scale: m.spo2_scale,
            ..Default::default()
        };
        if m == ticks_only {
            return Err(AppError::invalid(
                "mesures",
                "Saisissez au moins une mesure.",
            ));
        }
        Ok(m)
    }

    /// The measures outside their usual range, e.g. "Pouls 128 /min".
    pub fn unusual(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |b: &Bounds, v: Option<f32>| {
            if let Some(v) = v {
                if v < b.usual.0 || v > b.usual.1 {
                    out.push(format!("{} {} {}", b.label, fr(v), b.unit));
                }
            }
        };
        check(&SYSTOLIC, self.systolic.map(|v| v as f32));
        check(&DIASTOLIC, self.diastolic.map(|v| v as f32));
        check(&PULSE, self.pulse.map(|v| v as f32));
        check(&TEMPERATURE, self.temperature);
        if self.spo2_scale == Spo2Scale::Scale1 {
            check(&SPO2, self.spo2.map(|v| v as f32));
        }
        check(&RESPIRATORY, self.respiratory_rate.map(|v| v as f32));
        check(&GLUCOSE, self.glucose);
        check(&PAIN_SELF, self.pain_self.map(|v| v as f32));
        check(&ALGOPLUS, self.pain_algoplus.map(|v| v as f32));
        out
    }

    /// The set in a line: "TA 125/80, pouls 72 /min, T 36,8 °C".
    pub fn summary(&self) -> String {
        let mut out = Vec::new();
        if let (Some(s), Some(d)) = (self.systolic, self.diastolic) {
            out.push(format!("TA {s}/{d}"));
        }
        let mut push = |label: &str, v: Option<String>, unit: &str| {
            if let Some(v) = v {
                out.push(format!("{label} {v}{unit}"));
            }
        };
        push("pouls", self.pulse.map(|v| v.to_string()), " /min");
        push("T", self.temperature.map(fr), " °C");
        push("SpO₂", self.spo2.map(|v| v.to_string()), " %");
        push("FR", self.respiratory_rate.map(|v| v.to_string()), " /min");
        push(
            "conscience",
            self.consciousness.map(|c| c.code().to_string()),
            "",
        );
        push("poids", self.weight.map(fr), " kg");
        push("taille", self.height.map(|v| v.to_string()), " cm");
        push("glycémie", self.glucose.map(fr), " g/L");
        push("douleur", self.pain_self.map(|v| v.to_string()), "/10");
        push("Algoplus", self.pain_algoplus.map(|v| v.to_string()), "/5");
        push("selles", self.stool.map(|v| v.label().to_lowercase()), "");
        push("boissons", self.fluid_ml.map(|v| v.to_string()), " mL");
        push("sommeil", self.sleep.map(|v| v.label().to_lowercase()), "");
        out.join(", ")
    }

    /// NEWS2, when the set holds its six parameters.
    pub fn news2(&self) -> Option<News2> {
        Some(News2::of(&News2Input {
            respiratory_rate: self.respiratory_rate?,
            spo2: self.spo2?,
            scale: self.spo2_scale,
            on_oxygen: self.on_oxygen,
            systolic: self.systolic?,
            pulse: self.pulse?,
            consciousness: self.consciousness?,
            temperature: self.temperature?,
        }))
    }

    /// Body mass index from this weight and a height in cm.
    pub fn bmi(weight: f32, height_cm: i32) -> f32 {
        let m = height_cm as f32 / 100.0;
        (weight / (m * m) * 10.0).round() / 10.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> MeasureInput {
        MeasureInput {
            systolic: "125".into(),
            diastolic: "80".into(),
            pulse: "72".into(),
            temperature: "36,8".into(),
            spo2: "97".into(),
            respiratory_rate: "16".into(),
            consciousness: "A".into(),
            ..Default::default()
        }
    }

    fn refused(i: MeasureInput) -> String {
        match Measures::parse(&i) {
            Err(AppError::Invalid { reason, .. }) => reason,
            other => panic!("accepted: {other:?}"),
        }
    }

    #[test]
    fn a_normal_set_is_accepted_scored_and_not_flagged() {
        let m = Measures::parse(&input()).unwrap();
        assert_eq!(m.temperature, Some(36.8));
        assert!(m.unusual().is_empty());
        assert_eq!(m.news2().unwrap().total, 0);
    }

    #[test]
    fn impossible_values_are_refused_in_french() {
        let r = refused(MeasureInput {
            temperature: "60".into(),
            ..input()
        });
        assert!(
            r.contains("Température") && r.contains("pas une valeur possible"),
            "{r}"
        );
        let r = refused(MeasureInput {
            systolic: "70".into(),
            diastolic: "90".into(),
            ..input()
        });
        assert!(r.contains("plus haute que la diastolique"), "{r}");
        let r = refused(MeasureInput {
            pulse: "abc".into(),
            ..input()
        });
        assert!(r.contains("Pouls : saisissez un nombre entier"), "{r}");
        let r = refused(MeasureInput {
            pulse: "72.5".into(),
            ..input()
        });
        assert!(r.contains("entier"), "{r}");
        let r = refused(MeasureInput {
            systolic: "".into(),
            ..input()
        });
        assert!(r.contains("systolique et la diastolique"), "{r}");
        let r = refused(MeasureInput {
            consciousness: "Z".into(),
            ..input()
        });
        assert!(r.contains("Conscience"), "{r}");
        let r = refused(MeasureInput {
            pain_algoplus: "6".into(),
            ..Default::default()
        });
        assert!(r.contains("Algoplus"), "{r}");
        let r = refused(MeasureInput {
            on_oxygen: true,
            ..Default::default()
        });
        assert!(r.contains("au moins une mesure"), "{r}");
        let r = refused(MeasureInput {
            temperature: "NaN".into(),
            ..input()
        });
        assert!(r.contains("nombre"), "{r}");
    }

    #[test]
    fn daily_follow_ups_alone_are_a_set() {
        let m = Measures::parse(&MeasureInput {
            stool: "molles".into(),
            fluid_ml: "1500".into(),
            sleep: "agite".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            (m.stool, m.fluid_ml, m.sleep),
            (Some(Stool::Molles), Some(1500), Some(Sleep::Agite))
        );
        assert!(m.news2().is_none() && m.unusual().is_empty());
        let r = refused(MeasureInput {
            stool: "bleues".into(),
            ..Default::default()
        });
        assert!(r.contains("Selles"), "{r}");
        let r = refused(MeasureInput {
            fluid_ml: "20000".into(),
            ..Default::default()
        });
        assert!(r.contains("Boissons"), "{r}");
    }

    #[test]
    fn unusual_values_are_accepted_and_flagged() {
        let m = Measures::parse(&MeasureInput {
            pulse: "128".into(),
            temperature: "38,6".into(),
            ..input()
        })
        .unwrap();
        assert_eq!(m.unusual(), vec!["Pouls 128 /min", "Température 38,6 °C"]);
        assert!(m.news2().unwrap().total >= 3);
    }

    #[test]
    fn news2_needs_its_six_parameters_and_bmi_the_height() {
        let m = Measures::parse(&MeasureInput {
            weight: "70".into(),
            ..Default::default()
        })
        .unwrap();
        assert!(m.news2().is_none());
        assert_eq!(Measures::bmi(70.0, 175), 22.9);
        assert_eq!(usual_range("temperature"), Some((35.5, 38.0)));
    }
}
