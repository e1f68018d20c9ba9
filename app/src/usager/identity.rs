//! The national health identity (INS) and its trust levels (RNIV).
//!
//! Types here parse what users type into values that are valid by
//! construction: a `Nir` has a correct key, an `InseeCode` the shape of a COG
//! commune or country code, a strict trait the normalised form the RNIV asks
//! for (upper case, no accents, hyphens and apostrophes kept).

use serde::{Deserialize, Serialize};
use std::fmt;

crate::code_list! {
    /// The RNIV trust status of an identity.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum TrustStatus {
        /// Provisoire: neither checked against a document nor retrieved from INSi.
        Prov = "PROV" => "Identité provisoire",
        /// Récupérée from the national INSi service.
        Recup = "RECUP" => "Identité récupérée",
        /// Validée: checked against an identity document.
        Vali = "VALI" => "Identité validée",
        /// Qualifiée: both. Only then may the matricule be shown or exported.
        Qual = "QUAL" => "Identité qualifiée",
    }
}

impl TrustStatus {
    /// What a strict-trait change demotes this status to: a qualified
    /// identity loses its retrieval (the traits no longer match INSi) but
    /// keeps the document check; the others stay where they are, except a
    /// retrieved one which becomes provisional.
    pub fn demoted(self) -> TrustStatus {
        match self {
            TrustStatus::Qual => TrustStatus::Vali,
            TrustStatus::Recup => TrustStatus::Prov,
            other => other,
        }
    }
}

crate::code_list! {
    /// Sex as the INS records it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub enum Sex {
        F = "F" => "Féminin",
        M = "M" => "Masculin",
        /// Indéterminé.
        I = "I" => "Indéterminé",
    }
}

/// A NIR or NIA (the INS matricule): 13 characters and a 2-digit key,
/// `97 - (number mod 97)`, with Corsica's `2A`/`2B` counted as 19/18.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nir(String);

/// Why a matricule was refused (French, for the user).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NirError {
    #[error("Le matricule INS doit comporter 15 caractères (13 et la clé).")]
    Length,
    #[error("Le matricule INS ne doit contenir que des chiffres (ou 2A/2B pour la Corse).")]
    Characters,
    #[error("La clé du matricule INS est incorrecte.")]
    Key,
}

impl Nir {
    /// Parses a matricule as typed (spaces ignored).
    pub fn parse(input: &str) -> Result<Nir, NirError> {
        let s: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if s.chars().count() != 15 {
            return Err(NirError::Length);
        }
        let b = s.as_bytes();
        let corsica = &s[5..7] == "2A" || &s[5..7] == "2B";
        let digits = b
            .iter()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || (corsica && i == 6));
        if !digits || !(b'1'..=b'8').contains(&b[0]) {
            return Err(NirError::Characters);
        }
        let key: u64 = s[13..].parse().map_err(|_| NirError::Characters)?;
        if Nir::key(&s[..13]) != key {
            return Err(NirError::Key);
        }
        Ok(Nir(s))
    }

    /// The key of the first 13 characters.
    fn key(first: &str) -> u64 {
        let numeric = first.replace("2A", "19").replace("2B", "18");
        let n: u64 = numeric.parse().unwrap_or(0);
        97 - n % 97
    }

    /// Builds a valid matricule from its first 13 characters (demo data).
    pub fn with_key(first: &str) -> Nir {
        Nir(format!("{first}{:02}", Nir::key(first)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Nir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The OIDs of INS matricules: NIR, NIA, and their test variants.
pub const INS_OIDS: [(&str, &str); 4] = [
    ("1.2.250.1.213.1.4.8", "NIR"),
    ("1.2.250.1.213.1.4.9", "NIA"),
    ("1.2.250.1.213.1.4.10", "NIR de test"),
    ("1.2.250.1.213.1.4.11", "NIA de test"),
];

/// A birthplace code from the INSEE COG: a commune (5 characters, Corsica
/// `2A`/`2B`) or, for people born abroad, `99` and the country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InseeCode(String);

impl InseeCode {
    pub fn parse(input: &str) -> Result<InseeCode, &'static str> {
        let s = input.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        let ok = b.len() == 5
            && b[0].is_ascii_digit()
            && (b[1].is_ascii_digit() || (b[0] == b'2' && (b[1] == b'A' || b[1] == b'B')))
            && b[2..].iter().all(u8::is_ascii_digit);
        if ok {
            Ok(InseeCode(s))
        } else {
            Err("Le code INSEE du lieu de naissance comporte 5 caractères (99 suivi du pays pour une naissance à l’étranger).")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A strict trait in its RNIV form: upper case, accents removed, ligatures
/// spelled out, hyphens, apostrophes and single spaces kept. Refuses empty
/// input and any other character (digits, punctuation).
pub fn normalise_trait(input: &str) -> Result<String, &'static str> {
    let spelled = input
        .replace(['’', 'ʼ', '`'], "'")
        .replace('Œ', "OE")
        .replace('œ', "oe")
        .replace('Æ', "AE")
        .replace('æ', "ae");
    let folded: String = super::nfd(&spelled)
        .chars()
        .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
        .flat_map(char::to_uppercase)
        .collect();
    let words: Vec<&str> = folded.split_whitespace().collect();
    let out = words.join(" ");
    if out.is_empty() {
        return Err("Ce trait d’identité est obligatoire.");
    }
    if !out
        .chars()
        .all(|c| c.is_ascii_uppercase() || c == '-' || c == '\'' || c == ' ')
    {
        return Err(
            "Seules les lettres, les traits d’union, les apostrophes et les espaces sont admis.",
        );
    }
    Ok(out)
}

/// The identity as the record page shows it. `matricule` is present only
/// for a qualified identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityView {
    pub usager_id: uuid::Uuid,
    pub version: i32,
    pub birth_last_name: String,
    pub birth_first_names: String,
    pub used_last_name: String,
    pub used_first_name: String,
    /// ISO date, `1988-03-12`.
    pub birth_date: String,
    pub sex: Sex,
    pub birthplace_insee: Option<String>,
    pub status: TrustStatus,
    pub doubtful: bool,
    pub fictitious: bool,
    /// Only when `status` is QUAL.
    pub matricule: Option<String>,
    pub oid: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// The history of trust-status changes: "12/03/2026 — QUAL → VALI : reason (by)".
    pub history: Vec<String>,
    pub can_edit: bool,
}

/// An identity as typed in the form; the server parses every field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityForm {
    pub birth_last_name: String,
    pub birth_first_names: String,
    pub used_last_name: String,
    pub used_first_name: String,
    pub birth_date: String,
    pub sex: String,
    pub birthplace_insee: String,
    pub status: String,
    #[serde(default)]
    pub doubtful: bool,
    #[serde(default)]
    pub fictitious: bool,
    pub matricule: String,
    pub oid: String,
    pub address: String,
    pub phone: String,
    /// Why the identity changes (required when a qualified identity is demoted).
    #[serde(default)]
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nir_key_is_checked() {
        let nir = Nir::with_key("1880375123456");
        assert_eq!(Nir::parse(nir.as_str()), Ok(nir.clone()));
        assert_eq!(
            Nir::parse(&format!("{} {}", &nir.as_str()[..7], &nir.as_str()[7..])),
            Ok(nir.clone())
        );
        let key: u8 = nir.as_str()[13..].parse().unwrap();
        let bad = format!("1880375123456{:02}", (key % 97) + 1);
        assert_eq!(Nir::parse(&bad), Err(NirError::Key));
        assert_eq!(Nir::parse("12345"), Err(NirError::Length));
        assert_eq!(Nir::parse("188037512345X12"), Err(NirError::Characters));
    }

    #[test]
    fn a_known_nir_parses() {
        // The example of the Assurance maladie's documentation.
        assert!(Nir::parse("2 55 08 14 168 025 38").is_ok());
    }

    #[test]
    fn corsican_nir_counts_2a_as_19() {
        let corsica = Nir::with_key("188032A004123");
        assert_eq!(Nir::key("188032A004123"), Nir::key("1880319004123"));
        assert!(Nir::parse(corsica.as_str()).is_ok(), "{corsica}");
    }

    #[test]
    fn traits_are_normalised_as_the_rniv_says() {
        assert_eq!(
            normalise_trait("  Lefèvre-Dubois ").unwrap(),
            "LEFEVRE-DUBOIS"
        );
        assert_eq!(normalise_trait("d’Arcy").unwrap(), "D'ARCY");
        assert_eq!(normalise_trait("Jean  Émile").unwrap(), "JEAN EMILE");
        assert_eq!(normalise_trait("Cœur").unwrap(), "COEUR");
        assert!(normalise_trait("   ").is_err());
        assert!(normalise_trait("<script>").is_err());
        assert!(normalise_trait("Louis 14").is_err());
    }

    #[test]
    fn insee_codes() {
        assert!(InseeCode::parse("75056").is_ok());
        assert!(InseeCode::parse("2A004").is_ok());
        assert!(InseeCode::parse("99134").is_ok());
        assert!(InseeCode::parse("7505").is_err());
        assert!(InseeCode::parse("3A004").is_err());
    }

    #[test]
    fn demotion_of_a_qualified_identity() {
        assert_eq!(TrustStatus::Qual.demoted(), TrustStatus::Vali);
        assert_eq!(TrustStatus::Recup.demoted(), TrustStatus::Prov);
        assert_eq!(TrustStatus::Prov.demoted(), TrustStatus::Prov);
    }
}
