//! Error policy.
//!
//! Every server function returns `Result<T, AppError>`. `AppError` is the only
//! error that crosses the wire: a small, stable set of cases the UI turns into
//! French sentences (`AppError::message_fr`). Unexpected failures are logged on
//! the server with their full context and reach the browser only as
//! `Internal { request_id }`, so no internal text (SQL, paths, panics) leaks.
//! Each case maps to an HTTP status (`AppError::status`), which the server sets
//! on every server-function response that carries an `AppError`.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// The typed error of every server function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No valid session: never signed in, signed out, or expired.
    #[error("unauthenticated")]
    Unauthenticated,
    /// Login or password wrong (deliberately not saying which).
    #[error("bad credentials")]
    BadCredentials,
    /// Too many failed sign-ins; retry after this many minutes.
    #[error("too many attempts")]
    TooManyAttempts { retry_after_minutes: u32 },
    /// Signed in, but not allowed to do this on this record or section.
    #[error("forbidden")]
    Forbidden,
    /// The thing asked for does not exist (or is outside the organisation).
    #[error("not found")]
    NotFound,
    /// A field the user typed is not acceptable; `reason` is French, for the user.
    #[error("invalid {field}")]
    Invalid { field: String, reason: String },
    /// Someone else changed the same thing first.
    #[error("conflict")]
    Conflict,
    /// The edit was based on an older version of the thing: someone saved
    /// in between. Nothing was written; `current_version` is the one to
    /// reload and edit.
    #[error("stale version")]
    Stale { current_version: i32 },
    #[error("incomplete")]
    Incomplete { missing: Vec<String> },
    #[error("frozen")]
    Frozen,
    /// The request's body is larger than this many bytes; nothing was read
    /// past the limit.
    #[error("too large")]
    TooLarge { max_bytes: u64 },
    /// A dependency (the database) is unreachable; retrying later may work.
    #[error("unavailable")]
    Unavailable,
    /// A bug or an unexpected failure, logged on the server under this id.
    #[error("internal error {request_id}")]
    Internal { request_id: String },
    /// The call did not reach the server function or its answer did not come
    /// back (network down, bad encoding). `offline` is true for a network
    /// failure on the client side.
    #[error("transport")]
    Transport { offline: bool },
}

impl AppError {
    /// The HTTP status sent with this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::BadCredentials => 401,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Invalid { .. } | AppError::Incomplete { .. } => 422,
            AppError::Conflict | AppError::Stale { .. } | AppError::Frozen => 409,
            AppError::TooLarge { .. } => 413,
            AppError::Unavailable => 503,
            AppError::Internal { .. } | AppError::Transport { .. } => 500,
        }
    }

    /// The sentence shown to the user.
    pub fn message_fr(&self) -> String {
        match self {
            AppError::Unauthenticated => {
                "Votre session a expiré. Veuillez vous reconnecter.".to_string()
            }
            AppError::BadCredentials => "Identifiant ou mot de passe incorrect.".to_string(),
            AppError::TooManyAttempts {
                retry_after_minutes,
            } => format!(
                "Trop de tentatives de connexion. Réessayez dans {} minute{}.",
                retry_after_minutes,
                if *retry_after_minutes > 1 { "s" } else { "" }
            ),
            AppError::Forbidden => {
                "Accès refusé : vous n’avez pas les droits nécessaires pour cette action."
                    .to_string()
            }
            AppError::NotFound => "Élément introuvable.".to_string(),
            AppError::Invalid { reason, .. } => reason.clone(),
            AppError::Conflict => {
                "Cette information a été modifiée par quelqu’un d’autre entre-temps. \
                 Rechargez la page pour voir la version actuelle."
                    .to_string()
            }
            AppError::Stale { current_version } => format!(
                "Quelqu’un d’autre a enregistré une modification entre-temps (version {current_version}). \
                 Vos changements n’ont pas été enregistrés : la version actuelle est affichée, \
                 reportez-y vos modifications."
            ),
            AppError::Incomplete { missing } => format!(
                "Le projet ne peut pas être validé, il manque : {}",
                missing.join(" ")
            ),
            AppError::Frozen => "Cette version du projet est validée et ne se modifie plus : \
                                 créez un avenant pour la faire évoluer."
                .to_string(),
            AppError::TooLarge { max_bytes } => {
                let mib = 1024 * 1024;
                let max = if *max_bytes >= mib {
                    format!("{} Mo", max_bytes / mib)
                } else {
                    format!("{} Ko", max_bytes.div_ceil(1024))
                };
                format!("Le contenu envoyé est trop volumineux ({max} au plus) : il n’a pas été enregistré.")
            }
            AppError::Unavailable => {
                "Base de données injoignable, réessayez dans un instant.".to_string()
            }
            AppError::Internal { request_id } => format!(
                "Une erreur inattendue s’est produite. Si elle se répète, \
                 communiquez ce code au support : {request_id}."
            ),
            AppError::Transport { offline: true } => {
                "Connexion au serveur impossible. Vérifiez le réseau puis réessayez.".to_string()
            }
            AppError::Transport { offline: false } => {
                "La réponse du serveur n’a pas pu être lue. Rechargez la page.".to_string()
            }
        }
    }

    /// A user mistake on one field.
    pub fn invalid(field: &str, reason: &str) -> Self {
        AppError::Invalid {
            field: field.to_string(),
            reason: reason.to_string(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => AppError::Transport { offline: true },
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::invalid(
                "requête",
                "La requête envoyée est incomplète ou mal formée.",
            ),
            // On the server, a body that does not decode (malformed JSON, an
            // id sent as a number, an unknown kind) is the caller's mistake;
            // in the browser, an answer that does not decode is transport.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(_) => AppError::invalid(
                "requête",
                "La requête envoyée est incomplète ou mal formée.",
            ),
            _ => AppError::Transport { offline: false },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_french_message_without_internal_text() {
        let all = [
            AppError::Unauthenticated,
            AppError::BadCredentials,
            AppError::TooManyAttempts {
                retry_after_minutes: 3,
            },
            AppError::Forbidden,
            AppError::NotFound,
            AppError::invalid("login", "L’identifiant est obligatoire."),
            AppError::Conflict,
            AppError::Stale { current_version: 3 },
            AppError::Incomplete {
                missing: vec!["Aucun objectif.".into()],
            },
            AppError::Frozen,
            AppError::TooLarge { max_bytes: 1024 },
            AppError::Unavailable,
            AppError::Internal {
                request_id: "abc".into(),
            },
            AppError::Transport { offline: true },
        ];
        for e in all {
            let m = e.message_fr();
            assert!(!m.is_empty());
            assert!(m.ends_with('.'), "{m}");
            assert!(e.status() >= 400);
        }
    }

    #[test]
    fn wire_format_round_trips() {
        let e = AppError::TooManyAttempts {
            retry_after_minutes: 12,
        };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), e);
        assert!(e.message_fr().contains("12 minutes"));
    }

    #[test]
    fn argument_errors_become_invalid_not_internal() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".into()));
        assert!(matches!(e, AppError::Invalid { .. }));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn undecodable_bodies_are_the_callers_mistake_on_the_server() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Deserialization("x".into()));
        assert_eq!(e.status(), 422);
    }

    #[test]
    fn sizes_are_said_in_french_units() {
        let m = AppError::TooLarge {
            max_bytes: 20 * 1024 * 1024,
        }
        .message_fr();
        assert!(m.contains("20 Mo"), "{m}");
        assert!(AppError::TooLarge { max_bytes: 1024 }
            .message_fr()
            .contains("1 Ko"));
    }
}
