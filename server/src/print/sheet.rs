//! The route sheet: what the courier carries with the bundle (A4, portrait)
//! — the office, courier and day, then each stop in order with the name, the
//! address down to RT/RW and kelurahan, the landmark, the phone, the last
//! four NIK digits to check at the door, and a box to tick.

use super::{mm, wrap, Addressee, Canvas, Pdf, PrintError, A4_H, A4_W};

#[derive(Debug, Clone, PartialEq)]
pub struct RouteSheet {
    pub office: String,
    pub courier: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// When it was printed, in the office's zone, as it should read.
    pub printed_at: String,
    pub stops: Vec<SheetStop>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SheetStop {
    pub seq: i32,
    pub to: Addressee,
    pub landmark: Option<String>,
    pub phone: Option<String>,
    /// The NIK's last four digits, the most a printed sheet shows.
    pub nik_last4: String,
}

const MARGIN: f32 = 36.0;
/// A stop's row: three lines, more when its name or address runs long.
const LINE: f32 = 11.0;
const ROW_PAD: f32 = 7.0;
const ROW_H: f32 = 3.0 * LINE + ROW_PAD;
const HEAD_H: f32 = 118.0;
const FOOT_H: f32 = 30.0;
// Columns: number, holder, address, phone, tick.
const COLS: [f32; 5] = [22.0, 146.0, 222.0, 82.0, 51.28];

/// Rows of three lines a page holds.
#[cfg(test)]
fn rows_per_page() -> usize {
    ((A4_H - 2.0 * MARGIN - HEAD_H - FOOT_H) / ROW_H) as usize
}

/// What a stop's row says, broken into lines: the holder's column (the
/// name on up to three lines, then the NIK's last digits) and the address
/// column (the address on up to three lines, the place on up to two, then
/// the landmark). Nothing is cut that another line can hold.
struct RowText {
    name: Vec<String>,
    /// Each line with its size.
    address: Vec<(String, f32)>,
}

impl RowText {
    fn of(s: &SheetStop) -> RowText {
        let width = COLS[2] - 6.0;
        let place = s.to.place();
        let mut address: Vec<(String, f32)> =
            wrap(&s.to.address, 8.5, false, width, 3).into_iter().map(|l| (l, 8.5)).collect();
        address.extend(wrap(&place, 8.5, false, width, 2).into_iter().map(|l| (l, 8.5)));
        if let Some(landmark) = s.landmark.as_deref().filter(|l| !l.trim().is_empty()) {
            address.push((super::fit(&format!("Patokan: {landmark}"), 8.0, false, width), 8.0));
        }
        RowText { name: wrap(&s.to.name, 9.0, true, COLS[1] - 6.0, 3), address }
    }

    fn height(&self) -> f32 {
        let lines = (self.name.len() + 1).max(self.address.len());
        (lines as f32 * LINE + ROW_PAD).max(ROW_H)
    }
}

pub fn render(sheet: &RouteSheet) -> Result<Vec<u8>, PrintError> {
    let mut pdf = Pdf::new(&format!("Lembar rute {} {}", sheet.courier, sheet.date));
    let body = A4_H - 2.0 * MARGIN - HEAD_H - FOOT_H;
    let rows: Vec<(&SheetStop, RowText)> = sheet.stops.iter().map(|s| (s, RowText::of(s))).collect();
    let mut pages: Vec<Vec<&(&SheetStop, RowText)>> = vec![Vec::new()];
    let mut used = 0.0;
    for r in &rows {
        if used + r.1.height() > body && pages.last().is_some_and(|p| !p.is_empty()) {
            pages.push(Vec::new());
            used = 0.0;
        }
        used += r.1.height();
        if let Some(page) = pages.last_mut() {
            page.push(r);
        }
    }
    let total = pages.len();
    for (i, stops) in pages.into_iter().enumerate() {
        pdf.page(|c| {
            head(c, sheet);
            let mut y = MARGIN + HEAD_H;
            for (stop, text) in stops {
                row(c, y, stop, text);
                y += text.height();
            }
            let foot = A4_H - MARGIN - 8.0;
            c.text(MARGIN, foot, 8.0, false, &format!("Dicetak {}", sheet.printed_at));
            c.text_right(A4_W - MARGIN, foot, 8.0, false, &format!("Halaman {} dari {}", i + 1, total));
            Ok(())
        })?;
    }
    pdf.finish()
}

fn head(c: &mut Canvas<'_, '_>, s: &RouteSheet) {
    let right = A4_W - MARGIN;
    c.text(MARGIN, MARGIN + 14.0, 15.0, true, "LEMBAR RUTE ANTAR e-KTP");
    c.text_fit(MARGIN, MARGIN + 32.0, 10.0, false, right - MARGIN, &s.office);
    c.text(MARGIN, MARGIN + 52.0, 11.0, true, &format!("Kurir: {}", s.courier));
    c.text(MARGIN + 250.0, MARGIN + 52.0, 11.0, true, &format!("Tanggal: {}", s.date));
    c.text_right(right, MARGIN + 52.0, 11.0, true, &format!("{} kartu", s.stops.len()));
    c.text(
        MARGIN,
        MARGIN + 68.0,
        8.5,
        false,
        "Cocokkan 4 angka terakhir NIK dengan KK/KTP lama penerima. Centang kotak setelah kartu diterima.",
    );
    let y = MARGIN + HEAD_H - 16.0;
    let titles = ["No", "Nama / NIK", "Alamat", "Telepon", "Diterima"];
    let mut x = MARGIN;
    for (w, t) in COLS.iter().zip(titles) {
        c.text(x + 2.0, y + 10.0, 8.5, true, t);
        x += w;
    }
    c.line(MARGIN, y + 14.0, right, y + 14.0, 1.0, 0);
}

fn row(c: &mut Canvas<'_, '_>, y: f32, s: &SheetStop, text: &RowText) {
    let x = [
        MARGIN,
        MARGIN + COLS[0],
        MARGIN + COLS[0] + COLS[1],
        MARGIN + COLS[0] + COLS[1] + COLS[2],
        MARGIN + COLS[0] + COLS[1] + COLS[2] + COLS[3],
    ];
    let line = |i: usize| y + LINE * (i as f32 + 1.0);
    c.text(x[0] + 2.0, line(0), 10.0, true, &s.seq.to_string());
    for (i, part) in text.name.iter().enumerate() {
        c.text(x[1] + 2.0, line(i), 9.0, true, part);
    }
    c.text(x[1] + 2.0, line(text.name.len()), 8.5, false, &format!("NIK …{}", s.nik_last4));
    for (i, (part, size)) in text.address.iter().enumerate() {
        c.text(x[2] + 2.0, line(i), *size, false, part);
    }
    c.text_fit(x[3] + 2.0, line(0), 8.5, false, COLS[3] - 4.0, s.phone.as_deref().unwrap_or("–"));
    let bx = mm(6.0);
    c.frame(x[4] + (COLS[4] - bx) / 2.0, y + 6.0, bx, bx, 1.0);
    let bottom = y + text.height();
    c.line(MARGIN, bottom - 1.0, A4_W - MARGIN, bottom - 1.0, 0.4, 150);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stop(seq: i32) -> SheetStop {
        SheetStop {
            seq,
            to: Addressee {
                name: format!("WARGA {seq}"),
                address: "JL. MELATI NO. 1".into(),
                rt: Some("001".into()),
                rw: Some("002".into()),
                kelurahan: "RAJABASA".into(),
                kecamatan: "RAJABASA".into(),
            },
            landmark: Some("depan masjid".into()),
            phone: Some("081234567890".into()),
            nik_last4: "0001".into(),
        }
    }

    #[test]
    fn a_sheet_is_a_pdf_with_one_page_per_page_of_stops() {
        let per_page = rows_per_page();
        assert!(per_page >= 15, "{per_page} rows a page");
        let sheet = RouteSheet {
            office: "Disdukcapil Kota Bandar Lampung".into(),
            courier: "Budi".into(),
            date: "2026-12-04".into(),
            printed_at: "3 Des 2026 09.00 WIB".into(),
            stops: (1..=i32::try_from(per_page + 1).unwrap()).map(stop).collect(),
        };
        let pdf = render(&sheet).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(page_objects(&pdf), 2, "a row over a page's worth starts a second page");
        let empty = RouteSheet { stops: Vec::new(), ..sheet };
        assert_eq!(page_objects(&render(&empty).unwrap()), 1, "an empty route still prints its head");
    }

    #[test]
    fn a_long_name_and_address_go_on_a_second_line_and_the_row_grows() {
        let short = RowText::of(&stop(1));
        assert_eq!((short.name.len(), short.height()), (1, ROW_H), "a usual stop keeps three lines");
        let mut long = stop(2);
        long.to.name = "SITI NURHALIZA BINTI MUHAMMAD ABDURRAHMAN WAHYUDI".into();
        long.to.address = "JL. PANGERAN ANTASARI GANG MAWAR MERAH NO. 123 BLOK C KOMPLEKS PERUMAHAN".into();
        long.to.kelurahan = "KELURAHAN TANJUNG KARANG TIMUR BAGIAN UTARA".into();
        let text = RowText::of(&long);
        assert!(text.name.len() >= 2, "{:?}", text.name);
        assert_eq!(text.name.join(" "), long.to.name, "the whole name, no word cut");
        let address: Vec<&str> = text.address.iter().map(|(l, _)| l.as_str()).collect();
        let lines = wrap(&long.to.address, 8.5, false, COLS[2] - 6.0, 3).len();
        assert_eq!(address[..lines].join(" "), long.to.address, "the whole address, no word cut");
        assert!(address.join(" ").contains("TANJUNG KARANG TIMUR BAGIAN UTARA"), "{address:?}");
        assert!(text.height() > ROW_H, "the row grows to hold it");
        let sheet = RouteSheet {
            office: "X".into(),
            courier: "Budi".into(),
            date: "2026-12-04".into(),
            printed_at: "-".into(),
            stops: (0..rows_per_page()).map(|_| long.clone()).collect(),
        };
        assert_eq!(page_objects(&render(&sheet).unwrap()), 2, "taller rows fill a page sooner");
    }

    /// Page objects (`/Type/Page`, not `/Type/Pages`) in krilla's output.
    fn page_objects(pdf: &[u8]) -> usize {
        let key = b"/Type/Page";
        pdf.windows(key.len() + 1).filter(|w| w.starts_with(key) && w[key.len()] != b's').count()
    }

    #[test]
    fn rt_and_rw_read_as_an_office_writes_them() {
        let mut to = stop(1).to;
        assert_eq!(to.rt_rw(), "RT 001/RW 002");
        to.rw = None;
        assert_eq!(to.rt_rw(), "RT 001");
        to.rt = None;
        assert_eq!(to.rt_rw(), "");
    }
}
