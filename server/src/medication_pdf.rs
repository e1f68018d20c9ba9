//! The circuit du médicament's printed documents, laid out with
//! `crate::pdf`: the administration report of a person for a period (DMP
//! type code LOINC `80565-5`) and the document de liaison d'urgence
//! (`74207-2`), each code in the document's keywords and description.

use crate::pdf::{draw, Layout};
use app::medication::server::report::{AdministrationReport, EmergencyLiaison, Person};
use app::medication::LineView;
use krilla::metadata::Metadata;

/// The DMP (LOINC) type code of a medication administration report.
pub const REPORT_TYPE_CODE: &str = "80565-5";
/// The DMP (LOINC) type code of a document de liaison d'urgence.
pub const DLU_TYPE_CODE: &str = "74207-2";

fn person(l: &mut Layout, p: &Person) {
    l.line("Personne", &p.name);
    l.line("Date de naissance", &p.birth);
    l.line("Sexe", &p.sex);
    l.line("Nom et prénoms de naissance", &p.birth_names);
    if let Some(ins) = &p.ins {
        l.line("INS (matricule)", ins);
    }
    l.line("Lieu de vie", &p.places.join(", "));
    if let Some(a) = &p.address {
        l.line("Adresse", a);
    }
}

fn treatment(l: &mut Layout, t: &LineView) {
    l.item(&format!(
        "{}{} — {} — {}",
        t.drug,
        if t.free_text { " (hors BDPM)" } else { "" },
        t.dose,
        t.schedule
    ));
    let mut notes = vec![t.period.clone(), t.prescribed.clone()];
    if t.high_risk {
        notes.push("Médicament à risque : donné par l’infirmier ou le médecin".into());
    } else if !t.aide_prise {
        notes.push("Sans aide à la prise : donné par l’infirmier ou le médecin".into());
    }
    if let Some(i) = &t.instructions {
        notes.push(format!("Consignes : {i}"));
    }
    if let Some(s) = &t.stopped {
        notes.push(s.clone());
    }
    l.text(&notes.join(" — "), 9.0, false, 20.0);
}

fn lay_out_report(r: &AdministrationReport) -> Layout {
    let mut l = Layout::new();
    l.text(&r.organisation, 10.0, false, 0.0);
    l.gap(6.0);
    l.text("Rapport d’administration des médicaments", 18.0, true, 0.0);
    l.text(
        &format!("{}, {}", r.person.name, r.chart.period),
        13.0,
        false,
        0.0,
    );
    l.gap(4.0);
    person(&mut l, &r.person);
    l.line("Période", &r.period);
    l.line("Imprimé", &r.printed);

    l.heading("Traitements de la période");
    if r.treatments.is_empty() {
        l.body("Aucun traitement sur la période.");
    }
    for t in &r.treatments {
        treatment(&mut l, t);
    }

    l.heading("Prises prévues, jour par jour");
    let mut any = false;
    for (i, day) in r.chart.day_labels.iter().enumerate() {
        let doses: Vec<String> =
            r.chart
                .rows
                .iter()
                .filter_map(|row| {
                    row.cells.get(i).and_then(|c| c.as_ref()).map(|c| {
                        format!("{} — {} ({}) : {}", row.when, row.drug, row.dose, c.label)
                    })
                })
                .collect();
        if doses.is_empty() {
            continue;
        }
        any = true;
        l.subheading(day);
        for d in doses {
            l.item(&d);
        }
    }
    if !any {
        l.body("Aucune prise prévue sur la période.");
    }
    for (title, list) in [
        ("Refus et prises non données", &r.chart.not_taken),
        ("Prises non notées", &r.chart.missed),
        ("Prises si besoin", &r.chart.as_needed),
    ] {
        l.heading(title);
        if list.is_empty() {
            l.body("Aucune sur la période.");
        }
        for e in list {
            l.item(&format!("{} — {} — {} : {}", e.day, e.when, e.drug, e.what));
        }
    }
    if let Some(s) = &r.source {
        l.gap(8.0);
        l.text(s, 8.0, false, 0.0);
    }
    l
}

fn lay_out_dlu(d: &EmergencyLiaison) -> Layout {
    let mut l = Layout::new();
    l.text(&d.organisation, 10.0, false, 0.0);
    l.gap(6.0);
    l.text("Document de liaison d’urgence (DLU)", 18.0, true, 0.0);
    l.text(
        "À remettre à l’équipe des urgences avec la personne.",
        11.0,
        false,
        0.0,
    );
    l.gap(4.0);
    person(&mut l, &d.person);
    l.line("Imprimé", &d.printed);

    l.heading("Allergies");
    l.text(&d.allergies_note, 11.0, true, 0.0);
    for a in &d.allergies {
        l.item(&format!(
            "{} — {} ({}){}",
            a.substance,
            a.severity.label(),
            a.certainty.label(),
            a.reaction
                .as_ref()
                .map(|r| format!(" — réaction : {r}"))
                .unwrap_or_default()
        ));
    }

    l.heading("Personnes à prévenir et représentant légal");
    if d.contacts.is_empty() && d.protections.is_empty() {
        l.body("");
    }
    for c in &d.contacts {
        l.item(c);
    }
    for p in &d.protections {
        l.item(&format!("Mesure de protection : {p}"));
    }

    l.heading("Médecin traitant");
    l.body(d.medecin_traitant.as_deref().unwrap_or(""));
    for p in &d.professionals {
        l.item(p);
    }

    l.heading("Traitements en cours");
    if d.treatments.is_empty() {
        l.body("Aucun traitement en cours.");
    }
    for t in &d.treatments {
        treatment(&mut l, t);
    }

    l.heading("Dernières constantes");
    if d.vitals.is_empty() {
        l.body("");
    }
    for s in &d.vitals {
        l.item(&format!(
            "{} — {}{}",
            s.taken_at,
            s.measures.summary(),
            s.news2
                .as_ref()
                .map(|n| format!(" — NEWS2 {}", n.total))
                .unwrap_or_default()
        ));
    }

    l.heading("Communication");
    l.body(&d.liaison.communication);
    l.heading("Autonomie");
    l.body(&d.liaison.autonomy);
    l.heading("Habitudes et ce qui rassure");
    l.body(&d.liaison.comfort);
    if let Some(u) = &d.liaison.updated {
        l.text(u, 8.0, false, 0.0);
    }

    l.heading("Directives anticipées");
    l.body(&d.directive);
    if let Some(s) = &d.source {
        l.gap(8.0);
        l.text(s, 8.0, false, 0.0);
    }
    l
}

fn metadata(title: String, organisation: &str, code: &str, kind: &str) -> Metadata {
    Metadata::new()
        .title(title)
        .language("fr-FR".into())
        .authors(vec![organisation.to_string()])
        .creator("Parcours".into())
        .description(format!("Type de document DMP (LOINC) : {code} — {kind}"))
        .keywords(vec![code.into(), kind.into()])
}

/// The administration report as a printable PDF.
pub fn report_pdf(r: &AdministrationReport) -> Result<Vec<u8>, String> {
    let title = format!(
        "Rapport d’administration des médicaments — {} — {}",
        r.person.name, r.period
    );
    let footer = format!(
        "{} — {} — rapport d’administration {}",
        r.organisation, r.person.name, r.period
    );
    draw(
        lay_out_report(r),
        metadata(
            title,
            &r.organisation,
            REPORT_TYPE_CODE,
            "Rapport d’administration des médicaments",
        ),
        &footer,
    )
}

/// The document de liaison d'urgence as a printable PDF.
pub fn dlu_pdf(d: &EmergencyLiaison) -> Result<Vec<u8>, String> {
    let title = format!("Document de liaison d’urgence — {}", d.person.name);
    let footer = format!(
        "{} — DLU de {} — imprimé {}",
        d.organisation, d.person.name, d.printed
    );
    draw(
        lay_out_dlu(d),
        metadata(
            title,
            &d.organisation,
            DLU_TYPE_CODE,
            "Document de liaison d’urgence",
        ),
        &footer,
    )
}
