//! Attentes, besoins, objectifs, actions and prestations: their cards and their forms.

use crate::error::AppError;
use crate::projet::falc::{hints, svg, PICTOGRAMS};
use crate::projet::{
    origin_label, remove_element, save_element, set_element_status, Element, ElementContent,
    ElementStatus, Origin, ProjetView, Statut,
};
use crate::serafin::{DIRECT_SERVICES, NEEDS};
use crate::ui::ErrorNotice;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::*;

pub(super) fn staff_name(p: &ProjetView, id: Option<Uuid>) -> String {
    match p.staff_name(id) {
        n if n.is_empty() => "non désigné".into(),
        n => n,
    }
}

pub(super) fn describe(p: &ProjetView, e: &Element) -> AnyView {
    match &e.content {
        ElementContent::Attente { origin, text, said_by } => view! {
            <p><strong>{origin_label(origin)}{(!said_by.is_empty()).then(|| format!(" ({said_by})"))}" : "</strong>
               <q>{text.clone()}</q></p>
        }.into_any(),
        ElementContent::Besoin { code, description, analysis } => view! {
            <p><strong>{format!("{code} — {}", crate::serafin::need(code).unwrap_or(""))}</strong></p>
            {(!description.is_empty()).then(|| view! { <p>{description.clone()}</p> })}
            {(!analysis.is_empty()).then(|| view! { <p class="muted">"Analyse : "{analysis.clone()}</p> })}
        }.into_any(),
        ElementContent::Objectif { title, description, expected, avis, referent_id, starts_on, ends_on, pictogram, .. } => view! {
            <p class="objective-title">
                <span class="picto" inner_html=svg(pictogram, 32)></span>
                <strong>{title.clone()}</strong>
            </p>
            {(!description.is_empty()).then(|| view! { <p>{description.clone()}</p> })}
            <p class="muted">{format!("Référent : {}", staff_name(p, *referent_id))}
                {(!starts_on.is_empty() || !ends_on.is_empty()).then(|| format!(" · du {starts_on} au {ends_on}"))}</p>
            {(!expected.is_empty()).then(|| view! { <p>"Résultat attendu : "{expected.clone()}</p> })}
            <p>"Avis de la personne : "{if avis.is_empty() { "non recueilli".to_string() } else { format!("« {avis} »") }}</p>
        }.into_any(),
        ElementContent::Action { title, description, responsible_id, objectifs, .. } => {
            let names: Vec<String> = p.elements.iter().filter(|o| objectifs.contains(&o.id)).map(|o| o.content.name()).collect();
            view! {
                <p><strong>{title.clone()}</strong></p>
                {(!description.is_empty()).then(|| view! { <p>{description.clone()}</p> })}
                <p class="muted">{format!("Responsable : {} · pour : {}", staff_name(p, *responsible_id), names.join(", "))}</p>
            }.into_any()
        }
        ElementContent::Prestation { code, description } => view! {
            <p><strong>{format!("{code} — {}", crate::serafin::direct_service(code).unwrap_or(""))}</strong></p>
            {(!description.is_empty()).then(|| view! { <p>{description.clone()}</p> })}
        }.into_any(),
    }
}

#[component]
pub(super) fn ElementsBlock(
    p: ProjetView,
    kind: &'static str,
    title: &'static str,
    editable: bool,
    reload: RwSignal<u32>,
    session: Uuid,
) -> impl IntoView {
    let items: Vec<Element> = p
        .elements
        .iter()
        .filter(|e| e.content.kind() == kind)
        .cloned()
        .collect();
    let (id, pid) = (p.usager_id, p.id);
    let can_status = p.can_write && p.status != Statut::Termine;
    // A refused change (validated version, someone else's edit) is said, not swallowed.
    let error = RwSignal::new(None::<AppError>);
    let done = move |r: Result<(), AppError>| match r {
        Ok(()) => bump(reload),
        Err(e) => error.set(Some(e)),
    };
    view! {
        <div class="elements" data-kind=kind>
            <h3>{title}</h3>
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
            {items.is_empty().then(|| view! { <p class="muted">"Aucun élément."</p> })}
            <ul class="cards">
                {items.into_iter().map(|e| {
                    let eid = e.id;
                    let version = e.version;
                    view! {
                        <li class="card">
                            {describe(&p, &e)}
                            {e.status.clone().map(|s| view! {
                                <p>
                                    <label for=format!("st-{eid}")>"Statut : "</label>
                                    <select id=format!("st-{eid}") disabled=!can_status on:change=move |ev| {
                                        let Some(status) = ElementStatus::parse(&event_target_value(&ev)) else { return };
                                        spawn_local(async move { done(set_element_status(id, pid, eid, status).await) });
                                    }>
                                        {ElementStatus::LIST.iter().map(|(c, l)| view! { <option value=*c selected=*c == s>{*l}</option> }).collect_view()}
                                    </select>
                                </p>
                            })}
                            {editable.then(|| view! {
                                <details class="edit">
                                    <summary>"Modifier"</summary>
                                    <ElementForm p=p.clone() content=e.content.clone() element=eid version reload session/>
                                    <button type="button" class="button button-danger" on:click=move |_| {
                                        spawn_local(async move { done(remove_element(id, pid, eid, version).await) });
                                    }>"Retirer"</button>
                                </details>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {editable.then(|| view! {
                <details class="edit" data-testid=format!("ajouter-{kind}")>
                    <summary>{format!("Ajouter : {}", title.to_lowercase())}</summary>
                    <ElementForm p=p.clone() content=ElementContent::empty(kind) element=Uuid::new_v4() version=0 reload session/>
                </details>
            })}
        </div>
    }
}

/// The form of one element, for a new one (`version` 0) or a change.
#[component]
pub(super) fn ElementForm(
    p: ProjetView,
    content: ElementContent,
    element: Uuid,
    version: i32,
    reload: RwSignal<u32>,
    session: Uuid,
) -> impl IntoView {
    let (id, pid) = (p.usager_id, p.id);
    let s = |v: &str| RwSignal::new(v.to_string());
    let empty = String::new();
    // One signal per possible attribute; the kind decides which are shown.
    let (a, b, c, d, e, f, g, h) = match &content {
        ElementContent::Attente {
            origin,
            text,
            said_by,
        } => (
            s(origin),
            s(text),
            s(said_by),
            s(&empty),
            s(&empty),
            s(&empty),
            s(&empty),
            s(&empty),
        ),
        ElementContent::Besoin {
            code,
            description,
            analysis,
        } => (
            s(code),
            s(description),
            s(analysis),
            s(&empty),
            s(&empty),
            s(&empty),
            s(&empty),
            s(&empty),
        ),
        ElementContent::Objectif {
            title,
            description,
            starts_on,
            ends_on,
            expected,
            avis,
            falc,
            pictogram,
            ..
        } => (
            s(title),
            s(description),
            s(starts_on),
            s(ends_on),
            s(expected),
            s(avis),
            s(falc),
            s(pictogram),
        ),
        ElementContent::Action {
            title,
            description,
            starts_on,
            ends_on,
            ..
        } => (
            s(title),
            s(description),
            s(starts_on),
            s(ends_on),
            s(&empty),
            s(&empty),
            s(&empty),
            s(&empty),
        ),
        ElementContent::Prestation { code, description } => (
            s(code),
            s(description),
            s(&empty),
            s(&empty),
            s(&empty),
            s(&empty),
            s(&empty),
            s(&empty),
        ),
    };
    let person = RwSignal::new(match &content {
        ElementContent::Objectif { referent_id, .. } => *referent_id,
        ElementContent::Action { responsible_id, .. } => *responsible_id,
        _ => None,
    });
    let linked = RwSignal::new(match &content {
        ElementContent::Action { objectifs, .. } => objectifs.clone(),
        _ => vec![],
    });
    let kind = content.kind();
    let error = RwSignal::new(None::<AppError>);
    let build = move || match kind {
        "attente" => ElementContent::Attente {
            origin: a.get_untracked(),
            text: b.get_untracked(),
            said_by: c.get_untracked(),
        },
        "besoin" => ElementContent::Besoin {
            code: a.get_untracked(),
            description: b.get_untracked(),
            analysis: c.get_untracked(),
        },
        "action" => ElementContent::Action {
            title: a.get_untracked(),
            description: b.get_untracked(),
            responsible_id: person.get_untracked(),
            starts_on: c.get_untracked(),
            ends_on: d.get_untracked(),
            objectifs: linked.get_untracked(),
        },
        "prestation" => ElementContent::Prestation {
            code: a.get_untracked(),
            description: b.get_untracked(),
        },
        _ => ElementContent::Objectif {
            title: a.get_untracked(),
            description: b.get_untracked(),
            starts_on: c.get_untracked(),
            ends_on: d.get_untracked(),
            expected: e.get_untracked(),
            avis: f.get_untracked(),
            referent_id: person.get_untracked(),
            falc: g.get_untracked(),
            pictogram: h.get_untracked(),
        },
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let content = build();
        spawn_local(async move {
            match save_element(id, pid, session, element, version, content).await {
                Ok(_) => bump(reload),
                Err(AppError::Transport { .. }) => error.set(Some(AppError::invalid(
                    "réseau",
                    "Pas de réseau : rien n’est perdu, le formulaire reste rempli. Enregistrez de nouveau quand le réseau revient.",
                ))),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let f_id = move |name: &str| format!("el-{element}-{name}");
    let text_field = move |name: &'static str,
                           label: &'static str,
                           sig: RwSignal<String>,
                           rows: u32| {
        view! {
            <div class="field"><label for=f_id(name)>{label}</label>
                <textarea id=f_id(name) rows=rows.to_string() prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))></textarea></div>
        }
    };
    let line_field = move |name: &'static str,
                           label: &'static str,
                           sig: RwSignal<String>,
                           ty: &'static str| {
        view! {
            <div class="field"><label for=f_id(name)>{label}</label>
                <input id=f_id(name) type=ty prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))/></div>
        }
    };
    let code_select = move |codes: &'static [(&'static str, &'static str)], label: &'static str| {
        view! {
            <div class="field"><label for=f_id("code")>{label}</label>
                <select id=f_id("code") on:change=move |ev| a.set(event_target_value(&ev))>
                    <option value="" selected=a.get_untracked().is_empty()>"— choisir —"</option>
                    {codes.iter().map(|(c, l)| view! { <option value=*c selected=a.get_untracked() == *c>{format!("{c} — {l}")}</option> }).collect_view()}
                </select></div>
        }
    };
    let staff = p.staff.clone();
    let person_select = move |label: &'static str| {
        let staff = staff.clone();
        view! {
            <div class="field"><label for=f_id("person")>{label}</label>
                <select id=f_id("person") on:change=move |ev| person.set(Uuid::parse_str(&event_target_value(&ev)).ok())>
                    <option value="" selected=person.get_untracked().is_none()>"— non désigné —"</option>
                    {staff.iter().map(|(sid, name)| view! { <option value=sid.to_string() selected=person.get_untracked() == Some(*sid)>{name.clone()}</option> }).collect_view()}
                </select></div>
        }
    };
    let objectives: Vec<(Uuid, String)> = p
        .elements
        .iter()
        .filter(|o| matches!(o.content, ElementContent::Objectif { .. }))
        .map(|o| (o.id, o.content.name()))
        .collect();
    let fields = match kind {
        "attente" => view! {
            <div class="field"><label for=f_id("origin")>"Origine"</label>
                <select id=f_id("origin") on:change=move |ev| a.set(event_target_value(&ev))>
                    {Origin::LIST.iter().map(|(c, l)| view! { <option value=*c selected=a.get_untracked() == *c>{*l}</option> }).collect_view()}
                </select></div>
            {text_field("text", "Les mots de la personne (ou de qui l’exprime), tels qu’ils sont dits", b, 3)}
            {line_field("said_by", "Exprimée par (si ce n’est pas la personne)", c, "text")}
        }.into_any(),
        "besoin" => view! {
            {code_select(NEEDS, "Besoin (nomenclature SERAFIN-PH)")}
            {text_field("description", "Description", b, 2)}
            {text_field("analysis", "Analyse professionnelle", c, 3)}
        }.into_any(),
        "action" => view! {
            {line_field("title", "Titre de l’action", a, "text")}
            {text_field("description", "Description", b, 2)}
            {person_select("Professionnel responsable")}
            {line_field("start", "Début", c, "date")}
            {line_field("end", "Fin", d, "date")}
            <fieldset class="field"><legend>"Objectifs servis"</legend>
                {objectives.into_iter().map(|(oid, name)| view! {
                    <label class="check"><input type="checkbox" checked=linked.get_untracked().contains(&oid)
                        on:change=move |ev| { let on = event_target_checked(&ev); linked.update(|l| { l.retain(|x| *x != oid); if on { l.push(oid); } }); }/>
                        {name}</label>
                }).collect_view()}
            </fieldset>
        }.into_any(),
        "prestation" => view! {
            {code_select(DIRECT_SERVICES, "Prestation directe (nomenclature SERAFIN-PH)")}
            {text_field("description", "Modalités", b, 2)}
        }.into_any(),
        _ => view! {
            {line_field("title", "Titre de l’objectif", a, "text")}
            {text_field("description", "Description", b, 2)}
            {line_field("start", "Début", c, "date")}
            {line_field("end", "Échéance", d, "date")}
            {text_field("expected", "Résultat attendu", e, 2)}
            {text_field("avis", "Avis de la personne sur cet objectif (ses mots)", f, 2)}
            {person_select("Référent de l’objectif")}
            {text_field("falc", "Version facile à lire : une phrase courte par ligne", g, 3)}
            <ul class="hints" aria-live="polite">{move || hints(&g.get()).into_iter().map(|h| view! { <li>{h}</li> }).collect_view()}</ul>
            <fieldset class="field pictos"><legend>"Pictogramme"</legend>
                {PICTOGRAMS.iter().map(|pic| view! {
                    <label class="picto-choice">
                        <input type="radio" name=f_id("picto") value=pic.key checked=h.get_untracked() == pic.key
                            on:change=move |_| h.set(pic.key.to_string())/>
                        <span class="picto" inner_html=svg(pic.key, 40)></span>
                        <span>{pic.label}</span>
                    </label>
                }).collect_view()}
            </fieldset>
        }.into_any(),
    };
    view! {
        <form class="form-grid" on:submit=submit>
            {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
            {fields}
            <button type="submit" class="button button-primary">"Enregistrer"</button>
        </form>
    }
}
