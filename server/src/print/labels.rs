//! Envelope labels: A4 sheets of 3 × 8 labels (70 × 37 mm, the common
//! office label sheet), one per stop in route order — the stop number, the
//! name, the address, RT/RW and kelurahan, and a QR code that holds only
//! `{ANTAR_PUBLIC_URL}/s/{card_id}`: nothing personal is in the code.

use super::{fit, mm, wrap, Addressee, Pdf, PrintError, A4_H, A4_W};

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
                let mut line = y + pad + 24.0;
                c.text(x + pad, line, 8.5, true, &fit(&label.to.name, 8.5, true, text_w));
                for part in wrap(&label.to.address, 7.5, false, text_w, 2) {
                    line += 9.5;
                    c.text(x + pad, line, 7.5, false, &part);
                }
                let rtrw = label.to.rt_rw();
                if !rtrw.is_empty() {
                    line += 9.5;
                    c.text(x + pad, line, 7.5, false, &rtrw);
                }
                line += 9.5;
                c.text_fit(x + pad, line, 7.5, false, text_w, &label.to.kelurahan);
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
