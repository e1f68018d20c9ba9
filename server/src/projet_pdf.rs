//! The printable projet personnalisé (A4, French) and its easy-to-read
//! version, laid out with `crate::pdf`.
//!
//! The document carries the DMP type code of a projet personnalisé
//! (LOINC `80788-3`) in its keywords and description, for later exchange.

use crate::pdf::{draw, Layout, Op, MARGIN};
use app::projet::falc::pictogram;
use app::projet::server::ProjetDocument;
use app::projet::{element_status_label, kind_label, origin_label, ElementContent, ProjetView};
use app::serafin;
use krilla::metadata::Metadata;

/// The DMP (LOINC) type code of a projet personnalisé d'accompagnement.
pub const DMP_TYPE_CODE: &str = "80788-3";

fn date_fr(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(app::time::long_date)
        .unwrap_or_default()
}

fn lay_out_projet(doc: &ProjetDocument) -> Layout {
    let v = &doc.view;
    let mut l = Layout::new();
    l.text(&doc.organisation, 10.0, false, 0.0);
    l.gap(6.0);
    l.text(kind_label(&v.kind), 18.0, true, 0.0);
    l.text(&v.title, 13.0, false, 0.0);
    l.gap(4.0);
    l.line("Personne accompagnée", &v.informations.name);
    l.line("Naissance", &v.informations.birth);
    l.line("Établissement(s) concerné(s)", &v.etablissements.join(", "));
    l.line("Statut", v.status.label());
    let last = v.versions.last();
    l.line(
        "Version",
        &match (last, v.editing) {
            (Some(s), false) => format!("{} — {}", s.label, s.validated),
            (Some(s), true) => format!("avenant en préparation (dernière version : {})", s.label),
            (None, _) => "projet en préparation, non validé".into(),
        },
    );
    l.line("Début de mise en œuvre", &date_fr(&v.starts_on));
    l.line("Fin prévue", &date_fr(&v.ends_on));
    l.line("Prochaine révision", &v.due);
    for section in &v.trame.sections {
        l.heading(&section.title);
        use app::projet::trame::Block;
        match section.block {
            Block::Informations => {
                for p in &v.informations.places {
                    l.item(p);
                }
                l.line("Référent(s)", &v.informations.referents.join(", "));
                if !v.informations.protection.is_empty() {
                    l.line("Protection", &v.informations.protection.join(", "));
                }
                for c in &v.informations.contacts {
                    l.item(c);
                }
            }
            Block::Besoins => {
                l.subheading("Attentes");
                for e in &v.elements {
                    if let ElementContent::Attente {
                        origin,
                        text,
                        said_by,
                    } = &e.content
                    {
                        let who = if said_by.is_empty() {
                            origin_label(origin).to_string()
                        } else {
                            format!("{} ({said_by})", origin_label(origin))
                        };
                        l.item(&format!("{who} : « {text} »"));
                    }
                }
                l.subheading("Besoins (nomenclature SERAFIN-PH)");
                for e in &v.elements {
                    if let ElementContent::Besoin {
                        code,
                        description,
                        analysis,
                    } = &e.content
                    {
                        l.item(&format!(
                            "{code} — {}",
                            serafin::need(code).unwrap_or("code inconnu")
                        ));
                        if !description.is_empty() {
                            l.text(description, 10.0, false, 20.0);
                        }
                        if !analysis.is_empty() {
                            l.text(&format!("Analyse : {analysis}"), 10.0, false, 20.0);
                        }
                    }
                }
            }
            Block::Objectifs => {
                for e in &v.elements {
                    if let ElementContent::Objectif {
                        title,
                        description,
                        starts_on,
                        ends_on,
                        expected,
                        avis,
                        referent_id,
                        ..
                    } = &e.content
                    {
                        l.subheading(&format!(
                            "Objectif : {title} ({})",
                            element_status_label(e.status.as_deref().unwrap_or(""))
                        ));
                        l.line("Description", description);
                        l.line("Période", &period(starts_on, ends_on));
                        l.line("Résultat attendu", expected);
                        l.line("Avis de la personne", avis);
                        l.line("Référent", &v.staff_name(*referent_id));
                        for a in &v.elements {
                            if let ElementContent::Action {
                                title,
                                responsible_id,
                                starts_on,
                                ends_on,
                                objectifs,
                                ..
                            } = &a.content
                            {
                                if objectifs.contains(&e.id) {
                                    let who = v.staff_name(*responsible_id);
                                    l.item(&format!(
                                        "Action : {title}{}{} — {}",
                                        if who.is_empty() {
                                            String::new()
                                        } else {
                                            format!(", par {who}")
                                        },
                                        match period(starts_on, ends_on) {
                                            p if p.is_empty() => String::new(),
                                            p => format!(", {p}"),
                                        },
                                        element_status_label(a.status.as_deref().unwrap_or(""))
                                    ));
                                }
                            }
                        }
                    }
                }
                l.subheading("Prestations (SERAFIN-PH)");
                for e in &v.elements {
                    if let ElementContent::Prestation { code, description } = &e.content {
                        l.item(&format!(
                            "{code} — {}{}",
                            serafin::direct_service(code).unwrap_or("code inconnu"),
                            if description.is_empty() {
                                String::new()
                            } else {
                                format!(" : {description}")
                            }
                        ));
                    }
                }
            }
            Block::Suivi => {
                l.line("Prochaine révision", &v.due);
                for b in &v.bilans {
                    l.subheading(&format!("Bilan du {}", b.held_on));
                    l.line("Personnes invitées", &b.invited);
                    if !b.preparation.is_empty() {
                        l.line(
                            &format!("Préparation ({})", b.preparation_by),
                            &b.preparation,
                        );
                    }
                    l.body(&b.synthesis);
                    for ev in &b.evaluations {
                        l.item(&format!("{} : {} {}", ev.objectif, ev.result, ev.comment));
                    }
                }
            }
            Block::Libre => {}
        }
        for f in &section.fields {
            l.subheading(&f.label);
            l.body(v.fields.get(&f.key).map(|f| f.value.as_str()).unwrap_or(""));
        }
    }
    l.heading("Accords et signatures");
    for a in &v.accords {
        l.item(&format!(
            "{} — {} — le {}{} (version {})",
            a.party,
            a.signatory,
            a.signed_on,
            if a.valid_until.is_empty() {
                String::new()
            } else {
                format!(", valable jusqu’au {}", a.valid_until)
            },
            a.version
        ));
    }
    l.gap(10.0);
    l.ensure(110.0);
    for who in [
        "La personne accompagnée ou son représentant légal",
        "Pour l’établissement",
    ] {
        l.text(who, 10.0, true, 0.0);
        l.text("Nom, date et signature :", 10.0, false, 0.0);
        l.gap(34.0);
    }
    l
}

fn period(starts_on: &str, ends_on: &str) -> String {
    match (date_fr(starts_on), date_fr(ends_on)) {
        (s, e) if s.is_empty() && e.is_empty() => String::new(),
        (s, e) if e.is_empty() => format!("à partir du {s}"),
        (s, e) if s.is_empty() => format!("jusqu’au {e}"),
        (s, e) => format!("du {s} au {e}"),
    }
}

/// The easy-to-read version: large type, one sentence per line, a
/// pictogram next to each objective.
fn lay_out_falc(doc: &ProjetDocument) -> Layout {
    let mut l = Layout::new();
    l.text(
        &format!("Mon projet, {}", doc.falc.first_name),
        26.0,
        true,
        0.0,
    );
    l.gap(8.0);
    l.text("Voici mes objectifs.", 18.0, false, 0.0);
    l.gap(12.0);
    for o in &doc.falc.objectives {
        let height = 24.0 * 1.5 * o.lines.len() as f32 + 20.0;
        l.ensure(height.max(80.0));
        let top = l.y + 6.0;
        if pictogram(&o.pictogram).is_some() {
            let key = o.pictogram.clone();
            l.page().push(Op::Pictogram {
                key,
                x: MARGIN,
                y: top,
                size: 64.0,
            });
        }
        let start = l.y;
        for line in &o.lines {
            l.text(line, 18.0, false, 84.0);
        }
        l.y = l.y.max(start + 72.0) + 18.0;
    }
    l
}

fn metadata(doc: &ProjetDocument, title: String) -> Metadata {
    let v: &ProjetView = &doc.view;
    Metadata::new()
        .title(title)
        .language("fr-FR".into())
        .authors(vec![doc.organisation.clone()])
        .creator("Parcours".into())
        .description(format!(
            "Type de document DMP (LOINC) : {DMP_TYPE_CODE} — Projet personnalisé d’accompagnement ({})",
            v.kind
        ))
        .keywords(vec![
            DMP_TYPE_CODE.into(),
            "Projet personnalisé d’accompagnement".into(),
            v.kind.clone(),
        ])
}

/// The project as a printable PDF.
pub fn projet_pdf(doc: &ProjetDocument) -> Result<Vec<u8>, String> {
    let title = format!(
        "{} — {} — {}",
        kind_label(&doc.view.kind),
        doc.view.title,
        doc.view.informations.name
    );
    let footer = format!(
        "{} — {} — imprimé le {}",
        doc.organisation, doc.view.informations.name, doc.printed_at
    );
    draw(lay_out_projet(doc), metadata(doc, title), &footer)
}

/// The objectives in easy-to-read form.
pub fn falc_pdf(doc: &ProjetDocument) -> Result<Vec<u8>, String> {
    let title = format!("Mon projet, {} (facile à lire)", doc.falc.first_name);
    draw(lay_out_falc(doc), metadata(doc, title), "Facile à lire")
}
