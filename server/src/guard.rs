//! What every request passes before the application sees it.
//!
//! - **Request ids** are the server's: a client's `X-Request-Id` is moved to
//!   `X-Client-Request-Id` (logged beside ours, never stored in the trail).
//! - **Same origin**: a state-changing request (anything but GET, HEAD and
//!   OPTIONS) whose `Sec-Fetch-Site` or `Origin` says it comes from another
//!   site (another port, a sibling subdomain) is refused; SameSite cookies
//!   alone do not separate those.
//! - **Declared content type**: a server function accepts its body only in
//!   the encoding it declares (`app::access::policy::input_of`), so that a
//!   cross-site "simple" request (text/plain) never reaches one.
//! - **Bounded bodies**: at most `MAX_BODY` bytes, read before anything
//!   else; the document upload must announce its length, at most the
//!   document limit. Too large is 413 with a French message.
//!
//! Each refusal is a typed `AppError` (JSON) for server functions, a short
//! French text elsewhere.

use app::access::policy::{input_of, Input};
use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest body of any request but the document upload.
pub const MAX_BODY: usize = 1024 * 1024;
/// The upload's envelope around the largest file (its other fields).
const UPLOAD_OVERHEAD: usize = 64 * 1024;

/// Replaces any client-chosen request id by the server's own.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let headers = req.headers_mut();
    headers.remove("x-client-request-id");
    if let Some(client) = headers.remove("x-request-id") {
        let kept: String = client
            .to_str()
            .unwrap_or_default()
            .chars()
            .filter(|c| c.is_ascii_graphic())
            .take(64)
            .collect();
        if let Ok(v) = HeaderValue::from_str(&kept) {
            if !kept.is_empty() {
                headers.insert("x-client-request-id", v);
            }
        }
    }
    let ours = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
        .expect("a UUID is a valid header value");
    headers.insert("x-request-id", ours);
    next.run(req).await
}

/// A refusal, typed for server functions and plain French elsewhere.
fn refuse(path: &str, status: StatusCode, error: AppError) -> Response {
    if path.starts_with("/api/") {
        (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_string(&error).unwrap_or_default(),
        )
            .into_response()
    } else {
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            error.message_fr(),
        )
            .into_response()
    }
}

/// Whether `origin` ("https://host:port") names the host the request was
/// sent to.
fn same_host(origin: &str, host: Option<&str>) -> bool {
    let Some(host) = host else { return false };
    origin
        .split_once("://")
        .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host))
}

/// Refuses state-changing requests sent from another site.
pub async fn same_origin(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let h = req.headers();
    let text = |name: header::HeaderName| h.get(name).and_then(|v| v.to_str().ok());
    let fetch_site = h.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let cross_site = matches!(fetch_site, Some(s) if s != "same-origin" && s != "none");
    let foreign_origin = text(header::ORIGIN).is_some_and(|o| !same_host(o, text(header::HOST)));
    if cross_site || foreign_origin {
        tracing::warn!(
            path = %req.uri().path(),
            origin = text(header::ORIGIN).unwrap_or("-"),
            sec_fetch_site = fetch_site.unwrap_or("-"),
            "cross-site request refused"
        );
        return refuse(req.uri().path(), StatusCode::FORBIDDEN, AppError::Forbidden);
    }
    next.run(req).await
}

fn malformed() -> AppError {
    AppError::invalid(
        "requête",
        "La requête envoyée est incomplète ou mal formée.",
    )
}

/// Refuses a server-function body in another encoding than the declared one.
pub async fn declared_content_type(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if req.method() != Method::POST || !path.starts_with("/api/") {
        return next.run(req).await;
    }
    let expected = match input_of(&path) {
        Input::Form => "application/x-www-form-urlencoded",
        Input::Json => "application/json",
        Input::Multipart => "multipart/form-data",
    };
    let got = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if got.as_deref() != Some(expected) {
        return refuse(&path, StatusCode::UNSUPPORTED_MEDIA_TYPE, malformed());
    }
    next.run(req).await
}

/// Bounds every body: read whole up to `MAX_BODY`; the upload is streamed by
/// its server function, which counts the file, once its announced length
/// is within the limit.
pub async fn bounded_body(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if req.method() == Method::POST && input_of(&path) == Input::Multipart {
        let max = (app::document::MAX_BYTES + UPLOAD_OVERHEAD) as u64;
        return match announced {
            None => refuse(&path, StatusCode::LENGTH_REQUIRED, malformed()),
            Some(n) if n > max => refuse(
                &path,
                StatusCode::PAYLOAD_TOO_LARGE,
                AppError::TooLarge {
                    max_bytes: app::document::MAX_BYTES as u64,
                },
            ),
            Some(_) => next.run(req).await,
        };
    }
    let too_large = || {
        refuse(
            &path,
            StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooLarge {
                max_bytes: MAX_BODY as u64,
            },
        )
    };
    if announced.is_some_and(|n| n > MAX_BODY as u64) {
        return too_large();
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => too_large(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_match_their_host_only() {
        assert!(same_host("http://127.0.0.1:3000", Some("127.0.0.1:3000")));
        assert!(same_host(
            "https://Parcours.example.org",
            Some("parcours.example.org")
        ));
        assert!(!same_host("http://127.0.0.1:3001", Some("127.0.0.1:3000")));
        assert!(!same_host(
            "https://autre.example.org",
            Some("parcours.example.org")
        ));
        assert!(!same_host("null", Some("parcours.example.org")));
        assert!(!same_host("http://127.0.0.1:3000", None));
    }
}
