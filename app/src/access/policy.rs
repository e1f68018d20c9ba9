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
    /// A staff member, listing their own perimeter (lists over several
    /// usagers also check the section in the matrix and trace one read per
    /// usager shown), or reading the drug reference (no record touched).
    StaffList,
    /// A family account, listing its own links.
    FamilyList,
    /// The person accompanied, in their own space: the usager is the
    /// session's, never an argument; anyone else is refused and traced.
    Espace,
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

/// How a server function's arguments are encoded in its request body: the
/// only content type the server accepts for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// `application/x-www-form-urlencoded` (the default).
    Form,
    /// `application/json` (`#[server(input = Json)]`).
    Json,
    /// `multipart/form-data` (`#[server(input = MultipartFormData)]`).
    Multipart,
}

/// The server functions declared with another input than the default form.
pub const INPUTS: &[(&str, Input)] = &[
    ("/api/document_depot", Input::Multipart),
    ("/api/bdpm_import", Input::Multipart),
    ("/api/prescription_ajouter", Input::Json),
    ("/api/ligne_modifier", Input::Json),
    ("/api/projet_entete", Input::Json),
    ("/api/projet_champ", Input::Json),
    ("/api/projet_element", Input::Json),
    ("/api/projet_bilan", Input::Json),
    ("/api/projet_accord", Input::Json),
    ("/api/trame_modifier", Input::Json),
];

/// The input encoding of the server function at `path`.
pub fn input_of(path: &str) -> Input {
    INPUTS
        .iter()
        .find(|(p, _)| *p == path)
        .map_or(Input::Form, |(_, i)| *i)
}

/// Every server function, by path.
pub const POLICIES: &[(&str, Policy)] = &[
    ("/api/connexion", Policy::Public),
    ("/api/moi", Policy::Public),
    ("/api/deconnexion", Policy::SignedIn),
    ("/api/cle_hors_ligne", Policy::SignedIn),
    ("/api/mes_usagers", Policy::StaffList),
    ("/api/famille_usagers", Policy::FamilyList),
    ("/api/espace_connexion", Policy::Public),
    ("/api/espace_page", Policy::Espace),
    ("/api/espace_fin", Policy::Espace),
    ("/api/espace_dire", Policy::Espace),
    (
        "/api/espace_etat",
        Policy::Record {
            section: Section::Projet,
            action: Action::Read,
        },
    ),
    (
        "/api/espace_ouvrir",
        Policy::Record {
            section: Section::Projet,
            action: Action::Write,
        },
    ),
    (
        "/api/espace_fermer",
        Policy::Record {
            section: Section::Projet,
            action: Action::Write,
        },
    ),
    (
        "/api/espace_accompagner",
        Policy::Record {
            section: Section::Projet,
            action: Action::Write,
        },
    ),
    (
        "/api/falc_relu",
        Policy::Record {
            section: Section::Projet,
            action: Action::Write,
        },
    ),
    (
        "/api/usager",
        Policy::Record {
            section: Section::Identite,
            action: Action::Read,
        },
    ),
    (
        "/api/dossier_apercu",
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
    (
        "/api/identite",
        Policy::Record {
            section: Section::Identite,
            action: Action::Read,
        },
    ),
    (
        "/api/identite_modifier",
        Policy::Record {
            section: Section::Identite,
            action: Action::Write,
        },
    ),
    (
        "/api/dossier_administratif",
        Policy::Record {
            section: Section::Identite,
            action: Action::Read,
        },
    ),
    (
        "/api/contact_ajouter",
        Policy::Record {
            section: Section::Identite,
            action: Action::Write,
        },
    ),
    (
        "/api/protection_ajouter",
        Policy::Record {
            section: Section::Identite,
            action: Action::Write,
        },
    ),
    (
        "/api/accompagnement_admettre",
        Policy::Record {
            section: Section::Identite,
            action: Action::Write,
        },
    ),
    (
        "/api/accompagnement_terminer",
        Policy::Record {
            section: Section::Identite,
            action: Action::Write,
        },
    ),
    // Notes: the section is the one their category carries
    // (`Category::section`: care notes are Soins), Transmissions for the
    // others; a correction is its author's or a chef de service's.
    (
        "/api/transmission",
        Policy::Record {
            section: Section::Transmissions,
            action: Action::Write,
        },
    ),
    (
        "/api/transmission_corriger",
        Policy::Record {
            section: Section::Transmissions,
            action: Action::Write,
        },
    ),
    (
        "/api/transmissions",
        Policy::Record {
            section: Section::Transmissions,
            action: Action::Read,
        },
    ),
    (
        "/api/transmission_historique",
        Policy::Record {
            section: Section::Transmissions,
            action: Action::Read,
        },
    ),
    (
        "/api/agenda",
        Policy::Record {
            section: Section::Agenda,
            action: Action::Read,
        },
    ),
    (
        "/api/agenda_ajouter",
        Policy::Record {
            section: Section::Agenda,
            action: Action::Write,
        },
    ),
    (
        "/api/absence",
        Policy::Record {
            section: Section::Agenda,
            action: Action::Write,
        },
    ),
    (
        "/api/documents",
        Policy::Record {
            section: Section::Documents,
            action: Action::Read,
        },
    ),
    (
        "/api/document_depot",
        Policy::Record {
            section: Section::Documents,
            action: Action::Write,
        },
    ),
    (
        "/api/travail",
        Policy::Record {
            section: Section::Travail,
            action: Action::Read,
        },
    ),
    (
        "/api/travail_modifier",
        Policy::Record {
            section: Section::Travail,
            action: Action::Write,
        },
    ),
    (
        "/api/travail_observation",
        Policy::Record {
            section: Section::Travail,
            action: Action::Write,
        },
    ),
    (
        "/api/professionnel_ajouter",
        Policy::Record {
            section: Section::Identite,
            action: Action::Write,
        },
    ),
    (
        "/api/referent_designer",
        Policy::Record {
            section: Section::Identite,
            action: Action::Write,
        },
    ),
    (
        "/api/projets",
        Policy::Record {
            section: Section::Projet,
            action: Action::Read,
        },
    ),
    (
        "/api/projet",
        Policy::Record {
            section: Section::Projet,
            action: Action::Read,
        },
    ),
    (
        "/api/projet_comparer",
        Policy::Record {
            section: Section::Projet,
            action: Action::Read,
        },
    ),
    (
        "/api/projet_falc",
        Policy::Record {
            section: Section::Projet,
            action: Action::Read,
        },
    ),
    (
        "/api/projet_creer",
        Policy::Record {
            section: Section::Projet,
            action: Action::Write,
        },
    ),
    (
        "/api/projet_ouvrir",
        Policy::Record {
            section: Section::Projet,
            action: Action::Write,
        },
    ),
    (
        "/api/projet_entete",
        Policy::Record {
            section: Section::Projet,
            action: Action::Write,
        },
    ),
    (
        "/api/projet_champ",
        Policy::Record {
            section: Section::Projet,
            action: Action::Write,
        },
    ),
    (
        "/api/projet_element",
        Policy::Record {
            section: Section::Projet,
            action: Action::Write,
        },
    ),
    (
        "/api/projet_element_statut",
        Policy::Record {
            section: Section::Projet,
            action: Action::Write,
        },
    ),
    (
        "/api/projet_element_retirer",
        Policy::Record {
            section: Section::Projet,
            action: Action::Write,
        },
    ),
    (
        "/api/projet_valider",
        Policy::Record {
            section: Section::Projet,
            action: Action::Write,
        },
    ),
    (
        "/api/projet_avenant",
        Policy::Record {
            section: Section::Projet,
            action: Action::Write,
        },
    ),
    (
        "/api/projet_statut",
        Policy::Record {
            section: Section::Projet,
            action: Action::Write,
        },
    ),
    (
        "/api/projet_bilan",
        Policy::Record {
            section: Section::Projet,
            action: Action::Write,
        },
    ),
    (
        "/api/projet_accord",
        Policy::Record {
            section: Section::Projet,
            action: Action::Write,
        },
    ),
    ("/api/projets_echeances", Policy::StaffList),
    ("/api/trame", Policy::Administration),
    ("/api/trame_modifier", Policy::Administration),
    (
        "/api/soins",
        Policy::Record {
            section: Section::Soins,
            action: Action::Read,
        },
    ),
    (
        "/api/courbe",
        Policy::Record {
            section: Section::Soins,
            action: Action::Read,
        },
    ),
    (
        "/api/allergies",
        Policy::Record {
            section: Section::Identite,
            action: Action::Read,
        },
    ),
    (
        "/api/allergie_ajouter",
        Policy::Record {
            section: Section::Medical,
            action: Action::Write,
        },
    ),
    (
        "/api/allergie_terminer",
        Policy::Record {
            section: Section::Medical,
            action: Action::Write,
        },
    ),
    (
        "/api/traitements",
        Policy::Record {
            section: Section::Soins,
            action: Action::Read,
        },
    ),
    (
        "/api/prises_tableau",
        Policy::Record {
            section: Section::Soins,
            action: Action::Read,
        },
    ),
    (
        "/api/prise_noter",
        Policy::Record {
            section: Section::Soins,
            action: Action::Write,
        },
    ),
    (
        "/api/prescription_ajouter",
        Policy::Record {
            section: Section::Medical,
            action: Action::Write,
        },
    ),
    (
        "/api/ligne_arreter",
        Policy::Record {
            section: Section::Medical,
            action: Action::Write,
        },
    ),
    (
        "/api/ligne_modifier",
        Policy::Record {
            section: Section::Medical,
            action: Action::Write,
        },
    ),
    (
        "/api/allergie_aucune",
        Policy::Record {
            section: Section::Medical,
            action: Action::Write,
        },
    ),
    (
        "/api/liaison_ecrire",
        Policy::Record {
            section: Section::Soins,
            action: Action::Write,
        },
    ),
    (
        "/api/mesures_saisir",
        Policy::Record {
            section: Section::Soins,
            action: Action::Write,
        },
    ),
    (
        "/api/alerte_acquitter",
        Policy::Record {
            section: Section::Soins,
            action: Action::Write,
        },
    ),
    (
        "/api/soin_planifier",
        Policy::Record {
            section: Section::Medical,
            action: Action::Write,
        },
    ),
    (
        "/api/soin_arreter",
        Policy::Record {
            section: Section::Medical,
            action: Action::Write,
        },
    ),
    (
        "/api/soin_noter",
        Policy::Record {
            section: Section::Soins,
            action: Action::Write,
        },
    ),
    ("/api/tournee", Policy::StaffList),
    ("/api/horaires_equipes", Policy::Administration),
    ("/api/horaires_equipes_modifier", Policy::Administration),
    (
        "/api/medical",
        Policy::Record {
            section: Section::Medical,
            action: Action::Read,
        },
    ),
    (
        "/api/medical_ajouter",
        Policy::Record {
            section: Section::Medical,
            action: Action::Write,
        },
    ),
    (
        "/api/medical_resoudre",
        Policy::Record {
            section: Section::Medical,
            action: Action::Write,
        },
    ),
    (
        "/api/directives_anticipees",
        Policy::Record {
            section: Section::Medical,
            action: Action::Write,
        },
    ),
    ("/api/alertes_unite", Policy::StaffList),
    ("/api/cahier_de_liaison", Policy::StaffList),
    ("/api/agenda_unite", Policy::StaffList),
    ("/api/documents_echeances", Policy::StaffList),
    ("/api/medicaments", Policy::StaffList),
    ("/api/distribution", Policy::StaffList),
    ("/api/distribution_cloturer", Policy::StaffList),
    ("/api/distribution_jour", Policy::StaffList),
    ("/api/medicament_code", Policy::StaffList),
    ("/api/bris_de_glace", Policy::BreakGlassRequest),
    ("/api/bris_de_glace_liste", Policy::BreakGlassReview),
    ("/api/bris_de_glace_examen", Policy::BreakGlassReview),
    ("/api/tracabilite", Policy::AuditSearch),
    ("/api/droits", Policy::Administration),
    ("/api/droits_profession", Policy::Administration),
    ("/api/bdpm_etat", Policy::Administration),
    ("/api/bdpm_import", Policy::Administration),
];
