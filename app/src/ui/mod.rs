//! The tablet shell and what every page shares: the signed-in person, the
//! header, error notices, the not-found page.

pub mod access;
pub mod agenda;
pub mod auth;
pub mod document;
pub mod espace;
pub mod medical;
pub mod medication;
pub mod outbox;
pub mod projet;
pub mod soins;
pub mod transmission;
pub mod travail;
pub mod usager;

use crate::auth::{get_current_user, CurrentUser, Login, Logout};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};

/// The sign-in and sign-out actions and the signed-in person, shared by every
/// page through context.
#[derive(Clone, Copy)]
pub struct SessionContext {
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
}

/// Provides the `SessionContext`; the user is fetched again after each
/// sign-in and sign-out.
pub fn provide_session() {
    let login = ServerAction::<Login>::new();
    let logout = ServerAction::<Logout>::new();
    let user = Resource::new(
        move || (login.version().get(), logout.version().get()),
        |_| get_current_user(),
    );
    provide_context(SessionContext {
        login,
        logout,
        user,
    });
    provide_context(outbox::OutboxChanged(RwSignal::new(0)));
    // The key sealing notes kept offline leaves the page with its person.
    Effect::new(move |_| {
        if logout.version().get() > 0 {
            outbox::forget_key();
        }
    });
}

/// The session context (always provided by `App`).
pub fn use_session() -> SessionContext {
    expect_context::<SessionContext>()
}

/// The signed-in account, once known (read without tracking).
pub fn signed_in_account() -> Option<uuid::Uuid> {
    use_session()
        .user
        .get_untracked()
        .and_then(|r| r.ok())
        .flatten()
        .map(|u| u.account_id)
}

/// In the browser: registers the service worker. (The page is marked
/// interactive by the entry point, once hydration has finished.)
pub fn on_hydrated() {
    Effect::new(move |_| {
        let _ = window().navigator().service_worker().register("/sw.js");
    });
}

/// The frame of every signed-in page: header with the person and their
/// établissement, a skip link, and the page's content.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let session = use_session();
    view! {
        <a class="skip-link" href="#contenu">"Aller au contenu"</a>
        <header class="app-header">
            <A href="/" attr:class="brand" attr:aria-label="Parcours, accueil">
                <img src="/icons/icon.svg" alt="" width="32" height="32"/>
                <span>"Parcours"</span>
            </A>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match session.user.await {
                        Ok(Some(user)) => view! { <UserBadge user/> }.into_any(),
                        _ => ().into_any(),
                    }
                })}
            </Transition>
        </header>
        <main id="contenu" tabindex="-1">{children()}</main>
    }
}

#[component]
fn UserBadge(user: CurrentUser) -> impl IntoView {
    let session = use_session();
    lock_when_idle(user.session_idle_minutes, "/connexion?expiree=1");
    let reviews = user.reviews_break_glass();
    let searches = user.searches_audit();
    let administers = user.profession == Some(crate::organisation::Profession::Administrateur);
    let staff = user.kind == crate::auth::AccountKind::Staff;
    // The round's link for the professions the shipped matrix lets read
    // soins (the page itself asks the organisation's matrix).
    let rounds = user
        .profession
        .is_some_and(|p| crate::access::default_permission(p, crate::access::Section::Soins).read);
    let account_id = user.account_id;
    view! {
        {staff.then(|| view! {
            <nav class="main-links" aria-label="Navigation principale">
                <A href="/usagers">"Mes usagers"</A>
                <A href="/cahier">"Cahier de liaison"</A>
                <A href="/agenda">"Agenda"</A>
                {rounds.then(|| view! { <A href="/tournee">"Tournée de soins"</A> })}
                {rounds.then(|| view! { <A href="/distribution">"Médicaments"</A> })}
                <A href="/documents/echeances">"Échéances"</A>
            </nav>
            <transmission::PendingNotes account_id/>
        })}
        <nav class="admin-links" aria-label="Encadrement">
            {reviews.then(|| view! { <A href="/bris-de-glace">"Bris de glace"</A> })}
            {searches.then(|| view! { <A href="/tracabilite">"Traçabilité"</A> })}
            {administers.then(|| view! { <A href="/administration/droits">"Droits"</A> })}
            {administers.then(|| view! { <A href="/administration/trame">"Trame du projet"</A> })}
            {administers.then(|| view! { <A href="/administration/medicaments">"Médicaments"</A> })}
        </nav>
        <div class="user-badge">
            <div class="user-text">
                <span class="user-name" data-testid="user-name">{user.display_name()}</span>
                <span class="user-role">{user.role_line()}</span>
            </div>
            <ActionForm action=session.logout>
                <button type="submit" class="button button-quiet">"Se déconnecter"</button>
            </ActionForm>
        </div>
    }
}

/// Tablets are shared: after `minutes` without a touch or a key, the session
/// is closed and the page goes back to the sign-in screen with a full reload,
/// so nothing of the last record stays in memory or on screen. (The server
/// session would expire at about the same moment on its own.)
pub(crate) fn lock_when_idle(minutes: u32, leave_to: &'static str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::ev;
        use std::time::Duration;
        let last_activity = StoredValue::new(js_sys::Date::now());
        let touch = move || last_activity.set_value(js_sys::Date::now());
        let listeners = [
            window_event_listener(ev::pointerdown, move |_| touch()),
            window_event_listener(ev::keydown, move |_| touch()),
        ];
        let limit_ms = f64::from(minutes) * 60_000.0;
        let locking = StoredValue::new(false);
        let timer = set_interval_with_handle(
            move || {
                if js_sys::Date::now() - last_activity.get_value() > limit_ms
                    && !locking.get_value()
                {
                    locking.set_value(true);
                    leptos::task::spawn_local(async move {
                        let _ = crate::auth::logout().await;
                        let _ = window().location().set_href(leave_to);
                    });
                }
            },
            Duration::from_secs(15),
        );
        on_cleanup(move || {
            for l in listeners {
                l.remove();
            }
            if let Ok(t) = timer {
                t.clear();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (minutes, leave_to);
}

/// An error shown to the user, in French, announced to screen readers.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    // A page rendered on the server while the database is down says so in
    // its status too (503), as the server functions do.
    #[cfg(feature = "ssr")]
    if error == AppError::Unavailable {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::SERVICE_UNAVAILABLE);
        }
    }
    view! {
        <div class="notice notice-error" role="alert">
            <p>{error.message_fr()}</p>
        </div>
    }
}

/// What a page shows for an error of one of its server functions: a sign-in
/// redirect for an expired session, a French sentence otherwise.
pub fn error_view(error: AppError) -> AnyView {
    match error {
        AppError::Unauthenticated => view! { <Redirect path="/connexion?expiree=1"/> }.into_any(),
        other => view! { <ErrorNotice error=other/> }.into_any(),
    }
}

/// `/`: sends the person where they belong.
#[component]
pub fn Home() -> impl IntoView {
    let session = use_session();
    view! {
        <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match session.user.await {
                    Ok(Some(user)) => view! { <Redirect path=user.home_path()/> }.into_any(),
                    Ok(None) => view! { <Redirect path="/connexion"/> }.into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Transition>
    }
}

/// Unknown address.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page introuvable"/>
        <main id="contenu" class="page narrow">
            <h1>"Page introuvable"</h1>
            <p>"L’adresse demandée n’existe pas."</p>
            <p><A href="/">"Revenir à l’accueil"</A></p>
        </main>
    }
}
