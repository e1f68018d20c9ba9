//! Who may do what on which section of an usager's record.
//!
//! Policy, in one place:
//! - A staff member reaches an usager's record only inside their perimeter
//!   (a current assignment matching a current accompaniment), or through a
//!   granted, unexpired bris de glace. Direction and administrators reach the
//!   administrative section (identité) organisation-wide, and nothing more
//!   without a perimeter.
//! - Inside it, each section is read or written according to the
//!   organisation's matrix (profession × section), data an administrator can
//!   change; `DEFAULT_MATRIX` is what ships. The médical section can only ever
//!   be granted to médecins, infirmiers and psychologues.
//! - Every decision about a record, allowed or denied, leaves one audit event.

use crate::organisation::Profession;

pub mod policy;
#[cfg(feature = "ssr")]
pub mod server;
use serde::{Deserialize, Serialize};

crate::code_list! {
    /// A part of the record, as access is granted.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Section {
        Identite = "identite" => "Identité et administratif",
        Projet = "projet" => "Projet personnalisé",
        Transmissions = "transmissions" => "Transmissions",
        Agenda = "agenda" => "Agenda",
        Documents = "documents" => "Documents",
        Travail = "travail" => "Travail (ESAT)",
        Soins = "soins" => "Soins",
        Medical = "medical" => "Médical",
        Audit = "audit" => "Traçabilité des accès",
    }
}

/// Reading or writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Read,
    Write,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Write => "write",
        }
    }
}

/// What a profession may do on a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Permission {
    pub read: bool,
    pub write: bool,
}

impl Permission {
    pub const NONE: Permission = Permission {
        read: false,
        write: false,
    };
    pub const READ: Permission = Permission {
        read: true,
        write: false,
    };
    pub const WRITE: Permission = Permission {
        read: true,
        write: true,
    };

    pub fn allows(self, action: Action) -> bool {
        match action {
            Action::Read => self.read,
            Action::Write => self.write,
        }
    }
}

/// Professions bound by medical secrecy: the only ones the médical section
/// may ever be opened to.
pub fn may_hold_medical(p: Profession) -> bool {
    matches!(
        p,
        Profession::Medecin | Profession::Infirmier | Profession::Psychologue
    )
}

/// Professions with nursing rights (CASF L313-26): they give any dose; the
/// others only help with one the prescription allows as "aide à la prise",
/// never a high-risk one.
pub fn nursing(p: Profession) -> bool {
    matches!(p, Profession::Medecin | Profession::Infirmier)
}

/// Direction and administrators: administrative rights over the whole
/// organisation (the identité section), nothing implicit beyond.
pub fn organisation_wide_admin(p: Profession) -> bool {
    matches!(p, Profession::Directeur | Profession::Administrateur)
}

/// The matrix that ships: for each profession, the sections it may read (R)
/// or read and write (W). Absent sections are closed.
pub const DEFAULT_MATRIX: &[(Profession, &[(Section, char)])] = {
    use Section::*;
    &[
        (
            Profession::Educateur,
            &[
                (Identite, 'R'),
                (Projet, 'W'),
                (Transmissions, 'W'),
                (Agenda, 'W'),
                (Documents, 'R'),
                (Travail, 'R'),
                (Soins, 'W'),
            ],
        ),
        (
            Profession::MoniteurEducateur,
            &[
                (Identite, 'R'),
                (Projet, 'W'),
                (Transmissions, 'W'),
                (Agenda, 'W'),
                (Documents, 'R'),
                (Travail, 'R'),
                (Soins, 'W'),
            ],
        ),
        (
            Profession::AesAmp,
            &[
                (Identite, 'R'),
                (Projet, 'R'),
                (Transmissions, 'W'),
                (Agenda, 'W'),
                (Soins, 'W'),
            ],
        ),
        (
            Profession::AideSoignant,
            &[
                (Identite, 'R'),
                (Projet, 'R'),
                (Transmissions, 'W'),
                (Agenda, 'W'),
                (Soins, 'W'),
            ],
        ),
        (
            Profession::MoniteurAtelier,
            &[
                (Identite, 'R'),
                (Projet, 'R'),
                (Transmissions, 'W'),
                (Agenda, 'R'),
                (Travail, 'W'),
            ],
        ),
        (
            Profession::Infirmier,
            &[
                (Identite, 'R'),
                (Projet, 'R'),
                (Transmissions, 'W'),
                (Agenda, 'W'),
                (Documents, 'W'),
                (Travail, 'R'),
                (Soins, 'W'),
                (Medical, 'W'),
            ],
        ),
        (
            Profession::Medecin,
            &[
                (Identite, 'R'),
                (Projet, 'R'),
                (Transmissions, 'W'),
                (Agenda, 'W'),
                (Documents, 'W'),
                (Travail, 'R'),
                (Soins, 'W'),
                (Medical, 'W'),
            ],
        ),
        (
            Profession::Psychologue,
            &[
                (Identite, 'R'),
                (Projet, 'W'),
                (Transmissions, 'W'),
                (Agenda, 'W'),
                (Documents, 'R'),
                (Travail, 'R'),
                // Writes the santé psychique notes, which Soins governs.
                (Soins, 'W'),
            ],
        ),
        (
            Profession::AssistantSocial,
            &[
                (Identite, 'W'),
                (Projet, 'W'),
                (Transmissions, 'W'),
                (Agenda, 'W'),
                (Documents, 'W'),
                (Travail, 'R'),
            ],
        ),
        (
            Profession::Secretaire,
            &[(Identite, 'W'), (Agenda, 'W'), (Documents, 'W')],
        ),
        (
            Profession::ChefService,
            &[
                (Identite, 'W'),
                (Projet, 'W'),
                (Transmissions, 'W'),
                (Agenda, 'W'),
                (Documents, 'W'),
                (Travail, 'W'),
                (Soins, 'R'),
                (Audit, 'R'),
            ],
        ),
        (
            Profession::Directeur,
            &[
                (Identite, 'W'),
                (Projet, 'R'),
                (Transmissions, 'R'),
                (Agenda, 'R'),
                (Documents, 'W'),
                (Travail, 'R'),
                (Audit, 'R'),
            ],
        ),
        (Profession::Administrateur, &[(Identite, 'W'), (Audit, 'R')]),
        // The DPO reads trails (organisation-wide, through the dpo flag),
        // never the record itself.
        (Profession::Dpo, &[]),
    ]
};

/// The shipped permission of a profession on a section.
pub fn default_permission(profession: Profession, section: Section) -> Permission {
    DEFAULT_MATRIX
        .iter()
        .find(|(p, _)| *p == profession)
        .and_then(|(_, sections)| sections.iter().find(|(s, _)| *s == section))
        .map(|(_, level)| {
            if *level == 'W' {
                Permission::WRITE
            } else {
                Permission::READ
            }
        })
        .unwrap_or(Permission::NONE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profession_has_a_row_and_codes_round_trip() {
        for p in Profession::ALL {
            assert!(DEFAULT_MATRIX.iter().any(|(q, _)| *q == p), "{p:?}");
        }
        for s in Section::ALL {
            assert_eq!(Section::parse(s.code()), Some(s));
        }
    }

    #[test]
    fn medical_secrecy_holds_in_the_shipped_matrix() {
        for p in Profession::ALL {
            let medical = default_permission(p, Section::Medical);
            assert_eq!(
                medical.read,
                may_hold_medical(p) && p != Profession::Psychologue,
                "{p:?}"
            );
        }
    }

    #[test]
    fn the_examples_of_the_field_hold() {
        use Profession::*;
        // A moniteur d'atelier sees work and the PP, not care.
        assert!(default_permission(MoniteurAtelier, Section::Travail).write);
        assert!(default_permission(MoniteurAtelier, Section::Projet).read);
        assert!(!default_permission(MoniteurAtelier, Section::Soins).read);
        // A secrétaire sees the administrative file and documents, not notes.
        assert!(default_permission(Secretaire, Section::Identite).write);
        assert!(default_permission(Secretaire, Section::Documents).read);
        assert!(!default_permission(Secretaire, Section::Transmissions).read);
        // Care notes stay with those who hold Soins.
        assert!(!default_permission(MoniteurAtelier, Section::Soins).read);
        assert!(!default_permission(AssistantSocial, Section::Soins).read);
        assert!(!default_permission(Directeur, Section::Soins).read);
        assert!(default_permission(Psychologue, Section::Soins).write);
        // The DPO reads no section of a record.
        for s in Section::ALL {
            assert_eq!(default_permission(Dpo, s), Permission::NONE, "{s:?}");
        }
        // Direction: no implicit medical access.
        assert!(!default_permission(Directeur, Section::Medical).read);
        assert!(!default_permission(Administrateur, Section::Medical).read);
    }
}

// ---------------------------------------------------------------------------
// Server functions: emergency access and the audit trail's views.

use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// One access to a record, as the trail shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLine {
    /// "23/11/2026 à 14:05", Paris time.
    pub at: String,
    pub who: String,
    pub profession: String,
    pub usager: String,
    pub section: String,
    pub action: String,
    pub allowed: bool,
    pub break_glass: bool,
}

/// Filters of the trail search (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    /// Part of the usager's name.
    pub usager: String,
    /// Part of the staff member's name or login.
    pub staff: String,
    /// "AAAA-MM-JJ", inclusive, Paris dates.
    pub from: String,
    pub to: String,
    pub denied_only: bool,
    pub break_glass_only: bool,
}

/// One emergency access, for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakGlassLine {
    pub id: Uuid,
    pub who: String,
    pub usager: String,
    pub reason: String,
    pub granted_at: String,
    pub expires_at: String,
    /// "Examiné par … le …", or None while waiting for review.
    pub review: Option<String>,
    /// Requested by the viewer: someone else reviews it.
    pub own: bool,
}

/// The minimum length of a bris de glace reason.
pub const BREAK_GLASS_MIN_REASON: usize = 20;

/// Requests emergency access to an usager outside one's perimeter. Returns
/// the end of the access ("18:42").
#[server(endpoint = "bris_de_glace")]
pub async fn request_break_glass(id: Uuid, reason: String) -> Result<String, AppError> {
    server::request_break_glass(id, reason).await
}

/// Who accessed this record, most recent first ("qui a consulté ce dossier").
#[server(endpoint = "dossier_acces")]
pub async fn record_accesses(id: Uuid) -> Result<Vec<AccessLine>, AppError> {
    server::record_accesses(id).await
}

/// The organisation's trail, filtered (DPO and direction).
#[server(endpoint = "tracabilite")]
pub async fn search_audit(filter: AuditFilter) -> Result<Vec<AccessLine>, AppError> {
    server::search_audit(filter).await
}

/// Emergency accesses, those waiting for review first.
#[server(endpoint = "bris_de_glace_liste")]
pub async fn break_glass_list() -> Result<Vec<BreakGlassLine>, AppError> {
    server::break_glass_list().await
}

/// Marks an emergency access as reviewed, with a comment.
#[server(endpoint = "bris_de_glace_examen")]
pub async fn review_break_glass(id: Uuid, comment: String) -> Result<(), AppError> {
    server::review_break_glass(id, comment).await
}

// ---------------------------------------------------------------------------
// The organisation's matrix, administered.

/// One profession's row of the matrix: a level per section, in
/// `Section::ALL` order ("aucun", "lecture", "ecriture").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixRow {
    pub profession: Profession,
    pub levels: Vec<String>,
}

/// Parses a level chosen in the administration page.
pub fn parse_level(level: &str) -> Option<Permission> {
    match level {
        "aucun" => Some(Permission::NONE),
        "lecture" => Some(Permission::READ),
        "ecriture" => Some(Permission::WRITE),
        _ => None,
    }
}

/// The level name of a permission.
pub fn level_of(p: Permission) -> &'static str {
    match (p.read, p.write) {
        (_, true) => "ecriture",
        (true, false) => "lecture",
        _ => "aucun",
    }
}

/// The organisation's matrix (administrators).
#[server(endpoint = "droits")]
pub async fn get_matrix() -> Result<Vec<MatrixRow>, AppError> {
    server::get_matrix().await
}

/// Sets one profession's row (administrators); one argument per section.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "droits_profession")]
pub async fn set_profession_permissions(
    profession: String,
    identite: String,
    projet: String,
    transmissions: String,
    agenda: String,
    documents: String,
    travail: String,
    soins: String,
    medical: String,
    audit: String,
) -> Result<(), AppError> {
    server::set_profession_permissions(
        profession,
        [
            identite,
            projet,
            transmissions,
            agenda,
            documents,
            travail,
            soins,
            medical,
            audit,
        ],
    )
    .await
}
