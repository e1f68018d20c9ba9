//! Usagers as staff see them: the list of the people their units accompany
//! ("Mes usagers") and the record page.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub mod administrative;
pub mod consent;
pub mod identity;
#[cfg(feature = "ssr")]
pub mod server;

/// One line of "Mes usagers".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsagerSummary {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    /// Where the person is accompanied now, e.g. "Foyer Les Glycines — Maison A".
    pub places: Vec<String>,
}

impl UsagerSummary {
    /// "Prénom NOM" as the field writes it.
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name.to_uppercase())
    }

    /// Two letters for the avatar placeholder.
    pub fn initials(&self) -> String {
        initials(&self.first_name, &self.last_name)
    }

    /// Whether the person matches a search typed by a user: every word of the
    /// search must start a word of the name, ignoring case and accents.
    pub fn matches(&self, search: &str) -> bool {
        let name = fold(&format!("{} {}", self.first_name, self.last_name));
        let words: Vec<&str> = name.split([' ', '-', '\'']).collect();
        fold(search)
            .split_whitespace()
            .all(|needle| words.iter().any(|w| w.starts_with(needle)))
    }
}

/// The words of a search of "Mes usagers", refused in French when longer
/// than a name search can be.
pub fn search_words(search: &str) -> Result<Vec<String>, AppError> {
    let words: Vec<String> = search.split_whitespace().map(str::to_string).collect();
    if words.len() > SEARCH_MAX_WORDS || words.iter().any(|w| w.chars().count() > SEARCH_MAX_CHARS)
    {
        return Err(AppError::invalid(
            "recherche",
            "La recherche est trop longue : tapez le début du nom ou du prénom.",
        ));
    }
    Ok(words)
}

/// Two upper-case initials.
pub fn initials(first_name: &str, last_name: &str) -> String {
    first_name
        .chars()
        .next()
        .into_iter()
        .chain(last_name.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Lower case without diacritics, for matching names as people type them.
/// Decomposes (NFD) and drops the combining diacritical marks: with
/// `unicode-normalization` on the server, with the browser's own
/// `String.normalize` in the page (which keeps its tables out of the wasm).
pub fn fold(s: &str) -> String {
    nfd(s)
        .chars()
        .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(not(feature = "hydrate"))]
pub(crate) fn nfd(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd().collect()
}

#[cfg(feature = "hydrate")]
pub(crate) fn nfd(s: &str) -> String {
    js_sys::JsString::from(s).normalize("NFD").into()
}

/// An accompaniment as shown on the record page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccompagnementView {
    pub etablissement: String,
    pub unit: Option<String>,
    /// "depuis le 01/09/2019" or "du 01/09/2019 au 30/06/2024".
    pub period: String,
    pub current: bool,
}

/// The record page's header (the sections arrive with later modules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsagerRecord {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    /// "né(e) le 12/03/1988 (38 ans)".
    pub birth: String,
    pub accompagnements: Vec<AccompagnementView>,
    /// Opened through an emergency access (bris de glace).
    pub break_glass: bool,
    /// End of the emergency access, "18:42".
    pub break_glass_until: Option<String>,
    /// The sections of this record the viewer may read.
    pub sections: Vec<crate::access::Section>,
    /// The latest identity photo (a document), when the viewer reads documents.
    pub photo: Option<Uuid>,
    /// Allergies, read with the identity (None: the viewer is a family).
    pub allergies: Option<crate::soins::Allergies>,
}

impl UsagerRecord {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name.to_uppercase())
    }
}

/// At most this many people in one answer of "Mes usagers": a unit's
/// list is whole and filtered in the page; a larger perimeter (a chef de
/// service over several establishments) is searched on the server.
pub const LIST_LIMIT: usize = 200;

/// A search of "Mes usagers" is at most this many words of this many
/// characters each (more is the caller's mistake, refused).
pub const SEARCH_MAX_WORDS: usize = 6;
pub const SEARCH_MAX_CHARS: usize = 60;

/// "Mes usagers": the people of the caller's perimeter matching a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsagerListing {
    /// By name, at most [`LIST_LIMIT`].
    pub usagers: Vec<UsagerSummary>,
    /// People in the caller's perimeter.
    pub total: usize,
    /// People matching the search (`total` when the list is whole).
    pub matching: usize,
    /// The open NEWS2 alerts of the caller's units, for those who read soins.
    pub alerts: Vec<crate::soins::AlertView>,
    /// Care tasks still due an hour past their time, same readers.
    pub late: Vec<crate::soins::LateTask>,
    /// Doses of today's medication rounds without outcome an hour after
    /// they were due, same readers.
    pub late_doses: Vec<crate::medication::DoseNotice>,
    /// The caller's profession reads soins (the round is offered).
    pub reads_soins: bool,
}

impl UsagerListing {
    /// The whole perimeter is here: the page filters it as one types.
    pub fn complete(&self) -> bool {
        self.usagers.len() == self.total
    }
}

/// The usagers currently accompanied by the caller's units, by name: the
/// whole list when it holds at most [`LIST_LIMIT`] people, otherwise the
/// first of those matching `recherche`.
#[server(endpoint = "mes_usagers")]
pub async fn my_usagers(recherche: Option<String>) -> Result<UsagerListing, AppError> {
    server::my_usagers(recherche.unwrap_or_default()).await
}

/// The record of one usager, if the caller's perimeter includes them.
#[server(endpoint = "usager")]
pub async fn get_usager_record(id: Uuid) -> Result<UsagerRecord, AppError> {
    server::get_usager_record(id).await
}

/// The usagers a family account is linked to (names only: what is shared
/// with families is decided per usager by the access-control module).
#[server(endpoint = "famille_usagers")]
pub async fn family_usagers() -> Result<Vec<UsagerSummary>, AppError> {
    server::family_usagers().await
}

/// The identity (INS) of an usager; the matricule only when qualified.
#[server(endpoint = "identite")]
pub async fn get_identity(id: Uuid) -> Result<identity::IdentityView, AppError> {
    server::identity::get_identity(id).await
}

/// Saves an identity edited from `version`. Someone else saved first:
/// `Stale` with the current version, nothing written.
#[server(endpoint = "identite_modifier")]
pub async fn update_identity(
    id: Uuid,
    version: i32,
    form: identity::IdentityForm,
) -> Result<identity::IdentityView, AppError> {
    server::identity::update_identity(id, version, form).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(first: &str, last: &str) -> UsagerSummary {
        UsagerSummary {
            id: Uuid::nil(),
            first_name: first.into(),
            last_name: last.into(),
            places: vec![],
        }
    }

    #[test]
    fn search_ignores_case_and_accents_and_matches_word_starts() {
        let h = u("Hélène", "Lefèvre-Dubois");
        assert!(h.matches("helene"));
        assert!(h.matches("LEF"));
        assert!(h.matches("dub hel"));
        assert!(h.matches(""));
        assert!(!h.matches("ene"));
        assert!(!h.matches("martin"));
    }

    #[test]
    fn a_search_is_a_few_words_of_a_name() {
        assert_eq!(search_words("  dub   hel ").unwrap(), vec!["dub", "hel"]);
        assert!(search_words("").unwrap().is_empty());
        assert!(search_words(&"a ".repeat(7)).is_err());
        assert!(search_words(&"é".repeat(61)).is_err());
        assert!(search_words(&"é".repeat(60)).is_ok());
    }

    #[test]
    fn initials_and_display_name() {
        let e = u("Émile", "d'Arcy");
        assert_eq!(e.initials(), "ÉD");
        assert_eq!(e.display_name(), "Émile D'ARCY");
    }
}
