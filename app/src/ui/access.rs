//! The pages of access control: the trail's search (DPO, direction), the
//! review of emergency accesses (chef de service, direction, DPO), the
//! organisation's matrix (administrators), and in the record, who accessed
//! it and the emergency access request outside one's perimeter.

use super::{error_view, ErrorNotice, Layout};
use crate::access::{
    break_glass_list, get_matrix, record_accesses, search_audit, AccessLine, AuditFilter,
    MatrixRow, RequestBreakGlass, ReviewBreakGlass, Section, SetProfessionPermissions,
    BREAK_GLASS_MIN_REASON,
};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

/// A table of accesses.
#[component]
pub fn AccessTable(lines: Vec<AccessLine>, show_usager: bool) -> impl IntoView {
    if lines.is_empty() {
        return view! { <p class="muted">"Aucun accès enregistré."</p> }.into_any();
    }
    view! {
        // Focusable so that a keyboard can scroll it on narrow screens.
        <div class="table-scroll" tabindex="0" role="region" aria-label="Liste des accès">
            <table class="trail" data-testid="trail">
                <thead>
                    <tr>
                        <th scope="col">"Date"</th>
                        <th scope="col">"Personne"</th>
                        {show_usager.then(|| view! { <th scope="col">"Usager"</th> })}
                        <th scope="col">"Section"</th>
                        <th scope="col">"Résultat"</th>
                    </tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(|l| view! {
                        <tr class:denied=!l.allowed>
                            <td>{l.at}</td>
                            <td>{l.who}<br/><span class="muted">{l.profession}</span></td>
                            {show_usager.then(|| view! { <td>{l.usager.clone()}</td> })}
                            <td>{l.section}<br/><span class="muted">{l.action}</span></td>
                            <td>
                                {if l.allowed { "autorisé" } else { "refusé" }}
                                {l.break_glass.then(|| view! { <br/><strong>"bris de glace"</strong> })}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// `/tracabilite`: the organisation's trail, searchable by usager, staff
/// member, dates, refusals and emergency accesses. A GET form, so a search
/// is a link that can be shared with a colleague.
#[component]
pub fn TrailPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        AuditFilter {
            usager: get("usager"),
            staff: get("personne"),
            from: get("du"),
            to: get("au"),
            denied_only: q.get("refus").is_some(),
            break_glass_only: q.get("urgence").is_some(),
        }
    };
    let lines = Resource::new(filter, search_audit);
    let initial = filter();
    view! {
        <Title text="Traçabilité des accès"/>
        <Layout>
            <div class="page">
                <h1>"Traçabilité des accès"</h1>
                <form method="get" action="/tracabilite" class="filters">
                    <div class="field"><label for="f-usager">"Usager"</label>
                        <input id="f-usager" name="usager" type="text" value=initial.usager/></div>
                    <div class="field"><label for="f-personne">"Professionnel"</label>
                        <input id="f-personne" name="personne" type="text" value=initial.staff/></div>
                    <div class="field"><label for="f-du">"Du"</label>
                        <input id="f-du" name="du" type="date" value=initial.from/></div>
                    <div class="field"><label for="f-au">"Au"</label>
                        <input id="f-au" name="au" type="date" value=initial.to/></div>
                    <label class="check"><input type="checkbox" name="refus" checked=initial.denied_only/>" Accès refusés seulement"</label>
                    <label class="check"><input type="checkbox" name="urgence" checked=initial.break_glass_only/>" Bris de glace seulement"</label>
                    <button type="submit" class="button button-primary">"Rechercher"</button>
                </form>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match lines.await {
                            Ok(lines) => view! { <AccessTable lines show_usager=true/> }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

/// `/bris-de-glace`: emergency accesses to review.
#[component]
pub fn BreakGlassPage() -> impl IntoView {
    let review = ServerAction::<ReviewBreakGlass>::new();
    let list = Resource::new(move || review.version().get(), |_| break_glass_list());
    let error = move || review.value().get().and_then(|r| r.err());
    view! {
        <Title text="Bris de glace"/>
        <Layout>
            <div class="page">
                <h1>"Accès d’urgence (bris de glace)"</h1>
                {move || error().map(|e| view! { <ErrorNotice error=e/> })}
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match list.await {
                            Ok(list) if list.is_empty() => view! {
                                <p class="muted">"Aucun accès d’urgence."</p>
                            }.into_any(),
                            Ok(list) => view! {
                                <ul class="cards" data-testid="break-glass-list">
                                    {list.into_iter().map(|b| view! {
                                        <li class="card">
                                            <p><strong>{b.who}</strong>" → "<strong>{b.usager}</strong></p>
                                            <p class="muted">{format!("Le {}, jusqu’au {}", b.granted_at, b.expires_at)}</p>
                                            <p>"Motif : "{b.reason}</p>
                                            {match b.review {
                                                Some(text) => view! { <p class="reviewed">{text}</p> }.into_any(),
                                                None if b.own => view! {
                                                    <p class="muted">"Votre propre demande : une autre personne de l’encadrement l’examinera."</p>
                                                }.into_any(),
                                                None => view! {
                                                    <ActionForm action=review>
                                                        <input type="hidden" name="id" value=b.id.to_string()/>
                                                        <div class="field">
                                                            <label for=format!("c-{}", b.id)>"Commentaire d’examen"</label>
                                                            <input id=format!("c-{}", b.id) name="comment" type="text"/>
                                                        </div>
                                                        <button type="submit" class="button button-primary">"Marquer comme examiné"</button>
                                                    </ActionForm>
                                                }.into_any(),
                                            }}
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

/// `/administration/droits`: the organisation's matrix, profession by
/// profession (administrators).
#[component]
pub fn RightsPage() -> impl IntoView {
    let save = ServerAction::<SetProfessionPermissions>::new();
    let matrix = Resource::new(move || save.version().get(), |_| get_matrix());
    let error = move || save.value().get().and_then(|r| r.err());
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    view! {
        <Title text="Droits d’accès"/>
        <Layout>
            <div class="page">
                <h1>"Droits d’accès par profession"</h1>
                <p>
                    "Chaque profession lit ou modifie les sections du dossier des usagers qu’elle accompagne. "
                    "La section médicale est réservée aux médecins, infirmiers et psychologues."
                </p>
                {move || error().map(|e| view! { <ErrorNotice error=e/> })}
                <Show when=saved>
                    <div class="notice notice-info" role="status"><p>"Droits enregistrés."</p></div>
                </Show>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match matrix.await {
                            Ok(rows) => view! {
                                <div class="rights">
                                    {rows.into_iter().map(|row| view! { <RightsRow row save/> }).collect_view()}
                                </div>
                            }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
                <crate::ui::soins::round::ShiftTimesBlock/>
            </div>
        </Layout>
    }
}

#[component]
fn RightsRow(row: MatrixRow, save: ServerAction<SetProfessionPermissions>) -> impl IntoView {
    let code = row.profession.code();
    view! {
        <ActionForm action=save attr:class="rights-row" attr:aria-label=row.profession.label()>
            <h2>{row.profession.label()}</h2>
            <input type="hidden" name="profession" value=code/>
            <div class="rights-cells">
                {Section::ALL.into_iter().zip(row.levels).map(|(section, level)| {
                    let id = format!("{code}-{}", section.code());
                    view! {
                        <div class="field">
                            <label for=id.clone()>{section.label()}</label>
                            <select id=id name=section.code()>
                                <option value="aucun" selected=level == "aucun">"Aucun accès"</option>
                                <option value="lecture" selected=level == "lecture">"Lecture"</option>
                                <option value="ecriture" selected=level == "ecriture">"Lecture et écriture"</option>
                            </select>
                        </div>
                    }
                }).collect_view()}
            </div>
            <button type="submit" class="button button-primary">"Enregistrer"</button>
        </ActionForm>
    }
}

/// "Qui a consulté ce dossier".
#[component]
pub fn WhoAccessed(id: Uuid) -> impl IntoView {
    let lines = Resource::new(move || id, record_accesses);
    view! {
        <section id="acces" aria-labelledby="titre-acces" class="record-section">
            <h2 id="titre-acces">"Qui a consulté ce dossier"</h2>
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || Suspend::new(async move {
                    match lines.await {
                        Ok(lines) => view! { <AccessTable lines show_usager=false/> }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Outside the perimeter: the refusal, and the emergency access request.
#[component]
pub fn AccessDenied(id: Option<Uuid>, action: ServerAction<RequestBreakGlass>) -> impl IntoView {
    let error = move || action.value().get().and_then(|r| r.err());
    view! {
        <Title text="Accès refusé"/>
        <h1>"Accès refusé"</h1>
        <ErrorNotice error=AppError::Forbidden/>
        <p>"Cette personne n’est pas accompagnée par votre équipe."</p>
        <section class="break-glass" aria-labelledby="titre-urgence">
            <h2 id="titre-urgence">"Accès d’urgence (bris de glace)"</h2>
            <p>
                "En cas d’urgence seulement. L’accès est limité dans le temps, "
                "chaque consultation est signalée et votre motif sera examiné par l’encadrement."
            </p>
            {move || error().map(|e| view! { <ErrorNotice error=e/> })}
            <ActionForm action>
                <input type="hidden" name="id" value=id.map(|i| i.to_string()).unwrap_or_default()/>
                <div class="field">
                    <label for="motif">
                        {format!("Motif de l’accès d’urgence ({BREAK_GLASS_MIN_REASON} caractères au moins)")}
                    </label>
                    <textarea id="motif" name="reason" rows="3" aria-required="true"></textarea>
                </div>
                <button type="submit" class="button button-danger">"Demander l’accès d’urgence"</button>
            </ActionForm>
        </section>
    }
}
