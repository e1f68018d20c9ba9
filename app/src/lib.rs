//! Parcours, the shared record of the people accompanied by medico-social
//! services: pages, server functions and domain types, compiled for the
//! server (`ssr`) and for the browser (`hydrate`).

#![recursion_limit = "256"]

pub mod access;
pub mod agenda;
pub mod auth;
pub mod codes;
pub mod document;
pub mod error;
pub mod espace;
pub mod medical;
pub mod medication;
pub mod organisation;
pub mod projet;
pub mod record;
pub mod serafin;
pub mod soins;
#[cfg(feature = "ssr")]
pub mod state;
pub mod time;
pub mod transmission;
pub mod travail;
pub mod ui;
pub mod usager;
pub mod validate;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    lazy_route, path, Lazy, LazyRoute, SsrMode,
};

/// The HTML document around the app, rendered on the server. It sets the
/// Content-Security-Policy with a fresh nonce for the hydration scripts.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos_meta::{HashedStylesheet, MetaTags};
    leptos::nonce::provide_nonce();
    let nonce = leptos::nonce::use_nonce()
        .map(|n| n.to_string())
        .unwrap_or_default();
    let dev_reload = if std::env::var("LEPTOS_WATCH").is_ok() {
        format!(" ws://127.0.0.1:{}", options.reload_port)
    } else {
        String::new()
    };
    let csp = format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:; font-src 'self'; \
         connect-src 'self'{dev_reload}; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(value) = axum::http::HeaderValue::from_str(&csp) {
            response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="fr">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="theme-color" content="#0b5d66"/>
                <meta name="description" content="Parcours, le dossier usager informatisé partagé."/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

// Pages loaded on demand: their code is split out of the first download
// (`cargo leptos build --split`) and fetched when the route is first used.
macro_rules! lazy_page {
    ($route:ident, $page:path, $doc:literal) => {
        #[doc = $doc]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                view! { <$page/> }.into_any()
            }
        }
    };
}
lazy_page!(
    RecordRoute,
    ui::usager::record::RecordPage,
    "Le dossier d’un usager."
);
lazy_page!(
    CahierRoute,
    ui::transmission::CahierPage,
    "Le cahier de liaison."
);
lazy_page!(
    AgendaRoute,
    ui::agenda::UnitAgendaPage,
    "L’agenda des unités."
);
lazy_page!(
    ExpiringRoute,
    ui::document::ExpiringPage,
    "Les documents à renouveler."
);
lazy_page!(
    FamilyRoute,
    ui::usager::family::FamilyPage,
    "Les pages des familles."
);
lazy_page!(
    TrailRoute,
    ui::access::TrailPage,
    "La recherche dans la traçabilité."
);
lazy_page!(
    BreakGlassRoute,
    ui::access::BreakGlassPage,
    "L’examen des bris de glace."
);
lazy_page!(
    ProjetRoute,
    ui::projet::ProjetPage,
    "Un projet personnalisé."
);
lazy_page!(
    TrameRoute,
    ui::projet::TramePage,
    "La trame du projet personnalisé."
);
lazy_page!(
    RoundRoute,
    ui::soins::round::TourneePage,
    "La tournée de soins d’une unité."
);
lazy_page!(
    DistributionRoute,
    ui::medication::round::DistributionPage,
    "La distribution des médicaments d’une unité."
);
lazy_page!(
    DayRoundsRoute,
    ui::medication::round::DayOverviewPage,
    "Les distributions de médicaments du jour."
);
lazy_page!(
    PrescriptionRoute,
    ui::medication::prescription::PrescriptionPage,
    "La saisie d’une prescription."
);
lazy_page!(
    BdpmRoute,
    ui::medication::BdpmPage,
    "Le référentiel des médicaments."
);
lazy_page!(
    SpaceRoute,
    ui::espace::SpaceMainPage,
    "Les pages de l’espace personnel d’un usager."
);
lazy_page!(
    CardRoute,
    ui::espace::CardSignInPage,
    "La connexion avec la carte personnelle."
);
lazy_page!(
    SpaceStaffRoute,
    ui::espace::SpaceStaffPage,
    "L’espace personnel d’un usager, vu par l’équipe."
);
lazy_page!(
    RightsRoute,
    ui::access::RightsPage,
    "L’administration des droits."
);

/// The application: routes and the signed-in person shared by every page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    ui::provide_session();
    ui::on_hydrated();

    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Parcours".to_string() } else { format!("{page} — Parcours") }
        }/>
        <Meta name="application-name" content="Parcours"/>
        <Link rel="preload" href="/icons/icon.svg" as_="image"/>
        <Router>
            <Routes fallback=ui::NotFound>
                // Async: the server sends complete pages (readable without
                // JavaScript, redirects and statuses set before the first byte).
                <Route path=path!("/") view=ui::Home ssr=SsrMode::Async/>
                <Route path=path!("/connexion") view=ui::auth::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/usagers") view=ui::usager::UsagersPage ssr=SsrMode::Async/>
                <Route path=path!("/usagers/:id/espace") view={Lazy::<SpaceStaffRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/usagers/:id/:section?") view={Lazy::<RecordRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/usagers/:id/soins/prescription") view={Lazy::<PrescriptionRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/mon-espace/:page?") view={Lazy::<SpaceRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/carte/:token") view={Lazy::<CardRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/usagers/:id/projets/:projet") view={Lazy::<ProjetRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/cahier") view={Lazy::<CahierRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/agenda") view={Lazy::<AgendaRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/tournee") view={Lazy::<RoundRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/distribution") view={Lazy::<DistributionRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/distribution/jour") view={Lazy::<DayRoundsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/documents/echeances") view={Lazy::<ExpiringRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/famille") view={Lazy::<FamilyRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/tracabilite") view={Lazy::<TrailRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/bris-de-glace") view={Lazy::<BreakGlassRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/administration/trame") view={Lazy::<TrameRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/administration/droits") view={Lazy::<RightsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/administration/medicaments") view={Lazy::<BdpmRoute>::new()} ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
