//! The handover report (berita acara serah terima) of a courier's day, as
//! the office signs and files it (A4, portrait): the office, the day and the
//! courier; the balance — handed out = delivered + returned + left at the
//! village office + still out; every card under its outcome; places to sign
//! for the courier and the receiving officer; when it was printed.

use super::{wrap, Addressee, Canvas, Pdf, PrintError, A4_H, A4_W};

#[derive(Debug, Clone, PartialEq)]
pub struct Handover {
    pub office: String,
    pub courier: String,
    /// The courier's username: the files are named by it.
    pub courier_username: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// When it was printed, in the office's zone, as it should read.
    pub printed_at: String,
    /// A report printed before the close is marked as provisional.
    pub closed: bool,
    pub handed_out: usize,
    pub failed_attempts: usize,
    pub balanced: bool,
    /// Closed with cards still out.
    pub discrepancy: bool,
    /// The outcomes in the report's order; empty ones are left out.
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub outcome: Outcome,
    pub cards: Vec<HandoverCard>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HandoverCard {
    pub to: Addressee,
    /// The NIK's last four digits, the most a printed report shows.
    pub nik_last4: String,
    pub batch: Option<String>,
    /// What the report says of this card beyond its outcome (why it came
    /// back and who received it; a return declared but not received).
    pub note: Option<String>,
}

/// What became of a card of the day, as the report groups it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    Returned,
    LeftAtVillageOffice,
    StillOut,
    NotTaken,
    Other,
}

impl Outcome {
    pub const ALL: [Outcome; 6] = [
        Outcome::Delivered,
        Outcome::Returned,
        Outcome::LeftAtVillageOffice,
        Outcome::StillOut,
        Outcome::NotTaken,
        Outcome::Other,
    ];

    /// The code the CSV carries (the day report's field names).
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Returned => "returned",
            Outcome::LeftAtVillageOffice => "left_at_village_office",
            Outcome::StillOut => "still_out",
            Outcome::NotTaken => "not_taken",
            Outcome::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Delivered => "Terantar ke penerima",
            Outcome::Returned => "Dikembalikan ke kantor",
            Outcome::LeftAtVillageOffice => "Dititipkan di kantor desa/kelurahan",
            Outcome::StillOut => "Masih dibawa kurir",
            Outcome::NotTaken => "Tidak diambil dari kantor",
            Outcome::Other => "Lainnya (diambil di kantor, dibatalkan)",
        }
    }
}

impl Handover {
    fn count(&self, outcome: Outcome) -> usize {
        self.groups.iter().filter(|g| g.outcome == outcome).map(|g| g.cards.len()).sum()
    }
}

const MARGIN: f32 = 40.0;
const BOTTOM: f32 = A4_H - MARGIN - 24.0;
const FIRST_TOP: f32 = MARGIN + 200.0;
const NEXT_TOP: f32 = MARGIN + 48.0;
const SECTION_H: f32 = 26.0;
const CARD_H: f32 = 25.0;
/// A card with a note takes a third line.
const NOTE_H: f32 = 11.0;
const SIGN_H: f32 = 150.0;

/// One line of the report's body.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Item<'a> {
    Section(Outcome, usize),
    Card(usize, &'a HandoverCard),
    Sign,
}

impl Item<'_> {
    fn height(&self) -> f32 {
        match self {
            Item::Section(..) => SECTION_H,
            Item::Card(_, card) => CardText::of(card).height(),
            Item::Sign => SIGN_H,
        }
    }
}

/// The body's items placed on pages: each page's items with their top.
fn layout(h: &Handover) -> Vec<Vec<(Item<'_>, f32)>> {
    let mut items = Vec::new();
    for g in h.groups.iter().filter(|g| !g.cards.is_empty()) {
        items.push(Item::Section(g.outcome, g.cards.len()));
        items.extend(g.cards.iter().enumerate().map(|(i, c)| Item::Card(i + 1, c)));
    }
    items.push(Item::Sign);
    let mut pages = vec![Vec::new()];
    let mut y = FIRST_TOP;
    for (i, item) in items.iter().enumerate() {
        // A heading never ends a page alone: it needs its first card with it.
        let keep = match (item, items.get(i + 1)) {
            (Item::Section(..), Some(next)) => next.height(),
            _ => 0.0,
        };
        if y + item.height() + keep > BOTTOM {
            pages.push(Vec::new());
            y = NEXT_TOP;
        }
        if let Some(page) = pages.last_mut() {
            page.push((*item, y));
        }
        y += item.height();
    }
    pages
}

pub fn render(h: &Handover) -> Result<Vec<u8>, PrintError> {
    let mut pdf = Pdf::new(&format!("Berita acara serah terima {} {}", h.courier, h.date));
    let pages = layout(h);
    let total = pages.len();
    for (i, items) in pages.into_iter().enumerate() {
        pdf.page(|c| {
            if i == 0 {
                head(c, h);
            } else {
                c.text(MARGIN, MARGIN + 14.0, 11.0, true, "BERITA ACARA SERAH TERIMA KARTU e-KTP (lanjutan)");
                c.text(MARGIN, MARGIN + 30.0, 9.5, false, &format!("Kurir: {}   Tanggal: {}", h.courier, h.date));
            }
            for (item, y) in items {
                match item {
                    Item::Section(outcome, n) => {
                        c.text(MARGIN, y + 16.0, 10.5, true, &format!("{} ({n})", outcome.label()));
                        c.line(MARGIN, y + 20.0, A4_W - MARGIN, y + 20.0, 0.8, 0);
                    }
                    Item::Card(n, card) => row(c, y, n, card),
                    Item::Sign => sign(c, y, h),
                }
            }
            let foot = A4_H - MARGIN;
            c.text(MARGIN, foot, 8.0, false, &format!("Dicetak {}", h.printed_at));
            c.text_right(A4_W - MARGIN, foot, 8.0, false, &format!("Halaman {} dari {}", i + 1, total));
            Ok(())
        })?;
    }
    pdf.finish()
}

fn head(c: &mut Canvas<'_, '_>, h: &Handover) {
    let right = A4_W - MARGIN;
    c.text(MARGIN, MARGIN + 14.0, 14.0, true, "BERITA ACARA SERAH TERIMA KARTU e-KTP");
    c.text_fit(MARGIN, MARGIN + 31.0, 10.0, false, right - MARGIN, &h.office);
    c.text(MARGIN, MARGIN + 52.0, 11.0, true, &format!("Kurir: {}", h.courier));
    c.text_right(right, MARGIN + 52.0, 11.0, true, &format!("Tanggal: {}", h.date));
    if !h.closed {
        c.text(MARGIN, MARGIN + 68.0, 9.5, true, "SEMENTARA: hari ini belum ditutup; angka dapat berubah.");
    }
    let (d, r, v, o) = (
        h.count(Outcome::Delivered),
        h.count(Outcome::Returned),
        h.count(Outcome::LeftAtVillageOffice),
        h.count(Outcome::StillOut),
    );
    let top = MARGIN + 80.0;
    c.frame(MARGIN, top, right - MARGIN, 100.0, 0.8);
    c.text(MARGIN + 10.0, top + 18.0, 10.5, true, &format!("Kartu dibawa kurir: {}", h.handed_out));
    let parts =
        [(Outcome::Delivered, d), (Outcome::Returned, r), (Outcome::LeftAtVillageOffice, v), (Outcome::StillOut, o)];
    for (i, (outcome, n)) in parts.iter().enumerate() {
        let y = top + 34.0 + 12.0 * i as f32;
        c.text(MARGIN + 22.0, y, 9.5, false, outcome.label());
        c.text_right(MARGIN + 300.0, y, 9.5, true, &n.to_string());
    }
    let sum = format!(
        "{} = {d} + {r} + {v} + {o}  {}",
        h.handed_out,
        if h.balanced { "(seimbang)" } else { "(TIDAK SEIMBANG — periksa kartu di bawah)" }
    );
    c.text(MARGIN + 320.0, top + 34.0, 9.5, true, &sum);
    c.text(
        MARGIN + 320.0,
        top + 50.0,
        9.0,
        false,
        &format!("Tidak diambil dari kantor: {}", h.count(Outcome::NotTaken)),
    );
    c.text(MARGIN + 320.0, top + 62.0, 9.0, false, &format!("Percobaan antar gagal: {}", h.failed_attempts));
    if h.discrepancy {
        c.text(
            MARGIN + 10.0,
            top + 92.0,
            9.0,
            true,
            &format!("Selisih: {o} kartu belum diserahkan kembali oleh kurir."),
        );
    }
}

/// A card's lines in the report: the name (up to two lines, then the NIK's
/// last digits) and the address (up to two) with its place (up to two):
/// more lines rather than a cut.
struct CardText {
    name: Vec<String>,
    address: Vec<String>,
    place: Vec<String>,
    noted: bool,
}

const NAME_W: f32 = 178.0;
const ADDRESS_W: f32 = 224.0;
const LINE_H: f32 = 10.0;

impl CardText {
    fn of(card: &HandoverCard) -> CardText {
        let place = card.to.place();
        CardText {
            name: wrap(&card.to.name, 9.0, true, NAME_W, 2),
            address: wrap(&card.to.address, 8.5, false, ADDRESS_W, 2),
            place: wrap(&place, 8.0, false, ADDRESS_W, 2),
            noted: card.note.is_some(),
        }
    }

    /// The name column's and the address column's lines, whichever is
    /// longer; the note below them.
    fn lines(&self) -> usize {
        (self.name.len() + 1).max(self.address.len() + self.place.len()).max(2)
    }

    /// Where the note goes, from the row's top.
    fn note_at(&self) -> f32 {
        CARD_H + (self.lines() - 2) as f32 * LINE_H
    }

    fn height(&self) -> f32 {
        self.note_at() + if self.noted { NOTE_H } else { 0.0 }
    }
}

fn row(c: &mut Canvas<'_, '_>, y: f32, n: usize, card: &HandoverCard) {
    let text = CardText::of(card);
    let x = [MARGIN, MARGIN + 26.0, MARGIN + 210.0, MARGIN + 440.0];
    let line = |i: usize| y + LINE_H * (i as f32 + 1.0);
    c.text(x[0] + 2.0, line(0), 9.0, false, &n.to_string());
    for (i, part) in text.name.iter().enumerate() {
        c.text(x[1], line(i), 9.0, true, part);
    }
    c.text(x[1], line(text.name.len()), 8.0, false, &format!("NIK …{}", card.nik_last4));
    for (i, part) in text.address.iter().enumerate() {
        c.text(x[2], line(i), 8.5, false, part);
    }
    for (i, part) in text.place.iter().enumerate() {
        c.text(x[2], line(text.address.len() + i), 8.0, false, part);
    }
    c.text_fit(x[3], line(0), 8.0, false, A4_W - MARGIN - x[3], card.batch.as_deref().unwrap_or(""));
    if let Some(note) = &card.note {
        c.text_fit(x[1], y + text.note_at() + 6.0, 8.0, false, A4_W - MARGIN - x[1], note);
    }
    let bottom = y + text.height();
    c.line(MARGIN, bottom - 1.0, A4_W - MARGIN, bottom - 1.0, 0.3, 170);
}

fn sign(c: &mut Canvas<'_, '_>, y: f32, h: &Handover) {
    let mid = A4_W / 2.0;
    c.text(
        MARGIN,
        y + 24.0,
        9.0,
        false,
        "Dengan ini kurir menyerahkan dan petugas menerima kartu sebagaimana tercantum di atas.",
    );
    c.text(MARGIN + 20.0, y + 48.0, 10.0, true, "Yang menyerahkan (kurir)");
    c.text(mid + 20.0, y + 48.0, 10.0, true, "Yang menerima (petugas kantor)");
    for x in [MARGIN + 20.0, mid + 20.0] {
        c.line(x, y + 118.0, x + 200.0, y + 118.0, 0.8, 0);
    }
    c.text(MARGIN + 20.0, y + 132.0, 9.5, false, &h.courier);
    c.text(mid + 20.0, y + 132.0, 9.5, false, "Nama dan NIP:");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(i: usize) -> HandoverCard {
        HandoverCard {
            to: Addressee {
                name: format!("WARGA {i}"),
                address: "JL. MELATI NO. 1".into(),
                rt: Some("001".into()),
                rw: Some("002".into()),
                kelurahan: "RAJABASA".into(),
                kecamatan: "RAJABASA".into(),
            },
            nik_last4: format!("{i:04}"),
            note: None,
            batch: Some("B-01".into()),
        }
    }

    #[test]
    fn a_long_name_and_place_take_more_lines_in_the_report_not_a_cut() {
        let usual = CardText::of(&card(1));
        assert_eq!((usual.lines(), usual.height()), (2, CARD_H));
        let mut long = card(2);
        long.to.name = "SITI NURHALIZA BINTI MUHAMMAD ABDURRAHMAN".into();
        long.to.kelurahan = "TANJUNG KARANG TIMUR BAGIAN UTARA YANG PANJANG SEKALI".into();
        long.note = Some("Alasan: sudah pindah; diterima oleh: Petugas".into());
        let text = CardText::of(&long);
        assert_eq!(text.name.join(" "), long.to.name, "the whole name");
        assert!(!text.place.iter().any(|l| l.ends_with('…')), "{:?}", text.place);
        assert!(text.lines() > 2 && text.height() > CARD_H + NOTE_H, "the row grows");
    }

    fn report(delivered: usize, still_out: usize) -> Handover {
        Handover {
            office: "Disdukcapil Kota Bandar Lampung".into(),
            courier: "Budi".into(),
            courier_username: "budi".into(),
            date: "2026-12-03".into(),
            printed_at: "3 Desember 2026 17.00 WIB".into(),
            closed: true,
            handed_out: delivered + still_out,
            failed_attempts: 1,
            balanced: true,
            discrepancy: still_out > 0,
            groups: vec![
                Group { outcome: Outcome::Delivered, cards: (0..delivered).map(card).collect() },
                Group { outcome: Outcome::StillOut, cards: (0..still_out).map(card).collect() },
            ],
        }
    }

    #[test]
    fn every_card_is_placed_once_and_the_signatures_come_last_on_the_page() {
        for (delivered, still_out) in [(0, 0), (3, 1), (21, 2), (70, 5), (200, 0)] {
            let h = report(delivered, still_out);
            let pages = layout(&h);
            let cards = pages.iter().flatten().filter(|(i, _)| matches!(i, Item::Card(..))).count();
            assert_eq!(cards, delivered + still_out);
            let (last, y) = *pages.last().unwrap().last().unwrap();
            assert_eq!(last, Item::Sign);
            assert!(y + SIGN_H <= BOTTOM, "the signatures fit on their page");
            for page in &pages {
                for (item, y) in page {
                    assert!(y + item.height() <= BOTTOM, "{item:?} at {y} overflows");
                }
                assert!(!matches!(page.last(), Some((Item::Section(..), _))), "a heading never ends a page");
            }
        }
        assert_eq!(layout(&report(3, 1)).len(), 1, "a short day is one page");
        assert!(layout(&report(70, 5)).len() >= 3);
    }

    #[test]
    fn the_report_renders_as_a_pdf() {
        let pdf = render(&report(30, 2)).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let open = Handover { closed: false, ..report(0, 0) };
        assert!(render(&open).unwrap().starts_with(b"%PDF-"));
    }
}
