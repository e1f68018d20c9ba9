//! The template editor of administrators.

use crate::error::AppError;
use crate::projet::trame::{Block, Trame, TrameField, TrameSection};
use crate::projet::{get_trame, save_trame};
use crate::ui::{error_view, ErrorNotice, Layout};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

/// `/administration/trame`: the organisation's template.
#[component]
pub fn TramePage() -> impl IntoView {
    let saved = RwSignal::new(0u32);
    let trame = Resource::new(move || saved.get(), |_| get_trame());
    view! {
        <Title text="Trame du projet personnalisé"/>
        <Layout>
            <div class="page">
                <h1>"Trame du projet personnalisé"</h1>
                <p>"Les projets déjà commencés gardent la version de la trame avec laquelle ils ont été écrits."</p>
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match trame.await {
                            Ok(t) => view! { <TrameEditor t saved/> }.into_any(),
                            Err(e) => error_view(e),
                        }
                    })}
                </Transition>
            </div>
        </Layout>
    }
}

#[component]
pub(super) fn TrameEditor(t: Trame, saved: RwSignal<u32>) -> impl IntoView {
    let version = t.version;
    let sections = RwSignal::new(t.sections);
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(false);
    let save = move |_| {
        let s = sections.get_untracked();
        spawn_local(async move {
            match save_trame(version, s).await {
                Ok(_) => {
                    done.set(true);
                    saved.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <p class="muted">{format!("Version en vigueur : {version}")}</p>
        {move || error.get().map(|e| view! { <ErrorNotice error=e/> })}
        {move || done.get().then(|| view! { <p class="notice" role="status">"Trame enregistrée."</p> })}
        {move || {
            let list = sections.get();
            let count = list.len();
            list.into_iter().enumerate().map(|(i, s)| {
                let set = move |f: Box<dyn Fn(&mut TrameSection)>| sections.update(|all| f(&mut all[i]));
                view! {
                    <fieldset class="trame-section record-section" data-testid="trame-section">
                        <legend>{format!("Section {} — {}", i + 1, s.block.label())}</legend>
                        <div class="field"><label for=format!("ts-{i}-t")>"Titre"</label>
                            <input id=format!("ts-{i}-t") type="text" value=s.title.clone()
                                on:change=move |ev| { let v = event_target_value(&ev); set(Box::new(move |s| s.title = v.clone())) }/></div>
                        <div class="field"><label for=format!("ts-{i}-g")>"Texte d’aide pour la personne qui écrit"</label>
                            <textarea id=format!("ts-{i}-g") rows="2" prop:value=s.guidance.clone()
                                on:change=move |ev| { let v = event_target_value(&ev); set(Box::new(move |s| s.guidance = v.clone())) }></textarea></div>
                        <div class="row">
                            <button type="button" class="button" disabled=i == 0 on:click=move |_| sections.update(|all| all.swap(i, i - 1))>"Monter"</button>
                            <button type="button" class="button" disabled=i + 1 == count on:click=move |_| sections.update(|all| all.swap(i, i + 1))>"Descendre"</button>
                            {(s.block == Block::Libre).then(|| view! {
                                <button type="button" class="button button-danger" on:click=move |_| sections.update(|all| { all.remove(i); })>"Supprimer la section"</button>
                            })}
                        </div>
                        <h3>"Champs"</h3>
                        {s.fields.iter().enumerate().map(|(j, f)| view! {
                            <div class="trame-field">
                                <div class="field"><label for=format!("tf-{i}-{j}-l")>"Libellé"</label>
                                    <input id=format!("tf-{i}-{j}-l") type="text" value=f.label.clone()
                                        on:change=move |ev| { let v = event_target_value(&ev); set(Box::new(move |s| s.fields[j].label = v.clone())) }/></div>
                                <label class="check"><input type="checkbox" checked=f.required
                                    on:change=move |ev| { let v = event_target_checked(&ev); set(Box::new(move |s| s.fields[j].required = v)) }/>"Obligatoire pour valider"</label>
                                <div class="field"><label for=format!("tf-{i}-{j}-g")>"Texte d’aide"</label>
                                    <input id=format!("tf-{i}-{j}-g") type="text" value=f.guidance.clone()
                                        on:change=move |ev| { let v = event_target_value(&ev); set(Box::new(move |s| s.fields[j].guidance = v.clone())) }/></div>
                                <button type="button" class="button button-danger" on:click=move |_| set(Box::new(move |s| { s.fields.remove(j); }))>"Retirer le champ"</button>
                            </div>
                        }).collect_view()}
                        <button type="button" class="button" on:click=move |_| set(Box::new(|s| s.fields.push(TrameField {
                            key: String::new(), label: "Nouveau champ".into(), required: false, guidance: String::new(),
                        })))>"Ajouter un champ"</button>
                    </fieldset>
                }
            }).collect_view()
        }}
        <div class="row">
            <button type="button" class="button" on:click=move |_| sections.update(|all| all.push(TrameSection {
                key: String::new(), title: "Nouvelle section".into(), guidance: String::new(), block: Block::Libre,
                fields: vec![TrameField { key: String::new(), label: "Texte".into(), required: false, guidance: String::new() }],
            }))>"Ajouter une section"</button>
            <button type="button" class="button button-primary" data-testid="enregistrer-trame" on:click=save>"Enregistrer une nouvelle version de la trame"</button>
        </div>
    }
}
