//! Printable documents, made on the server as PDFs so they look the same on
//! every printer and can be filed: the route sheet, the envelope labels and
//! the handover report of a courier's day.
//! Pure functions from values to bytes: no HTTP, no database inside.
//!
//! krilla writes the PDF (text shaped and the font subset and embedded, so
//! Indonesian names print on any printer and `pdftotext` reads them back);
//! DejaVu Sans is the embedded font; `qrcode` makes the labels' codes,
//! drawn as vector squares.

pub mod handover;
pub mod labels;
pub mod sheet;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;
use std::sync::OnceLock;

/// Who a card goes to and where, as a sheet or a label prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct Addressee {
    pub name: String,
    pub address: String,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub kelurahan: String,
    pub kecamatan: String,
}

impl Addressee {
    /// "RT 001/RW 002", or what is known of it.
    pub fn rt_rw(&self) -> String {
        match (self.rt.as_deref(), self.rw.as_deref()) {
            (Some(rt), Some(rw)) => format!("RT {rt}/RW {rw}"),
            (Some(rt), None) => format!("RT {rt}"),
            (None, Some(rw)) => format!("RW {rw}"),
            (None, None) => String::new(),
        }
    }

    /// "RT 001/RW 002, KELURAHAN, KECAMATAN": the place line under the
    /// address, of what is known.
    pub fn place(&self) -> String {
        [self.rt_rw(), self.kelurahan.clone(), self.kecamatan.clone()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A4 in PDF points.
pub const A4_W: f32 = 595.28;
pub const A4_H: f32 = 841.89;

/// Millimetres to points.
pub fn mm(v: f32) -> f32 {
    v * 72.0 / 25.4
}

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("the embedded font could not be read")]
    Font,
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
    #[error("the QR code could not be made: {0}")]
    Qr(String),
}

/// The two weights of the embedded font, parsed once.
struct Fonts {
    regular: Font,
    bold: Font,
    regular_face: ttf_parser::Face<'static>,
    bold_face: ttf_parser::Face<'static>,
}

fn fonts() -> Result<&'static Fonts, PrintError> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let (regular, bold) = (dejavu::sans::regular(), dejavu::sans::bold());
            Some(Fonts {
                regular: Font::new(regular.into(), 0)?,
                bold: Font::new(bold.into(), 0)?,
                regular_face: ttf_parser::Face::parse(regular, 0).ok()?,
                bold_face: ttf_parser::Face::parse(bold, 0).ok()?,
            })
        })
        .as_ref()
        .ok_or(PrintError::Font)
}

/// The width of `text` in points, from the font's advances.
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    let Ok(f) = fonts() else { return 0.0 };
    let face = if bold { &f.bold_face } else { &f.regular_face };
    let units: f32 =
        text.chars().map(|c| face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).map_or(0.0, f32::from)).sum();
    units * size / f32::from(face.units_per_em())
}

/// `text` cut to fit `width`, ending in "…" when cut.
pub fn fit(text: &str, size: f32, bold: bool, width: f32) -> String {
    if text_width(text, size, bold) <= width {
        return text.to_owned();
    }
    let mut out: String = text.to_owned();
    while !out.is_empty() && text_width(&format!("{out}…"), size, bold) > width {
        out.pop();
    }
    format!("{}…", out.trim_end())
}

/// `text` broken at spaces into at most `lines` lines of `width`; the last
/// line cut with "…" if the text does not fit.
pub fn wrap(text: &str, size: f32, bold: bool, width: f32, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut words = text.split_whitespace().peekable();
    while let Some(word) = words.next() {
        if out.len() == lines {
            break;
        }
        let mut line = word.to_owned();
        while let Some(next) = words.peek() {
            let longer = format!("{line} {next}");
            if text_width(&longer, size, bold) > width {
                break;
            }
            line = longer;
            words.next();
        }
        out.push(line);
        if out.len() == lines && words.peek().is_some() {
            let rest: Vec<&str> = words.by_ref().collect();
            let last = out.pop().unwrap_or_default();
            out.push(fit(&format!("{last} {}", rest.join(" ")), size, bold, width));
        }
    }
    out.into_iter().map(|l| fit(&l, size, bold, width)).collect()
}

/// A document of A4 pages being drawn.
pub struct Pdf {
    doc: Document,
}

impl Pdf {
    pub fn new(title: &str) -> Pdf {
        let mut doc = Document::new();
        doc.set_metadata(Metadata::new().title(title.to_owned()).language("id".to_owned()).creator("Antar".to_owned()));
        Pdf { doc }
    }

    /// Draws one A4 page.
    pub fn page(&mut self, draw: impl FnOnce(&mut Canvas<'_, '_>) -> Result<(), PrintError>) -> Result<(), PrintError> {
        let fonts = fonts()?;
        let settings = PageSettings::from_wh(A4_W, A4_H).ok_or_else(|| PrintError::Pdf("page size".into()))?;
        let mut page = self.doc.start_page_with(settings);
        let mut surface = page.surface();
        let mut canvas = Canvas { surface: &mut surface, fonts };
        let drawn = draw(&mut canvas);
        surface.finish();
        page.finish();
        drawn
    }

    pub fn finish(self) -> Result<Vec<u8>, PrintError> {
        self.doc.finish().map_err(|e| PrintError::Pdf(format!("{e:?}")))
    }
}

/// A page to draw on, in points from the top-left corner.
pub struct Canvas<'s, 'p> {
    surface: &'s mut Surface<'p>,
    fonts: &'static Fonts,
}

fn black_fill() -> Fill {
    Fill { paint: rgb::Color::black().into(), opacity: NormalizedF32::ONE, rule: Default::default() }
}

impl Canvas<'_, '_> {
    /// Text with its baseline at `y`.
    pub fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        if text.is_empty() {
            return;
        }
        let font = if bold { self.fonts.bold.clone() } else { self.fonts.regular.clone() };
        self.surface.set_stroke(None);
        self.surface.set_fill(Some(black_fill()));
        self.surface.draw_text(Point::from_xy(x, y), font, size, text, false, TextDirection::Auto);
    }

    /// Text cut to `width` with "…".
    pub fn text_fit(&mut self, x: f32, y: f32, size: f32, bold: bool, width: f32, text: &str) {
        self.text(x, y, size, bold, &fit(text, size, bold, width));
    }

    /// Text ending at `right`.
    pub fn text_right(&mut self, right: f32, y: f32, size: f32, bold: bool, text: &str) {
        self.text(right - text_width(text, size, bold), y, size, bold, text);
    }

    /// A stroked rectangle.
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        let mut pb = PathBuilder::new();
        pb.move_to(x, y);
        pb.line_to(x + w, y);
        pb.line_to(x + w, y + h);
        pb.line_to(x, y + h);
        pb.close();
        if let Some(path) = pb.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(Stroke { paint: rgb::Color::black().into(), width, ..Default::default() }));
            self.surface.draw_path(&path);
        }
    }

    /// A straight line.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, grey: u8) {
        let mut pb = PathBuilder::new();
        pb.move_to(x1, y1);
        pb.line_to(x2, y2);
        if let Some(path) = pb.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(Stroke {
                paint: rgb::Color::new(grey, grey, grey).into(),
                width,
                ..Default::default()
            }));
            self.surface.draw_path(&path);
        }
    }

    /// A QR code of `data`, `size` points square with its quiet zone, its
    /// top-left corner at (`x`, `y`): dark modules as filled squares, runs in
    /// a row merged into one rectangle.
    pub fn qr(&mut self, x: f32, y: f32, size: f32, data: &str) -> Result<(), PrintError> {
        let code = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M)
            .map_err(|e| PrintError::Qr(e.to_string()))?;
        let n = code.width();
        let colors = code.to_colors();
        const QUIET: usize = 4;
        let module = size / (n + 2 * QUIET) as f32;
        let mut pb = PathBuilder::new();
        for row in 0..n {
            let mut col = 0;
            while col < n {
                if colors[row * n + col] != qrcode::Color::Dark {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < n && colors[row * n + col] == qrcode::Color::Dark {
                    col += 1;
                }
                let (x0, y0) = (x + (start + QUIET) as f32 * module, y + (row + QUIET) as f32 * module);
                // A hair taller than a module, so rows touching each other
                // leave no anti-aliased seam a scanner could read as light.
                let (w, h) = ((col - start) as f32 * module, module * 1.08);
                pb.move_to(x0, y0);
                pb.line_to(x0 + w, y0);
                pb.line_to(x0 + w, y0 + h);
                pb.line_to(x0, y0 + h);
                pb.close();
            }
        }
        if let Some(path) = pb.finish() {
            self.surface.set_stroke(None);
            self.surface.set_fill(Some(black_fill()));
            self.surface.draw_path(&path);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_from_the_font_and_cut_to_fit() {
        let w = text_width("SITI AMINAH", 10.0, false);
        assert!(w > 40.0 && w < 80.0, "{w}");
        assert!(text_width("SITI AMINAH", 10.0, true) > w, "bold is wider");
        assert!((text_width("SITI AMINAH", 20.0, false) - 2.0 * w).abs() < 0.01);
        let cut = fit("JL. PANGERAN ANTASARI NO. 123 GANG KENANGA", 10.0, false, 100.0);
        assert!(cut.ends_with('…') && text_width(&cut, 10.0, false) <= 100.0, "{cut}");
        assert_eq!(fit("RT 001", 10.0, false, 100.0), "RT 001");
    }

    #[test]
    fn wrapped_text_keeps_to_its_lines_and_width() {
        let text = "JL. PANGERAN ANTASARI NO. 123 GANG KENANGA DEKAT MASJID AL IKHLAS BELAKANG PASAR";
        let lines = wrap(text, 9.0, false, 120.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| text_width(l, 9.0, false) <= 120.0), "{lines:?}");
        assert!(lines[1].ends_with('…'));
        assert!(lines[0].starts_with("JL. PANGERAN"));
        assert_eq!(wrap("RUMAH HIJAU", 9.0, false, 120.0, 2), ["RUMAH HIJAU"]);
    }
}
