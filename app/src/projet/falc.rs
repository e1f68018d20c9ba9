//! The easy-to-read (FALC) side of a project: the shipped pictogram set
//! (one picture per idea, the same everywhere: the page, the PDF and the
//! person's portal) and checks of a FALC text against the European
//! easy-to-read rules that a program can see.

/// A stroke of a pictogram, in a 24 × 24 box (stroke width 2, round ends).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    Circle {
        cx: f32,
        cy: f32,
        r: f32,
    },
    /// Open (false) or closed (true) polyline.
    Poly(&'static [(f32, f32)], bool),
}

pub struct Pictogram {
    pub key: &'static str,
    /// The idea, in French (also the image's text alternative).
    pub label: &'static str,
    pub shapes: &'static [Shape],
}

use Shape::{Circle, Poly};

/// The shipped set: one homogeneous line style.
pub const PICTOGRAMS: &[Pictogram] = &[
    Pictogram {
        key: "maison",
        label: "Ma maison",
        shapes: &[
            Poly(&[(3.0, 11.0), (12.0, 3.0), (21.0, 11.0)], false),
            Poly(
                &[(5.0, 10.0), (5.0, 21.0), (19.0, 21.0), (19.0, 10.0)],
                false,
            ),
            Poly(
                &[(10.0, 21.0), (10.0, 15.0), (14.0, 15.0), (14.0, 21.0)],
                false,
            ),
        ],
    },
    Pictogram {
        key: "travail",
        label: "Le travail",
        shapes: &[
            Poly(&[(3.0, 8.0), (21.0, 8.0), (21.0, 20.0), (3.0, 20.0)], true),
            Poly(&[(9.0, 8.0), (9.0, 5.0), (15.0, 5.0), (15.0, 8.0)], false),
            Poly(&[(3.0, 13.0), (21.0, 13.0)], false),
        ],
    },
    Pictogram {
        key: "sante",
        label: "La santé",
        shapes: &[
            Circle {
                cx: 12.0,
                cy: 12.0,
                r: 9.0,
            },
            Poly(&[(12.0, 7.0), (12.0, 17.0)], false),
            Poly(&[(7.0, 12.0), (17.0, 12.0)], false),
        ],
    },
    Pictogram {
        key: "repas",
        label: "Les repas",
        shapes: &[
            Circle {
                cx: 13.0,
                cy: 13.0,
                r: 6.0,
            },
            Poly(&[(3.0, 4.0), (3.0, 9.0), (5.0, 11.0), (5.0, 21.0)], false),
            Poly(&[(7.0, 4.0), (7.0, 9.0), (5.0, 11.0)], false),
            Poly(&[(21.0, 4.0), (21.0, 21.0)], false),
        ],
    },
    Pictogram {
        key: "amis",
        label: "Les amis",
        shapes: &[
            Circle {
                cx: 8.0,
                cy: 8.0,
                r: 3.0,
            },
            Circle {
                cx: 16.0,
                cy: 8.0,
                r: 3.0,
            },
            Poly(
                &[
                    (3.0, 20.0),
                    (3.0, 16.0),
                    (5.0, 14.0),
                    (11.0, 14.0),
                    (12.0, 15.0),
                ],
                false,
            ),
            Poly(
                &[
                    (12.0, 15.0),
                    (13.0, 14.0),
                    (19.0, 14.0),
                    (21.0, 16.0),
                    (21.0, 20.0),
                ],
                false,
            ),
        ],
    },
    Pictogram {
        key: "famille",
        label: "La famille",
        shapes: &[
            Circle {
                cx: 6.0,
                cy: 7.0,
                r: 2.5,
            },
            Circle {
                cx: 18.0,
                cy: 7.0,
                r: 2.5,
            },
            Circle {
                cx: 12.0,
                cy: 13.0,
                r: 2.0,
            },
            Poly(
                &[
                    (2.0, 20.0),
                    (2.0, 13.0),
                    (4.0, 11.0),
                    (8.0, 11.0),
                    (10.0, 13.0),
                ],
                false,
            ),
            Poly(
                &[
                    (14.0, 13.0),
                    (16.0, 11.0),
                    (20.0, 11.0),
                    (22.0, 13.0),
                    (22.0, 20.0),
                ],
                false,
            ),
            Poly(
                &[(9.0, 21.0), (9.0, 18.0), (15.0, 18.0), (15.0, 21.0)],
                false,
            ),
        ],
    },
    Pictogram {
        key: "transport",
        label: "Se déplacer",
        shapes: &[
            Poly(&[(4.0, 4.0), (20.0, 4.0), (20.0, 17.0), (4.0, 17.0)], true),
            Poly(&[(4.0, 11.0), (20.0, 11.0)], false),
            Circle {
                cx: 8.0,
                cy: 19.5,
                r: 1.5,
            },
            Circle {
                cx: 16.0,
                cy: 19.5,
                r: 1.5,
            },
        ],
    },
    Pictogram {
        key: "argent",
        label: "L’argent",
        shapes: &[
            Poly(&[(2.0, 6.0), (22.0, 6.0), (22.0, 18.0), (2.0, 18.0)], true),
            Circle {
                cx: 12.0,
                cy: 12.0,
                r: 3.0,
            },
            Poly(&[(5.0, 9.0), (5.0, 9.0)], false),
            Poly(&[(19.0, 15.0), (19.0, 15.0)], false),
        ],
    },
    Pictogram {
        key: "loisirs",
        label: "Les loisirs",
        shapes: &[
            Circle {
                cx: 12.0,
                cy: 12.0,
                r: 9.0,
            },
            Poly(&[(3.0, 12.0), (21.0, 12.0)], false),
            Poly(&[(12.0, 3.0), (9.0, 8.0), (9.0, 16.0), (12.0, 21.0)], false),
            Poly(
                &[(12.0, 3.0), (15.0, 8.0), (15.0, 16.0), (12.0, 21.0)],
                false,
            ),
        ],
    },
    Pictogram {
        key: "apprendre",
        label: "Apprendre",
        shapes: &[
            Poly(
                &[
                    (12.0, 6.0),
                    (7.0, 4.0),
                    (2.0, 5.0),
                    (2.0, 19.0),
                    (7.0, 18.0),
                    (12.0, 20.0),
                ],
                false,
            ),
            Poly(
                &[
                    (12.0, 6.0),
                    (17.0, 4.0),
                    (22.0, 5.0),
                    (22.0, 19.0),
                    (17.0, 18.0),
                    (12.0, 20.0),
                ],
                false,
            ),
            Poly(&[(12.0, 6.0), (12.0, 20.0)], false),
        ],
    },
    Pictogram {
        key: "toilette",
        label: "Prendre soin de soi",
        shapes: &[
            Poly(
                &[
                    (4.0, 21.0),
                    (4.0, 6.0),
                    (6.0, 3.0),
                    (10.0, 3.0),
                    (12.0, 6.0),
                ],
                false,
            ),
            Poly(&[(9.0, 7.0), (15.0, 7.0)], false),
            Circle {
                cx: 10.0,
                cy: 11.0,
                r: 0.8,
            },
            Circle {
                cx: 14.0,
                cy: 11.0,
                r: 0.8,
            },
            Circle {
                cx: 12.0,
                cy: 15.0,
                r: 0.8,
            },
            Circle {
                cx: 10.0,
                cy: 19.0,
                r: 0.8,
            },
            Circle {
                cx: 14.0,
                cy: 19.0,
                r: 0.8,
            },
        ],
    },
    Pictogram {
        key: "parler",
        label: "Parler et s’exprimer",
        shapes: &[
            Poly(
                &[
                    (3.0, 4.0),
                    (21.0, 4.0),
                    (21.0, 16.0),
                    (10.0, 16.0),
                    (5.0, 20.0),
                    (6.0, 16.0),
                    (3.0, 16.0),
                ],
                true,
            ),
            Poly(&[(7.0, 9.0), (17.0, 9.0)], false),
            Poly(&[(7.0, 12.0), (14.0, 12.0)], false),
        ],
    },
    Pictogram {
        key: "droits",
        label: "Mes droits",
        shapes: &[
            Poly(
                &[(4.0, 10.0), (20.0, 10.0), (20.0, 21.0), (4.0, 21.0)],
                true,
            ),
            Poly(&[(8.0, 14.0), (16.0, 14.0)], false),
            Poly(&[(8.0, 10.0), (8.0, 3.0), (16.0, 3.0), (16.0, 10.0)], false),
            Poly(&[(10.0, 6.0), (11.5, 7.5), (14.0, 5.0)], false),
        ],
    },
    Pictogram {
        key: "securite",
        label: "Être en sécurité",
        shapes: &[
            Poly(
                &[
                    (12.0, 2.0),
                    (20.0, 5.0),
                    (20.0, 11.0),
                    (17.0, 18.0),
                    (12.0, 22.0),
                    (7.0, 18.0),
                    (4.0, 11.0),
                    (4.0, 5.0),
                ],
                true,
            ),
            Poly(&[(8.0, 12.0), (11.0, 15.0), (16.0, 9.0)], false),
        ],
    },
];

/// The pictograms of the person's space (faces, the calendar, listening…),
/// in the same line style; not offered for objectives.
pub const SPACE_PICTOGRAMS: &[Pictogram] = &[
    Pictogram {
        key: "moi",
        label: "Moi",
        shapes: &[
            Circle {
                cx: 12.0,
                cy: 7.0,
                r: 4.0,
            },
            Poly(
                &[
                    (4.0, 21.0),
                    (4.0, 18.0),
                    (8.0, 14.0),
                    (16.0, 14.0),
                    (20.0, 18.0),
                    (20.0, 21.0),
                ],
                false,
            ),
        ],
    },
    Pictogram {
        key: "cible",
        label: "Mon projet",
        shapes: &[
            Circle {
                cx: 12.0,
                cy: 12.0,
                r: 9.0,
            },
            Circle {
                cx: 12.0,
                cy: 12.0,
                r: 5.0,
            },
            Circle {
                cx: 12.0,
                cy: 12.0,
                r: 1.0,
            },
        ],
    },
    Pictogram {
        key: "calendrier",
        label: "Ma semaine",
        shapes: &[
            Poly(&[(3.0, 5.0), (21.0, 5.0), (21.0, 21.0), (3.0, 21.0)], true),
            Poly(&[(3.0, 10.0), (21.0, 10.0)], false),
            Poly(&[(8.0, 3.0), (8.0, 7.0)], false),
            Poly(&[(16.0, 3.0), (16.0, 7.0)], false),
            Poly(&[(7.0, 15.0), (10.0, 15.0)], false),
        ],
    },
    Pictogram {
        key: "reunion",
        label: "Une réunion",
        shapes: &[
            Circle {
                cx: 6.0,
                cy: 8.0,
                r: 2.5,
            },
            Circle {
                cx: 12.0,
                cy: 6.0,
                r: 2.5,
            },
            Circle {
                cx: 18.0,
                cy: 8.0,
                r: 2.5,
            },
            Poly(&[(3.0, 15.0), (21.0, 15.0)], false),
            Poly(&[(6.0, 15.0), (6.0, 21.0)], false),
            Poly(&[(18.0, 15.0), (18.0, 21.0)], false),
        ],
    },
    Pictogram {
        key: "regarder",
        label: "Qui a regardé",
        shapes: &[
            Poly(
                &[
                    (2.0, 12.0),
                    (7.0, 7.0),
                    (12.0, 5.0),
                    (17.0, 7.0),
                    (22.0, 12.0),
                    (17.0, 17.0),
                    (12.0, 19.0),
                    (7.0, 17.0),
                ],
                true,
            ),
            Circle {
                cx: 12.0,
                cy: 12.0,
                r: 3.0,
            },
        ],
    },
    Pictogram {
        key: "ecouter",
        label: "Écouter",
        shapes: &[
            Poly(
                &[
                    (3.0, 9.0),
                    (7.0, 9.0),
                    (12.0, 4.0),
                    (12.0, 20.0),
                    (7.0, 15.0),
                    (3.0, 15.0),
                ],
                true,
            ),
            Poly(&[(16.0, 9.0), (17.0, 12.0), (16.0, 15.0)], false),
            Poly(&[(19.0, 6.0), (21.0, 12.0), (19.0, 18.0)], false),
        ],
    },
    Pictogram {
        key: "content",
        label: "Je suis content",
        shapes: &[
            Circle {
                cx: 12.0,
                cy: 12.0,
                r: 9.0,
            },
            Poly(&[(9.0, 9.0), (9.0, 10.0)], false),
            Poly(&[(15.0, 9.0), (15.0, 10.0)], false),
            Poly(
                &[(8.0, 14.0), (10.0, 16.0), (14.0, 16.0), (16.0, 14.0)],
                false,
            ),
        ],
    },
    Pictogram {
        key: "inquiet",
        label: "Je suis inquiet",
        shapes: &[
            Circle {
                cx: 12.0,
                cy: 12.0,
                r: 9.0,
            },
            Poly(&[(8.0, 8.0), (10.0, 7.0)], false),
            Poly(&[(16.0, 8.0), (14.0, 7.0)], false),
            Poly(&[(9.0, 10.0), (9.0, 11.0)], false),
            Poly(&[(15.0, 10.0), (15.0, 11.0)], false),
            Poly(
                &[
                    (8.0, 16.0),
                    (10.0, 15.0),
                    (12.0, 16.0),
                    (14.0, 15.0),
                    (16.0, 16.0),
                ],
                false,
            ),
        ],
    },
    Pictogram {
        key: "triste",
        label: "Je suis triste",
        shapes: &[
            Circle {
                cx: 12.0,
                cy: 12.0,
                r: 9.0,
            },
            Poly(&[(9.0, 9.0), (9.0, 10.0)], false),
            Poly(&[(15.0, 9.0), (15.0, 10.0)], false),
            Poly(
                &[(8.0, 17.0), (10.0, 15.0), (14.0, 15.0), (16.0, 17.0)],
                false,
            ),
        ],
    },
    Pictogram {
        key: "aide",
        label: "J’ai besoin d’aide",
        shapes: &[
            Circle {
                cx: 12.0,
                cy: 12.0,
                r: 9.0,
            },
            Circle {
                cx: 12.0,
                cy: 12.0,
                r: 4.0,
            },
            Poly(&[(5.6, 5.6), (9.2, 9.2)], false),
            Poly(&[(18.4, 5.6), (14.8, 9.2)], false),
            Poly(&[(5.6, 18.4), (9.2, 14.8)], false),
            Poly(&[(18.4, 18.4), (14.8, 14.8)], false),
        ],
    },
    Pictogram {
        key: "fin",
        label: "J’ai fini",
        shapes: &[
            Poly(&[(14.0, 3.0), (4.0, 3.0), (4.0, 21.0), (14.0, 21.0)], false),
            Poly(&[(10.0, 12.0), (21.0, 12.0)], false),
            Poly(&[(17.0, 8.0), (21.0, 12.0), (17.0, 16.0)], false),
        ],
    },
];

/// The pictogram of a key, if it is in the set.
pub fn pictogram(key: &str) -> Option<&'static Pictogram> {
    PICTOGRAMS
        .iter()
        .chain(SPACE_PICTOGRAMS)
        .find(|p| p.key == key)
}

/// The pictogram as inline SVG markup (decorative: the text says the idea).
pub fn svg(key: &str, size: u32) -> String {
    let Some(p) = pictogram(key) else {
        return String::new();
    };
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="{size}" height="{size}" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">"#
    );
    for s in p.shapes {
        match s {
            Shape::Circle { cx, cy, r } => {
                out.push_str(&format!(r#"<circle cx="{cx}" cy="{cy}" r="{r}"/>"#))
            }
            Shape::Poly(points, closed) => {
                let pts: Vec<String> = points.iter().map(|(x, y)| format!("{x},{y}")).collect();
                let tag = if *closed { "polygon" } else { "polyline" };
                out.push_str(&format!(r#"<{tag} points="{}"/>"#, pts.join(" ")));
            }
        }
    }
    out.push_str("</svg>");
    out
}

/// The lines of a FALC text: one sentence per line, empty lines dropped.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// What breaks the easy-to-read rules a program can check, in French.
pub fn hints(text: &str) -> Vec<String> {
    let mut hints = Vec::new();
    for (n, line) in lines(text).iter().enumerate() {
        let n = n + 1;
        let words = line.split_whitespace().count();
        if words > 15 {
            hints.push(format!(
                "Ligne {n} : phrase trop longue ({words} mots, 15 au plus)."
            ));
        }
        if line.contains(';') {
            hints.push(format!("Ligne {n} : pas de point-virgule."));
        }
        if line.contains(['(', ')', '[', ']']) {
            hints.push(format!("Ligne {n} : pas de parenthèses."));
        }
        if line.contains('…') || line.contains("...") {
            hints.push(format!("Ligne {n} : pas de points de suspension."));
        }
        if line.contains('%') {
            hints.push(format!("Ligne {n} : pas de pourcentage."));
        }
        if line
            .split(|c: char| !c.is_alphabetic())
            .any(|w| w.chars().count() > 1 && w.chars().all(char::is_uppercase))
        {
            hints.push(format!(
                "Ligne {n} : pas de mot en majuscules ni d’abréviation."
            ));
        }
    }
    hints
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictogram_keys_are_unique_and_drawn() {
        let mut seen = std::collections::HashSet::new();
        for p in PICTOGRAMS {
            assert!(seen.insert(p.key));
            assert!(svg(p.key, 48).contains("<svg") && !p.shapes.is_empty());
        }
        assert_eq!(svg("inconnu", 48), "");
    }

    #[test]
    fn easy_to_read_hints() {
        assert!(hints("Je vais à la piscine.\nJ’y vais le mardi.").is_empty());
        let h = hints("Je vais à la piscine; avec l’ESAT (le mardi)...");
        assert_eq!(h.len(), 4, "{h:?}");
        assert_eq!(lines(" a \n\n b "), vec!["a", "b"]);
    }
}
