//! What residents are told and when: the moments, the channels, and the
//! Indonesian message templates with their placeholders. The server renders
//! the messages; the console previews the same templates.

use std::collections::BTreeMap;

/// The moments a resident hears about, as named on the wire.
pub const MOMENTS: [&str; 6] =
    ["scheduled", "out_for_delivery", "attempt_failed", "left_at_village_office", "held_for_pickup", "delivered"];

/// How messages leave the office (`none`: they do not).
pub const CHANNELS: [&str; 5] = ["none", "webhook", "form", "whatsapp_cloud", "manual"];

/// The default quiet hours, office time: messages wait through them.
pub const DEFAULT_QUIET_HOURS: &str = "21:00-07:00";

/// What a template may say, each filled from the card and its moment.
pub const PLACEHOLDERS: [(&str, &str); 7] = [
    ("nama_depan", "the resident's first name"),
    ("tanggal", "the delivery date, in Indonesian"),
    ("kurir", "the courier's name"),
    ("tautan", "the resident's link"),
    ("kantor", "the office's name"),
    ("kelurahan", "the village office (kelurahan) where the card waits or is delivered"),
    ("selanjutnya", "what happens next after a failed attempt"),
];

/// The months in Indonesian.
pub const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// A date as a message says it: "Kamis, 4 Desember 2026".
pub fn tanggal(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const DAYS: [&str; 7] = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"];
    format!(
        "{}, {} {} {}",
        DAYS[date.weekday().num_days_from_monday() as usize],
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// The office's name as it follows "Disdukcapil" in a message: an office
/// named "Disdukcapil Kota Malang" is not "Disdukcapil Disdukcapil Kota
/// Malang".
pub fn office_after_disdukcapil(name: &str) -> &str {
    let name = name.trim();
    match name.get(..11) {
        Some(head) if head.eq_ignore_ascii_case("disdukcapil") => {
            name[11..].trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | ',' | '.' | ':'))
        }
        _ => name,
    }
}

/// `{selanjutnya}` after a failed attempt: another try, or, after the last
/// one, where to collect the card.
pub fn after_failure(last: bool, office: &str) -> String {
    if last {
        let office = office_after_disdukcapil(office);
        format!(
            "Ini percobaan terakhir: kartu dikembalikan ke kantor Disdukcapil {office} dan dapat Anda ambil di sana."
        )
    } else {
        "Kurir akan mencoba mengantar lagi; Anda dapat memilih waktu lain atau ambil di kelurahan lewat tautan di bawah."
            .into()
    }
}

/// The message each moment sends unless the office wrote its own.
pub fn default_template(moment: &str) -> &'static str {
    match moment {
        "scheduled" => "Halo {nama_depan}, e-KTP Anda dari Disdukcapil {kantor} akan diantar {tanggal} oleh kurir {kurir}. Tidak di rumah? Buka {tautan} untuk memilih ambil di kelurahan atau waktu lain.",
        "out_for_delivery" => "Halo {nama_depan}, e-KTP Anda sedang dibawa kurir {kurir} dan diantar hari ini. Status: {tautan}",
        "attempt_failed" => "Halo {nama_depan}, kurir {kurir} tidak berhasil menyerahkan e-KTP Anda hari ini. {selanjutnya} Status: {tautan}",
        "left_at_village_office" => "Halo {nama_depan}, e-KTP Anda dititipkan di kantor kelurahan {kelurahan}. Silakan ambil dengan membawa bukti diri. Status: {tautan}",
        "held_for_pickup" => "Halo {nama_depan}, e-KTP Anda menunggu di kantor Disdukcapil {kantor}. Silakan ambil pada jam kerja dengan membawa bukti diri. Status: {tautan}",
        _ => "Halo {nama_depan}, e-KTP Anda sudah diterima. Mohon konfirmasi penerimaan di {tautan}. Terima kasih.",
    }
}

/// The first placeholder in `template` that is not one of `PLACEHOLDERS`,
/// or an unclosed brace.
pub fn unknown_placeholder(template: &str) -> Option<String> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Some(after.to_owned());
        };
        let name = &after[..close];
        if !PLACEHOLDERS.iter().any(|(p, _)| *p == name) {
            return Some(name.to_owned());
        }
        rest = &after[close + 1..];
    }
    None
}

/// Fills a template's placeholders; one without a value becomes empty.
pub fn render(template: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                out.push_str(values.get(&after[..close]).map(String::as_str).unwrap_or(""));
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    // An empty value leaves a double space behind.
    out.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Quiet hours "HH:MM-HH:MM" (office time; across midnight when the end is
/// earlier) as minutes of the day; `Ok(None)` for none (empty).
pub fn parse_quiet_hours(s: &str) -> Result<Option<(u32, u32)>, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let minutes = |t: &str| -> Option<u32> {
        let (h, m) = t.trim().split_once(':')?;
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (h < 24 && m < 60 && t.trim().len() == 5).then_some(h * 60 + m)
    };
    let (from, to) = s.split_once('-').ok_or("HH:MM-HH:MM, e.g. 21:00-07:00, or empty for none")?;
    match (minutes(from), minutes(to)) {
        (Some(a), Some(b)) if a != b => Ok(Some((a, b))),
        (Some(_), Some(_)) => Err("the start and the end must differ"),
        _ => Err("HH:MM-HH:MM, e.g. 21:00-07:00, or empty for none"),
    }
}

/// Whether a minute of the day falls in the quiet hours.
pub fn is_quiet(quiet: Option<(u32, u32)>, minute: u32) -> bool {
    match quiet {
        None => false,
        Some((from, to)) if from < to => (from..to).contains(&minute),
        Some((from, to)) => minute >= from || minute < to,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_office_named_disdukcapil_is_not_called_disdukcapil_twice() {
        assert_eq!(office_after_disdukcapil("KOTA BANDAR LAMPUNG"), "KOTA BANDAR LAMPUNG");
        assert_eq!(office_after_disdukcapil("Disdukcapil Kota Malang"), "Kota Malang");
        assert_eq!(office_after_disdukcapil("  DISDUKCAPIL - KAB. MALANG"), "KAB. MALANG");
        assert_eq!(office_after_disdukcapil("Disdukcapilkota"), "kota", "a name glued on still reads once");
        assert_eq!(office_after_disdukcapil("Dinas"), "Dinas");
        assert!(after_failure(true, "Disdukcapil Kota Metro").contains("kantor Disdukcapil Kota Metro dan"));
    }

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn the_route_date_reads_in_indonesian() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert_eq!(tanggal(d), "Jumat, 4 Desember 2026");
    }

    #[test]
    fn every_default_template_uses_only_known_placeholders_and_carries_the_link() {
        for m in MOMENTS {
            assert_eq!(unknown_placeholder(default_template(m)), None, "{m}");
            assert!(default_template(m).contains("{tautan}"), "{m}");
        }
    }

    #[test]
    fn an_unknown_or_unclosed_placeholder_is_named() {
        assert_eq!(unknown_placeholder("Halo {nama}, {tautan}"), Some("nama".into()));
        assert_eq!(unknown_placeholder("Halo {nama_depan"), Some("nama_depan".into()));
        assert_eq!(unknown_placeholder("Halo {nama_depan}, {tautan}"), None);
    }

    #[test]
    fn rendering_fills_placeholders_and_closes_the_gap_of_an_empty_one() {
        let v = values(&[("nama_depan", "Siti"), ("tautan", "https://x/t/abc"), ("selanjutnya", "")]);
        assert_eq!(render("Halo {nama_depan}. {selanjutnya} Lihat {tautan}", &v), "Halo Siti. Lihat https://x/t/abc");
        assert_eq!(render("Kurung { terbuka", &v), "Kurung { terbuka");
    }

    #[test]
    fn quiet_hours_run_across_midnight_and_empty_means_none() {
        let q = parse_quiet_hours("21:00-07:00").unwrap();
        assert_eq!(q, Some((21 * 60, 7 * 60)));
        assert!(is_quiet(q, 23 * 60));
        assert!(is_quiet(q, 6 * 60 + 59));
        assert!(!is_quiet(q, 7 * 60));
        assert!(!is_quiet(q, 12 * 60));
        let day = parse_quiet_hours("12:00-13:30").unwrap();
        assert!(is_quiet(day, 12 * 60 + 15) && !is_quiet(day, 13 * 60 + 30));
        assert_eq!(parse_quiet_hours(" "), Ok(None));
        assert!(!is_quiet(None, 0));
        for bad in ["21-07", "25:00-07:00", "21:00", "07:00-07:00", "7:00-21:00"] {
            assert!(parse_quiet_hours(bad).is_err(), "{bad}");
        }
    }
}
