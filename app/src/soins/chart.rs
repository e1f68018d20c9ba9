//! A measure's chart: the points of a period placed in an SVG box, with
//! the usual range shaded. Pure (the server draws the SVG, which then
//! works without JavaScript and prints).

use serde::{Deserialize, Serialize};

/// The measures that have a chart: (field, label, unit).
pub const CHARTED: &[(&str, &str, &str)] = &[
    ("temperature", "Température", "°C"),
    ("pulse", "Pouls", "/min"),
    ("systolic", "Tension systolique", "mmHg"),
    ("diastolic", "Tension diastolique", "mmHg"),
    ("spo2", "SpO₂", "%"),
    ("respiratory_rate", "Fréquence respiratoire", "/min"),
    ("weight", "Poids", "kg"),
    ("glucose", "Glycémie", "g/L"),
    ("pain_self", "Douleur (EVA/EN)", "/10"),
    ("pain_algoplus", "Douleur observée (Algoplus)", "/5"),
];

/// The periods offered, in days.
pub const PERIODS: &[(u32, &str)] = &[(7, "7 jours"), (30, "30 jours"), (365, "1 an")];

/// One value at one time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Seconds since the start of the period.
    pub at: i64,
    /// "03/12/2026 à 08:15".
    pub when: String,
    pub value: f32,
}

/// A chart as sent to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub field: String,
    pub label: String,
    pub unit: String,
    pub days: u32,
    /// "du 03/11/2026 au 03/12/2026".
    pub period: String,
    pub usual: Option<(f32, f32)>,
    /// Oldest first.
    pub points: Vec<Point>,
}

/// The drawing box.
pub const WIDTH: f32 = 720.0;
pub const HEIGHT: f32 = 240.0;
pub const MARGIN: f32 = 40.0;

/// Placement of a chart's values: y bounds with some room, and where a
/// point or a value falls.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub low: f32,
    pub high: f32,
    pub seconds: i64,
}

impl Scale {
    pub fn of(c: &Chart) -> Scale {
        let values = c.points.iter().map(|p| p.value);
        let (mut low, mut high) =
            values.fold((f32::MAX, f32::MIN), |(l, h), v| (l.min(v), h.max(v)));
        if let Some((a, b)) = c.usual {
            low = low.min(a);
            high = high.max(b);
        }
        if low > high {
            (low, high) = (0.0, 1.0);
        }
        let room = ((high - low) * 0.1).max(0.5);
        Scale {
            low: low - room,
            high: high + room,
            seconds: i64::from(c.days) * 86_400,
        }
    }

    pub fn x(&self, at: i64) -> f32 {
        MARGIN + (WIDTH - 2.0 * MARGIN) * (at.clamp(0, self.seconds) as f32 / self.seconds as f32)
    }

    pub fn y(&self, value: f32) -> f32 {
        HEIGHT - MARGIN - (HEIGHT - 2.0 * MARGIN) * ((value - self.low) / (self.high - self.low))
    }
}

/// The label of a charted field.
pub fn charted(field: &str) -> Option<(&'static str, &'static str, &'static str)> {
    CHARTED.iter().copied().find(|(f, _, _)| *f == field)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(values: &[f32]) -> Chart {
        Chart {
            field: "temperature".into(),
            label: "Température".into(),
            unit: "°C".into(),
            days: 7,
            period: String::new(),
            usual: Some((35.5, 38.0)),
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| Point {
                    at: i as i64 * 86_400,
                    when: String::new(),
                    value: *v,
                })
                .collect(),
        }
    }

    #[test]
    fn the_usual_range_and_every_point_are_inside_the_box() {
        let c = chart(&[36.5, 39.4, 37.0]);
        let s = Scale::of(&c);
        assert!(s.low < 35.5 && s.high > 39.4);
        for p in &c.points {
            let (x, y) = (s.x(p.at), s.y(p.value));
            assert!((MARGIN..=WIDTH - MARGIN).contains(&x));
            assert!((MARGIN..=HEIGHT - MARGIN).contains(&y));
        }
        assert!(s.y(39.4) < s.y(36.5), "higher values are drawn higher");
        assert_eq!(s.x(0), MARGIN);
        assert_eq!(s.x(7 * 86_400), WIDTH - MARGIN);
    }

    #[test]
    fn an_empty_chart_still_has_a_scale() {
        let mut c = chart(&[]);
        c.usual = None;
        let s = Scale::of(&c);
        assert!(s.high > s.low);
        assert_eq!(charted("pulse").unwrap().1, "Pouls");
        assert!(charted("password").is_none());
    }
}
