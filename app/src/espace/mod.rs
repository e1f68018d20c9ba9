//! "Mon espace": the person's own easy-to-read pages — who they are, their
//! projet, their week, who looked at their record — and their words to
//! the team. Staff open and close the space from the record (with the
//! person's agreement, recorded as a consent), print the sign-in card, open
//! a "connexion accompagnée", and mark easy-to-read texts as checked by a
//! reading group ("relu par").
//!
//! The person's session is an account of kind `Usager`: the pages take no
//! usager id, the server reads it from the session. Every page is made of
//! blocks (a pictogram, a title, one sentence per line); each block is read
//! aloud by the server (`server/audio.rs`, espeak-ng, cached by the text).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(feature = "ssr")]
pub mod server;
pub mod words;

crate::code_list! {
    /// The pages of the space.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum SpacePage {
        Moi = "moi" => "Moi",
        Projet = "projet" => "Mon projet",
        Semaine = "semaine" => "Ma semaine",
        Regards = "regards" => "Qui a regardé mon dossier",
        Dire = "dire" => "Je veux dire quelque chose",
    }
}

impl SpacePage {
    /// The page's address.
    pub fn path(self) -> String {
        match self {
            SpacePage::Moi => "/mon-espace".into(),
            other => format!("/mon-espace/{}", other.code()),
        }
    }

    /// The page's pictogram (the same in the menu and on the page).
    pub fn pictogram(self) -> &'static str {
        match self {
            SpacePage::Moi => "moi",
            SpacePage::Projet => "cible",
            SpacePage::Semaine => "calendrier",
            SpacePage::Regards => "regarder",
            SpacePage::Dire => "parler",
        }
    }
}

/// The fixed texts of the space, written to the easy-to-read rules: the
/// first block of each page. (key, page, text: one sentence per line.)
pub const FIXED_TEXTS: &[(&str, SpacePage, &str)] = &[
    (
        "moi",
        SpacePage::Moi,
        "Cette page parle de vous.\nVous voyez où vous habitez.\nVous voyez qui vous aide.",
    ),
    (
        "projet",
        SpacePage::Projet,
        "Votre projet dit ce que vous voulez faire.\nL’équipe vous aide à le faire.\nVous pouvez changer votre projet avec l’équipe.",
    ),
    (
        "semaine",
        SpacePage::Semaine,
        "Cette page montre votre semaine.\nAujourd’hui est en premier.",
    ),
    (
        "regards",
        SpacePage::Regards,
        "Cette page montre qui a regardé votre dossier.\nCes personnes travaillent avec vous.\nElles ont le droit de lire votre dossier.\nVous pouvez poser des questions à votre référent.",
    ),
    (
        "dire",
        SpacePage::Dire,
        "Vous pouvez dire ce que vous ressentez.\nVous choisissez une image.\nVous pouvez écrire des mots.\nQuelqu’un peut vous aider.\nVotre référent lit votre message.",
    ),
];

/// The longest message the person may write, in characters.
pub const MAX_WORDS: usize = 2_000;

/// One sentence, with the picture of its idea when it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub pictogram: Option<String>,
    pub text: String,
}

/// One block of a page: read aloud as one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// Stable within the page ("intro", "objectif-2", "jour-0"…): the
    /// address of its audio.
    pub key: String,
    pub pictogram: String,
    pub title: String,
    pub lines: Vec<Line>,
    /// "Facile à lire — relu par …" when the text was checked.
    pub reviewed: Option<String>,
}

impl Block {
    /// What "Écouter" says: the title, then each line.
    pub fn spoken(&self) -> String {
        let mut out = self.title.clone();
        for l in &self.lines {
            out.push('\n');
            out.push_str(&l.text);
        }
        out
    }
}

/// A page of the space, as the person reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceView {
    pub first_name: String,
    pub page: SpacePage,
    pub blocks: Vec<Block>,
    /// The person has a photo (served by `/mon-espace/photo`).
    pub photo: bool,
    /// A fresh key for the message form (a resent form finds its message).
    pub message_key: Uuid,
    /// Minutes without a touch before the page leaves by itself.
    pub idle_minutes: u32,
}

/// A text of the space that a reading group can check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewText {
    /// SHA-256 of the text, hex.
    pub hash: String,
    pub text: String,
    pub reviewed: Option<String>,
}

/// The space of one person, as staff see it from the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceState {
    pub open: bool,
    /// "Ouvert le … par …, avec l’accord de la personne".
    pub status: String,
    /// "Carte imprimée le … par …" (the valid card).
    pub card: Option<String>,
    pub texts: Vec<ReviewText>,
    /// Opens, closes, prints, accompanies, marks texts.
    pub may_manage: bool,
}

/// The person signs in with the token of their card and their PIN. A wrong
/// PIN, a revoked card, a closed space: `BadCredentials` (said in easy
/// words by the page); too many tries: `TooManyAttempts`.
#[server(endpoint = "espace_connexion")]
pub async fn space_sign_in(token: String, pin: String) -> Result<(), AppError> {
    server::space_sign_in(token, pin).await
}

/// A page of the signed-in person's space.
#[server(endpoint = "espace_page")]
pub async fn read_space_page(page: String) -> Result<SpaceView, AppError> {
    server::space_page(page).await
}

/// "J'ai fini": ends the person's session on this tablet.
#[server(endpoint = "espace_fin")]
pub async fn space_done() -> Result<(), AppError> {
    server::space_done().await
}

/// "Je veux dire quelque chose": the pictograms chosen (`FEELINGS`) and
/// the words; reaches the référents as a note in the person's own words.
#[server(endpoint = "espace_dire")]
#[allow(clippy::too_many_arguments)]
pub async fn space_say(
    key: Uuid,
    content: Option<String>,
    inquiet: Option<String>,
    triste: Option<String>,
    parler: Option<String>,
    aide: Option<String>,
    words: String,
) -> Result<(), AppError> {
    let chosen = [
        ("content", content),
        ("inquiet", inquiet),
        ("triste", triste),
        ("parler", parler),
        ("aide", aide),
    ]
    .into_iter()
    .filter(|(_, v)| v.is_some())
    .map(|(k, _)| k.to_string())
    .collect();
    server::space_say(key, chosen, words).await
}

/// The space of an usager, from the record.
#[server(endpoint = "espace_etat")]
pub async fn get_space_state(id: Uuid) -> Result<SpaceState, AppError> {
    server::staff::space_state(id).await
}

/// Opens (or reopens) the space with the agreement of `agreed_by`
/// ("usager" or "representant_legal") and the PIN the person chose.
#[server(endpoint = "espace_ouvrir")]
pub async fn open_space(
    id: Uuid,
    key: Uuid,
    agreed_by: String,
    pin: String,
) -> Result<(), AppError> {
    server::staff::open_space(id, key, agreed_by, pin).await
}

/// Closes the space, with a reason; its card stops working.
#[server(endpoint = "espace_fermer")]
pub async fn close_space(id: Uuid, reason: String) -> Result<(), AppError> {
    server::staff::close_space(id, reason).await
}

/// "Connexion accompagnée": the professional's session ends on this
/// tablet and the person's space opens in its place; both are traced.
#[server(endpoint = "espace_accompagner")]
pub async fn accompany(id: Uuid) -> Result<(), AppError> {
    server::staff::accompany(id).await
}

/// Marks texts (`hashes`, comma-separated) as checked by a reading group.
#[server(endpoint = "falc_relu")]
pub async fn mark_reviewed(
    id: Uuid,
    hashes: String,
    group: String,
    on: String,
) -> Result<(), AppError> {
    server::staff::mark_reviewed(id, hashes, group, on).await
}
