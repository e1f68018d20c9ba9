//! Completeness of a project: the required template fields, the person's
//! own words, typed needs, objectives with a référent and the person's
//! opinion, and the next review date. Validation asks for a subset.

use super::trame::Trame;
use super::{Completeness, ElementContent, Snapshot};

struct Check {
    done: bool,
    missing: String,
    /// Validating a version needs it.
    blocking: bool,
}

fn checks(trame: &Trame, s: &Snapshot) -> Vec<Check> {
    let mut checks = Vec::new();
    for section in &trame.sections {
        for f in section.fields.iter().filter(|f| f.required) {
            checks.push(Check {
                done: s.fields.get(&f.key).is_some_and(|v| !v.trim().is_empty()),
                missing: format!("Le champ « {} » ({}) est vide.", f.label, section.title),
                blocking: true,
            });
        }
    }
    let live = || {
        s.elements
            .iter()
            .filter(|e| e.status.as_deref() != Some("ANNULE"))
    };
    checks.push(Check {
        done: live().any(
            |e| matches!(&e.content, ElementContent::Attente { origin, .. } if origin == "usager"),
        ),
        missing: "Aucune attente exprimée par la personne elle-même.".into(),
        blocking: false,
    });
    checks.push(Check {
        done: live().any(|e| matches!(e.content, ElementContent::Besoin { .. })),
        missing: "Aucun besoin typé SERAFIN-PH.".into(),
        blocking: true,
    });
    let objectives: Vec<_> = live()
        .filter_map(|e| match &e.content {
            ElementContent::Objectif {
                title,
                referent_id,
                avis,
                ..
            } => Some((title, referent_id, avis)),
            _ => None,
        })
        .collect();
    checks.push(Check {
        done: !objectives.is_empty(),
        missing: "Aucun objectif.".into(),
        blocking: true,
    });
    for (title, referent, avis) in &objectives {
        checks.push(Check {
            done: referent.is_some(),
            missing: format!("L’objectif « {title} » n’a pas de référent."),
            blocking: true,
        });
        checks.push(Check {
            done: !avis.trim().is_empty(),
            missing: format!(
                "L’avis de la personne sur l’objectif « {title} » n’est pas recueilli."
            ),
            blocking: false,
        });
    }
    checks.push(Check {
        done: !s.next_review.is_empty(),
        missing: "La date de la prochaine révision n’est pas fixée.".into(),
        blocking: true,
    });
    checks
}

/// The score (share of the checks met, as a whole percentage) and the list
/// of what is missing.
pub fn completeness(trame: &Trame, s: &Snapshot) -> Completeness {
    let checks = checks(trame, s);
    let done = checks.iter().filter(|c| c.done).count();
    Completeness {
        percent: (done * 100 / checks.len().max(1)) as i32,
        missing: checks
            .into_iter()
            .filter(|c| !c.done)
            .map(|c| c.missing)
            .collect(),
    }
}

/// What prevents validating a version (empty when it may be validated).
pub fn validation_missing(trame: &Trame, s: &Snapshot) -> Vec<String> {
    checks(trame, s)
        .into_iter()
        .filter(|c| c.blocking && !c.done)
        .map(|c| c.missing)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::trame::default_sections;
    use super::super::Element;
    use super::*;
    use uuid::Uuid;

    fn trame() -> Trame {
        Trame {
            version: 1,
            sections: default_sections(),
        }
    }

    fn element(content: ElementContent) -> Element {
        Element {
            id: Uuid::new_v4(),
            status: content.has_status().then(|| "ACTIF".to_string()),
            content,
            version: 1,
        }
    }

    fn objective(title: &str, referent: bool, avis: &str) -> Element {
        element(ElementContent::Objectif {
            title: title.into(),
            description: String::new(),
            starts_on: String::new(),
            ends_on: String::new(),
            expected: String::new(),
            avis: avis.into(),
            referent_id: referent.then(Uuid::new_v4),
            falc: String::new(),
            pictogram: String::new(),
        })
    }

    #[test]
    fn an_empty_project_lists_everything_missing() {
        let c = completeness(&trame(), &Snapshot::default());
        assert_eq!(c.percent, 0);
        assert_eq!(c.missing.len(), 6);
        assert!(c.missing[0].contains("Synthèse de l’évaluation"));
        assert_eq!(validation_missing(&trame(), &Snapshot::default()).len(), 5);
    }

    #[test]
    fn a_full_project_scores_100_and_the_persons_opinion_does_not_block() {
        let mut s = Snapshot {
            next_review: "2027-06-01".into(),
            ..Default::default()
        };
        s.fields.insert("evaluation".into(), "Synthèse".into());
        s.fields.insert("modalites".into(), "Réunion".into());
        s.elements.push(element(ElementContent::Attente {
            origin: "usager".into(),
            text: "Je veux aller à la piscine".into(),
            said_by: String::new(),
        }));
        s.elements.push(element(ElementContent::Besoin {
            code: "1.2.1.3".into(),
            description: String::new(),
            analysis: String::new(),
        }));
        s.elements.push(objective("Nager", true, "D’accord"));
        assert_eq!(completeness(&trame(), &s).percent, 100);
        s.elements.push(objective("Cuisiner", true, ""));
        let c = completeness(&trame(), &s);
        assert_eq!(
            c.missing,
            vec!["L’avis de la personne sur l’objectif « Cuisiner » n’est pas recueilli."]
        );
        assert_eq!(c.percent, 90);
        assert!(validation_missing(&trame(), &s).is_empty());
        s.elements.push(objective("Voter", false, "Oui"));
        assert_eq!(
            validation_missing(&trame(), &s),
            vec!["L’objectif « Voter » n’a pas de référent."]
        );
        // A cancelled objective no longer counts.
        s.elements.last_mut().unwrap().status = Some("ANNULE".into());
        assert!(validation_missing(&trame(), &s).is_empty());
    }

    #[test]
    fn a_field_made_required_by_the_template_counts() {
        let mut t = trame();
        t.sections[0].fields[0].required = true;
        let c = completeness(&t, &Snapshot::default());
        assert!(c.missing[0].contains("Situation actuelle"));
        assert_eq!(c.missing.len(), 7);
    }
}
