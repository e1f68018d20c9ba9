//! The printable projet personnalisé (A4, French) and its easy-to-read
//! version, written with krilla. Lines are measured with the embedded
//! font's advances (ttf-parser) and broken by textwrap; the document is
//! laid out into pages of drawing operations first, then drawn, so page
//! breaks and "page n / m" footers need no second pass.
//!
//! The document carries the DMP type code of a projet personnalisé
//! (LOINC `80788-3`) in its keywords and description, for later exchange.

use app::projet::falc::{pictogram, Shape};
use app::projet::server::ProjetDocument;
use app::projet::{element_status_label, kind_label, origin_label, ElementContent, ProjetView};
use app::serafin;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, LineCap, LineJoin, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::Document;
use textwrap::core::Fragment;

/// The DMP (LOINC) type code of a projet personnalisé d'accompagnement.
pub const DMP_TYPE_CODE: &str = "80788-3";

const REGULAR: &[u8] = include_bytes!("../fonts/LiberationSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/LiberationSans-Bold.ttf");
const WIDTH: f32 = 595.28;
const HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.0;
const FOOTER: f32 = 40.0;

enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Rule {
        y: f32,
    },
    Pictogram {
        key: String,
        x: f32,
        y: f32,
        size: f32,
    },
}

/// A word with its measured width, for textwrap.
#[derive(Debug)]
struct Measured<'a> {
    word: &'a str,
    width: f64,
    space: f64,
}

impl Fragment for Measured<'_> {
    fn width(&self) -> f64 {
        self.width
    }
    fn whitespace_width(&self) -> f64 {
        self.space
    }
    fn penalty_width(&self) -> f64 {
        0.0
    }
}

struct Metrics {
    regular: ttf_parser::Face<'static>,
    bold: ttf_parser::Face<'static>,
}

impl Metrics {
    fn new() -> Metrics {
        Metrics {
            regular: ttf_parser::Face::parse(REGULAR, 0).expect("the shipped font parses"),
            bold: ttf_parser::Face::parse(BOLD, 0).expect("the shipped font parses"),
        }
    }

    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold } else { &self.regular };
        let units: u32 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .unwrap_or(face.units_per_em() / 2) as u32
            })
            .sum();
        units as f32 * size / face.units_per_em() as f32
    }

    /// The lines of a paragraph set in `width` points.
    fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let space = self.width(" ", size, bold) as f64;
        let mut lines = Vec::new();
        for paragraph in text.lines() {
            let words: Vec<Measured> = paragraph
                .split_whitespace()
                .map(|w| Measured {
                    word: w,
                    width: self.width(w, size, bold) as f64,
                    space,
                })
                .collect();
            if words.is_empty() {
                lines.push(String::new());
                continue;
            }
            for line in textwrap::wrap_algorithms::wrap_first_fit(&words, &[width as f64]) {
                lines.push(line.iter().map(|m| m.word).collect::<Vec<_>>().join(" "));
            }
        }
        lines
    }
}

struct Layout {
    metrics: Metrics,
    pages: Vec<Vec<Op>>,
    /// Distance from the top of the page to the next baseline.
    y: f32,
}

impl Layout {
    fn new() -> Layout {
        Layout {
            metrics: Metrics::new(),
            pages: vec![vec![]],
            y: MARGIN,
        }
    }

    fn page(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page is open")
    }

    fn ensure(&mut self, height: f32) {
        if self.y + height > HEIGHT - MARGIN - FOOTER {
            self.pages.push(vec![]);
            self.y = MARGIN;
        }
    }

    fn text(&mut self, text: &str, size: f32, bold: bool, indent: f32) {
        let width = WIDTH - 2.0 * MARGIN - indent;
        for line in self.metrics.wrap(text, size, bold, width) {
            let leading = size * 1.4;
            self.ensure(leading);
            self.y += leading;
            let y = self.y;
            self.page().push(Op::Text {
                x: MARGIN + indent,
                y,
                size,
                bold,
                text: line,
            });
        }
    }

    fn heading(&mut self, text: &str) {
        self.ensure(60.0);
        self.y += 10.0;
        self.text(text, 14.0, true, 0.0);
        self.y += 4.0;
        let y = self.y;
        self.page().push(Op::Rule { y });
        self.y += 2.0;
    }

    fn subheading(&mut self, text: &str) {
        self.ensure(40.0);
        self.y += 6.0;
        self.text(text, 11.5, true, 0.0);
    }

    fn line(&mut self, label: &str, value: &str) {
        if !value.trim().is_empty() {
            self.text(&format!("{label} : {value}"), 10.0, false, 0.0);
        }
    }

    fn item(&mut self, text: &str) {
        if !text.trim().is_empty() {
            self.text(&format!("• {text}"), 10.0, false, 10.0);
        }
    }

    fn body(&mut self, text: &str) {
        if text.trim().is_empty() {
            self.text("(non renseigné)", 10.0, false, 0.0);
        } else {
            self.text(text, 10.0, false, 0.0);
        }
    }

    fn gap(&mut self, h: f32) {
        self.y += h;
    }
}

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

fn draw(layout: Layout, metadata: Metadata, footer: &str) -> Result<Vec<u8>, String> {
    let mut document = Document::new();
    let regular = Font::new(REGULAR.into(), 0).ok_or("font")?;
    let bold = Font::new(BOLD.into(), 0).ok_or("font")?;
    let count = layout.pages.len();
    let ink = Fill {
        paint: rgb::Color::new(0x1a, 0x1a, 0x1a).into(),
        ..Default::default()
    };
    for (n, ops) in layout.pages.into_iter().enumerate() {
        let mut page =
            document.start_page_with(PageSettings::from_wh(WIDTH, HEIGHT).ok_or("page size")?);
        let mut surface = page.surface();
        surface.set_fill(Some(ink.clone()));
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold: b,
                    text,
                } => surface.draw_text(
                    Point::from_xy(x, y),
                    if b { bold.clone() } else { regular.clone() },
                    size,
                    &text,
                    false,
                    TextDirection::Auto,
                ),
                Op::Rule { y } => {
                    let mut p = PathBuilder::new();
                    p.move_to(MARGIN, y);
                    p.line_to(WIDTH - MARGIN, y);
                    if let Some(path) = p.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            width: 0.8,
                            ..Default::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                        surface.set_fill(Some(ink.clone()));
                    }
                }
                Op::Pictogram { key, x, y, size } => {
                    draw_pictogram(&mut surface, &key, x, y, size);
                    surface.set_fill(Some(ink.clone()));
                }
            }
        }
        surface.draw_text(
            Point::from_xy(MARGIN, HEIGHT - MARGIN + 10.0),
            regular.clone(),
            8.0,
            &format!("{footer} — page {} / {count}", n + 1),
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
    }
    document.set_metadata(metadata);
    document.finish().map_err(|e| format!("{e:?}"))
}

fn draw_pictogram(surface: &mut krilla::surface::Surface, key: &str, x: f32, y: f32, size: f32) {
    let Some(p) = pictogram(key) else { return };
    let k = size / 24.0;
    let mut b = PathBuilder::new();
    for s in p.shapes {
        match *s {
            Shape::Circle { cx, cy, r } => {
                // Four cubic arcs.
                let (cx, cy, r) = (x + cx * k, y + cy * k, r * k);
                let c = 0.552_284_8 * r;
                b.move_to(cx + r, cy);
                b.cubic_to(cx + r, cy + c, cx + c, cy + r, cx, cy + r);
                b.cubic_to(cx - c, cy + r, cx - r, cy + c, cx - r, cy);
                b.cubic_to(cx - r, cy - c, cx - c, cy - r, cx, cy - r);
                b.cubic_to(cx + c, cy - r, cx + r, cy - c, cx + r, cy);
                b.close();
            }
            Shape::Poly(points, closed) => {
                for (i, (px, py)) in points.iter().enumerate() {
                    let (px, py) = (x + px * k, y + py * k);
                    if i == 0 {
                        b.move_to(px, py);
                    } else {
                        b.line_to(px, py);
                    }
                }
                if closed {
                    b.close();
                }
            }
        }
    }
    if let Some(path) = b.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(0x1a, 0x1a, 0x1a).into(),
            width: 2.0 * k,
            line_cap: LineCap::Round,
            line_join: LineJoin::Round,
            ..Default::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_broken_within_the_width() {
        let m = Metrics::new();
        let text = "Aller à la piscine le mardi avec l’éducatrice et apprendre à nager seul dans le grand bassin";
        let lines = m.wrap(text, 10.0, false, 150.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| m.width(l, 10.0, false) <= 150.0));
        assert_eq!(lines.join(" "), text);
    }
}
