use super::*;
use crate::access::server::{append_list_reads, enter, may, profession_may, require_list};
use crate::access::{Action, Section};
use crate::auth::server::require_principal;
use crate::organisation::Profession;
use crate::state::{db_error, replayed, AppState};
use crate::{time, validate};
use anyhow::Context as _;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// A note parsed into what the database accepts.
struct Parsed {
    category: Category,
    body: String,
    donnees: Option<String>,
    actions: Option<String>,
    resultats: Option<String>,
    important: bool,
    shared_family: bool,
}

fn parse(input: &TransmissionInput) -> Result<Parsed, AppError> {
    Ok(Parsed {
        category: input.category,
        body: validate::required("body", "Note", &input.body, MAX_BODY)?,
        donnees: validate::optional("dar_donnees", "Données", &input.dar_donnees, MAX_DAR)?,
        actions: validate::optional("dar_actions", "Actions", &input.dar_actions, MAX_DAR)?,
        resultats: validate::optional("dar_resultats", "Résultats", &input.dar_resultats, MAX_DAR)?,
        important: input.important,
        shared_family: input.shared_family,
    })
}

fn dar(d: Option<String>, a: Option<String>, r: Option<String>) -> Option<Dar> {
    (d.is_some() || a.is_some() || r.is_some()).then_some(Dar {
        donnees: d,
        actions: a,
        resultats: r,
    })
}

/// One note with its usager and author, as the lists show it.
async fn view(conn: &mut PgConnection, id: Uuid) -> Result<TransmissionView, AppError> {
    list(conn, &[id])
        .await?
        .pop()
        .ok_or_else(|| crate::state::internal(anyhow::anyhow!("transmission {id} vanished")))
}

fn corrector(p: &crate::auth::server::Principal) -> Corrector {
    Corrector {
        account_id: p.account_id,
        any_author: p.profession == Some(Profession::ChefService),
    }
}

/// The categories whose notes the reader may see, given whether they read Soins.
fn readable_categories(soins: bool) -> Vec<String> {
    Category::ALL
        .into_iter()
        .filter(|c| soins || c.section() != Section::Soins)
        .map(|c| c.code().to_string())
        .collect()
}

/// The sections other than Transmissions that these notes were read from.
fn other_sections(categories: impl IntoIterator<Item = Category>) -> Vec<Section> {
    let mut sections = Vec::new();
    for s in categories.into_iter().map(Category::section) {
        if s != Section::Transmissions && !sections.contains(&s) {
            sections.push(s);
        }
    }
    sections
}

pub async fn write_transmission(
    id: Uuid,
    input: TransmissionInput,
) -> Result<TransmissionView, AppError> {
    // The note's category says which section is written (a care note: Soins).
    let e = enter(id, input.category.section(), Action::Write).await?;
    let p = parse(&input)?;
    let mut tx = e.state.begin().await?;
    let inserted = sqlx::query_scalar!(
        r#"INSERT INTO transmission (id, organisation_id, usager_id, author_id, category, body, dar_donnees,
                                     dar_actions, dar_resultats, important, shared_family)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           ON CONFLICT (id) DO NOTHING
           RETURNING written_at AS "written_at: DateTime<Utc>""#,
        input.id,
        e.principal.organisation_id,
        id,
        e.principal.account_id,
        p.category.code(),
        p.body,
        p.donnees,
        p.actions,
        p.resultats,
        p.important,
        p.shared_family
    )
    .fetch_optional(&mut *tx)
    .await
    .context("writing a transmission")
    .map_err(db_error)?;
    match inserted {
        Some(written_at) => {
            sqlx::query!(
                r#"INSERT INTO transmission_version (transmission_id, version, request_key, organisation_id,
                       author_id, written_at, category, body, dar_donnees, dar_actions, dar_resultats,
                       important, shared_family)
                   VALUES ($1, 1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"#,
                input.id,
                e.principal.organisation_id,
                e.principal.account_id,
                written_at as _,
                p.category.code(),
                p.body,
                p.donnees,
                p.actions,
                p.resultats,
                p.important,
                p.shared_family
            )
            .execute(&mut *tx)
            .await
            .context("writing the first version of a transmission")
            .map_err(db_error)?;
        }
        None => {
            // A retry: the same author about the same usager finds their note.
            replayed(
                sqlx::query_scalar!(
                    r#"SELECT usager_id = $2 AND author_id = $3 AS "same!" FROM transmission WHERE id = $1"#,
                    input.id,
                    id,
                    e.principal.account_id
                )
                .fetch_optional(&mut *tx)
                .await
                .context("checking a retried transmission")
                .map_err(db_error)?,
            )?;
        }
    }
    let v = view(&mut tx, input.id).await?;
    e.access.commit(tx, Some(input.id.to_string())).await?;
    Ok(v)
}

pub async fn correct_transmission(
    id: Uuid,
    transmission_id: Uuid,
    version: i32,
    request_key: Uuid,
    input: TransmissionInput,
    reason: String,
) -> Result<TransmissionView, AppError> {
    let e = enter(id, input.category.section(), Action::Write).await?;
    let p = parse(&input)?;
    let reason = validate::required("reason", "Motif de la correction", &reason, 500)?;
    let mut tx = e.state.begin().await?;
    let replayed = sqlx::query!(
        r#"SELECT v.transmission_id, t.usager_id FROM transmission_version v
           JOIN transmission t ON t.id = v.transmission_id WHERE v.request_key = $1"#,
        request_key
    )
    .fetch_optional(&mut *tx)
    .await
    .context("looking for a replayed correction")
    .map_err(db_error)?;
    if let Some(found) = replayed {
        // The key of another note, or of another person's: not a replay.
        if found.transmission_id != transmission_id || found.usager_id != id {
            return Err(AppError::Conflict);
        }
        let v = view(&mut tx, transmission_id).await?;
        e.access
            .commit(tx, Some(transmission_id.to_string()))
            .await?;
        return Ok(v);
    }
    let current = sqlx::query!(
        r#"SELECT version, author_id, category FROM transmission WHERE id = $1 AND usager_id = $2 FOR UPDATE"#,
        transmission_id,
        id
    )
    .fetch_optional(&mut *tx)
    .await
    .context("locking a transmission")
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?;
    // The note's present category governs too: a care note is corrected
    // only by someone who writes care, whatever it becomes.
    let present = Category::section_of(&current.category);
    if present != p.category.section()
        && !may(&mut tx, &e.principal, id, present, Action::Write).await?
    {
        drop(tx);
        return Err(e.access.refuse(&e.state, present).await);
    }
    // A note is corrected by its author; a chef de service may correct
    // anyone's (the reason is always required, and each version keeps who
    // wrote it).
    if !corrector(&e.principal).may_correct(current.author_id) {
        drop(tx);
        return Err(e.access.refuse(&e.state, p.category.section()).await);
    }
    if current.version != version {
        return Err(AppError::Stale {
            current_version: current.version,
        });
    }
    let next = version + 1;
    let corrected_at = sqlx::query_scalar!(
        r#"INSERT INTO transmission_version (transmission_id, version, request_key, organisation_id, author_id,
               category, body, dar_donnees, dar_actions, dar_resultats, important, shared_family, correction_reason)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
           RETURNING written_at AS "at: DateTime<Utc>""#,
        transmission_id,
        next,
        request_key,
        e.principal.organisation_id,
        e.principal.account_id,
        p.category.code(),
        p.body,
        p.donnees,
        p.actions,
        p.resultats,
        p.important,
        p.shared_family,
        reason
    )
    .fetch_one(&mut *tx)
    .await
    .context("writing a correction")
    .map_err(db_error)?;
    sqlx::query!(
        r#"UPDATE transmission SET category = $2, body = $3, dar_donnees = $4, dar_actions = $5,
                  dar_resultats = $6, important = $7, shared_family = $8, version = $9, corrected_at = $10
           WHERE id = $1"#,
        transmission_id,
        p.category.code(),
        p.body,
        p.donnees,
        p.actions,
        p.resultats,
        p.important,
        p.shared_family,
        next,
        corrected_at as _
    )
    .execute(&mut *tx)
    .await
    .context("updating the current version of a transmission")
    .map_err(db_error)?;
    let v = view(&mut tx, transmission_id).await?;
    e.access
        .commit(tx, Some(transmission_id.to_string()))
        .await?;
    Ok(v)
}

pub async fn list_transmissions(id: Uuid, filter: TimelineFilter) -> Result<Timeline, AppError> {
    let e = enter(id, Section::Transmissions, Action::Read).await?;
    let category = filter.category;
    let limit = filter.limit();
    let author = match filter.author.as_str() {
        "" => None,
        a => Some(Uuid::parse_str(a).map_err(|_| AppError::invalid("author", "Auteur inconnu."))?),
    };
    let from = validate::optional_date("from", "Du", &filter.from)?;
    let to = validate::optional_date("to", "Au", &filter.to)?;
    validate::ordered("to", from, to, "La fin de la période précède son début.")?;
    let from = from.map(time::paris_midnight);
    let to = to.and_then(|d| d.succ_opt()).map(time::paris_midnight);
    let mut tx = e.state.begin().await?;
    let soins = may(&mut tx, &e.principal, id, Section::Soins, Action::Read).await?;
    if category.is_some_and(|c| c.section() == Section::Soins) && !soins {
        drop(tx);
        return Err(e.access.refuse(&e.state, Section::Soins).await);
    }
    let readable = readable_categories(soins);
    let ids = sqlx::query_scalar!(
        r#"SELECT id FROM transmission
           WHERE usager_id = $1
             AND ($2::text IS NULL OR category = $2)
             AND ($3::uuid IS NULL OR author_id = $3)
             AND ($4::timestamptz IS NULL OR written_at >= $4)
             AND ($5::timestamptz IS NULL OR written_at < $5)
             AND (NOT $6 OR important)
             AND category = ANY($8)
           ORDER BY written_at DESC
           LIMIT $7"#,
        id,
        category.map(Category::code),
        author,
        from as _,
        to as _,
        filter.important_only,
        limit + 1,
        &readable
    )
    .fetch_all(&mut *tx)
    .await
    .context("listing transmissions")
    .map_err(db_error)?;
    let truncated = ids.len() as i64 > limit;
    let notes = list(&mut tx, &ids[..ids.len().min(limit as usize)]).await?;
    let authors = sqlx::query!(
        r#"SELECT DISTINCT a.id, a.first_name || ' ' || a.last_name AS "name!"
           FROM account a WHERE a.id IN (SELECT DISTINCT author_id FROM transmission
                                         WHERE usager_id = $1 AND category = ANY($2))
           ORDER BY 2"#,
        id,
        &readable
    )
    .fetch_all(&mut *tx)
    .await
    .context("listing the authors of transmissions")
    .map_err(db_error)?
    .into_iter()
    .map(|r| (r.id, r.name))
    .collect();
    let can_write = may(
        &mut tx,
        &e.principal,
        id,
        Section::Transmissions,
        Action::Write,
    )
    .await?;
    let writes_care = may(&mut tx, &e.principal, id, Section::Soins, Action::Write).await?;
    let also = other_sections(notes.iter().map(|n| n.category));
    e.access
        .commit_with(tx, Some("transmissions".into()), &also)
        .await?;
    Ok(Timeline {
        notes,
        categories: Category::ALL
            .into_iter()
            .filter(|c| readable.iter().any(|r| r == c.code()))
            .collect(),
        corrector: corrector(&e.principal),
        writes_care,
        authors,
        can_write,
        truncated,
        count: limit,
    })
}

/// The latest important notes about the usager, for the record's overview:
/// only the categories the reader may read (`soins`: they read Soins). The
/// caller checked the Transmissions read and traces it with the sections
/// the notes came from (`sections_of`).
pub(crate) async fn latest_important(
    conn: &mut PgConnection,
    id: Uuid,
    soins: bool,
    count: i64,
) -> Result<Vec<TransmissionView>, AppError> {
    let ids = sqlx::query_scalar!(
        r#"SELECT id FROM transmission
           WHERE usager_id = $1 AND important AND category = ANY($2)
           ORDER BY written_at DESC LIMIT $3"#,
        id,
        &readable_categories(soins),
        count
    )
    .fetch_all(&mut *conn)
    .await
    .context("listing the latest important notes")
    .map_err(db_error)?;
    list(conn, &ids).await
}

/// The sections other than Transmissions these notes were read from.
pub(crate) fn sections_of(notes: &[TransmissionView]) -> Vec<Section> {
    other_sections(notes.iter().map(|n| n.category))
}

/// The notes of these ids, in this order, with the unit of the usager.
async fn list(conn: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<TransmissionView>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT t.id, t.usager_id, t.author_id, u.used_first_name || ' ' || upper(u.used_last_name) AS "usager!",
                  a.first_name || ' ' || a.last_name AS "author!", t.written_at AS "written_at: DateTime<Utc>",
                  t.category, t.body, t.dar_donnees, t.dar_actions, t.dar_resultats, t.important,
                  t.shared_family, t.usager_words, t.version, t.corrected_at AS "corrected_at: DateTime<Utc>",
                  (SELECT ca.first_name || ' ' || ca.last_name FROM transmission_version v
                   JOIN account ca ON ca.id = v.author_id
                   WHERE v.transmission_id = t.id AND v.version = t.version) AS corrected_by
           FROM unnest($1::uuid[]) WITH ORDINALITY AS k(id, n)
           JOIN transmission t ON t.id = k.id
           JOIN usager u ON u.id = t.usager_id JOIN account a ON a.id = t.author_id
           ORDER BY k.n"#,
        ids
    )
    .fetch_all(conn)
    .await
    .context("loading transmissions")
    .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .map(|r| TransmissionView {
            id: r.id,
            usager_id: r.usager_id,
            usager: r.usager,
            unit: None,
            author_id: r.author_id,
            author: r.author,
            written_at: time::date_time(r.written_at),
            category: Category::parse(&r.category).unwrap_or(Category::VieQuotidienne),
            body: r.body,
            dar: dar(r.dar_donnees, r.dar_actions, r.dar_resultats),
            important: r.important,
            shared_family: r.shared_family,
            usager_words: r.usager_words,
            version: r.version,
            corrected: r.corrected_at.map(|at| {
                format!(
                    "corrigée le {} par {}",
                    time::date_time(at),
                    r.corrected_by.unwrap_or_default()
                )
            }),
        })
        .collect())
}

pub async fn transmission_history(
    id: Uuid,
    transmission_id: Uuid,
) -> Result<Vec<VersionView>, AppError> {
    let e = enter(id, Section::Transmissions, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let rows = sqlx::query!(
        r#"SELECT v.version, a.first_name || ' ' || a.last_name AS "author!",
                  v.written_at AS "written_at: DateTime<Utc>", v.category, v.body, v.dar_donnees,
                  v.dar_actions, v.dar_resultats, v.important, v.shared_family, v.correction_reason
           FROM transmission_version v JOIN transmission t ON t.id = v.transmission_id
           JOIN account a ON a.id = v.author_id
           WHERE v.transmission_id = $1 AND t.usager_id = $2
           ORDER BY v.version DESC"#,
        transmission_id,
        id
    )
    .fetch_all(&mut *tx)
    .await
    .context("loading the versions of a transmission")
    .map_err(db_error)?;
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    // Every category the note ever had governs its history.
    let also = other_sections(rows.iter().filter_map(|r| Category::parse(&r.category)));
    for section in &also {
        if !may(&mut tx, &e.principal, id, *section, Action::Read).await? {
            drop(tx);
            return Err(e.access.refuse(&e.state, *section).await);
        }
    }
    e.access
        .commit_with(tx, Some(transmission_id.to_string()), &also)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| VersionView {
            version: r.version,
            author: r.author,
            written_at: time::date_time(r.written_at),
            category: Category::parse(&r.category).unwrap_or(Category::VieQuotidienne),
            body: r.body,
            dar: dar(r.dar_donnees, r.dar_actions, r.dar_resultats),
            important: r.important,
            shared_family: r.shared_family,
            correction_reason: r.correction_reason,
        })
        .collect())
}

pub async fn get_cahier(date: String) -> Result<Cahier, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_list(&state, &principal, Section::Transmissions, Action::Read).await?;
    let today = time::today_paris();
    let day = match date.trim() {
        "" => today,
        d => validate::date("date", "Jour", d)?,
    };
    let mut tx = state.begin().await?;
    let soins = profession_may(&mut tx, &principal, Section::Soins, Action::Read).await?;
    let readable = readable_categories(soins);
    let start = time::paris_midnight(day);
    let end = time::paris_midnight(day.succ_opt().unwrap_or(day));
    let rows = sqlx::query!(
        r#"SELECT t.id, (SELECT COALESCE(un.name, e.name) FROM current_perimeter p
                         JOIN etablissement e ON e.id = p.etablissement_id
                         LEFT JOIN unit un ON un.id = p.unit_id
                         WHERE p.usager_id = t.usager_id AND p.account_id = $2
                         ORDER BY 1 LIMIT 1) AS unit
           FROM transmission t
           WHERE t.organisation_id = $1 AND t.written_at >= $3 AND t.written_at < $4
             AND t.category = ANY($5)
           ORDER BY t.written_at DESC"#,
        principal.organisation_id,
        principal.account_id,
        start as _,
        end as _,
        &readable
    )
    .fetch_all(&mut *tx)
    .await
    .context("listing the cahier de liaison")
    .map_err(db_error)?;
    // Only the usagers of the caller's units: a note whose usager has no unit
    // in common with the caller is not theirs to read.
    let (ids, units): (Vec<Uuid>, Vec<Option<String>>) = rows
        .into_iter()
        .filter(|r| r.unit.is_some())
        .map(|r| (r.id, r.unit))
        .unzip();
    let mut notes = list(&mut tx, &ids).await?;
    for (n, u) in notes.iter_mut().zip(units) {
        n.unit = u;
    }
    let shown: Vec<Uuid> = notes.iter().map(|n| n.usager_id).collect();
    append_list_reads(
        &mut tx,
        &principal,
        shown,
        Section::Transmissions,
        "cahier_de_liaison",
    )
    .await?;
    // Care notes shown are a read of each person's Soins section too.
    let care: Vec<Uuid> = notes
        .iter()
        .filter(|n| n.category.section() == Section::Soins)
        .map(|n| n.usager_id)
        .collect();
    append_list_reads(
        &mut tx,
        &principal,
        care,
        Section::Soins,
        "cahier_de_liaison",
    )
    .await?;
    tx.commit()
        .await
        .context("committing the cahier de liaison reads")
        .map_err(db_error)?;
    Ok(Cahier {
        day: time::long_date(day),
        date: day.to_string(),
        previous: day.pred_opt().unwrap_or(day).to_string(),
        next: (day < today).then(|| day.succ_opt().unwrap_or(day).to_string()),
        notes,
    })
}
