use super::*;
use crate::access::server::{append_list_reads, authorize, enter, may, require_list};
use crate::access::{Action, Section};
use crate::auth::server::require_principal;
use crate::state::{db_error, internal, AppState};
use crate::{time, validate};
use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};

fn format_of(media_type: &str, size: i64) -> String {
    let name = ACCEPTED
        .iter()
        .find(|(m, _)| *m == media_type)
        .map(|(_, n)| *n)
        .unwrap_or("Fichier");
    format!("{name}, {}", human_size(size))
}

struct Row {
    id: Uuid,
    usager_id: Uuid,
    usager: Option<String>,
    kind: String,
    title: String,
    file_name: String,
    media_type: String,
    size_bytes: i32,
    uploaded_at: DateTime<Utc>,
    uploader: String,
    valid_until: Option<NaiveDate>,
}

fn view(r: Row, today: NaiveDate) -> DocumentView {
    let horizon = today + chrono::Duration::days(EXPIRY_WINDOW_DAYS);
    DocumentView {
        id: r.id,
        usager_id: r.usager_id,
        usager: r.usager,
        kind: kind_label(&r.kind),
        title: r.title,
        file_name: r.file_name,
        format: format_of(&r.media_type, r.size_bytes as i64),
        uploaded: format!(
            "déposé le {} par {}",
            time::date_time(r.uploaded_at),
            r.uploader
        ),
        valid_until: r
            .valid_until
            .map(|d| format!("valable jusqu’au {}", time::short_date(d))),
        expiring: r.valid_until.is_some_and(|d| d <= horizon),
        expired: r.valid_until.is_some_and(|d| d < today),
    }
}

pub async fn list_documents(id: Uuid) -> Result<Documents, AppError> {
    let e = enter(id, Section::Documents, Action::Read).await?;
    let mut tx = e.state.begin().await?;
    let today = time::today_paris();
    let documents = sqlx::query_as!(
        Row,
        r#"SELECT d.id, d.usager_id, NULL::text AS usager, d.kind, d.title, d.file_name, d.media_type, d.size_bytes,
                  d.uploaded_at AS "uploaded_at: DateTime<Utc>", a.first_name || ' ' || a.last_name AS "uploader!",
                  d.valid_until AS "valid_until: NaiveDate"
           FROM document d JOIN account a ON a.id = d.uploaded_by
           WHERE d.usager_id = $1 AND d.kind <> 'courrier_medical' ORDER BY d.uploaded_at DESC"#,
        id
    )
    .fetch_all(&mut *tx)
    .await
    .context("listing documents")
    .map_err(db_error)?
    .into_iter()
    .map(|r| view(r, today))
    .collect();
    let can_upload = may(&mut tx, &e.principal, id, Section::Documents, Action::Write).await?;
    e.access.commit(tx, Some("documents".into())).await?;
    Ok(Documents {
        documents,
        can_upload,
    })
}

fn too_large() -> AppError {
    AppError::invalid(
        "file",
        &format!(
            "Le fichier dépasse la taille maximale de {} Mo.",
            MAX_BYTES / (1024 * 1024)
        ),
    )
}

fn multipart_error(e: impl std::fmt::Display) -> AppError {
    tracing::info!(error = %e, "unreadable upload");
    AppError::invalid(
        "file",
        "L’envoi du fichier a été interrompu ou est illisible. Réessayez.",
    )
}

/// A text field of the upload, read only up to `max` bytes: nothing
/// unbounded is read before the upload is authorized.
async fn bounded_text(
    field: &mut multer::Field<'static>,
    name: &str,
    max: usize,
) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if bytes.len() + chunk.len() > max {
            return Err(AppError::invalid(name, "Ce champ est trop long."));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| AppError::invalid(name, "Ce champ est illisible."))
}

/// The longest text field of an upload, in bytes (a title of 200
/// characters fits).
const MAX_FIELD_BYTES: usize = 1024;

pub async fn upload_document(data: MultipartData) -> Result<Uuid, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    // A body announced larger than the limit is refused before it is read.
    let announced = use_context::<axum::http::request::Parts>()
        .and_then(|p| p.headers.get(axum::http::header::CONTENT_LENGTH).cloned())
        .and_then(|v| v.to_str().ok().and_then(|s| s.parse::<usize>().ok()));
    if announced.is_some_and(|n| n > MAX_BYTES + 64 * 1024) {
        return Err(too_large());
    }
    let Some(mut multipart) = data.into_inner() else {
        return Err(internal(anyhow::anyhow!(
            "multipart data on the server side"
        )));
    };
    let mut usager: Option<Uuid> = None;
    let mut kind = String::new();
    let mut title = String::new();
    let mut valid_until = String::new();
    let mut access = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name().unwrap_or_default() {
            // The usager is fixed once the file is authorized for them.
            // One person per upload, authorized as soon as it is named:
            // nothing else of the body is read for someone out of reach.
            "id" if access.is_some() => {
                return Err(AppError::invalid(
                    "file",
                    "Un seul fichier, pour une seule personne, par envoi.",
                ));
            }
            "file" if file.is_some() => {
                return Err(AppError::invalid(
                    "file",
                    "Un seul fichier, pour une seule personne, par envoi.",
                ));
            }
            "id" => {
                let text = bounded_text(&mut field, "id", MAX_FIELD_BYTES).await?;
                let id = Uuid::parse_str(text.trim())
                    .map_err(|_| AppError::invalid("id", "Usager inconnu."))?;
                access = Some(
                    authorize(&state, &principal, id, Section::Documents, Action::Write).await?,
                );
                usager = Some(id);
            }
            "kind" => kind = bounded_text(&mut field, "kind", MAX_FIELD_BYTES).await?,
            "title" => title = bounded_text(&mut field, "title", MAX_FIELD_BYTES).await?,
            "valid_until" => {
                valid_until = bounded_text(&mut field, "valid_until", MAX_FIELD_BYTES).await?
            }
            "file" => {
                // Authorized before the bytes are read.
                if access.is_none() {
                    return Err(AppError::invalid("id", "Usager inconnu."));
                }
                let name = field.file_name().unwrap_or("document").to_string();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    if bytes.len() + chunk.len() > MAX_BYTES {
                        return Err(too_large());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    let (Some(usager), Some(access), Some((file_name, bytes))) = (usager, access, file) else {
        return Err(AppError::invalid(
            "file",
            "Choisissez un fichier ou prenez une photo.",
        ));
    };
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "Le fichier est vide."));
    }
    if DocumentKind::parse(&kind).is_none() {
        return Err(AppError::invalid("kind", "Choisissez le type de document."));
    }
    // A medical letter is written by those who hold the médical section.
    let access = if DocumentKind::section(&kind) == Section::Medical {
        authorize(&state, &principal, usager, Section::Medical, Action::Write).await?
    } else {
        access
    };
    let title = validate::required("title", "Titre", &title, 200)?;
    let valid_until = validate::optional_date("valid_until", "Fin de validité", &valid_until)?;
    let media_type = infer::get(&bytes)
        .map(|t| t.mime_type())
        .filter(|m| ACCEPTED.iter().any(|(a, _)| a == m))
        .ok_or_else(|| {
            AppError::invalid(
                "file",
                "Ce fichier n’est ni un PDF ni une image (JPEG, PNG, WebP) : il n’a pas été enregistré.",
            )
        })?;
    let file_name: String = file_name
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
        .take(255)
        .collect();
    let file_name = if file_name.trim().is_empty() {
        "document".to_string()
    } else {
        file_name
    };
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let document_id = Uuid::new_v4();
    let mut tx = state.begin().await?;
    sqlx::query!(
        r#"INSERT INTO document (id, organisation_id, usager_id, kind, title, file_name, media_type, size_bytes,
                                 sha256, valid_until, uploaded_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"#,
        document_id,
        principal.organisation_id,
        usager,
        kind,
        title,
        file_name,
        media_type,
        bytes.len() as i32,
        sha256,
        valid_until as _,
        principal.account_id
    )
    .execute(&mut *tx)
    .await
    .context("recording a document")
    .map_err(db_error)?;
    sqlx::query!(
        "INSERT INTO document_content (document_id, bytes) VALUES ($1, $2)",
        document_id,
        bytes
    )
    .execute(&mut *tx)
    .await
    .context("storing a document's bytes")
    .map_err(db_error)?;
    access.commit(tx, Some(document_id.to_string())).await?;
    Ok(document_id)
}

/// A document's bytes, once its reading is authorized and traced.
pub struct Download {
    pub file_name: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// Reads a document for download: `NotFound` for an id outside the
/// organisation, `Forbidden` (audited) outside the perimeter.
pub async fn download(document_id: Uuid) -> Result<Download, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    let found = sqlx::query!(
        "SELECT usager_id, kind FROM document WHERE id = $1 AND organisation_id = $2",
        document_id,
        principal.organisation_id
    )
    .fetch_optional(&state.pool)
    .await
    .context("finding a document")
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?;
    let section = DocumentKind::section(&found.kind);
    let access = authorize(&state, &principal, found.usager_id, section, Action::Read).await?;
    let mut tx = state.begin().await?;
    let r = sqlx::query!(
        r#"SELECT d.file_name, d.media_type, c.bytes FROM document d
           JOIN document_content c ON c.document_id = d.id WHERE d.id = $1"#,
        document_id
    )
    .fetch_one(&mut *tx)
    .await
    .context("reading a document's bytes")
    .map_err(db_error)?;
    access.commit(tx, Some(document_id.to_string())).await?;
    Ok(Download {
        file_name: r.file_name,
        media_type: r.media_type,
        bytes: r.bytes,
    })
}

/// `attachment; filename="…"; filename*=UTF-8''…` for any file name.
pub fn content_disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded =
        percent_encoding::utf8_percent_encode(file_name, percent_encoding::NON_ALPHANUMERIC);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The person's documents out of date or about to be (within
/// `EXPIRY_WINDOW_DAYS`), not replaced by a newer one of the same type,
/// for the record's overview, with their end of validity. The caller
/// checked the Documents read.
pub(crate) async fn expiring_of(
    conn: &mut sqlx::PgConnection,
    id: Uuid,
) -> Result<Vec<(NaiveDate, DocumentView)>, AppError> {
    let today = time::today_paris();
    Ok(sqlx::query_as!(
        Row,
        r#"SELECT d.id, d.usager_id, NULL::text AS usager, d.kind, d.title, d.file_name, d.media_type, d.size_bytes,
                  d.uploaded_at AS "uploaded_at: DateTime<Utc>", a.first_name || ' ' || a.last_name AS "uploader!",
                  d.valid_until AS "valid_until: NaiveDate"
           FROM document d JOIN account a ON a.id = d.uploaded_by
           WHERE d.usager_id = $1 AND d.valid_until IS NOT NULL AND d.kind <> 'courrier_medical'
             AND d.valid_until <= paris_today() + $2::int
             AND NOT EXISTS (SELECT 1 FROM document n WHERE n.usager_id = d.usager_id AND n.kind = d.kind
                             AND n.uploaded_at > d.uploaded_at
                             AND (n.valid_until IS NULL OR n.valid_until > d.valid_until))
           ORDER BY d.valid_until"#,
        id,
        EXPIRY_WINDOW_DAYS as i32
    )
    .fetch_all(conn)
    .await
    .context("listing the person's expiring documents")
    .map_err(db_error)?
    .into_iter()
    .filter_map(|r| Some((r.valid_until?, view(r, today))))
    .collect())
}

pub async fn expiring_documents() -> Result<Vec<DocumentView>, AppError> {
    let principal = require_principal().await?;
    let state = AppState::get()?;
    require_list(&state, &principal, Section::Documents, Action::Read).await?;
    let mut tx = state.begin().await?;
    let today = time::today_paris();
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT d.id, d.usager_id, u.used_first_name || ' ' || upper(u.used_last_name) AS usager,
                  d.kind, d.title, d.file_name, d.media_type, d.size_bytes,
                  d.uploaded_at AS "uploaded_at: DateTime<Utc>", a.first_name || ' ' || a.last_name AS "uploader!",
                  d.valid_until AS "valid_until: NaiveDate"
           FROM document d JOIN usager u ON u.id = d.usager_id JOIN account a ON a.id = d.uploaded_by
           WHERE d.organisation_id = $1 AND d.valid_until IS NOT NULL AND d.kind <> 'courrier_medical'
             AND d.valid_until <= paris_today() + $3::int
             AND EXISTS (SELECT 1 FROM current_perimeter p WHERE p.usager_id = d.usager_id AND p.account_id = $2)
             -- A document replaced by a newer one of the same type is not announced.
             AND NOT EXISTS (SELECT 1 FROM document n WHERE n.usager_id = d.usager_id AND n.kind = d.kind
                             AND n.uploaded_at > d.uploaded_at
                             AND (n.valid_until IS NULL OR n.valid_until > d.valid_until))
           ORDER BY d.valid_until, u.used_last_name"#,
        principal.organisation_id,
        principal.account_id,
        EXPIRY_WINDOW_DAYS as i32
    )
    .fetch_all(&mut *tx)
    .await
    .context("listing expiring documents")
    .map_err(db_error)?;
    let shown: Vec<Uuid> = rows.iter().map(|r| r.usager_id).collect();
    append_list_reads(&mut tx, &principal, shown, Section::Documents, "echeances").await?;
    tx.commit()
        .await
        .context("committing the expiring documents reads")
        .map_err(db_error)?;
    Ok(rows.into_iter().map(|r| view(r, today)).collect())
}

/// The medical letters of a person, for the médical section (which checked
/// its own read and traces it).
pub(crate) async fn medical_documents_of(
    conn: &mut sqlx::PgConnection,
    id: Uuid,
) -> Result<Vec<DocumentView>, AppError> {
    let today = time::today_paris();
    Ok(sqlx::query_as!(
        Row,
        r#"SELECT d.id, d.usager_id, NULL::text AS usager, d.kind, d.title, d.file_name, d.media_type, d.size_bytes,
                  d.uploaded_at AS "uploaded_at: DateTime<Utc>", a.first_name || ' ' || a.last_name AS "uploader!",
                  d.valid_until AS "valid_until: NaiveDate"
           FROM document d JOIN account a ON a.id = d.uploaded_by
           WHERE d.usager_id = $1 AND d.kind = 'courrier_medical' ORDER BY d.uploaded_at DESC"#,
        id
    )
    .fetch_all(conn)
    .await
    .context("listing medical letters")
    .map_err(db_error)?
    .into_iter()
    .map(|r| view(r, today))
    .collect())
}
