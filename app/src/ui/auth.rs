//! The sign-in page.

use super::{use_session, ErrorNotice};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

/// `/connexion`: login and password, in French, usable without JavaScript.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let expired = move || query.read().get("expiree").is_some();
    let error = move || session.login.value().get().and_then(|r| r.err());
    let pending = session.login.pending();

    view! {
        <Title text="Connexion"/>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match session.user.await {
                    Ok(Some(user)) => view! { <Redirect path=user.home_path()/> }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Transition>
        <main id="contenu" class="login-page">
            <div class="login-card">
                <div class="login-brand">
                    <img src="/icons/icon.svg" alt="" width="56" height="56"/>
                    <h1>"Parcours"</h1>
                    <p class="login-tagline">"Dossier usager informatisé"</p>
                </div>
                <Show when=expired>
                    <div class="notice notice-info" role="status">
                        <p>"Votre session a expiré. Veuillez vous reconnecter."</p>
                    </div>
                </Show>
                {move || error().map(|e| view! { <ErrorNotice error=e/> })}
                <ActionForm action=session.login attr:class="login-form">
                    <div class="field">
                        <label for="login">"Identifiant"</label>
                        <input
                            id="login"
                            name="login"
                            type="text"
                            autocomplete="username"
                            autocapitalize="none"
                            spellcheck="false"
                            aria-required="true"
                        />
                    </div>
                    <div class="field">
                        <label for="password">"Mot de passe"</label>
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            aria-required="true"
                        />
                    </div>
                    <button type="submit" class="button button-primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Connexion…" } else { "Se connecter" }}
                    </button>
                </ActionForm>
                <p class="login-help">
                    "Sur une tablette partagée, pensez à vous déconnecter après votre tournée. "
                    "La session se ferme seule après un temps d’inactivité."
                </p>
            </div>
        </main>
    }
}
