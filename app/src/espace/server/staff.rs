//! The staff side of the space, from the record: open it with the
//! person's agreement, close it, print the card, open a "connexion
//! accompagnée", mark texts as checked by a reading group. Governed by the
//! projet section: those who write the projet with the person manage their
//! space, those who read it see its state.

use super::pages::{reviews, text_hash};
use super::token_hash;
use crate::access::server::{append, enter, may, AuditEvent};
use crate::access::{Action, Section};
use crate::error::AppError;
use crate::espace::{ReviewText, SpaceState, FIXED_TEXTS};
use crate::state::{db_error, AppState};
use crate::{time, validate};
use anyhow::Context as _;
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub async fn space_state(id: Uuid) -> Result<SpaceState, AppError> {
    let e = enter(id, Section::Projet, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let may_manage = may(&mut tx, &e.principal, id, Section::Projet, Action::Write).await?;
    let row = sqlx::query!(
        r#"SELECT s.opened_at AS "opened_at: DateTime<Utc>", o.first_name || ' ' || o.last_name AS "opened_by!",
                  s.closed_at AS "closed_at: DateTime<Utc>", s.close_reason,
                  c.first_name || ' ' || c.last_name AS "closed_by?",
                  space_agreed(s.usager_id) AS "agreed!",
                  (SELECT expressed_by FROM consent_event WHERE usager_id = s.usager_id
                     AND scope = 'espace_personnel' ORDER BY recorded_at DESC LIMIT 1) AS expressed_by
           FROM espace s JOIN account o ON o.id = s.opened_by LEFT JOIN account c ON c.id = s.closed_by
           WHERE s.usager_id = $1"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("reading the person's space")
    .map_err(db_error)?;
    let card = sqlx::query!(
        r#"SELECT c.printed_at AS "printed_at: DateTime<Utc>", a.first_name || ' ' || a.last_name AS "by!"
           FROM espace_card c JOIN account a ON a.id = c.printed_by
           WHERE c.usager_id = $1 AND c.revoked_at IS NULL"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("reading the person's card")
    .map_err(db_error)?;
    let (open, status) = match &row {
        None => (false, "L’espace personnel n’est pas ouvert.".to_string()),
        Some(r) if r.closed_at.is_some() => (
            false,
            format!(
                "Fermé le {} par {} : {}",
                r.closed_at.map(time::date_time).unwrap_or_default(),
                r.closed_by.clone().unwrap_or_default(),
                r.close_reason.clone().unwrap_or_default()
            ),
        ),
        Some(r) if !r.agreed => (
            false,
            "Une opposition est enregistrée dans les consentements : l’espace est fermé.".into(),
        ),
        Some(r) => (
            true,
            format!(
                "Ouvert le {} par {}, avec l’accord {}.",
                time::date_time(r.opened_at),
                r.opened_by,
                if r.expressed_by.as_deref() == Some("representant_legal") {
                    "du représentant légal"
                } else {
                    "de la personne"
                }
            ),
        ),
    };
    // The texts a reading group may check: the fixed texts of the space
    // and the objectives of the projet the person reads.
    let mut texts: Vec<String> = FIXED_TEXTS.iter().map(|(_, _, t)| t.to_string()).collect();
    if let Some((projet, _)) = super::pages::current_projet(&mut tx, id).await? {
        for content in crate::projet::server::person_elements(&mut tx, projet).await? {
            if let crate::projet::ElementContent::Objectif { falc, .. } = content {
                let lines = crate::projet::falc::lines(&falc);
                if !lines.is_empty() {
                    texts.push(lines.join("\n"));
                }
            }
        }
    }
    let marks = reviews(&mut tx, e.principal.organisation_id, &texts).await?;
    let texts = texts
        .into_iter()
        .zip(marks)
        .map(|(text, reviewed)| ReviewText {
            hash: hex::encode(text_hash(&text)),
            text,
            reviewed,
        })
        .collect();
    e.access.commit(tx, Some("espace".into())).await?;
    Ok(SpaceState {
        open,
        status,
        card: card.map(|c| {
            format!(
                "Carte imprimée le {} par {}.",
                time::date_time(c.printed_at),
                c.by
            )
        }),
        texts,
        may_manage,
    })
}

/// A PIN: 4 to 6 digits.
fn valid_pin(pin: &str) -> Result<String, AppError> {
    let pin = pin.trim();
    if (4..=6).contains(&pin.len()) && pin.chars().all(|c| c.is_ascii_digit()) {
        Ok(pin.to_string())
    } else {
        Err(AppError::invalid(
            "pin",
            "Le code choisi par la personne doit avoir de 4 à 6 chiffres.",
        ))
    }
}

pub async fn open_space(
    id: Uuid,
    key: Uuid,
    agreed_by: String,
    pin: String,
) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    if !matches!(agreed_by.as_str(), "usager" | "representant_legal") {
        return Err(AppError::invalid(
            "agreed_by",
            "Indiquez qui a donné son accord : la personne ou son représentant légal.",
        ));
    }
    let pin = valid_pin(&pin)?;
    let mut tx = e.state.begin().await?;
    let existing = sqlx::query!(
        "SELECT request_key, closed_at IS NULL AS \"open!\" FROM espace WHERE usager_id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("reading the person's space")
    .map_err(db_error)?;
    if existing.as_ref().is_some_and(|x| x.request_key == key) {
        return Ok(()); // a resent opening
    }
    let pin_hash = tokio::task::spawn_blocking(move || crate::auth::server::hash_password(&pin))
        .await
        .context("hashing task")
        .map_err(crate::state::internal)?
        .map_err(crate::state::internal)?;
    match existing {
        None => {
            let account = Uuid::new_v4();
            sqlx::query!(
                r#"INSERT INTO account (id, organisation_id, login, password_hash, kind, first_name, last_name)
                   SELECT $1, organisation_id, $3, '!', 'usager', used_first_name, used_last_name
                   FROM usager WHERE id = $2"#,
                account,
                id,
                format!("usager-{account}")
            )
            .execute(&mut *tx)
            .await
            .context("creating the person's account")
            .map_err(db_error)?;
            sqlx::query!(
                r#"INSERT INTO espace (usager_id, organisation_id, account_id, pin_hash, opened_by, request_key)
                   VALUES ($1, $2, $3, $4, $5, $6)"#,
                id,
                e.principal.organisation_id,
                account,
                pin_hash,
                e.principal.account_id,
                key
            )
            .execute(&mut *tx)
            .await
            .context("opening the space")
            .map_err(db_error)?;
        }
        Some(_) => {
            sqlx::query!(
                r#"UPDATE espace SET pin_hash = $2, opened_at = now(), opened_by = $3, request_key = $4,
                          closed_at = NULL, closed_by = NULL, close_reason = NULL
                   WHERE usager_id = $1"#,
                id,
                pin_hash,
                e.principal.account_id,
                key
            )
            .execute(&mut *tx)
            .await
            .context("reopening the space")
            .map_err(db_error)?;
            sqlx::query!(
                "UPDATE account SET active = true WHERE id = (SELECT account_id FROM espace WHERE usager_id = $1)",
                id
            )
            .execute(&mut *tx)
            .await
            .context("reactivating the person's account")
            .map_err(db_error)?;
        }
    }
    sqlx::query!(
        r#"INSERT INTO consent_event (id, organisation_id, usager_id, scope, decision, expressed_by, recorded_by, comment)
           VALUES ($1, $2, $3, 'espace_personnel', 'consentement', $4, $5, 'Ouverture de l’espace personnel')"#,
        Uuid::new_v4(),
        e.principal.organisation_id,
        id,
        agreed_by,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("recording the agreement")
    .map_err(db_error)?;
    e.access.commit(tx, Some("espace/ouvrir".into())).await
}

pub async fn close_space(id: Uuid, reason: String) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let reason = validate::required("reason", "Motif", &reason, 500)?;
    let mut tx = e.state.begin().await?;
    let closed = sqlx::query!(
        r#"UPDATE espace SET closed_at = now(), closed_by = $2, close_reason = $3
           WHERE usager_id = $1 AND closed_at IS NULL"#,
        id,
        e.principal.account_id,
        reason
    )
    .execute(&mut *tx)
    .await
    .context("closing the space")
    .map_err(db_error)?;
    if closed.rows_affected() == 0 {
        return Err(AppError::Conflict);
    }
    sqlx::query!(
        "UPDATE espace_card SET revoked_at = now() WHERE usager_id = $1 AND revoked_at IS NULL",
        id
    )
    .execute(&mut *tx)
    .await
    .context("revoking the card")
    .map_err(db_error)?;
    e.access.commit(tx, Some("espace/fermer".into())).await
}

/// What the printed card shows.
pub struct Card {
    pub first_name: String,
    pub last_name: String,
    pub organisation: String,
    /// The token, only ever in this card.
    pub token: String,
    /// The identity photo (JPEG or PNG), if any.
    pub photo: Option<(String, Vec<u8>)>,
}

/// Prints a new card: a new token (32 random bytes, URL-safe base64),
/// the previous card revoked, in one traced transaction.
pub async fn print_card(id: Uuid) -> Result<Card, AppError> {
    use base64::Engine as _;
    use rand::RngCore as _;
    let e = enter(id, Section::Projet, Action::Write).await?;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let mut tx = e.state.begin().await?;
    let open = sqlx::query_scalar!(
        r#"SELECT closed_at IS NULL AND space_agreed(usager_id) AS "open!" FROM espace WHERE usager_id = $1"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("reading the space")
    .map_err(db_error)?;
    if open != Some(true) {
        return Err(AppError::invalid(
            "espace",
            "Ouvrez d’abord l’espace personnel, avec l’accord de la personne.",
        ));
    }
    sqlx::query!(
        "UPDATE espace_card SET revoked_at = now() WHERE usager_id = $1 AND revoked_at IS NULL",
        id
    )
    .execute(&mut *tx)
    .await
    .context("revoking the previous card")
    .map_err(db_error)?;
    let card_id = Uuid::new_v4();
    sqlx::query!(
        r#"INSERT INTO espace_card (id, organisation_id, usager_id, token_hash, printed_by)
           VALUES ($1, $2, $3, $4, $5)"#,
        card_id,
        e.principal.organisation_id,
        id,
        &token_hash(&token)[..],
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("recording the card")
    .map_err(db_error)?;
    let who = sqlx::query!(
        r#"SELECT u.used_first_name, u.used_last_name, o.name AS organisation FROM usager u
           JOIN organisation o ON o.id = u.organisation_id WHERE u.id = $1"#,
        id
    )
    .fetch_one(&mut *tx)
    .await
    .context("reading the person")
    .map_err(db_error)?;
    let photo = sqlx::query!(
        r#"SELECT d.media_type, c.bytes FROM document d JOIN document_content c ON c.document_id = d.id
           WHERE d.usager_id = $1 AND d.kind = 'photo_identite' AND d.media_type IN ('image/jpeg', 'image/png')
           ORDER BY d.uploaded_at DESC LIMIT 1"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("reading the photo")
    .map_err(db_error)?;
    e.access
        .commit(tx, Some(format!("espace/carte/{card_id}")))
        .await?;
    Ok(Card {
        first_name: who.used_first_name,
        last_name: who.used_last_name,
        organisation: who.organisation,
        token,
        photo: photo.map(|p| (p.media_type, p.bytes)),
    })
}

pub async fn accompany(id: Uuid) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let mut tx = e.state.begin().await?;
    let account = sqlx::query_scalar!(
        r#"SELECT account_id FROM espace WHERE usager_id = $1 AND closed_at IS NULL AND space_agreed(usager_id)"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("reading the space")
    .map_err(db_error)?;
    let Some(account) = account else {
        return Err(AppError::invalid(
            "espace",
            "L’espace personnel n’est pas ouvert.",
        ));
    };
    // Both traced together: the professional's opening, the person's sign-in.
    append(
        &mut tx,
        &AuditEvent {
            account_id: account,
            profession: None,
            object_id: Some(format!("connexion/accompagnee/{}", e.principal.account_id)),
            ..AuditEvent::by(&e.principal, Some(id), "espace", "read")
        },
    )
    .await
    .map_err(db_error)?;
    let state: AppState = e.state.clone();
    e.access
        .commit(tx, Some("espace/connexion_accompagnee".into()))
        .await?;
    crate::auth::server::start_session(account, Some(state.config.espace_idle_minutes)).await?;
    leptos_axum::redirect("/mon-espace");
    Ok(())
}

pub async fn mark_reviewed(
    id: Uuid,
    hashes: String,
    group: String,
    on: String,
) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let group = validate::required("group", "Groupe de relecture", &group, 200)?;
    let on = validate::date("on", "Date de la relecture", &on)?;
    if on > time::today_paris() {
        return Err(AppError::invalid(
            "on",
            "La date de la relecture ne peut pas être dans le futur.",
        ));
    }
    let hashes: Vec<Vec<u8>> = hashes
        .split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(|h| hex::decode(h).ok().filter(|b| b.len() == 32))
        .collect::<Option<_>>()
        .filter(|v: &Vec<Vec<u8>>| !v.is_empty() && v.len() <= 100)
        .ok_or_else(|| AppError::invalid("hashes", "Choisissez les textes relus."))?;
    let mut tx = e.state.begin().await?;
    sqlx::query!(
        r#"INSERT INTO falc_review (organisation_id, text_hash, reading_group, reviewed_on, recorded_by)
           SELECT $1, h, $3, $4, $5 FROM unnest($2::bytea[]) AS h
           ON CONFLICT (organisation_id, text_hash) DO UPDATE
             SET reading_group = EXCLUDED.reading_group, reviewed_on = EXCLUDED.reviewed_on,
                 recorded_by = EXCLUDED.recorded_by, recorded_at = now()"#,
        e.principal.organisation_id,
        &hashes,
        group,
        on as _,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("recording a reading group's review")
    .map_err(db_error)?;
    e.access.commit(tx, Some("espace/relu".into())).await
}
