//! The template (trame) of a projet personnalisé: ordered sections, each
//! with its guidance, the structured block it holds and its free-text
//! fields. The standard template of the seed ships as the default; an
//! administrator adjusts their organisation's copy, and each change is a
//! new version (projects keep the version they were written with).

#[cfg(not(target_arch = "wasm32"))]
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// What a section holds besides its free-text fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Block {
    /// Identity, référents and contacts pulled from the record.
    Informations,
    /// Attentes and SERAFIN-PH besoins.
    Besoins,
    /// Objectifs, actions and prestations.
    Objectifs,
    /// Next review date, bilans and accords.
    Suivi,
    /// Free-text fields only (sections an organisation adds).
    Libre,
}

impl Block {
    pub const STRUCTURAL: [Block; 4] = [
        Block::Informations,
        Block::Besoins,
        Block::Objectifs,
        Block::Suivi,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Block::Informations => "Identité, référents et contacts (repris du dossier)",
            Block::Besoins => "Attentes et besoins SERAFIN-PH",
            Block::Objectifs => "Objectifs, actions et prestations",
            Block::Suivi => "Révision, bilans et accords",
            Block::Libre => "Texte libre",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrameField {
    /// Stable key of the stored value (kept when the label changes).
    pub key: String,
    pub label: String,
    pub required: bool,
    /// Shown to the writer under the label.
    pub guidance: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrameSection {
    pub key: String,
    pub title: String,
    pub guidance: String,
    pub block: Block,
    pub fields: Vec<TrameField>,
}

/// One version of an organisation's template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trame {
    pub version: i32,
    pub sections: Vec<TrameSection>,
}

fn field(key: &str, label: &str, required: bool, guidance: &str) -> TrameField {
    TrameField {
        key: key.into(),
        label: label.into(),
        required,
        guidance: guidance.into(),
    }
}

/// The standard template of the seed: informations générales, diagnostic
/// et évaluation des besoins, objectifs et actions planifiées, modalités de
/// suivi et d'ajustement.
pub fn default_sections() -> Vec<TrameSection> {
    vec![
        TrameSection {
            key: "informations".into(),
            title: "Informations générales".into(),
            guidance: "L’identité, les référents et les contacts viennent du dossier : \
                       corrigez-les dans le dossier, pas ici."
                .into(),
            block: Block::Informations,
            fields: vec![field(
                "situation",
                "Situation actuelle et parcours",
                false,
                "Ce qui a changé depuis le dernier projet : lieu de vie, santé, travail, famille.",
            )],
        },
        TrameSection {
            key: "diagnostic".into(),
            title: "Diagnostic et évaluation des besoins".into(),
            guidance: "Notez d’abord les attentes avec les mots de la personne, \
                       puis les besoins repérés par l’équipe."
                .into(),
            block: Block::Besoins,
            fields: vec![field(
                "evaluation",
                "Synthèse de l’évaluation",
                true,
                "Points d’appui, difficultés, évaluations réalisées (qui, quand, quels outils).",
            )],
        },
        TrameSection {
            key: "objectifs".into(),
            title: "Objectifs et actions planifiées".into(),
            guidance: "Chaque objectif a un référent et l’avis de la personne. \
                       Une action sert un ou plusieurs objectifs."
                .into(),
            block: Block::Objectifs,
            fields: vec![],
        },
        TrameSection {
            key: "suivi".into(),
            title: "Modalités de suivi et d’ajustement".into(),
            guidance: "Quand et comment le projet sera revu, et comment il est présenté \
                       à la personne."
                .into(),
            block: Block::Suivi,
            fields: vec![
                field(
                    "modalites",
                    "Modalités de suivi",
                    true,
                    "Rencontres prévues, personnes associées, signes qui demandent un ajustement.",
                ),
                field(
                    "communication",
                    "Communication du projet à la personne",
                    false,
                    "Par exemple : version facile à lire remise et lue avec la personne.",
                ),
            ],
        },
    ]
}

#[cfg(not(target_arch = "wasm32"))]
/// Makes a key from a label: lower case ASCII letters, digits and `_`.
pub fn key_of(label: &str) -> String {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    let mut key = String::new();
    let spelled = label.replace(['œ', 'Œ'], "oe").replace(['æ', 'Æ'], "ae");
    for c in spelled.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_ascii_alphanumeric() {
            key.push(c.to_ascii_lowercase());
        } else if !key.ends_with('_') && !key.is_empty() {
            key.push('_');
        }
    }
    let key = key.trim_end_matches('_');
    key.chars().take(40).collect()
}

#[cfg(not(target_arch = "wasm32"))]
/// Checks an administrator's template: every structural block exactly once,
/// titles and labels present, keys unique; new sections and fields get keys.
pub fn checked(mut sections: Vec<TrameSection>) -> Result<Vec<TrameSection>, AppError> {
    if sections.is_empty() || sections.len() > 30 {
        return Err(AppError::invalid(
            "sections",
            "La trame doit compter entre 1 et 30 sections.",
        ));
    }
    for block in Block::STRUCTURAL {
        if sections.iter().filter(|s| s.block == block).count() != 1 {
            return Err(AppError::invalid(
                "sections",
                &format!(
                    "La trame doit garder une seule section « {} ».",
                    block.label()
                ),
            ));
        }
    }
    let mut section_keys = std::collections::HashSet::new();
    let mut field_keys = std::collections::HashSet::new();
    for s in &mut sections {
        s.title = s.title.trim().to_string();
        s.guidance = s.guidance.trim().to_string();
        if s.title.is_empty() || s.title.chars().count() > 120 {
            return Err(AppError::invalid(
                "title",
                "Chaque section a un titre (120 caractères au plus).",
            ));
        }
        if s.guidance.chars().count() > 1000 {
            return Err(AppError::invalid(
                "guidance",
                "Le texte d’aide d’une section fait 1 000 caractères au plus.",
            ));
        }
        if s.key.is_empty() {
            s.key = key_of(&s.title);
        }
        while !section_keys.insert(s.key.clone()) {
            s.key.push('_');
        }
        if s.fields.len() > 20 {
            return Err(AppError::invalid(
                "fields",
                "Une section compte 20 champs au plus.",
            ));
        }
        for f in &mut s.fields {
            f.label = f.label.trim().to_string();
            f.guidance = f.guidance.trim().to_string();
            if f.label.is_empty() || f.label.chars().count() > 120 {
                return Err(AppError::invalid(
                    "label",
                    "Chaque champ a un libellé (120 caractères au plus).",
                ));
            }
            if f.guidance.chars().count() > 1000 {
                return Err(AppError::invalid(
                    "guidance",
                    "Le texte d’aide d’un champ fait 1 000 caractères au plus.",
                ));
            }
            if f.key.is_empty() {
                f.key = key_of(&f.label);
                if f.key.is_empty() {
                    f.key = "champ".into();
                }
            }
            if !f
                .key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(AppError::invalid("key", "Clé de champ invalide."));
            }
            while !field_keys.insert(f.key.clone()) {
                f.key.push('_');
            }
        }
    }
    Ok(sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_template_is_valid_and_keeps_its_keys() {
        let sections = checked(default_sections()).unwrap();
        assert_eq!(sections, default_sections());
    }

    #[test]
    fn keys_come_from_labels_and_stay_unique() {
        assert_eq!(
            key_of("Vie affective & sexualité"),
            "vie_affective_sexualite"
        );
        let mut sections = default_sections();
        sections[3].fields.push(TrameField {
            key: String::new(),
            label: "Modalités de suivi".into(),
            required: false,
            guidance: String::new(),
        });
        let sections = checked(sections).unwrap();
        assert_eq!(sections[3].fields[2].key, "modalites_de_suivi");
    }

    #[test]
    fn a_structural_block_cannot_be_removed_or_doubled() {
        let mut sections = default_sections();
        sections.remove(1);
        assert!(checked(sections).is_err());
        let mut sections = default_sections();
        sections.push(sections[2].clone());
        assert!(checked(sections).is_err());
    }
}
