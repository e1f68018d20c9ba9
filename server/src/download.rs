//! `GET /documents/{id}`: a document's bytes, through the same sign-in,
//! authorization and audit trail as the server functions (a plain route,
//! because a browser download is a navigation, not a server-function call).

use crate::startup::ServerState;
use app::document::server::{content_disposition, download, Download};
use app::error::AppError;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;
use leptos::reactive::{computed::ScopedFuture, owner::Owner};
use uuid::Uuid;

/// Runs `work` as a server function runs: with the request's parts (the
/// session) and the application state in its context.
pub(crate) async fn in_context<T, F>(state: &ServerState, request: Request<Body>, work: F) -> T
where
    F: std::future::Future<Output = T>,
{
    let (parts, _) = request.into_parts();
    let app_state = state.app.clone();
    // A root of its own: never a child of an owner the thread had.
    let owner = Owner::new_root(None);
    owner
        .with(|| {
            ScopedFuture::new(async move {
                provide_context(parts);
                provide_context(app_state);
                work.await
            })
        })
        .await
}

pub async fn document(
    State(state): State<ServerState>,
    Path(id): Path<String>,
    request: Request<Body>,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return refusal(AppError::NotFound);
    };
    let result = in_context(&state, request, download(id)).await;
    attachment(result)
}

/// `GET /projets/{id}/{variant}`: a projet personnalisé as PDF, the full
/// document (`projet.pdf`) or its easy-to-read version (`facile-a-lire.pdf`).
pub async fn projet(
    State(state): State<ServerState>,
    Path((id, variant)): Path<(String, String)>,
    request: Request<Body>,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return refusal(AppError::NotFound);
    };
    let falc = match variant.as_str() {
        "projet.pdf" => false,
        "facile-a-lire.pdf" => true,
        _ => return refusal(AppError::NotFound),
    };
    let loaded = in_context(&state, request, app::projet::server::document(id)).await;
    let result = match loaded {
        Ok(doc) => {
            let name = format!(
                "{}-{}",
                if falc {
                    "mon-projet-facile-a-lire"
                } else {
                    "projet-personnalise"
                },
                file_part(&doc.view.informations.name)
            );
            let render = if falc {
                crate::projet_pdf::falc_pdf
            } else {
                crate::projet_pdf::projet_pdf
            };
            pdf(name, doc, render).await
        }
        Err(e) => Err(e),
    };
    attachment(result)
}

/// Writes a PDF off the async runtime; a failure is logged and reaches the
/// browser as the French "internal error" page, never its text.
pub(crate) async fn pdf<T: Send + 'static>(
    name: String,
    data: T,
    render: fn(&T) -> Result<Vec<u8>, String>,
) -> Result<Download, AppError> {
    tokio::task::spawn_blocking(move || render(&data))
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r)
        .map(|bytes| Download {
            file_name: format!("{name}.pdf"),
            media_type: "application/pdf".into(),
            bytes,
        })
        .map_err(|e| {
            tracing::error!(error = %e, file = %name, "writing a PDF");
            AppError::Internal {
                request_id: "pdf".into(),
            }
        })
}

/// `GET /medicaments/{usager}/{variant}`: the circuit du médicament's
/// documents as PDF: the document de liaison d'urgence (`dlu.pdf`) and the
/// administration report of a period (`prises.pdf?du=AAAA-MM-JJ&au=AAAA-MM-JJ`).
pub async fn medication(
    State(state): State<ServerState>,
    Path((id, variant)): Path<(String, String)>,
    Query(query): Query<std::collections::HashMap<String, String>>,
    request: Request<Body>,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return refusal(AppError::NotFound);
    };
    use app::medication::server::report;
    let result = match variant.as_str() {
        "dlu.pdf" => match in_context(&state, request, report::emergency_liaison(id)).await {
            Ok(d) => {
                let name = format!("dlu-{}", file_part(&d.person.name));
                pdf(name, d, crate::medication_pdf::dlu_pdf).await
            }
            Err(e) => Err(e),
        },
        "prises.pdf" => {
            let field = |k: &str| query.get(k).cloned().unwrap_or_default();
            let (from, to) = (field("du"), field("au"));
            match in_context(
                &state,
                request,
                report::administration_report(id, &from, &to),
            )
            .await
            {
                Ok(r) => {
                    let name = format!(
                        "administration-medicaments-{}-{from}-{to}",
                        file_part(&r.person.name)
                    );
                    pdf(name, r, crate::medication_pdf::report_pdf).await
                }
                Err(e) => Err(e),
            }
        }
        _ => Err(AppError::NotFound),
    };
    attachment(result)
}

/// A name as a file name part: "Alice BOYER" → "alice-boyer".
fn file_part(name: &str) -> String {
    app::usager::identity::normalise_trait(name)
        .unwrap_or_default()
        .replace(' ', "-")
        .to_lowercase()
}

pub(crate) fn attachment(result: Result<Download, AppError>) -> Response {
    match result {
        Ok(d) => {
            let disposition = HeaderValue::from_str(&content_disposition(&d.file_name))
                .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
            let media_type = HeaderValue::from_str(&d.media_type)
                .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
            (
                [
                    (header::CONTENT_TYPE, media_type),
                    (header::CONTENT_DISPOSITION, disposition),
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("private, no-store"),
                    ),
                ],
                d.bytes,
            )
                .into_response()
        }
        Err(e) => refusal(e),
    }
}

/// The refusal as a short French page, with the error's status (the
/// message escaped: a reason may one day quote what someone typed).
pub(crate) fn refusal(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let page = format!(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Document indisponible — Parcours</title></head>\
         <body><h1>Document indisponible</h1><p>{}</p><p><a href=\"/usagers\">Retour à mes usagers</a></p></body></html>",
        html_escape::encode_text(&e.message_fr())
    );
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        page,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_refusal_page_escapes_its_message() {
        let response = refusal(AppError::invalid("x", "<script>alert(1)</script> & co"));
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = axum::body::to_bytes(response.into_body(), 64 * 1024)
            .await
            .unwrap();
        let page = String::from_utf8(body.to_vec()).unwrap();
        assert!(!page.contains("<script>"), "{page}");
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"),
            "{page}"
        );
    }
}
