//! The person's side of the space: signing in with the card and the PIN,
//! the pages, the message, "J'ai fini". Every function starts with
//! `require_person`: the usager is the session's, never an argument, so a
//! person can reach no one else's page; a staff or family session calling
//! them is refused and traced.

pub mod audio;
pub mod pages;
pub mod staff;

use super::words;
use crate::access::server::{append, deny, AuditEvent};
use crate::auth::server::{
    client_address, decoy_hash, record_failure, require_principal, start_session, throttle,
    verify_off_runtime, Principal,
};
use crate::auth::AccountKind;
use crate::error::AppError;
use crate::espace::{SpacePage, SpaceView, MAX_WORDS};
use crate::state::{db_error, AppState};
use anyhow::Context as _;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The signed-in person, in their own space.
pub struct Person {
    pub state: AppState,
    pub principal: Principal,
    pub usager_id: Uuid,
}

impl Person {
    /// One allowed access of the person to their own record, traced in `tx`.
    pub fn event(&self, section: &str, action: &str, object: &str) -> AuditEvent {
        AuditEvent {
            object_id: Some(object.to_string()),
            ..AuditEvent::by(&self.principal, Some(self.usager_id), section, action)
        }
    }
}

/// The session's person, whose space is open and agreed to. Anyone else
/// is refused (traced); a space closed or opposed since sign-in ends the
/// session.
pub async fn require_person() -> Result<Person, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    if principal.kind != AccountKind::Usager {
        return Err(deny(&state, &principal, None, "espace", "read").await);
    }
    let usager_id = sqlx::query_scalar!(
        r#"SELECT e.usager_id FROM espace e
           WHERE e.account_id = $1 AND e.closed_at IS NULL AND space_agreed(e.usager_id)"#,
        principal.account_id
    )
    .fetch_optional(&state.pool)
    .await
    .context("finding the person's space")
    .map_err(db_error)?;
    match usager_id {
        Some(usager_id) => Ok(Person {
            state,
            principal,
            usager_id,
        }),
        None => {
            crate::auth::server::end_session().await?;
            Err(AppError::Unauthenticated)
        }
    }
}

/// The SHA-256 of a card's token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

pub(crate) async fn space_sign_in(token: String, pin: String) -> Result<(), AppError> {
    let state = AppState::get()?;
    let pin = pin.trim().to_string();
    if pin.is_empty() {
        return Err(AppError::invalid("pin", "Tapez votre code."));
    }
    let token = token.trim();
    if token.is_empty() || token.len() > 100 || pin.len() > 20 {
        return Err(AppError::BadCredentials);
    }
    let hash = token_hash(token);
    // Throttled like a password, per card (the start of its hash) and address.
    let login = format!("carte:{}", hex::encode(&hash[..8]));
    let source = client_address(state.config.login_throttle.trust_forwarded_for);
    throttle(&state, &login, &source).await?;
    let found = sqlx::query!(
        r#"SELECT e.account_id, e.pin_hash, e.usager_id, e.organisation_id FROM espace_card c
           JOIN espace e ON e.usager_id = c.usager_id
           WHERE c.token_hash = $1 AND c.revoked_at IS NULL AND e.closed_at IS NULL
             AND space_agreed(e.usager_id)"#,
        &hash[..]
    )
    .fetch_optional(&state.pool)
    .await
    .context("finding a card")
    .map_err(db_error)?;
    let pin_hash = found
        .as_ref()
        .map(|f| f.pin_hash.clone())
        .unwrap_or_else(|| decoy_hash().to_string());
    let ok = verify_off_runtime(pin, pin_hash).await?;
    let Some(found) = found.filter(|_| ok) else {
        record_failure(&state, &login, &source).await?;
        return Err(AppError::BadCredentials);
    };
    start_session(found.account_id, Some(state.config.espace_idle_minutes)).await?;
    let mut tx = state.begin().await?;
    append(
        &mut tx,
        &AuditEvent {
            organisation_id: found.organisation_id,
            account_id: found.account_id,
            profession: None,
            usager_id: Some(found.usager_id),
            section: "espace".into(),
            action: "read".into(),
            object_id: Some("connexion/carte".into()),
            allowed: true,
            break_glass: false,
            request_id: crate::state::request_id(),
        },
    )
    .await
    .map_err(db_error)?;
    tx.commit()
        .await
        .context("tracing a card sign-in")
        .map_err(db_error)?;
    leptos_axum::redirect("/mon-espace");
    Ok(())
}

pub(crate) async fn space_page(page: String) -> Result<SpaceView, AppError> {
    let person = require_person().await?;
    let page =
        SpacePage::parse(&page).ok_or_else(|| AppError::invalid("page", "Page inconnue."))?;
    pages::read(&person, page).await
}

pub(crate) async fn space_done() -> Result<(), AppError> {
    let person = require_person().await?;
    let mut tx = person.state.begin().await?;
    append(&mut tx, &person.event("espace", "read", "fin"))
        .await
        .map_err(db_error)?;
    tx.commit()
        .await
        .context("tracing the end of a space session")
        .map_err(db_error)?;
    crate::auth::server::end_session().await?;
    leptos_axum::redirect("/mon-espace/au-revoir");
    Ok(())
}

pub(crate) async fn space_say(
    key: Uuid,
    chosen: Vec<String>,
    words: String,
) -> Result<(), AppError> {
    let person = require_person().await?;
    let words = words.trim().to_string();
    if chosen.is_empty() && words.is_empty() {
        return Err(AppError::invalid(
            "words",
            "Choisissez une image ou écrivez des mots.",
        ));
    }
    if words.chars().count() > MAX_WORDS {
        return Err(AppError::invalid(
            "words",
            "Votre message est trop long. Écrivez moins de mots.",
        ));
    }
    let mut body: Vec<String> = words::FEELINGS
        .iter()
        .filter(|(field, _, _)| chosen.iter().any(|c| c == field))
        .map(|(_, _, said)| said.to_string())
        .collect();
    if !words.is_empty() {
        body.push(format!("« {words} »"));
    }
    let body = body.join("\n");
    let mut tx = person.state.begin().await?;
    let written = sqlx::query_scalar!(
        r#"INSERT INTO transmission (id, organisation_id, usager_id, author_id, category, body, important, usager_words)
           VALUES ($1, $2, $3, $4, 'educatif', $5, true, true)
           ON CONFLICT (id) DO NOTHING
           RETURNING written_at"#,
        key,
        person.principal.organisation_id,
        person.usager_id,
        person.principal.account_id,
        body,
    )
    .fetch_optional(&mut *tx)
    .await
    .context("writing the person's message")
    .map_err(db_error)?;
    match written {
        Some(at) => {
            sqlx::query!(
                r#"INSERT INTO transmission_version (transmission_id, version, request_key, organisation_id,
                       author_id, written_at, category, body, important, shared_family)
                   VALUES ($1, 1, $1, $2, $3, $4, 'educatif', $5, true, false)"#,
                key,
                person.principal.organisation_id,
                person.principal.account_id,
                at,
                body,
            )
            .execute(&mut *tx)
            .await
            .context("keeping the message's first version")
            .map_err(db_error)?;
        }
        None => {
            // A resent form: the same message by the same person, or a conflict.
            let same = sqlx::query_scalar!(
                "SELECT author_id = $2 AND body = $3 FROM transmission WHERE id = $1",
                key,
                person.principal.account_id,
                body
            )
            .fetch_optional(&mut *tx)
            .await
            .context("finding a resent message")
            .map_err(db_error)?
            .flatten();
            crate::state::replayed(same)?;
            leptos_axum::redirect("/mon-espace/dire?envoye=1");
            return Ok(());
        }
    }
    append(
        &mut tx,
        &person.event("transmissions", "write", &key.to_string()),
    )
    .await
    .map_err(db_error)?;
    tx.commit()
        .await
        .context("committing the person's message")
        .map_err(db_error)?;
    leptos_axum::redirect("/mon-espace/dire?envoye=1");
    Ok(())
}

/// The person's own identity photo, for "Moi" (traced as an identity read).
pub async fn own_photo() -> Result<crate::document::server::Download, AppError> {
    let person = require_person().await?;
    let mut tx = person.state.begin().await?;
    let photo = sqlx::query!(
        r#"SELECT d.id, d.media_type, c.bytes FROM document d
           JOIN document_content c ON c.document_id = d.id
           WHERE d.usager_id = $1 AND d.kind = 'photo_identite' AND d.media_type LIKE 'image/%'
           ORDER BY d.uploaded_at DESC LIMIT 1"#,
        person.usager_id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("reading the person's photo")
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?;
    append(&mut tx, &person.event("identite", "read", "espace/photo"))
        .await
        .map_err(db_error)?;
    tx.commit()
        .await
        .context("tracing the photo's read")
        .map_err(db_error)?;
    Ok(crate::document::server::Download {
        file_name: format!("photo-{}", photo.id),
        media_type: photo.media_type,
        bytes: photo.bytes,
    })
}
