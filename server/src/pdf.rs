//! Printed documents (A4, French) written with krilla: lines are measured
//! with the embedded font's advances (ttf-parser) and broken by textwrap;
//! a document is laid out into pages of drawing operations first, then
//! drawn, so page breaks and "page n / m" footers need no second pass.
//! The projet personnalisé (`projet_pdf.rs`) and the circuit du
//! médicament's documents (`medication_pdf.rs`) are laid out with it.

use app::projet::falc::{pictogram, Shape};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, LineCap, LineJoin, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::Document;
use textwrap::core::Fragment;

const REGULAR: &[u8] = include_bytes!("../fonts/LiberationSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/LiberationSans-Bold.ttf");
pub(crate) const WIDTH: f32 = 595.28;
pub(crate) const HEIGHT: f32 = 841.89;
pub(crate) const MARGIN: f32 = 56.0;
pub(crate) const FOOTER: f32 = 40.0;

pub(crate) enum Op {
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
    /// A raster image (JPEG or PNG) in a square box, top-left at (x, y).
    Image {
        x: f32,
        y: f32,
        size: f32,
        png: bool,
        bytes: Vec<u8>,
    },
    /// Filled squares of `module` points (a QR code's dark modules).
    Squares {
        x: f32,
        y: f32,
        module: f32,
        cells: Vec<(u32, u32)>,
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

pub(crate) struct Layout {
    metrics: Metrics,
    pub(crate) pages: Vec<Vec<Op>>,
    /// Distance from the top of the page to the next baseline.
    pub(crate) y: f32,
}

impl Layout {
    pub(crate) fn new() -> Layout {
        Layout {
            metrics: Metrics::new(),
            pages: vec![vec![]],
            y: MARGIN,
        }
    }

    pub(crate) fn page(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page is open")
    }

    pub(crate) fn ensure(&mut self, height: f32) {
        if self.y + height > HEIGHT - MARGIN - FOOTER {
            self.pages.push(vec![]);
            self.y = MARGIN;
        }
    }

    pub(crate) fn text(&mut self, text: &str, size: f32, bold: bool, indent: f32) {
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

    pub(crate) fn heading(&mut self, text: &str) {
        self.ensure(60.0);
        self.y += 10.0;
        self.text(text, 14.0, true, 0.0);
        self.y += 4.0;
        let y = self.y;
        self.page().push(Op::Rule { y });
        self.y += 2.0;
    }

    pub(crate) fn subheading(&mut self, text: &str) {
        self.ensure(40.0);
        self.y += 6.0;
        self.text(text, 11.5, true, 0.0);
    }

    pub(crate) fn line(&mut self, label: &str, value: &str) {
        if !value.trim().is_empty() {
            self.text(&format!("{label} : {value}"), 10.0, false, 0.0);
        }
    }

    pub(crate) fn item(&mut self, text: &str) {
        if !text.trim().is_empty() {
            self.text(&format!("• {text}"), 10.0, false, 10.0);
        }
    }

    pub(crate) fn body(&mut self, text: &str) {
        if text.trim().is_empty() {
            self.text("(non renseigné)", 10.0, false, 0.0);
        } else {
            self.text(text, 10.0, false, 0.0);
        }
    }

    pub(crate) fn gap(&mut self, h: f32) {
        self.y += h;
    }
}

pub(crate) fn draw(layout: Layout, metadata: Metadata, footer: &str) -> Result<Vec<u8>, String> {
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
                Op::Image {
                    x,
                    y,
                    size,
                    png,
                    bytes,
                } => {
                    let data = krilla::Data::from(bytes);
                    let image = if png {
                        krilla::image::Image::from_png(data, true)
                    } else {
                        krilla::image::Image::from_jpeg(data, true)
                    };
                    // A photo that cannot be read is left out, not fatal.
                    if let (Ok(image), Some(size)) =
                        (image, krilla::geom::Size::from_wh(size, size))
                    {
                        surface.push_transform(&krilla::geom::Transform::from_translate(x, y));
                        surface.draw_image(image, size);
                        surface.pop();
                    }
                }
                Op::Squares {
                    x,
                    y,
                    module,
                    cells,
                } => {
                    let mut b = PathBuilder::new();
                    for (cx, cy) in cells {
                        if let Some(r) = krilla::geom::Rect::from_xywh(
                            x + cx as f32 * module,
                            y + cy as f32 * module,
                            module,
                            module,
                        ) {
                            b.push_rect(r);
                        }
                    }
                    if let Some(path) = b.finish() {
                        surface.draw_path(&path);
                    }
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
