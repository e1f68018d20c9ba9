//! The organisation model: organisation → établissements → units, and the
//! professions of the staff who work there.

use serde::{Deserialize, Serialize};
use std::fmt;

crate::code_list! {
    /// A staff member's profession: decides, with the assignment, what they see.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Profession {
        Educateur = "educateur" => "Éducateur spécialisé",
        MoniteurEducateur = "moniteur_educateur" => "Moniteur-éducateur",
        AesAmp = "aes_amp" => "Accompagnant éducatif et social",
        AideSoignant = "aide_soignant" => "Aide-soignant",
        MoniteurAtelier = "moniteur_atelier" => "Moniteur d’atelier",
        Infirmier = "infirmier" => "Infirmier",
        Medecin = "medecin" => "Médecin",
        Psychologue = "psychologue" => "Psychologue",
        AssistantSocial = "assistant_social" => "Assistant de service social",
        Secretaire = "secretaire" => "Secrétaire",
        ChefService = "chef_service" => "Chef de service",
        Directeur = "directeur" => "Directeur",
        Administrateur = "administrateur" => "Administrateur",
        /// Délégué à la protection des données: reads the trail and the
        /// emergency-access reviews of the whole organisation, nothing else.
        Dpo = "dpo" => "Délégué à la protection des données",
    }
}

crate::code_list! {
    /// The kind of an établissement or service (ESSMS).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum EtablissementKind {
        FoyerHebergement = "foyer_hebergement" => "Foyer d’hébergement",
        FoyerVie = "foyer_vie" => "Foyer de vie",
        Fam = "fam" => "Foyer d’accueil médicalisé",
        Mas = "mas" => "Maison d’accueil spécialisée",
        Ime = "ime" => "Institut médico-éducatif",
        Esat = "esat" => "Établissement et service d’accompagnement par le travail",
        Savs = "savs" => "Service d’accompagnement à la vie sociale",
        Samsah = "samsah" => "Service d’accompagnement médico-social pour adultes handicapés",
        Sessad = "sessad" => "Service d’éducation spéciale et de soins à domicile",
        Ehpad = "ehpad" => "Établissement d’hébergement pour personnes âgées dépendantes",
    }
}

/// A FINESS number: 9 characters, a département code (two digits, or `2A`/`2B`
/// for Corsica) then digits, the last being a Luhn check key over the
/// first eight (Corsican letters counted as 0).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Finess(String);

/// Why a FINESS number was refused (French, for the user).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FinessError {
    #[error("Le numéro FINESS doit comporter 9 caractères.")]
    Length,
    #[error("Le numéro FINESS ne doit contenir que des chiffres (ou 2A/2B pour la Corse).")]
    Characters,
    #[error("La clé du numéro FINESS est incorrecte.")]
    Key,
}

impl Finess {
    /// Parses a FINESS number typed by a user (spaces ignored).
    pub fn parse(input: &str) -> Result<Finess, FinessError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let s = s.to_ascii_uppercase();
        if s.chars().count() != 9 {
            return Err(FinessError::Length);
        }
        let bytes = s.as_bytes();
        let corsica = bytes[0] == b'2' && (bytes[1] == b'A' || bytes[1] == b'B');
        let digits_ok = bytes
            .iter()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || (i == 1 && corsica));
        if !digits_ok {
            return Err(FinessError::Characters);
        }
        if Finess::key(&s[..8]) != bytes[8] - b'0' {
            return Err(FinessError::Key);
        }
        Ok(Finess(s))
    }

    /// Builds a valid number from its first eight characters (demo data).
    pub fn with_key(first_eight: &str) -> Finess {
        let key = Finess::key(first_eight);
        Finess(format!("{first_eight}{key}"))
    }

    /// The Luhn key of eight characters, letters counted as 0.
    fn key(first_eight: &str) -> u8 {
        let sum: u32 = first_eight
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let d = if b.is_ascii_digit() {
                    (b - b'0') as u32
                } else {
                    0
                };
                if i % 2 == 0 {
                    let dd = d * 2;
                    if dd > 9 {
                        dd - 9
                    } else {
                        dd
                    }
                } else {
                    d
                }
            })
            .sum();
        ((10 - sum % 10) % 10) as u8
    }

    /// The number as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Finess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profession_codes_round_trip() {
        for p in Profession::ALL {
            assert_eq!(Profession::parse(p.code()), Some(p));
            assert!(!p.label().is_empty());
        }
        assert_eq!(Profession::parse("chirurgien"), None);
    }

    #[test]
    fn etablissement_kind_codes_round_trip() {
        for k in EtablissementKind::ALL {
            assert_eq!(EtablissementKind::parse(k.code()), Some(k));
        }
    }

    #[test]
    fn finess_with_key_parses_back() {
        let f = Finess::with_key("61999901");
        assert_eq!(Finess::parse(f.as_str()), Ok(f.clone()));
        assert_eq!(Finess::parse(&format!(" {} ", f)), Ok(f));
    }

    #[test]
    fn finess_refuses_bad_input() {
        assert_eq!(Finess::parse("12345"), Err(FinessError::Length));
        assert_eq!(Finess::parse("61A000001"), Err(FinessError::Characters));
        let good = Finess::with_key("61999901");
        let last = good.as_str().as_bytes()[8] - b'0';
        let bad = format!("61999901{}", (last + 1) % 10);
        assert_eq!(Finess::parse(&bad), Err(FinessError::Key));
    }

    #[test]
    fn finess_accepts_corsica() {
        let f = Finess::with_key("2A000001");
        assert!(Finess::parse(f.as_str()).is_ok());
    }
}
