//! Comparing two versions of a project: the header, the text fields and
//! every element (added, removed, changed, and how).

use super::trame::Trame;
use super::{element_status_label, Difference, Element, Snapshot};
use serde_json::Value;

fn what(kind: &str) -> &'static str {
    match kind {
        "attente" => "Attente",
        "besoin" => "Besoin",
        "objectif" => "Objectif",
        "action" => "Action",
        _ => "Prestation",
    }
}

/// Human names of the content attributes.
fn attribute(name: &str) -> &'static str {
    match name {
        "origin" => "origine",
        "text" => "texte",
        "said_by" => "dit par",
        "code" => "code SERAFIN-PH",
        "description" => "description",
        "analysis" => "analyse professionnelle",
        "title" => "titre",
        "starts_on" => "début",
        "ends_on" => "fin",
        "expected" => "résultat attendu",
        "avis" => "avis de la personne",
        "referent_id" => "référent",
        "falc" => "version facile à lire",
        "pictogram" => "pictogramme",
        "responsible_id" => "responsable",
        "objectifs" => "objectifs liés",
        _ => "autre",
    }
}

fn shown(v: &Value, staff: &dyn Fn(&str) -> String) -> String {
    match v {
        Value::Null => "(vide)".into(),
        Value::String(s) if s.is_empty() => "(vide)".into(),
        Value::String(s) => {
            let named = staff(s);
            if named.is_empty() {
                s.clone()
            } else {
                named
            }
        }
        Value::Array(a) => format!("{} élément(s)", a.len()),
        other => other.to_string(),
    }
}

fn element_details(a: &Element, b: &Element, staff: &dyn Fn(&str) -> String) -> Vec<String> {
    let mut details = Vec::new();
    if a.status != b.status {
        details.push(format!(
            "statut : {} → {}",
            element_status_label(a.status.as_deref().unwrap_or("")),
            element_status_label(b.status.as_deref().unwrap_or(""))
        ));
    }
    let (Ok(Value::Object(x)), Ok(Value::Object(y))) = (
        serde_json::to_value(&a.content),
        serde_json::to_value(&b.content),
    ) else {
        return details;
    };
    for (name, before) in &x {
        let after = y.get(name).unwrap_or(&Value::Null);
        if before != after && name != "kind" {
            details.push(format!(
                "{} : {} → {}",
                attribute(name),
                shown(before, staff),
                shown(after, staff)
            ));
        }
    }
    details
}

/// What changed from `a` to `b`. `staff` names an account id (empty when
/// the string is not one).
pub fn compare(
    trame: &Trame,
    a: &Snapshot,
    b: &Snapshot,
    staff: &dyn Fn(&str) -> String,
) -> Vec<Difference> {
    let mut out = Vec::new();
    let header = [
        ("Titre", &a.title, &b.title),
        ("Type", &a.kind, &b.kind),
        ("Début", &a.starts_on, &b.starts_on),
        ("Fin", &a.ends_on, &b.ends_on),
        ("Prochaine révision", &a.next_review, &b.next_review),
    ];
    for (label, x, y) in header {
        if x != y {
            out.push(Difference {
                what: "En-tête".into(),
                name: label.into(),
                change: "modifié".into(),
                details: vec![format!(
                    "{} → {}",
                    shown(&Value::String(x.clone()), staff),
                    shown(&Value::String(y.clone()), staff)
                )],
            });
        }
    }
    for section in &trame.sections {
        for f in &section.fields {
            let x = a.fields.get(&f.key).map(String::as_str).unwrap_or("");
            let y = b.fields.get(&f.key).map(String::as_str).unwrap_or("");
            if x != y {
                out.push(Difference {
                    what: section.title.clone(),
                    name: f.label.clone(),
                    change: "modifié".into(),
                    details: vec![
                        format!("Avant : {}", if x.is_empty() { "(vide)" } else { x }),
                        format!("Après : {}", if y.is_empty() { "(vide)" } else { y }),
                    ],
                });
            }
        }
    }
    for kind in ["attente", "besoin", "objectif", "action", "prestation"] {
        for x in a.elements.iter().filter(|e| e.content.kind() == kind) {
            match b.elements.iter().find(|e| e.id == x.id) {
                None => out.push(Difference {
                    what: what(kind).into(),
                    name: x.content.name(),
                    change: "retiré".into(),
                    details: vec![],
                }),
                Some(y) => {
                    let details = element_details(x, y, staff);
                    if !details.is_empty() {
                        out.push(Difference {
                            what: what(kind).into(),
                            name: y.content.name(),
                            change: "modifié".into(),
                            details,
                        });
                    }
                }
            }
        }
        for y in b.elements.iter().filter(|e| e.content.kind() == kind) {
            if !a.elements.iter().any(|e| e.id == y.id) {
                out.push(Difference {
                    what: what(kind).into(),
                    name: y.content.name(),
                    change: "ajouté".into(),
                    details: vec![],
                });
            }
        }
    }
    out
}

/// Used by [`compare`] callers that know no staff.
pub fn no_staff(_: &str) -> String {
    String::new()
}

#[cfg(test)]
mod tests {
    use super::super::trame::default_sections;
    use super::super::ElementContent;
    use super::*;
    use uuid::Uuid;

    fn objective(id: Uuid, title: &str, expected: &str) -> Element {
        Element {
            id,
            content: ElementContent::Objectif {
                title: title.into(),
                description: String::new(),
                starts_on: String::new(),
                ends_on: String::new(),
                expected: expected.into(),
                avis: String::new(),
                referent_id: None,
                falc: String::new(),
                pictogram: String::new(),
            },
            status: Some("ACTIF".into()),
            version: 1,
        }
    }

    #[test]
    fn added_removed_and_changed_objectives_are_listed() {
        let trame = Trame {
            version: 1,
            sections: default_sections(),
        };
        let (kept, gone, new) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let mut a = Snapshot {
            elements: vec![
                objective(kept, "Nager", "10 m"),
                objective(gone, "Voter", ""),
            ],
            ..Default::default()
        };
        a.fields.insert("evaluation".into(), "Avant".into());
        let mut b = a.clone();
        b.elements = vec![
            objective(kept, "Nager", "25 m"),
            objective(new, "Cuisiner", ""),
        ];
        b.elements[0].status = Some("TERMINE".into());
        b.fields.insert("evaluation".into(), "Après".into());
        let d = compare(&trame, &a, &b, &no_staff);
        let lines: Vec<_> = d
            .iter()
            .map(|d| format!("{} {} {} {:?}", d.what, d.name, d.change, d.details))
            .collect();
        assert_eq!(
            lines,
            vec![
                "Diagnostic et évaluation des besoins Synthèse de l’évaluation modifié [\"Avant : Avant\", \"Après : Après\"]",
                "Objectif Nager modifié [\"statut : Actif → Terminé\", \"résultat attendu : 10 m → 25 m\"]",
                "Objectif Voter retiré []",
                "Objectif Cuisiner ajouté []",
            ]
        );
        assert!(compare(&trame, &a, &a, &no_staff).is_empty());
    }
}
