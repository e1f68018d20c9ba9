//! In a record's soins section: the treatments in force ("since when, by
//! whom") and the stopped ones, then the administration chart — days ×
//! times of the day, a symbol per outcome with its words — and the
//! refusals, missed doses and si-besoin doses of the period.

use crate::medication::{
    chart_symbol, get_administration_chart, get_treatments, AdministrationChart, LineView,
    StopLine, CHART_DAYS,
};
use crate::ui::error_view;
use leptos::prelude::*;
use uuid::Uuid;

/// The treatments and the administration chart of a person.
#[component]
pub fn MedicationBlock(id: Uuid) -> impl IntoView {
    let stop = ServerAction::<StopLine>::new();
    let treatments = Resource::new(
        move || (id, stop.version().get()),
        |(id, _)| get_treatments(id),
    );
    let days = RwSignal::new(CHART_DAYS[0]);
    let chart = Resource::new(
        move || (id, days.get()),
        |(id, d)| get_administration_chart(id, d),
    );
    view! {
        <h3 id="titre-traitements">"Traitements"</h3>
        {move || stop.value().get().and_then(|r| r.err()).map(|e| view! { <crate::ui::ErrorNotice error=e/> })}
        <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match treatments.await {
                    Ok(t) => view! {
                        {t.may_write.then(|| view! {
                            <p><a class="button button-primary" href=format!("/usagers/{id}/soins/prescription")
                                data-testid="nouvelle-prescription">"Saisir une prescription"</a></p>
                        })}
                        {t.in_force.is_empty().then(|| view! { <p class="muted">"Aucun traitement en cours."</p> })}
                        <ul class="notes" data-testid="traitements">
                            {t.in_force.into_iter().map(|l| line(id, l, Some(stop))).collect_view()}
                        </ul>
                        {(!t.stopped.is_empty()).then(|| view! {
                            <details><summary>{format!("Lignes arrêtées ({})", t.stopped.len())}</summary>
                                <ul class="notes">{t.stopped.into_iter().map(|l| line(id, l, None)).collect_view()}</ul>
                            </details>
                        })}
                        {t.source.map(|s| view! { <p class="muted">{s}</p> })}
                    }.into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Transition>
        <h3 id="titre-tableau-prises">"Administration des médicaments"</h3>
        <nav aria-label="Période du tableau des prises" class="form-inline">
            {CHART_DAYS.into_iter().map(|d| view! {
                <button type="button" class="button" aria-pressed=move || (days.get() == d).to_string()
                    on:click=move |_| days.set(d)>{format!("{d} jours")}</button>
            }).collect_view()}
        </nav>
        <Transition fallback=|| view! { <p class="loading">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match chart.await {
                    Ok(c) => chart_view(id, c),
                    Err(e) => error_view(e),
                }
            })}
        </Transition>
    }
}

/// A line, and for those who may prescribe: stop it with a reason, or
/// change it (the page of the prescription, prefilled).
fn line(id: Uuid, l: LineView, stop: Option<ServerAction<StopLine>>) -> impl IntoView {
    let manage = stop.filter(|_| l.edit.is_some()).map(|stop| {
        let line_id = l.id;
        view! {
            <details class="edit">
                <summary>"Arrêter ou modifier"</summary>
                <p><a href=format!("/usagers/{id}/soins/prescription?modifier={line_id}")>"Modifier cette ligne"</a></p>
                <ActionForm action=stop attr:class="form-grid">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="line_id" value=line_id.to_string()/>
                    <div class="field"><label for=format!("stop-{line_id}")>"Motif de l’arrêt"</label>
                        <input id=format!("stop-{line_id}") name="reason" type="text" required maxlength="500"/></div>
                    <button type="submit" class="button">"Arrêter la ligne"</button>
                </ActionForm>
            </details>
        }
    });
    view! {
        <li class="note">
            <p>
                <strong>{l.drug}</strong>{format!(" — {} — {}", l.dose, l.schedule)}
                {l.free_text.then(|| view! { <span class="tag">" Hors BDPM"</span> })}
                {l.high_risk.then(|| view! { <span class="badge badge-danger">" À risque"</span> })}
                {(!l.aide_prise || l.high_risk).then(|| view! { <span class="badge">" Infirmier ou médecin"</span> })}
            </p>
            {l.instructions.map(|i| view! { <p class="muted">{format!("Consignes : {i}")}</p> })}
            <p class="muted">{l.period}</p>
            <p class="muted">{l.prescribed}</p>
            <p class="muted">{l.entered}</p>
            {l.stopped.map(|s| view! { <p class="muted">{s}</p> })}
            {manage}
        </li>
    }
}

/// The legend: each symbol and what it means.
const LEGEND: &[(Option<&str>, &str)] = &[
    (Some("donne"), "Donné"),
    (Some("aide_prise"), "Aide à la prise"),
    (Some("refuse"), "Refusé"),
    (Some("recrache"), "Recraché / vomi"),
    (Some("absent"), "Absent"),
    (Some("non_disponible"), "Non disponible"),
    (Some("reporte"), "Reporté"),
    (None, "Non notée"),
];

fn events(list: Vec<crate::medication::ChartEvent>, testid: &'static str) -> impl IntoView {
    view! {
        <ul class="notes" data-testid=testid>
            {list.into_iter().map(|e| view! {
                <li class="note"><p><strong>{format!("{} — {}", e.day, e.when)}</strong>{format!(" — {}", e.drug)}</p><p>{e.what}</p></li>
            }).collect_view()}
        </ul>
    }
}

/// The administration report of a period, as PDF: a plain GET form, so
/// that it works without JavaScript and the browser downloads the file.
fn report_form(id: Uuid, from: String, to: String) -> impl IntoView {
    view! {
        <form method="get" action=format!("/medicaments/{id}/prises.pdf") class="form-inline report-form"
            data-testid="rapport-prises">
            <div class="field"><label for="rp-du">"Du"</label><input id="rp-du" type="date" name="du" value=from required/></div>
            <div class="field"><label for="rp-au">"Au"</label><input id="rp-au" type="date" name="au" value=to.clone() max=to required/></div>
            <button type="submit" class="button">"Rapport d’administration (PDF)"</button>
        </form>
    }
}

fn chart_view(id: Uuid, c: AdministrationChart) -> AnyView {
    let report = report_form(id, c.from.clone(), c.to.clone());
    if c.rows.is_empty() && c.as_needed.is_empty() {
        return view! { <p class="muted">{format!("Aucune prise prévue {}.", c.period)}</p> {report} }
            .into_any();
    }
    view! {
        {report}
        // Scrolls sideways on a phone: reachable and scrollable by keyboard.
        <div class="table-scroll" tabindex="0" role="region" aria-label="Tableau des prises">
            <table class="table administration-chart" data-testid="tableau-prises">
                <caption>{format!("Prises {}", c.period)}</caption>
                <thead><tr>
                    <th scope="col">"Médicament"</th>
                    {c.day_labels.iter().map(|d| view! { <th scope="col">{d.clone()}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {c.rows.into_iter().map(|r| view! {
                        <tr>
                            <th scope="row">{r.drug}<br/><span class="muted">{format!("{} — {}", r.when, r.dose)}</span></th>
                            {r.cells.into_iter().map(|cell| match cell {
                                Some(cell) => {
                                    let missed = cell.symbol == "!";
                                    let title = cell.label.clone();
                                    view! {
                                    <td class="chart-cell" class:missed=missed title=title>
                                        <span aria-hidden="true">{cell.symbol}</span>
                                        <span class="visually-hidden">{cell.label}</span>
                                    </td>
                                }.into_any() }
                                None => view! { <td class="chart-cell muted"><span class="visually-hidden">"Rien de prévu"</span></td> }.into_any(),
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="muted chart-legend">
            {LEGEND.iter().map(|(code, label)| format!("{} {label}", chart_symbol(*code))).collect::<Vec<_>>().join(" · ")}
            " · · À venir"
        </p>
        <h4>"Refus et prises non données"</h4>
        {if c.not_taken.is_empty() {
            view! { <p class="muted">"Aucune sur la période."</p> }.into_any()
        } else {
            events(c.not_taken, "prises-non-donnees").into_any()
        }}
        <h4>"Prises non notées"</h4>
        {if c.missed.is_empty() {
            view! { <p class="muted">"Aucune sur la période."</p> }.into_any()
        } else {
            events(c.missed, "prises-oubliees").into_any()
        }}
        {(!c.as_needed.is_empty()).then(|| view! {
            <h4>"Si besoin"</h4>
            {events(c.as_needed, "prises-si-besoin")}
        })}
    }
    .into_any()
}
