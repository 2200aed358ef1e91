//! The Indonesian national identity number (NIK): `PP KK CC DDMMYY SSSS`.
//!
//! Structural checks only: whether a number was really issued is for the
//! civil registry's central database, not for us.

use crate::codes::import as code;

/// Kemendagri province codes in use.
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72, 73, 74, 75,
    76, 81, 82, 91, 92, 93, 94, 95, 96,
];

/// Why a NIK cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NikError {
    /// A spreadsheet turned the column into a number such as `1.87E+15`.
    ScientificNotation,
    NotSixteenDigits,
    UnknownProvince(u8),
    ImpossibleDay(u8),
    ImpossibleMonth(u8),
}

impl NikError {
    pub fn code(&self) -> &'static str {
        match self {
            NikError::ScientificNotation => code::NIK_SCIENTIFIC,
            NikError::NotSixteenDigits => code::NIK_INVALID,
            NikError::UnknownProvince(_) => code::NIK_PROVINCE,
            NikError::ImpossibleDay(_) => code::NIK_DAY,
            NikError::ImpossibleMonth(_) => code::NIK_MONTH,
        }
    }

    /// The reason in Indonesian, as staff read it.
    pub fn message(&self) -> String {
        match self {
            NikError::ScientificNotation => "NIK berbentuk notasi ilmiah (mis. 1.87E+15): format kolom NIK sebagai teks di spreadsheet lalu ekspor ulang".into(),
            NikError::NotSixteenDigits => "NIK harus 16 angka".into(),
            NikError::UnknownProvince(p) => format!("kode provinsi {p:02} tidak dikenal"),
            NikError::ImpossibleDay(d) => format!("tanggal lahir {d:02} pada NIK tidak mungkin"),
            NikError::ImpossibleMonth(m) => format!("bulan lahir {m:02} pada NIK tidak mungkin"),
        }
    }

    /// The reason in English.
    pub fn message_en(&self) -> String {
        match self {
            NikError::ScientificNotation => "the spreadsheet turned the NIK into a number (e.g. 1.87E+15): format the column as text and export again".into(),
            NikError::NotSixteenDigits => "a NIK has 16 digits".into(),
            NikError::UnknownProvince(p) => format!("unknown province code {p:02}"),
            NikError::ImpossibleDay(d) => format!("impossible birth day {d:02} in the NIK"),
            NikError::ImpossibleMonth(m) => format!("impossible birth month {m:02} in the NIK"),
        }
    }
}

/// A structurally valid NIK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nik(String);

impl Nik {
    /// Checks structure: 16 digits, a province in use, a possible birth day
    /// (1–31, or 41–71 for women) and month.
    pub fn parse(raw: &str) -> Result<Nik, NikError> {
        let s = raw.trim();
        if looks_scientific(s) {
            return Err(NikError::ScientificNotation);
        }
        if s.len() != 16 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NikError::NotSixteenDigits);
        }
        let nik = Nik(s.to_owned());
        let province = nik.two(0);
        if !PROVINCES.contains(&province) {
            return Err(NikError::UnknownProvince(province));
        }
        let month = nik.two(8);
        if !(1..=12).contains(&month) {
            return Err(NikError::ImpossibleMonth(month));
        }
        let raw_day = nik.two(6);
        let day = if raw_day > 40 { raw_day - 40 } else { raw_day };
        if raw_day == 0 || (32..=40).contains(&raw_day) || raw_day > 71 || day > days_in_month(month) {
            return Err(NikError::ImpossibleDay(raw_day));
        }
        Ok(nik)
    }

    fn two(&self, at: usize) -> u8 {
        let b = self.0.as_bytes();
        (b[at] - b'0') * 10 + (b[at + 1] - b'0')
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Province and regency/city code, e.g. `1871`.
    pub fn regency_code(&self) -> &str {
        &self.0[..4]
    }

    /// Whether the holder is a woman (40 added to the birth day).
    pub fn is_female(&self) -> bool {
        self.two(6) > 40
    }

    /// Birth day, month and two-digit year encoded in the NIK.
    pub fn birth_parts(&self) -> (u8, u8, u8) {
        let d = self.two(6);
        (if d > 40 { d - 40 } else { d }, self.two(8), self.two(10))
    }

    pub fn last4(&self) -> &str {
        &self.0[12..]
    }
}

/// Shows only the last four digits, as a courier or a log may see it.
pub fn mask(nik: &str) -> String {
    let tail: String = nik.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("************{tail}")
}

fn looks_scientific(s: &str) -> bool {
    let upper = s.to_ascii_uppercase();
    upper.contains('E')
        && upper.chars().all(|c| c.is_ascii_digit() || matches!(c, 'E' | '+' | '-' | '.' | ','))
        && upper.chars().next().is_some_and(|c| c.is_ascii_digit())
}

fn days_in_month(month: u8) -> u8 {
    match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_man_and_a_woman_from_bandar_lampung() {
        let man = Nik::parse("1871110211750001").unwrap();
        assert_eq!(man.regency_code(), "1871");
        assert!(!man.is_female());
        assert_eq!(man.birth_parts(), (2, 11, 75));
        let woman = Nik::parse("1871084711860001").unwrap();
        assert!(woman.is_female());
        assert_eq!(woman.birth_parts(), (7, 11, 86));
    }

    #[test]
    fn trims_surrounding_spaces() {
        assert_eq!(Nik::parse(" 1871110211750001 ").unwrap().as_str(), "1871110211750001");
    }

    #[test]
    fn rejects_wrong_length_and_non_digits() {
        assert_eq!(Nik::parse("187111021175000"), Err(NikError::NotSixteenDigits));
        assert_eq!(Nik::parse("18711102117500012"), Err(NikError::NotSixteenDigits));
        assert_eq!(Nik::parse("18711102117500A1"), Err(NikError::NotSixteenDigits));
        assert_eq!(Nik::parse(""), Err(NikError::NotSixteenDigits));
    }

    #[test]
    fn spreadsheet_numbers_say_to_format_the_column_as_text() {
        let err = Nik::parse("1.87111E+15").unwrap_err();
        assert_eq!(err, NikError::ScientificNotation);
        assert!(err.message().contains("teks"));
        assert_eq!(Nik::parse("1,87E+15"), Err(NikError::ScientificNotation));
    }

    #[test]
    fn rejects_unknown_provinces() {
        assert_eq!(Nik::parse("2071110211750001"), Err(NikError::UnknownProvince(20)));
        assert_eq!(Nik::parse("9971110211750001"), Err(NikError::UnknownProvince(99)));
        assert!(Nik::parse("9671110211750001").is_ok());
    }

    #[test]
    fn rejects_impossible_days_and_months() {
        for day in ["00", "32", "40", "72", "99"] {
            let nik = format!("187111{day}11750001");
            assert!(matches!(Nik::parse(&nik), Err(NikError::ImpossibleDay(_))), "{nik}");
        }
        assert!(Nik::parse("1871113102750001").is_err(), "31 February");
        assert_eq!(Nik::parse("1871110200750001"), Err(NikError::ImpossibleMonth(0)));
        assert_eq!(Nik::parse("1871110213750001"), Err(NikError::ImpossibleMonth(13)));
        assert!(Nik::parse("1871117112750001").is_ok(), "a woman born on the 31st");
    }

    #[test]
    fn mask_keeps_only_the_last_four_digits() {
        assert_eq!(mask("1871110211750001"), "************0001");
    }
}
