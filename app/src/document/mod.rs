//! Documents of the record (GED): typed, with an optional end of validity,
//! uploaded from the tablet (camera or file) and downloaded through the
//! access check and the audit trail.
//!
//! The bytes live in PostgreSQL (`document_content`), beside their metadata:
//! an upload and its audit event commit together or not at all, one backup
//! holds everything, and the volumes of a medico-social record (a few
//! hundred documents of a few hundred kilobytes per person) are well within
//! what PostgreSQL stores comfortably. The type is sniffed from the content,
//! never trusted from the name or the browser.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::{MultipartData, MultipartFormData};
use uuid::Uuid;

#[cfg(feature = "ssr")]
pub mod server;

/// The largest file accepted.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// Days ahead in which an end of validity is announced.
pub const EXPIRY_WINDOW_DAYS: i64 = 60;

crate::code_list! {
    /// The types of document.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum DocumentKind {
        ContratSejour = "contrat_sejour" => "Contrat de séjour",
        Dipc = "dipc" => "Document individuel de prise en charge (DIPC)",
        NotificationMdph = "notification_mdph" => "Notification MDPH / CDAPH",
        JugementProtection = "jugement_protection" => "Jugement de protection",
        Autorisation = "autorisation" => "Autorisation (droit à l’image, sorties…)",
        CompteRendu = "compte_rendu" => "Compte rendu",
        Ordonnance = "ordonnance" => "Ordonnance",
        PhotoIdentite = "photo_identite" => "Photo d’identité",
        PieceIdentite = "piece_identite" => "Pièce d’identité",
        Autre = "autre" => "Autre document",
        CourrierMedical = "courrier_medical" => "Courrier médical (médecin traitant, spécialiste)",
    }
}

impl DocumentKind {
    /// The section that governs a document of this kind: a medical letter
    /// is under medical secrecy (listed and served by the médical section
    /// only), the identity photo is read with the identity (it identifies
    /// the person at each care and dose), the rest by Documents.
    pub fn section(code: &str) -> crate::access::Section {
        match DocumentKind::parse(code) {
            Some(DocumentKind::CourrierMedical) => crate::access::Section::Medical,
            Some(DocumentKind::PhotoIdentite) => crate::access::Section::Identite,
            _ => crate::access::Section::Documents,
        }
    }
}

/// The file formats accepted, by sniffed media type, with their French name.
pub const ACCEPTED: [(&str, &str); 4] = [
    ("application/pdf", "PDF"),
    ("image/jpeg", "JPEG"),
    ("image/png", "PNG"),
    ("image/webp", "WebP"),
];

pub fn kind_label(code: &str) -> String {
    DocumentKind::label_of(code)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentView {
    pub id: Uuid,
    pub usager_id: Uuid,
    /// Only in the list of documents expiring.
    pub usager: Option<String>,
    pub kind: String,
    pub title: String,
    pub file_name: String,
    /// "PDF, 245 Ko".
    pub format: String,
    pub uploaded: String,
    /// "valable jusqu’au 31/12/2026".
    pub valid_until: Option<String>,
    /// Expired, or expiring within the window.
    pub expiring: bool,
    pub expired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Documents {
    pub documents: Vec<DocumentView>,
    pub can_upload: bool,
}

/// "245 Ko", "3,2 Mo".
pub fn human_size(bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} Ko", (bytes + 1023) / 1024)
    } else {
        format!("{:.1} Mo", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    }
}

/// The documents of one usager.
#[server(endpoint = "documents")]
pub async fn list_documents(id: Uuid) -> Result<Documents, AppError> {
    server::list_documents(id).await
}

/// Uploads a document: a multipart form with `id` (the usager), `kind`,
/// `title`, `valid_until` (optional) and `file`, in this order.
#[server(endpoint = "document_depot", input = MultipartFormData)]
pub async fn upload_document(data: MultipartData) -> Result<Uuid, AppError> {
    server::upload_document(data).await
}

/// Documents whose validity ends within 60 days (or has ended), for the
/// usagers of the caller's perimeter.
#[server(endpoint = "documents_echeances")]
pub async fn expiring_documents() -> Result<Vec<DocumentView>, AppError> {
    server::expiring_documents().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_french() {
        assert_eq!(human_size(1), "1 Ko");
        assert_eq!(human_size(245 * 1024), "245 Ko");
        assert_eq!(human_size(3 * 1024 * 1024 + 200 * 1024), "3,2 Mo");
    }
}
