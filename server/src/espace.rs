//! The plain routes of the person's space, through the same sign-in,
//! authorization and trail as its server functions:
//! - `GET /mon-espace/ecouter/{page}/{block}`: a block read aloud (WAV for
//!   a plain `<audio controls>`, no JavaScript needed), `no-store` like the
//!   page;
//! - `GET /mon-espace/photo`: the person's own photo;
//! - `POST /usagers/{id}/espace/carte.pdf`: a new sign-in card (the QR code
//!   carries a long random token), the previous card revoked.

use crate::download::{in_context, pdf, refusal};
use crate::pdf::{Layout, Op, MARGIN};
use crate::startup::ServerState;
use app::error::AppError;
use app::espace::server::staff::Card;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, Request};
use axum::response::{IntoResponse, Response};
use krilla::metadata::Metadata;
use uuid::Uuid;

fn inline(media_type: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_str(media_type)
                    .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub async fn audio(
    State(state): State<ServerState>,
    Path((page, block)): Path<(String, String)>,
    request: Request<Body>,
) -> Response {
    let block = block.trim_end_matches(".wav").to_string();
    match in_context(
        &state,
        request,
        app::espace::server::audio::block_audio(&page, &block),
    )
    .await
    {
        Ok(wav) => inline("audio/wav", wav),
        Err(e) => refusal(e),
    }
}

pub async fn photo(State(state): State<ServerState>, request: Request<Body>) -> Response {
    match in_context(&state, request, app::espace::server::own_photo()).await {
        Ok(d) => inline(&d.media_type, d.bytes),
        Err(e) => refusal(e),
    }
}

/// The card and the address its QR code opens.
struct Printed {
    card: Card,
    url: String,
}

pub async fn card(
    State(state): State<ServerState>,
    Path(id): Path<String>,
    request: Request<Body>,
) -> Response {
    let Ok(id) = Uuid::parse_str(&id) else {
        return refusal(AppError::NotFound);
    };
    // The address the tablets reach this server at, as this form's page
    // did (a browser's POST names its origin; the guard checked it is ours).
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .or_else(|| request.headers().get(header::HOST))
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]/".contains(c))
        })
        .map(|h| {
            if h.contains("://") {
                h.to_string()
            } else {
                format!("http://{h}")
            }
        })
        .unwrap_or_else(|| "http://localhost".into());
    let printed = in_context(&state, request, app::espace::server::staff::print_card(id)).await;
    let result = match printed {
        Ok(card) => {
            let url = format!("{origin}/carte/{}", card.token);
            let name = format!("carte-{}", card.first_name.to_lowercase());
            pdf(name, Printed { card, url }, card_pdf).await
        }
        Err(e) => Err(e),
    };
    crate::download::attachment(result)
}

/// The card: the person's photo and name, the QR code, how to use it, in
/// easy words; cut along the frame.
fn card_pdf(p: &Printed) -> Result<Vec<u8>, String> {
    let code = qrcode::QrCode::with_error_correction_level(p.url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| e.to_string())?;
    let width = code.width();
    let cells: Vec<(u32, u32)> = code
        .to_colors()
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == qrcode::Color::Dark)
        .map(|(i, _)| ((i % width) as u32, (i / width) as u32))
        .collect();
    let mut l = Layout::new();
    l.text("Ma carte Parcours", 22.0, true, 0.0);
    l.gap(8.0);
    let top = l.y;
    let photo_size = 120.0;
    let mut indent = 0.0;
    if let Some((media_type, bytes)) = &p.card.photo {
        l.page().push(Op::Image {
            x: MARGIN,
            y: top,
            size: photo_size,
            png: media_type == "image/png",
            bytes: bytes.clone(),
        });
        indent = photo_size + 16.0;
    }
    l.y = top + 6.0;
    l.text(&p.card.first_name, 26.0, true, indent);
    l.text(&p.card.last_name, 20.0, false, indent);
    l.gap(6.0);
    l.text(&p.card.organisation, 12.0, false, indent);
    l.y = l.y.max(top + photo_size) + 24.0;
    let qr_size = 200.0;
    let module = qr_size / (width as f32 + 8.0);
    let qr_top = l.y;
    l.page().push(Op::Squares {
        x: MARGIN + 4.0 * module,
        y: qr_top + 4.0 * module,
        module,
        cells,
    });
    l.y = qr_top + 20.0;
    let text_indent = qr_size + 20.0;
    for sentence in [
        "Ouvrez l’appareil photo de la tablette.",
        "Montrez cette carte.",
        "Touchez le lien qui apparaît.",
        "Tapez votre code.",
    ] {
        l.text(sentence, 14.0, false, text_indent);
        l.gap(6.0);
    }
    l.y = l.y.max(qr_top + qr_size) + 20.0;
    l.text(
        "Gardez cette carte avec vous. Ne donnez pas votre code. Si vous perdez la carte, dites-le à votre référent : il imprime une nouvelle carte.",
        12.0,
        false,
        0.0,
    );
    l.gap(10.0);
    let y = l.y;
    l.page().push(Op::Rule { y });
    let metadata = Metadata::new()
        .title(format!("Carte Parcours de {}", p.card.first_name))
        .language("fr".into())
        .creator("Parcours".into());
    crate::pdf::draw(l, metadata, "Carte personnelle — Parcours")
}
