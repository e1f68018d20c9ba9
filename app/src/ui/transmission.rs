//! Transmissions on the tablet: the quick entry (two taps from "Mes
//! usagers"), the timeline of one person with its filters, the history and
//! correction of a note, and the cahier de liaison of the day.

use super::outbox::{self, Pending, Write};
use super::{error_view, use_session, ErrorNotice, Layout};
use crate::error::AppError;
use crate::transmission::{
    correct_transmission, get_cahier, list_transmissions, transmission_history, write_transmission,
    Category, Corrector, TimelineFilter, TransmissionInput, TransmissionView, MAX_BODY,
    TIMELINE_LIMIT, TIMELINE_PAGE,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

/// Whether the signed-in person writes care notes (Soins in the matrix),
/// for entries drawn in the browser only (a server-rendered one is told).
fn writes_care() -> bool {
    use_session()
        .user
        .get_untracked()
        .and_then(|r| r.ok())
        .flatten()
        .is_some_and(|u| u.writes_care)
}

/// The categories offered to someone who does or does not write care.
fn offered(writes_care: bool) -> Vec<Category> {
    Category::ALL
        .into_iter()
        .filter(|c| writes_care || c.section() != crate::access::Section::Soins)
        .collect()
}

/// What happened to the last note saved.
#[derive(Clone, PartialEq)]
enum Outcome {
    Saved,
    Kept(outbox::Kept),
    Refused(AppError),
}

/// The note entry: category chips (large, for a thumb), the text, the DAR
/// parts on demand, the two flags. The note's id is chosen when the entry
/// starts, so a double tap or a resend never writes it twice.
#[component]
pub fn QuickNote(
    usager_id: Uuid,
    usager: String,
    /// Bumped after each note the server confirmed.
    #[prop(optional)]
    saved: Option<RwSignal<u32>>,
    /// Focus the text as soon as a category is chosen.
    #[prop(optional)]
    compact: bool,
    /// Whether care categories are offered (asked of the session when the
    /// entry is drawn in the browser).
    #[prop(optional)]
    care: Option<bool>,
) -> impl IntoView {
    let categories = offered(care.unwrap_or_else(writes_care));
    let note_id = RwSignal::new(Uuid::new_v4());
    let category = RwSignal::new(None::<Category>);
    let body = RwSignal::new(String::new());
    let dar = RwSignal::new(false);
    let (donnees, actions, resultats) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let important = RwSignal::new(false);
    let shared = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Outcome>);
    let text_ref = NodeRef::<leptos::html::Textarea>::new();
    let prefix = format!("n{}", &usager_id.simple().to_string()[..8]);
    let usager = StoredValue::new(usager);

    // Kept on the tablet (sealed) before it is sent, so that a dropped
    // connection loses nothing.
    let send = Action::new_local(
        move |(account, input): &(Option<Uuid>, TransmissionInput)| {
            let (account, input) = (*account, input.clone());
            let usager = usager.get_value();
            async move {
                let kept = match account {
                    Some(account_id) => Some(
                        outbox::put(Pending::new(
                            account_id,
                            usager_id,
                            usager,
                            Write::Transmission(input.clone()),
                        ))
                        .await,
                    ),
                    None => None,
                };
                (input.id, kept, write_transmission(usager_id, input).await)
            }
        },
    );
    Effect::new(move |_| {
        if let Some((id, kept, result)) = send.value().get() {
            match result {
                Ok(_) => {
                    outbox::remove(&id.to_string());
                    body.set(String::new());
                    donnees.set(String::new());
                    actions.set(String::new());
                    resultats.set(String::new());
                    important.set(false);
                    shared.set(false);
                    category.set(None);
                    note_id.set(Uuid::new_v4());
                    outcome.set(Some(Outcome::Saved));
                    if let Some(s) = saved {
                        s.update(|n| *n += 1);
                    }
                }
                Err(AppError::Transport { .. }) if kept.is_some() => {
                    // Kept in the outbox; a new entry may start.
                    if let Some(changed) = use_context::<outbox::OutboxChanged>() {
                        changed.0.update(|n| *n += 1);
                    }
                    body.set(String::new());
                    category.set(None);
                    note_id.set(Uuid::new_v4());
                    outcome.set(kept.map(Outcome::Kept));
                }
                Err(e) => {
                    outbox::remove(&id.to_string());
                    outcome.set(Some(Outcome::Refused(e)));
                }
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(c) = category.get_untracked() else {
            outcome.set(Some(Outcome::Refused(AppError::invalid(
                "category",
                "Choisissez la catégorie de la note.",
            ))));
            return;
        };
        let input = TransmissionInput {
            id: note_id.get_untracked(),
            category: c,
            body: body.get_untracked(),
            dar_donnees: donnees.get_untracked(),
            dar_actions: actions.get_untracked(),
            dar_resultats: resultats.get_untracked(),
            important: important.get_untracked(),
            shared_family: shared.get_untracked(),
        };
        send.dispatch_local((super::signed_in_account(), input));
    };
    let count = move || body.with(|b| b.chars().count());
    let pfx = StoredValue::new(prefix);
    let id_of = move |s: &str| format!("{}-{s}", pfx.get_value());
    view! {
        <form class="quick-note" class:compact=compact on:submit=submit data-testid="quick-note">
            <fieldset class="chips">
                <legend>"Catégorie"</legend>
                {categories.into_iter().map(|c| view! {
                    <button
                        type="button"
                        class="chip"
                        aria-pressed=move || (category.get() == Some(c)).to_string()
                        on:click=move |_| {
                            category.set(Some(c));
                            outcome.set(None);
                            if let Some(t) = text_ref.get() {
                                let _ = t.focus();
                            }
                        }
                    >{c.label()}</button>
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for=id_of("texte")>{format!("Note pour {}", usager.get_value())}</label>
                <textarea
                    id=id_of("texte")
                    node_ref=text_ref
                    rows="4"
                    prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))
                    aria-describedby=id_of("compte")
                ></textarea>
                <p id=id_of("compte") class=move || { if count() > MAX_BODY { "hint over" } else { "hint" } }>
                    {move || format!("{} / {} caractères", count(), MAX_BODY)}
                </p>
            </div>
            <div class="toggles">
                <label class="check"><input type="checkbox" prop:checked=move || dar.get() on:change=move |ev| dar.set(event_target_checked(&ev))/>" Format DAR"</label>
                <label class="check"><input type="checkbox" prop:checked=move || important.get() on:change=move |ev| important.set(event_target_checked(&ev))/>" Importante"</label>
                <label class="check"><input type="checkbox" prop:checked=move || shared.get() on:change=move |ev| shared.set(event_target_checked(&ev))/>" Partagée avec la famille"</label>
            </div>
            <Show when=move || dar.get()>
                <div class="dar">
                    <div class="field"><label for=id_of("d")>"Données"</label><textarea id=id_of("d") rows="2" prop:value=move || donnees.get() on:input=move |ev| donnees.set(event_target_value(&ev))></textarea></div>
                    <div class="field"><label for=id_of("a")>"Actions"</label><textarea id=id_of("a") rows="2" prop:value=move || actions.get() on:input=move |ev| actions.set(event_target_value(&ev))></textarea></div>
                    <div class="field"><label for=id_of("r")>"Résultats"</label><textarea id=id_of("r") rows="2" prop:value=move || resultats.get() on:input=move |ev| resultats.set(event_target_value(&ev))></textarea></div>
                </div>
            </Show>
            <div role="status" aria-live="polite" class="outcome">
                {move || match outcome.get() {
                    Some(Outcome::Saved) => view! { <p class="notice notice-success">"Note enregistrée."</p> }.into_any(),
                    Some(Outcome::Kept(outbox::Kept::Sealed)) => view! {
                        <p class="notice notice-warning">"Pas de réseau : la note est gardée sur cette tablette et sera envoyée automatiquement."</p>
                    }.into_any(),
                    Some(Outcome::Kept(outbox::Kept::Memory)) => view! {
                        <p class="notice notice-warning">"Pas de réseau : la note est gardée dans cette page et sera envoyée automatiquement. Ne fermez pas la page avant son envoi."</p>
                    }.into_any(),
                    Some(Outcome::Refused(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                    None => ().into_any(),
                }}
            </div>
            <button type="submit" class="button button-primary" disabled=move || send.pending().get()>
                {move || if send.pending().get() { "Enregistrement…" } else { "Enregistrer la note" }}
            </button>
        </form>
    }
}

/// How often the writes still waiting are tried again.
#[cfg(feature = "hydrate")]
const RETRY_SECONDS: u64 = 10;

/// Sends the writes waiting on this tablet for the signed-in account, now,
/// each time the network comes back and every few seconds while some wait;
/// says how many still wait.
#[component]
pub fn PendingNotes(account_id: Uuid) -> impl IntoView {
    let waiting = RwSignal::new(0usize);
    let flush = Action::new_local(move |_: &()| async move { outbox::flush(account_id).await });
    Effect::new(move |_| {
        waiting.set(outbox::count(account_id));
        flush.dispatch_local(());
    });
    if let Some(changed) = use_context::<outbox::OutboxChanged>() {
        Effect::new(move |_| {
            changed.0.track();
            waiting.set(outbox::count(account_id));
        });
    }
    // After a flush, the pages that showed a write as waiting look again.
    let changed = use_context::<outbox::OutboxChanged>();
    Effect::new(move |_| {
        if let Some(n) = flush.value().get() {
            waiting.set(n);
            if let Some(changed) = changed {
                changed.0.update(|c| *c += 1);
            }
        }
    });
    #[cfg(feature = "hydrate")]
    {
        let online = window_event_listener(leptos::ev::online, move |_| {
            flush.dispatch_local(());
        });
        // A send that failed just as the network came back (or a server
        // that was briefly away) is tried again while something waits.
        let retry = set_interval_with_handle(
            move || {
                if waiting.get_untracked() > 0
                    && !flush.pending().get_untracked()
                    && window().navigator().on_line()
                {
                    flush.dispatch_local(());
                }
            },
            std::time::Duration::from_secs(RETRY_SECONDS),
        );
        on_cleanup(move || {
            online.remove();
            if let Ok(r) = retry {
                r.clear();
            }
        });
    }
    view! {
        <span role="status" aria-live="polite" class="pending-notes">
            {move || match waiting.get() {
                0 => String::new(),
                1 => "1 saisie en attente d’envoi".to_string(),
                n => format!("{n} saisies en attente d’envoi"),
            }}
        </span>
    }
}

/// One note in a list, with its history and (for writers) its correction.
#[component]
pub(crate) fn NoteItem(
    note: TransmissionView,
    show_usager: bool,
    /// Who may correct which note (None: read only).
    can_write: Option<Corrector>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let history = Action::new(move |&(usager, id): &(Uuid, Uuid)| transmission_history(usager, id));
    let correcting = RwSignal::new(false);
    let note = StoredValue::new(note);
    let n = note.get_value();
    let can_correct = can_write.is_some_and(|c| c.may_correct(n.author_id));
    view! {
        <li class="note" class:important=n.important data-testid="note">
            <p class="note-meta">
                <span class="tag">{n.category.label()}</span>
                {n.important.then(|| view! { <span class="tag tag-alert">"Importante"</span> })}
                {n.shared_family.then(|| view! { <span class="tag">"Partagée avec la famille"</span> })}
                {n.usager_words.then(|| view! { <span class="tag tag-words">"Les mots de la personne"</span> })}
                {show_usager.then(|| view! {
                    <A href=format!("/usagers/{}/transmissions", n.usager_id) attr:class="note-usager">{n.usager.clone()}</A>
                    {n.unit.clone().map(|u| view! { <span class="muted">{format!(" · {u}")}</span> })}
                })}
                <span class="muted">{format!(" · {} · {}", n.written_at, n.author)}</span>
            </p>
            <p class="note-body">{n.body.clone()}</p>
            {n.dar.clone().map(|d| view! {
                <dl class="dar-view">
                    {d.donnees.map(|t| view! { <dt>"Données"</dt><dd>{t}</dd> })}
                    {d.actions.map(|t| view! { <dt>"Actions"</dt><dd>{t}</dd> })}
                    {d.resultats.map(|t| view! { <dt>"Résultats"</dt><dd>{t}</dd> })}
                </dl>
            })}
            <div class="note-actions">
                {n.corrected.clone().map(|c| view! {
                    <button type="button" class="button button-secondary"
                        on:click=move |_| { let n = note.get_value(); history.dispatch((n.usager_id, n.id)); }>
                        {format!("Historique ({c})")}
                    </button>
                })}
                {can_correct.then(|| view! {
                    <button type="button" class="button button-secondary" on:click=move |_| correcting.update(|c| *c = !*c)>
                        "Corriger"
                    </button>
                })}
            </div>
            {move || history.value().get().map(|r| match r {
                Ok(versions) => view! {
                    <ol class="versions" aria-label="Versions de la note" data-testid="versions">
                        {versions.into_iter().map(|v| view! {
                            <li>
                                <p class="muted">{format!("Version {} — {} — {}", v.version, v.written_at, v.author)}
                                    {v.correction_reason.map(|r| format!(" — motif : {r}"))}</p>
                                <p>{v.body}</p>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any(),
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
            })}
            <Show when=move || correcting.get()>
                <Correction note=note.get_value() done=correcting changed/>
            </Show>
        </li>
    }
}

/// Correcting a note: a new version from the one shown, with a reason.
#[component]
fn Correction(
    note: TransmissionView,
    done: RwSignal<bool>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let request_key = Uuid::new_v4();
    let body = RwSignal::new(note.body.clone());
    let category = RwSignal::new(note.category);
    let reason = RwSignal::new(String::new());
    let note = StoredValue::new(note);
    let save = Action::new(move |_: &()| {
        let n = note.get_value();
        let input = TransmissionInput {
            id: n.id,
            category: category.get_untracked(),
            body: body.get_untracked(),
            dar_donnees: n
                .dar
                .as_ref()
                .and_then(|d| d.donnees.clone())
                .unwrap_or_default(),
            dar_actions: n
                .dar
                .as_ref()
                .and_then(|d| d.actions.clone())
                .unwrap_or_default(),
            dar_resultats: n
                .dar
                .as_ref()
                .and_then(|d| d.resultats.clone())
                .unwrap_or_default(),
            important: n.important,
            shared_family: n.shared_family,
        };
        correct_transmission(
            n.usager_id,
            n.id,
            n.version,
            request_key,
            input,
            reason.get_untracked(),
        )
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            done.set(false);
            changed.update(|n| *n += 1);
        }
    });
    let fid = format!("c{}", &note.get_value().id.simple().to_string()[..8]);
    let fid = StoredValue::new(fid);
    view! {
        <form class="correction" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
            <p class="hint">"La version actuelle reste lisible dans l’historique."</p>
            <div class="field">
                <label for=format!("{}-cat", fid.get_value())>"Catégorie"</label>
                <select id=format!("{}-cat", fid.get_value()) on:change=move |ev| {
                    if let Some(c) = Category::parse(&event_target_value(&ev)) { category.set(c) }
                }>
                    {offered(writes_care()).into_iter().map(|c| view! {
                        <option value=c.code() selected=move || category.get() == c>{c.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for=format!("{}-body", fid.get_value())>"Texte corrigé"</label>
                <textarea id=format!("{}-body", fid.get_value()) rows="3" prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))></textarea>
            </div>
            <div class="field">
                <label for=format!("{}-motif", fid.get_value())>"Motif de la correction"</label>
                <input id=format!("{}-motif", fid.get_value()) type="text" prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))/>
            </div>
            {move || save.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNotice error=e/> })}
            <button type="submit" class="button button-primary">"Enregistrer la correction"</button>
        </form>
    }
}

/// The transmissions section of a record: the entry (for writers), the
/// filters and the timeline.
#[component]
pub fn TransmissionsSection(id: Uuid, usager: String) -> impl IntoView {
    let changed = RwSignal::new(0u32);
    let category = RwSignal::new(None::<Category>);
    let author = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let important_only = RwSignal::new(false);
    // `?n=`: how many notes "Plus anciennes" asked for (a link, so it works
    // without JavaScript too).
    let query = use_query_map();
    let count = move || {
        query
            .read()
            .get("n")
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let timeline = Resource::new(
        move || {
            (
                changed.get(),
                TimelineFilter {
                    category: category.get(),
                    author: author.get(),
                    from: from.get(),
                    to: to.get(),
                    important_only: important_only.get(),
                    count: count(),
                },
            )
        },
        move |(_, filter)| list_transmissions(id, filter),
    );
    let usager = StoredValue::new(usager);
    view! {
        <section id="transmissions" aria-labelledby="titre-transmissions" class="record-section">
            <h2 id="titre-transmissions">"Transmissions"</h2>
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || Suspend::new(async move {
                    match timeline.await {
                        Ok(t) => {
                            let can_write = t.can_write.then_some(t.corrector);
                            view! {
                                {t.can_write.then(|| view! {
                                    <details class="write-note" open>
                                        <summary>"Écrire une note"</summary>
                                        <QuickNote usager_id=id usager=usager.get_value() saved=changed care=t.writes_care/>
                                    </details>
                                })}
                                <form class="filters" aria-label="Filtrer les transmissions" on:submit=|ev| ev.prevent_default()>
                                    <div class="field">
                                        <label for="f-cat">"Catégorie"</label>
                                        <select id="f-cat" on:change=move |ev| category.set(Category::parse(&event_target_value(&ev)))>
                                                                                    <option value="" selected=move || category.get().is_none()>"Toutes"</option>
                                            {t.categories.iter().copied().map(|c| view! {
                                                <option value=c.code() selected=move || category.get() == Some(c)>{c.label()}</option>
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="f-auteur">"Auteur"</label>
                                        <select id="f-auteur" on:change=move |ev| author.set(event_target_value(&ev))>
                                            <option value="">"Tous"</option>
                                            {t.authors.iter().map(|(aid, name)| {
                                                let v = aid.to_string();
                                                let v2 = v.clone();
                                                view! { <option value=v selected=move || author.get() == v2>{name.clone()}</option> }
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="f-du">"Du"</label>
                                        <input id="f-du" type="date" prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev))/>
                                    </div>
                                    <div class="field">
                                        <label for="f-au">"Au"</label>
                                        <input id="f-au" type="date" prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev))/>
                                    </div>
                                    <label class="check"><input type="checkbox" prop:checked=move || important_only.get()
                                        on:change=move |ev| important_only.set(event_target_checked(&ev))/>" Importantes seulement"</label>
                                </form>
                                {t.notes.is_empty().then(|| view! { <p class="muted">"Aucune note pour ces critères."</p> })}
                                <ul class="notes" data-testid="timeline">
                                    {t.notes.into_iter().map(|note| view! {
                                        <NoteItem note show_usager=false can_write changed/>
                                    }).collect_view()}
                                </ul>
                                {(t.truncated && t.count < TIMELINE_LIMIT).then(|| view! {
                                    <p><A href=format!("/usagers/{id}/transmissions?n={}", t.count + TIMELINE_PAGE)
                                        attr:class="button button-secondary" attr:data-testid="plus-anciennes">
                                        "Plus anciennes"
                                    </A></p>
                                })}
                                {(t.truncated && t.count >= TIMELINE_LIMIT).then(|| view! {
                                    <p class="muted">{format!("Seules les {TIMELINE_LIMIT} notes les plus récentes sont affichées : précisez la période.")}</p>
                                })}
                            }.into_any()
                        }
                        Err(e) => error_view(e),
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/cahier`: the cahier de liaison of a day for the caller's units.
#[component]
pub fn CahierPage() -> impl IntoView {
    let query = use_query_map();
    let changed = RwSignal::new(0u32);
    let cahier = Resource::new(
        move || (query.read().get("jour").unwrap_or_default(), changed.get()),
        |(day, _)| get_cahier(day),
    );
    view! {
        <Title text="Cahier de liaison"/>
        <Layout>
            <div class="page">
                <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                    {move || Suspend::new(async move {
                        match cahier.await {
                            Ok(c) => view! {
                                <h1>"Cahier de liaison"</h1>
                                <nav class="day-nav" aria-label="Changer de jour">
                                    <A href=format!("/cahier?jour={}", c.previous)>"← Jour précédent"</A>
                                    <p class="day-title" aria-live="polite">{c.day.clone()}</p>
                                    {c.next.clone().map(|n| view! { <A href=format!("/cahier?jour={n}")>"Jour suivant →"</A> })}
                                </nav>
                                {c.notes.is_empty().then(|| view! { <p class="muted">"Aucune transmission ce jour-là pour vos unités."</p> })}
                                <ul class="notes" data-testid="cahier">
                                    {c.notes.into_iter().map(|note| view! {
                                        <NoteItem note show_usager=true can_write=None changed/>
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
