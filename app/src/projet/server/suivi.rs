//! Following a project in force: bilans with their evaluations, accords.

use super::*;
use crate::access::server::enter;
use crate::access::{Action, Section};
use crate::projet::element::long_text;
use crate::projet::*;
use crate::state::db_error;
use crate::state::replayed;
use crate::{time, validate};
use anyhow::Context as _;

pub async fn add_bilan(id: Uuid, projet: Uuid, key: Uuid, form: BilanForm) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    let held_on = validate::date("held_on", "Date du bilan", &form.held_on)?;
    if held_on > time::today_paris() {
        return Err(AppError::invalid(
            "held_on",
            "La date du bilan ne peut pas être dans le futur.",
        ));
    }
    let next_review = validate::date(
        "next_review",
        "Date de la prochaine révision",
        &form.next_review,
    )?;
    if next_review <= held_on {
        return Err(AppError::invalid(
            "next_review",
            "La prochaine révision est fixée après la date du bilan.",
        ));
    }
    let synthesis = validate::required("synthesis", "Synthèse", &form.synthesis, 20_000)?;
    let invited = long_text("invited", "Personnes invitées", &form.invited, 2000)?;
    let preparation = long_text(
        "preparation",
        "Synthèse préparatoire",
        &form.preparation,
        20_000,
    )?;
    let preparation_by = long_text("preparation_by", "Écrite par", &form.preparation_by, 200)?;
    let mut tx = e.state.begin().await?;
    let h = lock_exclusive(&mut tx, id, projet).await?;
    validate::ordered(
        "next_review",
        h.starts_on,
        Some(next_review),
        "La date de la prochaine révision ne peut pas précéder le début du projet.",
    )?;
    let objectives: Vec<Uuid> = elements(&mut tx, projet)
        .await?
        .into_iter()
        .filter(|el| matches!(el.content, ElementContent::Objectif { .. }))
        .map(|el| el.id)
        .collect();
    for ev in &form.evaluations {
        if !objectives.contains(&ev.objectif_id) {
            return Err(AppError::invalid(
                "evaluations",
                "Une évaluation porte sur un objectif de ce projet.",
            ));
        }
        if EvaluationResult::parse(&ev.result).is_none() {
            return Err(AppError::invalid(
                "evaluations",
                "Évaluation inconnue : atteint, partiellement, non atteint ou abandonné.",
            ));
        }
        long_text("comment", "Commentaire", &ev.comment, 4000)?;
    }
    let inserted = sqlx::query!(
        r#"INSERT INTO projet_bilan (id, projet_id, held_on, synthesis, invited, preparation, preparation_by,
                                    next_review, written_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING"#,
        key,
        projet,
        held_on as _,
        synthesis,
        invited,
        preparation,
        preparation_by,
        next_review as _,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("recording a bilan")
    .map_err(db_error)?;
    if inserted.rows_affected() == 0 {
        replayed(
            sqlx::query_scalar!(
                r#"SELECT projet_id = $2 AND written_by = $3 AS "same!" FROM projet_bilan WHERE id = $1"#,
                key,
                projet,
                e.principal.account_id
            )
            .fetch_optional(&mut *tx)
            .await
            .context("checking a retried bilan")
            .map_err(db_error)?,
        )?;
        return e.access.commit(tx, Some(key.to_string())).await;
    }
    for ev in form.evaluations {
        sqlx::query!(
            r#"INSERT INTO projet_evaluation (bilan_id, objectif_id, result, comment) VALUES ($1, $2, $3, $4)
               ON CONFLICT DO NOTHING"#,
            key,
            ev.objectif_id,
            ev.result,
            ev.comment.trim()
        )
        .execute(&mut *tx)
        .await
        .context("recording an evaluation")
        .map_err(db_error)?;
    }
    sqlx::query!(
        "UPDATE projet SET next_review = $2 WHERE id = $1",
        projet,
        next_review as _
    )
    .execute(&mut *tx)
    .await
    .context("setting the next review")
    .map_err(db_error)?;
    refresh(&mut tx, id, projet).await?;
    e.access.commit(tx, Some(key.to_string())).await
}

pub async fn add_accord(
    id: Uuid,
    projet: Uuid,
    key: Uuid,
    form: AccordForm,
) -> Result<(), AppError> {
    let e = enter(id, Section::Projet, Action::Write).await?;
    if Party::parse(&form.party).is_none() {
        return Err(AppError::invalid("party", "Partie inconnue."));
    }
    let signatory = validate::required("signatory", "Signataire", &form.signatory, 200)?;
    let signed_on = validate::date("signed_on", "Date de l’accord", &form.signed_on)?;
    if signed_on > time::today_paris() {
        return Err(AppError::invalid(
            "signed_on",
            "La date de l’accord ne peut pas être dans le futur.",
        ));
    }
    let valid_until =
        validate::optional_date("valid_until", "Valable jusqu’au", &form.valid_until)?;
    validate::ordered(
        "valid_until",
        Some(signed_on),
        valid_until,
        "La fin de validité ne peut pas précéder la date de l’accord.",
    )?;
    let mut tx = e.state.begin().await?;
    lock_exclusive(&mut tx, id, projet).await?;
    let version = sqlx::query_scalar!(
        "SELECT max(number) FROM projet_version WHERE projet_id = $1",
        projet
    )
    .fetch_one(&mut *tx)
    .await
    .context("finding the validated version")
    .map_err(db_error)?
    .ok_or_else(|| {
        AppError::invalid(
            "version",
            "L’accord porte sur une version validée : validez d’abord le projet.",
        )
    })?;
    if let Some(doc) = form.document_id {
        let ours = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM document WHERE id = $1 AND usager_id = $2) AS "ok!""#,
            doc,
            id
        )
        .fetch_one(&mut *tx)
        .await
        .context("checking a document")
        .map_err(db_error)?;
        if !ours {
            return Err(AppError::invalid(
                "document_id",
                "Le document joint doit être un document du dossier de la personne.",
            ));
        }
    }
    let inserted = sqlx::query!(
        r#"INSERT INTO projet_accord (id, projet_id, version, party, signatory, signed_on, valid_until,
                                     document_id, recorded_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING"#,
        key,
        projet,
        version,
        form.party,
        signatory,
        signed_on as _,
        valid_until as _,
        form.document_id,
        e.principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("recording an accord")
    .map_err(db_error)?;
    if inserted.rows_affected() == 0 {
        replayed(
            sqlx::query_scalar!(
                r#"SELECT projet_id = $2 AND recorded_by = $3 AS "same!" FROM projet_accord WHERE id = $1"#,
                key,
                projet,
                e.principal.account_id
            )
            .fetch_optional(&mut *tx)
            .await
            .context("checking a retried accord")
            .map_err(db_error)?,
        )?;
    }
    e.access.commit(tx, Some(key.to_string())).await
}
