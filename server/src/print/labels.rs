//! Envelope labels: A4 sheets of 3 × 8 labels (70 × 37 mm, the common
//! office label sheet), one per stop in route order — the stop number, the
//! name, the address, RT/RW and kelurahan, and a QR code that holds only
//! `{ANTAR_PUBLIC_URL}/s/{card_id}`: nothing personal is in the code.

use super::{mm, wrap, Addressee, Pdf, PrintError, A4_H, A4_W};

pub const COLUMNS: usize = 3;
pub const ROWS: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub seq: i32,
    pub to: Addressee,
    /// What the QR code holds: the door link, `{public_url}/s/{card_id}`.
    pub url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    pub courier: String,
    pub date: String,
    pub labels: Vec<Label>,
}

/// The door link a label's code holds.
pub fn door_url(public_url: &str, card_id: &str) -> String {
    format!("{}/s/{card_id}", public_url.trim_end_matches('/'))
}

/// The lines of a label's address block, each with its size and weight.
struct LabelText {
    lines: Vec<(String, f32, bool)>,
}

impl LabelText {
    /// The name (up to three lines), the address (up to three), the RT/RW
    /// and the kelurahan (up to two), at the largest size whose lines fit in
    /// `height` whole; only past the smallest size is a line cut.
    fn fitting(to: &Addressee, width: f32, height: f32) -> LabelText {
        let at = |scale: f32| {
            let (name, small) = (8.5 * scale, 7.5 * scale);
            let mut lines: Vec<(String, f32, bool)> =
                wrap(&to.name, name, true, width, 3).into_iter().map(|l| (l, name, true)).collect();
            lines.extend(wrap(&to.address, small, false, width, 3).into_iter().map(|l| (l, small, false)));
            let rtrw = to.rt_rw();
            if !rtrw.is_empty() {
                lines.push((rtrw, small, false));
            }
            lines.extend(wrap(&to.kelurahan, small, false, width, 2).into_iter().map(|l| (l, small, false)));
            LabelText { lines }
        };
        let tall = |t: &LabelText| t.lines.iter().map(|(_, size, _)| size * 1.2).sum::<f32>();
        // `wrap` ends a line it had to cut with "…".
        let whole = |t: &LabelText| !t.lines.iter().any(|(l, ..)| l.ends_with('…'));
        [1.0, 0.9, 0.8, 0.7].into_iter().map(at).find(|t| tall(t) <= height && whole(t)).unwrap_or_else(|| at(0.7))
    }
}

pub fn render(set: &Labels) -> Result<Vec<u8>, PrintError> {
    let mut pdf = Pdf::new(&format!("Label amplop {} {}", set.courier, set.date));
    let (w, h) = (A4_W / COLUMNS as f32, A4_H / ROWS as f32);
    let pad = mm(3.0);
    let qr = mm(25.0);
    let chunks: Vec<&[Label]> =
        if set.labels.is_empty() { vec![&[][..]] } else { set.labels.chunks(COLUMNS * ROWS).collect() };
    for chunk in chunks {
        pdf.page(|c| {
            for (i, label) in chunk.iter().enumerate() {
                let (x, y) = ((i % COLUMNS) as f32 * w, (i / COLUMNS) as f32 * h);
                let text_w = w - qr - 2.0 * pad;
                let number = format!("#{}", label.seq);
                c.text(x + pad, y + pad + 12.0, 13.0, true, &number);
                let after = super::text_width(&number, 13.0, true) + 6.0;
                c.text_fit(x + pad + after, y + pad + 11.0, 6.5, false, text_w - after, &set.courier);
                // A long name, address or kelurahan takes more lines, in a
                // smaller size if the label needs it, rather than being cut.
                let text = LabelText::fitting(&label.to, text_w, h - 2.0 * pad - 14.5);
                let mut line = y + pad + 14.5;
                for (part, size, bold) in &text.lines {
                    line += size * 1.2;
                    c.text(x + pad, line, *size, *bold, part);
                }
                c.qr(x + w - qr - pad / 2.0, y + (h - qr) / 2.0, qr, &label.url)?;
            }
            Ok(())
        })?;
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_door_link_is_the_public_url_and_the_card_id_only() {
        assert_eq!(door_url("https://antar.example.go.id/", "0190-ab"), "https://antar.example.go.id/s/0190-ab");
        assert_eq!(door_url("http://127.0.0.1:8080", "x"), "http://127.0.0.1:8080/s/x");
    }

    #[test]
    fn seventy_labels_fill_three_sheets() {
        let labels = (1..=70)
            .map(|seq| Label {
                seq,
                to: Addressee {
                    name: format!("WARGA DENGAN NAMA YANG CUKUP PANJANG {seq}"),
                    address: "JL. PANGERAN ANTASARI NO. 123 GANG KENANGA DEKAT MASJID".into(),
                    rt: Some("001".into()),
                    rw: Some("002".into()),
                    kelurahan: "KEDATON".into(),
                    kecamatan: "KEDATON".into(),
                },
                url: door_url("https://antar.example.go.id", &format!("0190a1b2-c3d4-7e5f-8a9b-{seq:012}")),
            })
            .collect();
        let pdf = render(&Labels { courier: "Budi".into(), date: "2026-12-04".into(), labels }).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() < 400_000, "subset font, vector codes: {} bytes", pdf.len());
    }
}
