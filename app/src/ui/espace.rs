//! "Mon espace": the person's pages (`/mon-espace/:page?`), the card's
//! sign-in (`/carte/:token`), the goodbye page, and the staff page of a
//! person's space (`/usagers/:id/espace`).
//!
//! The person's pages follow the easy-to-read rules (`domain.md` §7,
//! checked by `end2end/tests/espace.spec.ts`): one column, large
//! sans-serif text, one sentence per line, a picture per idea, an
//! "Écouter" per block that plays without JavaScript. They are complete
//! HTML from the server; forms are plain forms.

use super::{error_view, ErrorNotice, Layout};
use crate::error::AppError;
use crate::espace::{
    get_space_state, read_space_page, Accompany, Block, CloseSpace, MarkReviewed, OpenSpace,
    SpaceDone, SpacePage, SpaceSay, SpaceSignIn, SpaceView,
};
use crate::projet::falc::svg;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

/// A decorative pictogram (the text beside it says the idea).
#[component]
fn Picto(key: String, #[prop(default = 48)] size: u32) -> impl IntoView {
    view! { <span class="picto" inner_html=svg(&key, size)></span> }
}

/// An error in easy words.
fn easy_error(e: &AppError) -> String {
    match e {
        AppError::BadCredentials => {
            "Le code ou la carte ne marche pas.\nEssayez encore.\nSi cela ne marche pas, demandez de l’aide.".into()
        }
        AppError::TooManyAttempts {
            retry_after_minutes,
        } => format!(
            "Vous avez essayé trop de fois.\nAttendez {retry_after_minutes} minutes.\nDemandez de l’aide à un professionnel."
        ),
        AppError::Invalid { reason, .. } => reason.clone(),
        AppError::Unavailable | AppError::Transport { .. } => {
            "La tablette ne trouve pas le réseau.\nEssayez encore dans un moment.".into()
        }
        _ => "Cela ne marche pas.\nDemandez de l’aide à un professionnel.".into(),
    }
}

#[component]
fn EasyError(error: AppError) -> impl IntoView {
    view! {
        <div class="space-alert" role="alert">
            {easy_error(&error).lines().map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}
        </div>
    }
}

/// `/carte/:token`: the card's QR code opens this page; the person types
/// their PIN.
#[component]
pub fn CardSignInPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let action = ServerAction::<SpaceSignIn>::new();
    let error = move || action.value().get().and_then(|r| r.err());
    view! {
        <Title text="Mon espace"/>
        <div class="space">
            <main id="contenu" class="space-main">
                <h1><Picto key="moi".into()/>"Mon espace"</h1>
                <section class="space-block" aria-labelledby="code-titre">
                    <h2 id="code-titre">"Bonjour."</h2>
                    <p>"Tapez votre code."</p>
                    <p>"Puis touchez Entrer."</p>
                </section>
                {move || error().map(|e| view! { <EasyError error=e/> })}
                <ActionForm action attr:class="space-form">
                    <input type="hidden" name="token" value=token/>
                    <label for="pin">"Votre code"</label>
                    <input id="pin" name="pin" type="password" inputmode="numeric" autocomplete="off"
                        pattern="[0-9]*" maxlength="6" aria-required="true"/>
                    <button type="submit" class="space-button">"Entrer"</button>
                </ActionForm>
            </main>
        </div>
    }
}

/// The person's pages.
#[component]
pub fn SpaceMainPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("page").unwrap_or_default();
    view! {
        {move || {
            let slug = slug();
            if slug == "au-revoir" {
                view! { <Goodbye/> }.into_any()
            } else {
                match if slug.is_empty() { Some(SpacePage::Moi) } else { SpacePage::parse(&slug) } {
                    Some(page) => view! { <SpaceScreen page/> }.into_any(),
                    None => view! { <super::NotFound/> }.into_any(),
                }
            }
        }}
    }
}

#[component]
fn Goodbye() -> impl IntoView {
    view! {
        <Title text="Au revoir"/>
        <div class="space">
            <main id="contenu" class="space-main">
                <h1><Picto key="fin".into()/>"Au revoir."</h1>
                <section class="space-block" aria-labelledby="fin-titre">
                    <h2 id="fin-titre">"Vous avez fini."</h2>
                    <p>"Votre espace est fermé sur cette tablette."</p>
                    <p>"Pour revenir, montrez votre carte à la tablette."</p>
                </section>
            </main>
        </div>
    }
}

#[component]
fn SpaceScreen(page: SpacePage) -> impl IntoView {
    let view_data = Resource::new(move || page, |p| read_space_page(p.code().to_string()));
    view! {
        <Title text=page.label()/>
        <div class="space">
            <Suspense fallback=|| view! { <p>"Chargement."</p> }>
                {move || Suspend::new(async move {
                    match view_data.await {
                        Ok(v) => view! { <SpaceContent v/> }.into_any(),
                        Err(AppError::Unauthenticated) => {
                            view! { <Redirect path="/mon-espace/au-revoir"/> }.into_any()
                        }
                        Err(e) => view! {
                            <main id="contenu" class="space-main"><EasyError error=e/></main>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn SpaceContent(v: SpaceView) -> impl IntoView {
    let done = ServerAction::<SpaceDone>::new();
    super::lock_when_idle(v.idle_minutes, "/mon-espace/au-revoir");
    let page = v.page;
    view! {
        <header class="space-header">
            <p class="space-name">{format!("Mon espace — {}", v.first_name)}</p>
            <ActionForm action=done attr:class="space-done">
                <button type="submit" class="space-button">
                    <Picto key="fin".into() size=32/>"J’ai fini"
                </button>
            </ActionForm>
        </header>
        <nav class="space-nav" aria-label="Les pages de mon espace">
            <ul>
                {SpacePage::ALL.into_iter().map(|p| view! {
                    <li>
                        <a href=p.path() aria-current=(p == page).then_some("page")>
                            <Picto key=p.pictogram().into() size=40/>{p.label()}
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </nav>
        <main id="contenu" class="space-main">
            <h1><Picto key=page.pictogram().into()/>{page.label()}</h1>
            {(v.photo && page == SpacePage::Moi).then(|| view! {
                <img class="space-photo" src="/mon-espace/photo" alt="Votre photo" width="160" height="160"/>
            })}
            {v.blocks.into_iter().map(|b| view! { <SpaceBlock page b/> }).collect_view()}
            {(page == SpacePage::Dire).then(|| view! { <SayForm key=v.message_key/> })}
        </main>
    }
}

#[component]
fn SpaceBlock(page: SpacePage, b: Block) -> impl IntoView {
    let id = format!("bloc-{}", b.key);
    let labelled = id.clone();
    let listen = format!("ecouter-{}", b.key);
    let src = format!("/mon-espace/ecouter/{}/{}.wav", page.code(), b.key);
    view! {
        <section class="space-block" aria-labelledby=labelled data-testid="bloc">
            <h2 id=id><Picto key=b.pictogram.clone()/>{b.title.clone()}</h2>
            {b.lines.into_iter().map(|l| view! {
                <p class="space-line">
                    {l.pictogram.map(|k| view! { <Picto key=k size=40/> })}
                    {l.text}
                </p>
            }).collect_view()}
            {b.reviewed.map(|r| view! { <p class="space-reviewed">{r}</p> })}
            <div class="space-listen">
                <span id=listen.clone()><Picto key="ecouter".into() size=32/>"Écouter"</span>
                <audio controls preload="none" src=src aria-labelledby=listen></audio>
            </div>
        </section>
    }
}

#[component]
fn SayForm(key: Uuid) -> impl IntoView {
    let action = ServerAction::<SpaceSay>::new();
    let query = use_query_map();
    let sent = move || query.read().get("envoye").is_some();
    let error = move || action.value().get().and_then(|r| r.err());
    view! {
        {move || sent().then(|| view! {
            <div class="space-sent" role="status">
                <p>"Votre message est envoyé."</p>
                <p>"Votre référent va le lire."</p>
            </div>
        })}
        {move || error().map(|e| view! { <EasyError error=e/> })}
        <ActionForm action attr:class="space-form">
            <input type="hidden" name="key" value=key.to_string()/>
            <fieldset class="space-feelings">
                <legend>"Choisissez une image."</legend>
                {crate::espace::words::FEELINGS.iter().map(|(field, picto, said)| view! {
                    <label class="space-feeling">
                        <input type="checkbox" name=*field value="oui"/>
                        <Picto key=picto.to_string() size=56/>
                        {said.to_string()}
                    </label>
                }).collect_view()}
            </fieldset>
            <label for="mots">"Vos mots. Vous pouvez ne rien écrire."</label>
            <textarea id="mots" name="words" rows="4" maxlength="2000"></textarea>
            <button type="submit" class="space-button">"Envoyer"</button>
        </ActionForm>
    }
}

/// `/usagers/:id/espace`: the person's space as staff manage it.
#[component]
pub fn SpaceStaffPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| Uuid::parse_str(&s).ok())
    };
    let open = ServerAction::<OpenSpace>::new();
    let close = ServerAction::<CloseSpace>::new();
    let review = ServerAction::<MarkReviewed>::new();
    let accompanied = ServerAction::<Accompany>::new();
    let state = Resource::new(
        move || {
            (
                id(),
                open.version().get(),
                close.version().get(),
                review.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_space_state(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let errors = move || {
        [
            open.value().get().and_then(|r| r.err()),
            close.value().get().and_then(|r| r.err()),
            review.value().get().and_then(|r| r.err()),
            accompanied.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    view! {
        <Title text="Espace personnel"/>
        <Layout>
            <div class="page">
                {move || id().map(|id| view! {
                    <p><a href=format!("/usagers/{id}/projet")>"← Retour au dossier"</a></p>
                })}
                <h1>"Espace personnel"</h1>
                <p class="muted">"Les pages faciles à lire de la personne : qui elle est, son projet, sa semaine, qui a regardé son dossier, et ses messages à l’équipe."</p>
                {move || errors().map(|e| view! { <ErrorNotice error=e/> })}
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        let s = match state.await {
                            Ok(s) => s,
                            Err(e) => return error_view(e),
                        };
                        let Some(id) = id() else { return ().into_any() };
                        view! {
                            <section class="record-section" aria-labelledby="etat-espace">
                                <h2 id="etat-espace">"État"</h2>
                                <p data-testid="etat-espace">{s.status.clone()}</p>
                                {s.card.clone().map(|c| view! { <p>{c}</p> })}
                                {(s.may_manage && s.open).then(|| view! {
                                    <form method="post" action=format!("/usagers/{id}/espace/carte.pdf") class="inline-form">
                                        <button type="submit" class="button">"Imprimer une nouvelle carte (l’ancienne ne marche plus)"</button>
                                    </form>
                                    <ActionForm action=accompanied attr:class="inline-form">
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <button type="submit" class="button button-primary">"Connexion accompagnée"</button>
                                        <p class="muted">"Votre session se ferme sur cette tablette et l’espace de la personne s’ouvre à sa place."</p>
                                    </ActionForm>
                                    <details class="edit">
                                        <summary>"Fermer l’espace"</summary>
                                        <ActionForm action=close attr:class="form-grid">
                                            <input type="hidden" name="id" value=id.to_string()/>
                                            <div class="field"><label for="motif-fermeture">"Motif"</label>
                                                <input id="motif-fermeture" name="reason" type="text" maxlength="500" required/></div>
                                            <button type="submit" class="button">"Fermer l’espace"</button>
                                        </ActionForm>
                                    </details>
                                })}
                                {(s.may_manage && !s.open).then(|| view! {
                                    <ActionForm action=open attr:class="form-grid">
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <input type="hidden" name="key" value=Uuid::new_v4().to_string()/>
                                        <fieldset class="field"><legend>"Accord donné par"</legend>
                                            <label class="check"><input type="radio" name="agreed_by" value="usager" checked=true/>"la personne"</label>
                                            <label class="check"><input type="radio" name="agreed_by" value="representant_legal"/>"son représentant légal"</label>
                                        </fieldset>
                                        <div class="field"><label for="code-personne">"Code choisi par la personne (4 à 6 chiffres)"</label>
                                            <input id="code-personne" name="pin" type="password" inputmode="numeric" autocomplete="new-password" required/></div>
                                        <button type="submit" class="button button-primary">"Ouvrir l’espace personnel"</button>
                                    </ActionForm>
                                })}
                            </section>
                            <section class="record-section" aria-labelledby="relu-par">
                                <h2 id="relu-par">"Textes faciles à lire"</h2>
                                <p class="muted">"Un texte relu par des lecteurs avec une déficience intellectuelle porte la mention « Facile à lire — relu par … ». Un texte modifié perd sa mention."</p>
                                <ul class="cards" data-testid="textes-falc">
                                    {s.texts.into_iter().map(|t| view! {
                                        <li class="card">
                                            {t.text.lines().map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}
                                            {match t.reviewed {
                                                Some(r) => view! { <p class="badge">{r}</p> }.into_any(),
                                                None if s.may_manage => view! {
                                                    <ActionForm action=review attr:class="inline-form">
                                                        <input type="hidden" name="id" value=id.to_string()/>
                                                        <input type="hidden" name="hashes" value=t.hash.clone()/>
                                                        <label>"Groupe de relecture "<input name="group" type="text" required maxlength="200"/></label>
                                                        <label>" le "<input name="on" type="date" required/></label>
                                                        <button type="submit" class="button">"Marquer comme relu"</button>
                                                    </ActionForm>
                                                }.into_any(),
                                                None => view! { <p class="muted">"Pas encore relu."</p> }.into_any(),
                                            }}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        }.into_any()
                    })}
                </Transition>
            </div>
        </Layout>
    }
}
