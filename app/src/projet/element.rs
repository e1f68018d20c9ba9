//! The checks of an element's content (attente, besoin, objectif, action,
//! prestation) against the SERAFIN-PH nomenclatures, the pictograms, the
//! team and the project's objectives: pure, compiled for both sides, so
//! that the page can say what the server will refuse.

use super::{falc, ElementContent, Origin};
use crate::error::AppError;
use crate::{serafin, validate};
use chrono::NaiveDate;
use uuid::Uuid;

/// A date as the forms and the snapshots write it (`YYYY-MM-DD`, or empty).
pub fn date_text(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

pub fn long_text(field: &str, label: &str, value: &str, max: usize) -> Result<String, AppError> {
    Ok(validate::optional(field, label, value, max)?.unwrap_or_default())
}

pub fn date_pair(starts_on: &str, ends_on: &str) -> Result<(String, String), AppError> {
    let s = validate::optional_date("starts_on", "Date de début", starts_on)?;
    let e = validate::optional_date("ends_on", "Date de fin", ends_on)?;
    validate::ordered(
        "ends_on",
        s,
        e,
        "La date de fin ne peut pas précéder la date de début.",
    )?;
    Ok((date_text(s), date_text(e)))
}

/// Checks and cleans an element's content against the nomenclatures, the
/// team and the project's objectives.
pub fn checked_content(
    content: ElementContent,
    team: &[(Uuid, String)],
    objectives: &[Uuid],
) -> Result<ElementContent, AppError> {
    let in_team = |who: Option<Uuid>, label: &str| match who {
        Some(w) if !team.iter().any(|(t, _)| *t == w) => Err(AppError::invalid(
            "referent_id",
            &format!("{label} est choisi parmi l’équipe qui accompagne la personne."),
        )),
        _ => Ok(who),
    };
    Ok(match content {
        ElementContent::Attente {
            origin,
            text,
            said_by,
        } => {
            if Origin::parse(&origin).is_none() {
                return Err(AppError::invalid(
                    "origin",
                    "Origine de l’attente inconnue.",
                ));
            }
            ElementContent::Attente {
                origin,
                text: validate::required("text", "Attente", &text, 4000)?,
                said_by: long_text("said_by", "Dit par", &said_by, 200)?,
            }
        }
        ElementContent::Besoin {
            code,
            description,
            analysis,
        } => {
            let code = code.trim().to_string();
            if serafin::need(&code).is_none() {
                return Err(AppError::invalid(
                    "code",
                    &format!(
                        "Le code « {code} » n’existe pas dans la nomenclature SERAFIN-PH des besoins."
                    ),
                ));
            }
            ElementContent::Besoin {
                code,
                description: long_text("description", "Description", &description, 4000)?,
                analysis: long_text("analysis", "Analyse professionnelle", &analysis, 4000)?,
            }
        }
        ElementContent::Objectif {
            title,
            description,
            starts_on,
            ends_on,
            expected,
            avis,
            referent_id,
            falc,
            pictogram,
        } => {
            if title.trim().is_empty() {
                return Err(AppError::invalid(
                    "title",
                    "Un objectif doit avoir un titre.",
                ));
            }
            let (starts_on, ends_on) = date_pair(&starts_on, &ends_on)?;
            if !pictogram.is_empty() && falc::pictogram(&pictogram).is_none() {
                return Err(AppError::invalid("pictogram", "Pictogramme inconnu."));
            }
            ElementContent::Objectif {
                title: validate::required("title", "Titre de l’objectif", &title, 200)?,
                description: long_text("description", "Description", &description, 4000)?,
                starts_on,
                ends_on,
                expected: long_text("expected", "Résultat attendu", &expected, 4000)?,
                avis: long_text("avis", "Avis de la personne", &avis, 4000)?,
                referent_id: in_team(referent_id, "Le référent de l’objectif")?,
                falc: long_text("falc", "Version facile à lire", &falc, 2000)?,
                pictogram,
            }
        }
        ElementContent::Action {
            title,
            description,
            responsible_id,
            starts_on,
            ends_on,
            mut objectifs,
        } => {
            if title.trim().is_empty() {
                return Err(AppError::invalid(
                    "title",
                    "Une action doit avoir un titre.",
                ));
            }
            let (starts_on, ends_on) = date_pair(&starts_on, &ends_on)?;
            objectifs.sort();
            objectifs.dedup();
            if objectifs.iter().any(|o| !objectives.contains(o)) {
                return Err(AppError::invalid(
                    "objectifs",
                    "Une action se rattache aux objectifs de ce projet.",
                ));
            }
            ElementContent::Action {
                title: validate::required("title", "Titre de l’action", &title, 200)?,
                description: long_text("description", "Description", &description, 4000)?,
                responsible_id: in_team(responsible_id, "Le responsable de l’action")?,
                starts_on,
                ends_on,
                objectifs,
            }
        }
        ElementContent::Prestation { code, description } => {
            let code = code.trim().to_string();
            if serafin::direct_service(&code).is_none() {
                return Err(AppError::invalid(
                    "code",
                    &format!(
                        "Le code « {code} » n’existe pas dans la nomenclature SERAFIN-PH des prestations directes."
                    ),
                ));
            }
            ElementContent::Prestation {
                code,
                description: long_text("description", "Description", &description, 4000)?,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objectif(
        title: &str,
        starts_on: &str,
        ends_on: &str,
        referent_id: Option<Uuid>,
    ) -> ElementContent {
        ElementContent::Objectif {
            title: title.into(),
            description: String::new(),
            starts_on: starts_on.into(),
            ends_on: ends_on.into(),
            expected: String::new(),
            avis: String::new(),
            referent_id,
            falc: String::new(),
            pictogram: String::new(),
        }
    }

    #[test]
    fn an_objective_needs_a_title_ordered_dates_and_a_referent_of_the_team() {
        let member = Uuid::new_v4();
        let team = [(member, "Camille Martin".to_string())];
        assert!(checked_content(objectif("  ", "", "", None), &team, &[]).is_err());
        assert!(checked_content(
            objectif("Piscine", "2026-05-01", "2026-04-01", None),
            &team,
            &[]
        )
        .is_err());
        assert!(checked_content(
            objectif("Piscine", "", "", Some(Uuid::new_v4())),
            &team,
            &[]
        )
        .is_err());
        assert!(checked_content(
            objectif("Piscine", "2026-04-01", "2026-05-01", Some(member)),
            &team,
            &[]
        )
        .is_ok());
    }

    #[test]
    fn codes_come_from_the_serafin_nomenclatures_and_actions_from_this_projects_objectives() {
        let besoin = |code: &str| ElementContent::Besoin {
            code: code.into(),
            description: String::new(),
            analysis: String::new(),
        };
        assert!(checked_content(besoin("1.3.4.2"), &[], &[]).is_ok());
        assert!(checked_content(besoin("9.9.9"), &[], &[]).is_err());
        let action = |objectifs: Vec<Uuid>| ElementContent::Action {
            title: "Prendre le bus".into(),
            description: String::new(),
            responsible_id: None,
            starts_on: String::new(),
            ends_on: String::new(),
            objectifs,
        };
        let goal = Uuid::new_v4();
        assert!(checked_content(action(vec![goal, goal]), &[], &[goal]).is_ok());
        assert!(checked_content(action(vec![Uuid::new_v4()]), &[], &[goal]).is_err());
    }
}
