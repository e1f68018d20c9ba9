//! The soins section of a record (allergies, measures with NEWS2, alerts),
//! the allergy band of the record's header, and the unit's open alerts on
//! the home page.

use super::{error_view, ErrorNotice};
use crate::error::AppError;
use crate::soins::chart::{Chart, Scale, CHARTED, HEIGHT, MARGIN, PERIODS, WIDTH};
use crate::soins::{
    get_chart, get_soins, AcknowledgeAlert, AddAllergy, AlertView, Allergies, AllergyEnd,
    AllergyKind, Certainty, Consciousness, EndAllergy, Liaison, MeasureSetView, Severity, Sleep,
    StateNoKnownAllergy, Stool, WriteLiaison, WriteMeasures, MAX_LIAISON,
};
use leptos::prelude::*;
use uuid::Uuid;

pub mod round;

/// The allergies in the record's header: a severe one cannot be missed.
#[component]
pub fn AllergyBand(allergies: Allergies) -> impl IntoView {
    let severe = allergies.severe();
    let class = if severe {
        "notice notice-danger allergy-band"
    } else if allergies.in_force.is_empty() {
        "allergy-band muted"
    } else {
        "notice notice-warning allergy-band"
    };
    view! {
        <p class=class data-testid="allergies" role=severe.then_some("alert")>
            {severe.then(|| view! { <strong>"⚠ Allergie sévère. "</strong> })}
            {allergies.band()}
        </p>
    }
}

pub(crate) fn options(list: &'static [(&'static str, &'static str)]) -> impl IntoView {
    list.iter()
        .map(|(code, label)| view! { <option value=*code>{*label}</option> })
        .collect_view()
}

#[component]
pub fn SoinsSection(id: Uuid, usager: String) -> impl IntoView {
    let usager = StoredValue::new(usager);
    let add = ServerAction::<AddAllergy>::new();
    let end = ServerAction::<EndAllergy>::new();
    let none = ServerAction::<StateNoKnownAllergy>::new();
    let measure = ServerAction::<WriteMeasures>::new();
    // Only a confirmed set reloads the section: offline, the form stays.
    let measured = RwSignal::new(0u32);
    let ack = ServerAction::<AcknowledgeAlert>::new();
    let liaison = ServerAction::<WriteLiaison>::new();
    let data = Resource::new(
        move || {
            (
                liaison.version().get(),
                add.version().get(),
                end.version().get(),
                none.version().get(),
                measured.get(),
                ack.version().get(),
            )
        },
        move |_| get_soins(id),
    );
    let error = move || {
        add.value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| end.value().get().and_then(|r| r.err()))
            .or_else(|| none.value().get().and_then(|r| r.err()))
            .or_else(|| {
                measure
                    .value()
                    .get()
                    .and_then(|r| r.err())
                    .filter(|e| !matches!(e, AppError::Transport { .. }))
            })
            .or_else(|| ack.value().get().and_then(|r| r.err()))
            .or_else(|| liaison.value().get().and_then(|r| r.err()))
    };
    let written = move || {
        measure.value().get().and_then(|r| r.ok()).map(|s| {
            let mut words = vec![format!("Mesures enregistrées ({}).", s.taken_at)];
            if let Some(n) = s.news2 {
                words.push(n.label());
            }
            if !s.unusual.is_empty() {
                words.push(format!("Valeurs inhabituelles : {}.", s.unusual.join(", ")));
            }
            words.join(" ")
        })
    };
    view! {
        <section id="soins" aria-labelledby="titre-soins" class="record-section" data-testid="soins">
            <h2 id="titre-soins">"Soins"</h2>
            {move || error().map(|e| view! { <ErrorNotice error=e/> })}
            <p class="notice notice-info" role="status" aria-live="polite">{written}</p>
            <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
                {move || Suspend::new(async move {
                    let s = match data.await {
                        Ok(s) => s,
                        Err(e) => return error_view(e),
                    };
                    let open: Vec<AlertView> = s.alerts.iter().filter(|a| a.acknowledged.is_none()).cloned().collect();
                    view! {
                        {(!open.is_empty()).then(|| view! {
                            <div class="notice notice-danger" role="alert" data-testid="alertes-news2">
                                <h3>"Alerte NEWS2 à prendre en compte"</h3>
                                {open.into_iter().map(|a| view! {
                                    <div class="alert-item">
                                        <p><strong>{a.label.clone()}</strong>{format!(" — mesures du {} par {}", a.raised_at, a.raised_by)}</p>
                                        {s.may_write.then(|| view! {
                                            <ActionForm action=ack attr:class="form-grid">
                                                <input type="hidden" name="id" value=id.to_string()/>
                                                <input type="hidden" name="alert_id" value=a.id.to_string()/>
                                                <div class="field">
                                                    <label for=format!("ack-{}", a.id)>"Ce qui a été fait"</label>
                                                    <textarea id=format!("ack-{}", a.id) name="action" rows="2" required></textarea>
                                                </div>
                                                <button type="submit" class="button button-primary">"Acquitter l’alerte"</button>
                                            </ActionForm>
                                        })}
                                    </div>
                                }).collect_view()}
                            </div>
                        })}
                        <AllergiesBlock id allergies=s.allergies.clone() add end none/>
                        {s.may_write.then(|| view! { <MeasureForm id usager=usager.get_value() action=measure saved=measured/> })}
                        <h3>"Dernières mesures"</h3>
                        <MeasureTable sets=s.sets.clone()/>
                        {(s.may_write && !s.sets.is_empty()).then(|| {
                            let list: Vec<(Uuid, String)> = s.sets.iter().take(10)
                                .map(|set| (set.id, format!("{} — {}", set.taken_at, set.measures.summary()))).collect();
                            view! { <MeasureForm id usager=usager.get_value() action=measure saved=measured
                                prefix="c".to_string() corrects=list open=false/> }
                        })}
                        <round::TasksBlock id tasks=s.tasks.clone() may_plan=s.may_plan changed=measured/>
                        <ChartBlock id/>
                        <crate::ui::medication::chart::MedicationBlock id/>
                        <LiaisonBlock id liaison=s.liaison.clone() may_write=s.may_write action=liaison/>
                        {let done: Vec<AlertView> = s.alerts.iter().filter(|a| a.acknowledged.is_some()).cloned().collect();
                         (!done.is_empty()).then(|| view! {
                            <h3>"Alertes acquittées"</h3>
                            <ul class="notes">
                                {done.into_iter().map(|a| view! {
                                    <li class="note"><p><strong>{a.label}</strong>{format!(" — {}", a.raised_at)}</p>
                                    <p class="muted">{a.acknowledged}</p></li>
                                }).collect_view()}
                            </ul>
                        })}
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AllergiesBlock(
    id: Uuid,
    allergies: Allergies,
    add: ServerAction<AddAllergy>,
    end: ServerAction<EndAllergy>,
    none: ServerAction<StateNoKnownAllergy>,
) -> impl IntoView {
    let may_write = allergies.may_write;
    view! {
        <h3>"Allergies et intolérances"</h3>
        <AllergyBand allergies=allergies.clone()/>
        {allergies.none_known.clone().map(|n| view! { <p class="muted">{n}</p> })}
        <ul class="notes" data-testid="allergies-en-cours">
            {allergies.in_force.clone().into_iter().map(|a| view! {
                <li class="note" class:severe=a.severity == Severity::Severe>
                    <p><strong>{a.substance.clone()}</strong>
                        {format!(" — {} {}, {}", a.kind.label(), a.severity.label().to_lowercase(), a.certainty.label().to_lowercase())}</p>
                    {a.reaction.clone().map(|r| view! { <p>{format!("Réaction : {r}")}</p> })}
                    <p class="muted">{format!("Constatée le {} · notée par {}{}", a.noted_on, a.noted_by,
                        a.source.clone().map(|s| format!(" · source : {s}")).unwrap_or_default())}</p>
                    {may_write.then(|| view! {
                        <details class="edit">
                            <summary>"Terminer ou réfuter"</summary>
                            <ActionForm action=end attr:class="form-grid">
                                <input type="hidden" name="id" value=id.to_string()/>
                                <input type="hidden" name="allergy_id" value=a.id.to_string()/>
                                <div class="field"><label for=format!("fin-{}", a.id)>"Fin"</label>
                                    <select id=format!("fin-{}", a.id) name="end">{options(AllergyEnd::LIST)}</select></div>
                                <div class="field"><label for=format!("motif-{}", a.id)>"Motif"</label>
                                    <input id=format!("motif-{}", a.id) name="reason" type="text" required/></div>
                                <button type="submit" class="button">"Enregistrer"</button>
                            </ActionForm>
                        </details>
                    })}
                </li>
            }).collect_view()}
        </ul>
        {(!allergies.ended.is_empty()).then(|| view! {
            <details>
                <summary>{format!("Historique ({} terminée(s) ou réfutée(s))", allergies.ended.len())}</summary>
                <ul class="notes">
                    {allergies.ended.clone().into_iter().map(|a| view! {
                        <li class="note"><p><s>{a.substance.clone()}</s></p><p class="muted">{a.ended.clone()}</p></li>
                    }).collect_view()}
                </ul>
            </details>
        })}
        {may_write.then(|| view! {
            <details class="edit">
                <summary>"Ajouter une allergie ou une intolérance"</summary>
                <ActionForm action=add attr:class="form-grid">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="input[id]" value=Uuid::new_v4().to_string()/>
                    <div class="field"><label for="al-sub">"Substance"</label><input id="al-sub" name="input[substance]" type="text" required maxlength="200"/></div>
                    <div class="field"><label for="al-kind">"Type"</label><select id="al-kind" name="input[kind]">{options(AllergyKind::LIST)}</select></div>
                    <div class="field"><label for="al-reac">"Réaction"</label><input id="al-reac" name="input[reaction]" type="text" maxlength="200"/></div>
                    <div class="field"><label for="al-sev">"Sévérité"</label><select id="al-sev" name="input[severity]">{options(Severity::LIST)}</select></div>
                    <div class="field"><label for="al-cert">"Certitude"</label><select id="al-cert" name="input[certainty]">{options(Certainty::LIST)}</select></div>
                    <div class="field"><label for="al-src">"Source"</label><input id="al-src" name="input[source]" type="text" maxlength="200"/></div>
                    <div class="field"><label for="al-date">"Constatée le"</label><input id="al-date" name="input[noted_on]" type="date"/></div>
                    <button type="submit" class="button button-primary">"Enregistrer l’allergie"</button>
                </ActionForm>
            </details>
            {(allergies.in_force.is_empty() && allergies.none_known.is_none()).then(|| view! {
                <ActionForm action=none>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <button type="submit" class="button">"Déclarer « aucune allergie connue »"</button>
                </ActionForm>
            })}
        })}
    }
}

/// What a hospital needs to know beyond the medical facts — printed on the
/// document de liaison d'urgence — and its form.
#[component]
fn LiaisonBlock(
    id: Uuid,
    liaison: Liaison,
    may_write: bool,
    action: ServerAction<WriteLiaison>,
) -> impl IntoView {
    let shown = |label: &'static str, text: String| {
        view! {
            <dt>{label}</dt>
            <dd>{if text.is_empty() { "Non renseigné".to_string() } else { text }}</dd>
        }
    };
    let form = may_write.then(|| {
        let l = liaison.clone();
        view! {
            <details class="edit">
                <summary>"Modifier la fiche de liaison"</summary>
                <ActionForm action attr:class="form-grid">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="input[key]" value=Uuid::new_v4().to_string()/>
                    <div class="field"><label for="li-com">"Communication"</label>
                        <p class="hint" id="li-com-aide">"Comment la personne s’exprime et comprend : parole, gestes, pictogrammes, lunettes, appareil auditif."</p>
                        <textarea id="li-com" name="input[communication]" rows="3" maxlength=MAX_LIAISON aria-describedby="li-com-aide">{l.communication}</textarea></div>
                    <div class="field"><label for="li-aut">"Autonomie"</label>
                        <p class="hint" id="li-aut-aide">"Déplacements, repas, toilette, aides techniques (fauteuil, déambulateur, prothèse dentaire)."</p>
                        <textarea id="li-aut" name="input[autonomy]" rows="3" maxlength=MAX_LIAISON aria-describedby="li-aut-aide">{l.autonomy}</textarea></div>
                    <div class="field"><label for="li-hab">"Habitudes et ce qui rassure"</label>
                        <textarea id="li-hab" name="input[comfort]" rows="3" maxlength=MAX_LIAISON>{l.comfort}</textarea></div>
                    <button type="submit" class="button button-primary">"Enregistrer la fiche de liaison"</button>
                </ActionForm>
            </details>
        }
    });
    view! {
        <h3 id="titre-liaison">"Fiche de liaison (pour l’hôpital)"</h3>
        <dl class="facts" data-testid="liaison">
            {shown("Communication", liaison.communication)}
            {shown("Autonomie", liaison.autonomy)}
            {shown("Habitudes et ce qui rassure", liaison.comfort)}
        </dl>
        {liaison.updated.map(|u| view! { <p class="muted">{u}</p> })}
        {form}
    }
}

/// One numeric field of the measure form (numeric keypad on a tablet).
fn number_field(
    prefix: &str,
    name: &'static str,
    label: &'static str,
    unit: &'static str,
    decimal: bool,
) -> impl IntoView {
    let id = format!("{prefix}-{name}");
    view! {
        <div class="field measure-field">
            <label for=id.clone()>{label}<span class="muted">{format!(" ({unit})")}</span></label>
            <input id=id name=format!("input[{name}]") type="text"
                inputmode=if decimal { "decimal" } else { "numeric" } autocomplete="off" size="5"/>
        </div>
    }
}

/// The measure entry. Kept on the tablet (sealed, through the one outbox)
/// before it is sent, so that a dropped connection loses nothing: the set
/// goes when the network comes back, once (its id is the key). Without
/// JavaScript the form posts to the server function itself.
#[component]
pub(crate) fn MeasureForm(
    id: Uuid,
    usager: String,
    action: ServerAction<WriteMeasures>,
    /// Bumped after each set the server confirmed (the section reloads).
    saved: RwSignal<u32>,
    /// Makes the fields' ids unique on a page with several forms.
    #[prop(default = "m".to_string())]
    prefix: String,
    /// The care task the set fulfils and its time due (the round).
    #[prop(optional)]
    task: Option<(Uuid, String)>,
    /// The sets that may be corrected: the form corrects one of them.
    #[prop(optional)]
    corrects: Option<Vec<(Uuid, String)>>,
    /// Opened at first.
    #[prop(default = true)]
    open: bool,
) -> impl IntoView {
    use super::outbox::{self, Kept, Pending, Write};
    let key = RwSignal::new(Uuid::new_v4());
    let kept = RwSignal::new(None::<Kept>);
    // The key of the set kept while it waits in the outbox.
    let waiting = RwSignal::new(None::<String>);
    let form = NodeRef::<leptos::html::Form>::new();
    let usager = StoredValue::new(usager);
    let send = Action::new_local(move |args: &WriteMeasures| {
        let args = args.clone();
        async move {
            let stored = match super::signed_in_account() {
                Some(account) => Some(
                    outbox::put(Pending::new(
                        account,
                        args.id,
                        usager.get_value(),
                        Write::Measures(args.input.clone()),
                    ))
                    .await,
                ),
                None => None,
            };
            (args, stored)
        }
    });
    // Kept first, then sent; what the server answers decides what stays.
    Effect::new(move |_| {
        if let Some((args, _)) = send.value().get() {
            kept.set(None);
            action.dispatch(args);
        }
    });
    // The answer to this form's own sending: the value the action held when
    // the form was drawn (the set that reloaded the section) is not.
    Effect::new(move |drawn: Option<()>| {
        let value = action.value().get();
        if drawn.is_none() {
            return;
        }
        match value {
            Some(Ok(set)) => {
                outbox::remove(&set.id.to_string());
                saved.update(|n| *n += 1);
                key.set(Uuid::new_v4());
                if let Some(f) = form.get() {
                    f.reset();
                }
            }
            Some(Err(AppError::Transport { .. })) => {
                // Kept: a new set may start; this one leaves with the network.
                if let Some((args, stored)) = send.value().get_untracked() {
                    kept.set(stored);
                    waiting.set(Some(args.input.id.to_string()));
                    if let Some(changed) = use_context::<outbox::OutboxChanged>() {
                        changed.0.update(|n| *n += 1);
                    }
                }
                key.set(Uuid::new_v4());
                if let Some(f) = form.get() {
                    f.reset();
                }
            }
            Some(Err(_)) => {
                if let Some((args, _)) = send.value().get_untracked() {
                    outbox::remove(&args.input.id.to_string());
                }
            }
            None => {}
        }
    });
    // Sent when the network came back: the notice goes, the section reloads.
    outbox::when_sent(
        move || waiting.get(),
        move || {
            waiting.set(None);
            kept.set(None);
            saved.update(|n| *n += 1);
        },
    );
    let submit = move |ev: leptos::ev::SubmitEvent| {
        use leptos::form::FromFormData as _;
        let Ok(args) = WriteMeasures::from_event(&ev) else {
            return;
        };
        ev.prevent_default();
        send.dispatch(args);
    };
    let p = prefix;
    let f = |name: &str| format!("{p}-{name}");
    let correcting = corrects.is_some();
    let summary = if correcting {
        "Corriger une saisie"
    } else {
        "Saisir des mesures"
    };
    view! {
        <details class="edit" open=open>
            <summary>{summary}</summary>
            {move || kept.get().map(|k| view! {
                <p class="notice notice-warning" role="status" data-testid="mesures-gardees">{match k {
                    Kept::Sealed => "Pas de réseau : les mesures sont gardées sur cette tablette, chiffrées, et partiront au retour du réseau.",
                    Kept::Memory => "Pas de réseau : les mesures attendent dans cette page. Ne fermez pas la page avant leur envoi.",
                }}</p>
            })}
            <form node_ref=form method="post" action="/api/mesures_saisir" class="form-grid measure-form"
                data-testid=if correcting { "correction-mesures" } else { "saisie-mesures" } on:submit=submit>
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="input[id]" prop:value=move || key.get().to_string()/>
                {task.map(|(task_id, due)| view! {
                    <input type="hidden" name="input[task_id]" value=task_id.to_string()/>
                    <input type="hidden" name="input[task_due]" value=due/>
                })}
                {corrects.map(|sets| view! {
                    <div class="field"><label for=f("corrects")>"Saisie à corriger"</label>
                        <select id=f("corrects") name="input[corrects]" required>
                            {sets.into_iter().map(|(sid, label)| view! { <option value=sid.to_string()>{label}</option> }).collect_view()}
                        </select></div>
                    <div class="field"><label for=f("reason")>"Motif de la correction"</label>
                        <input id=f("reason") name="input[correction_reason]" type="text" required maxlength="500"/></div>
                    <p class="muted">"La saisie corrigée reste visible dans l’historique. Ressaisissez toutes les valeurs de la mesure."</p>
                })}
                <fieldset>
                    <legend>"Constantes (NEWS2)"</legend>
                    {number_field(&p, "systolic", "Tension systolique", "mmHg", false)}
                    {number_field(&p, "diastolic", "Tension diastolique", "mmHg", false)}
                    {number_field(&p, "pulse", "Pouls", "/min", false)}
                    {number_field(&p, "temperature", "Température", "°C", true)}
                    {number_field(&p, "spo2", "SpO₂", "%", false)}
                    <div class="field checkbox"><input id=f("o2") name="input[on_oxygen]" type="checkbox" value="true"/><label for=f("o2")>"Sous oxygène"</label></div>
                    <div class="field checkbox"><input id=f("s2") name="input[spo2_scale_2]" type="checkbox" value="true"/><label for=f("s2")>"Échelle SpO₂ 2 (cible 88–92 %)"</label></div>
                    {number_field(&p, "respiratory_rate", "Fréquence respiratoire", "/min", false)}
                    <div class="field"><label for=f("acvpu")>"Conscience (ACVPU)"</label>
                        <select id=f("acvpu") name="input[consciousness]"><option value="">"—"</option>{options(Consciousness::LIST)}</select></div>
                </fieldset>
                <fieldset>
                    <legend>"Autres mesures"</legend>
                    {number_field(&p, "weight", "Poids", "kg", true)}
                    {number_field(&p, "height", "Taille", "cm", false)}
                    {number_field(&p, "glucose", "Glycémie", "g/L", true)}
                    {number_field(&p, "pain_self", "Douleur dite (EVA/EN)", "0 à 10", false)}
                    {number_field(&p, "pain_algoplus", "Douleur observée (Algoplus)", "0 à 5", false)}
                </fieldset>
                <fieldset>
                    <legend>"Suivi du jour"</legend>
                    <div class="field"><label for=f("stool")>"Transit, selles"</label>
                        <select id=f("stool") name="input[stool]"><option value="">"—"</option>{options(Stool::LIST)}</select></div>
                    {number_field(&p, "fluid_ml", "Boissons", "mL", false)}
                    <div class="field"><label for=f("sleep")>"Sommeil"</label>
                        <select id=f("sleep") name="input[sleep]"><option value="">"—"</option>{options(Sleep::LIST)}</select></div>
                </fieldset>
                <div class="field"><label for=f("at")>"Heure de la mesure (vide : maintenant)"</label>
                    <input id=f("at") name="input[taken_at]" type="datetime-local"/></div>
                <button type="submit" class="button button-primary">{if correcting { "Enregistrer la correction" } else { "Enregistrer les mesures" }}</button>
            </form>
        </details>
    }
}

fn cell<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string().replace('.', ","))
        .unwrap_or_else(|| "—".into())
}

#[component]
fn MeasureTable(sets: Vec<MeasureSetView>) -> impl IntoView {
    if sets.is_empty() {
        return view! { <p class="muted">"Aucune mesure enregistrée."</p> }.into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Dernières mesures">
            <table class="measures" data-testid="mesures">
                <caption class="visually-hidden">"Dernières mesures, la plus récente en premier"</caption>
                <thead><tr>
                    <th scope="col">"Date"</th><th scope="col">"TA"</th><th scope="col">"Pouls"</th>
                    <th scope="col">"T °C"</th><th scope="col">"SpO₂"</th><th scope="col">"FR"</th>
                    <th scope="col">"Cons."</th><th scope="col">"Poids (IMC)"</th><th scope="col">"Glyc."</th>
                    <th scope="col">"Douleur"</th><th scope="col">"Suivi du jour"</th><th scope="col">"NEWS2"</th><th scope="col">"Par"</th>
                </tr></thead>
                <tbody>
                    {sets.into_iter().map(|s| {
                        let m = &s.measures;
                        let ta = m.systolic.zip(m.diastolic).map(|(a, b)| format!("{a}/{b}"));
                        let weight = m.weight.map(|w| format!("{}{}", cell(Some(w)), s.bmi.map(|b| format!(" ({})", cell(Some(b)))).unwrap_or_default()));
                        let pain = match (m.pain_self, m.pain_algoplus) {
                            (Some(p), _) => Some(format!("{p}/10")),
                            (None, Some(a)) => Some(format!("Algoplus {a}/5")),
                            _ => None,
                        };
                        let spo2 = m.spo2.map(|v| format!("{v}{}", if m.on_oxygen { " (O₂)" } else { "" }));
                        let follow: Vec<String> = [
                            m.stool.map(|v| format!("Selles : {}", v.label().to_lowercase())),
                            m.fluid_ml.map(|v| format!("Boissons : {v} mL")),
                            m.sleep.map(|v| v.label().to_string()),
                        ].into_iter().flatten().collect();
                        let follow = (!follow.is_empty()).then(|| follow.join(", "));
                        let correction = s.correction.clone().map(|c| view! {
                            <details class="history"><summary>{c}</summary>
                                <ul>{s.replaced.iter().map(|r| view! { <li>{format!("Remplace : {r}")}</li> }).collect_view()}</ul>
                            </details>
                        });
                        view! {
                            <tr class:unusual=!s.unusual.is_empty() title=s.unusual.join(", ")>
                                <td>{s.taken_at.clone()}</td><td>{cell(ta)}</td><td>{cell(m.pulse)}</td>
                                <td>{cell(m.temperature)}</td><td>{cell(spo2)}</td><td>{cell(m.respiratory_rate)}</td>
                                <td>{cell(m.consciousness.map(Consciousness::code))}</td><td>{cell(weight)}</td>
                                <td>{cell(m.glucose)}</td><td>{cell(pain)}</td><td>{cell(follow)}</td>
                                <td class:alert=s.alert.is_some()>{cell(s.news2.map(|n| n.total))}</td>
                                <td>{s.author.clone()}{correction}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The open NEWS2 alerts of the caller's units, on the home page (they
/// come with "Mes usagers", for those who read soins).
pub fn unit_alerts_panel(list: Vec<AlertView>) -> impl IntoView {
    (!list.is_empty()).then(|| view! {
        <section class="notice notice-danger" aria-labelledby="titre-alertes" data-testid="alertes-unite">
            <h2 id="titre-alertes">"Alertes NEWS2 non acquittées"</h2>
            <ul>
                {list.into_iter().map(|a| view! {
                    <li><a href=format!("/usagers/{}/soins", a.usager_id)><strong>{a.usager}</strong></a>
                        {format!(" — {} ({}{})", a.label, a.raised_at, a.unit.map(|u| format!(", {u}")).unwrap_or_default())}</li>
                }).collect_view()}
            </ul>
        </section>
    })
}

/// A measure's chart over a period, chosen by links (`?courbe=…&jours=…`,
/// so it works without JavaScript), drawn as SVG with the usual range
/// shaded, and its values as a table.
#[component]
fn ChartBlock(id: Uuid) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let choice = Memo::new(move |_| {
        let q = query.read();
        let field = q.get("courbe").unwrap_or_else(|| "temperature".into());
        let days = q.get("jours").and_then(|d| d.parse().ok()).unwrap_or(30u32);
        (field, days)
    });
    let chart = Resource::new(
        move || choice.get(),
        move |(field, days)| get_chart(id, field, days),
    );
    let href = move |field: &str, days: u32| {
        format!("/usagers/{id}/soins?courbe={field}&jours={days}#courbe")
    };
    view! {
        <h3 id="courbe">"Courbes"</h3>
        <nav aria-label="Mesure de la courbe" class="chips">
            {CHARTED.iter().map(|(field, label, _)| {
                let current = move || (choice.get().0 == *field).then_some("page");
                view! { <a class="chip" href=move || href(field, choice.get().1) aria-current=current>{*label}</a> }
            }).collect_view()}
        </nav>
        <nav aria-label="Période de la courbe" class="chips">
            {PERIODS.iter().map(|(days, label)| {
                let days = *days;
                let current = move || (choice.get().1 == days).then_some("page");
                view! { <a class="chip" href=move || href(&choice.get().0, days) aria-current=current>{*label}</a> }
            }).collect_view()}
        </nav>
        <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match chart.await {
                    Ok(c) => chart_view(c).into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Transition>
    }
}

fn chart_view(c: Chart) -> impl IntoView {
    let s = Scale::of(&c);
    let title = format!("{} ({}), {}", c.label, c.unit, c.period);
    let line = c
        .points
        .iter()
        .map(|p| format!("{:.1},{:.1}", s.x(p.at), s.y(p.value)))
        .collect::<Vec<_>>()
        .join(" ");
    let fmt = |v: f32| format!("{}", (v * 10.0).round() / 10.0).replace('.', ",");
    let band = c.usual.map(|(a, b)| {
        view! {
            <rect class="chart-usual" x=MARGIN y=s.y(b) width=WIDTH - 2.0 * MARGIN height=s.y(a) - s.y(b)/>
            <text class="chart-label" x=WIDTH - MARGIN + 4.0 y=s.y(b) + 4.0>{fmt(b)}</text>
            <text class="chart-label" x=WIDTH - MARGIN + 4.0 y=s.y(a) + 4.0>{fmt(a)}</text>
        }
    });
    let empty = c.points.is_empty();
    let usual = c.usual;
    view! {
        <figure class="chart" data-testid="courbe">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=title.clone() preserveAspectRatio="xMidYMid meet">
                {band}
                <line class="chart-axis" x1=MARGIN y1=HEIGHT - MARGIN x2=WIDTH - MARGIN y2=HEIGHT - MARGIN/>
                <text class="chart-label" x=4 y=s.y(s.high) + 12.0>{fmt(s.high)}</text>
                <text class="chart-label" x=4 y=s.y(s.low)>{fmt(s.low)}</text>
                <polyline class="chart-line" points=line/>
                {c.points.iter().map(|p| {
                    let off = usual.is_some_and(|(a, b)| p.value < a || p.value > b);
                    view! { <circle class="chart-point" class:off=off cx=s.x(p.at) cy=s.y(p.value) r="3"/> }
                }).collect_view()}
            </svg>
            <figcaption>{title}{usual.map(|(a, b)| format!(" — zone grisée : valeurs habituelles, de {} à {}", fmt(a), fmt(b)))}</figcaption>
        </figure>
        {if empty {
            view! { <p class="muted">"Aucune valeur sur cette période."</p> }.into_any()
        } else {
            view! {
                <details>
                    <summary>{format!("Les {} valeurs en tableau", c.points.len())}</summary>
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Valeurs de la courbe">
                        <table class="measures">
                            <caption class="visually-hidden">{format!("{} ({})", c.label, c.unit)}</caption>
                            <thead><tr><th scope="col">"Date"</th><th scope="col">{format!("{} ({})", c.label, c.unit)}</th></tr></thead>
                            <tbody>
                                {c.points.iter().rev().map(|p| view! { <tr><td>{p.when.clone()}</td><td>{fmt(p.value)}</td></tr> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </details>
            }.into_any()
        }}
    }
}
