//! What each server function requires, declared once. A test fails when a
//! registered server function has no line here, so a new module cannot
//! forget its authorization.

use super::{Action, Section};

/// The requirement of one server function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Anyone: signing in, asking who is signed in.
    Public,
    /// Any signed-in person, about their own session.
    SignedIn,
    /// A staff member, listing their own perimeter.
    StaffList,
    /// A family account, listing its own links.
    FamilyList,
    /// One section of one usager's record (argument `id`), through `authorize`.
    Record { section: Section, action: Action },
    /// A staff member asking emergency access to an usager of the organisation.
    BreakGlassRequest,
    /// Reviewing emergency accesses: chef de service, direction, DPO.
    BreakGlassReview,
    /// Searching the whole trail: DPO, direction.
    AuditSearch,
    /// Administering the organisation's matrix: administrators.
    Administration,
}

/// Every server function, by path.
pub const POLICIES: &[(&str, Policy)] = &[
    ("/api/connexion", Policy::Public),
    ("/api/moi", Policy::Public),
    ("/api/deconnexion", Policy::SignedIn),
    ("/api/mes_usagers", Policy::StaffList),
    ("/api/famille_usagers", Policy::FamilyList),
    (
        "/api/usager",
        Policy::Record {
            section: Section::Identite,
            action: Action::Read,
        },
    ),
    (
        "/api/dossier_acces",
        Policy::Record {
            section: Section::Audit,
            action: Action::Read,
        },
    ),
    (
        "/api/consentements",
        Policy::Record {
            section: Section::Identite,
            action: Action::Read,
        },
    ),
    (
        "/api/consentement",
        Policy::Record {
            section: Section::Identite,
            action: Action::Write,
        },
    ),
    ("/api/bris_de_glace", Policy::BreakGlassRequest),
    ("/api/bris_de_glace_liste", Policy::BreakGlassReview),
    ("/api/bris_de_glace_examen", Policy::BreakGlassReview),
    ("/api/tracabilite", Policy::AuditSearch),
    ("/api/droits", Policy::Administration),
    ("/api/droits_profession", Policy::Administration),
];
