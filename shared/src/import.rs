//! Print-batch rows: which header names mean which column, and the checks
//! each row must pass. The server streams the file through these; the web
//! app can run the same checks before uploading.

use crate::codes::import as code;
use crate::nik::Nik;
use serde::{Deserialize, Serialize};

/// A column of the print-batch format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Nik,
    Name,
    Address,
    Village,
    District,
    Sex,
    BirthDate,
    Rt,
    Rw,
    Regency,
    Phone,
    PrintedOn,
    Batch,
    Lat,
    Lon,
    Landmark,
}

impl Column {
    const ALL: [Column; 16] = [
        Column::Nik,
        Column::Name,
        Column::Address,
        Column::Village,
        Column::District,
        Column::Sex,
        Column::BirthDate,
        Column::Rt,
        Column::Rw,
        Column::Regency,
        Column::Phone,
        Column::PrintedOn,
        Column::Batch,
        Column::Lat,
        Column::Lon,
        Column::Landmark,
    ];

    /// The Indonesian header name, as offices write it.
    pub fn header(self) -> &'static str {
        self.names()[0]
    }

    fn names(self) -> &'static [&'static str] {
        match self {
            Column::Nik => &["NIK"],
            Column::Name => &["NAMA", "NAME"],
            Column::Address => &["ALAMAT", "ADDRESS"],
            Column::Village => &["KELURAHAN", "VILLAGE"],
            Column::District => &["KECAMATAN", "DISTRICT"],
            Column::Sex => &["JENIS_KELAMIN", "SEX"],
            Column::BirthDate => &["TANGGAL_LAHIR", "BIRTH_DATE"],
            Column::Rt => &["RT"],
            Column::Rw => &["RW"],
            Column::Regency => &["KAB_KOTA", "REGENCY"],
            Column::Phone => &["NO_HP", "PHONE"],
            Column::PrintedOn => &["TANGGAL_CETAK", "PRINTED_ON"],
            Column::Batch => &["NO_BATCH", "BATCH"],
            Column::Lat => &["LAT"],
            Column::Lon => &["LON"],
            Column::Landmark => &["PATOKAN", "LANDMARK"],
        }
    }

    /// Longest value kept, in characters: a longer required value rejects
    /// the row, a longer optional one is dropped with a warning.
    pub fn max_chars(self) -> usize {
        match self {
            Column::Nik => 32,
            Column::Name => 200,
            Column::Address | Column::Landmark => 300,
            Column::Village | Column::District | Column::Regency | Column::Batch => 100,
            Column::Sex | Column::BirthDate | Column::PrintedOn | Column::Lat | Column::Lon => 32,
            Column::Rt | Column::Rw => 10,
            Column::Phone => 32,
        }
    }

    pub fn required(self) -> bool {
        matches!(self, Column::Nik | Column::Name | Column::Address | Column::Village | Column::District)
    }
}

/// Where each known column sits in a file, and its header as written.
#[derive(Debug, Clone)]
pub struct Layout {
    positions: Vec<(Column, usize, String)>,
    pub field_count: usize,
}

impl Layout {
    /// Maps a header row; names the first required column that is missing.
    pub fn from_headers<S: AsRef<str>>(headers: &[S]) -> Result<Layout, Column> {
        let mut positions = Vec::new();
        for (i, raw) in headers.iter().enumerate() {
            let written = raw.as_ref().trim().trim_start_matches('\u{feff}').trim();
            let upper = written.to_ascii_uppercase().replace([' ', '-'], "_");
            if let Some(col) = Column::ALL.into_iter().find(|c| c.names().contains(&upper.as_str())) {
                if !positions.iter().any(|(c, _, _)| *c == col) {
                    positions.push((col, i, written.to_owned()));
                }
            }
        }
        if let Some(missing) =
            Column::ALL.into_iter().find(|c| c.required() && !positions.iter().any(|(p, _, _)| p == c))
        {
            return Err(missing);
        }
        Ok(Layout { positions, field_count: headers.len() })
    }

    fn find(&self, col: Column) -> Option<&(Column, usize, String)> {
        self.positions.iter().find(|(c, _, _)| *c == col)
    }

    /// The header as the file wrote it (for problem reports).
    pub fn written(&self, col: Column) -> String {
        self.find(col).map_or_else(|| col.header().to_owned(), |(_, _, w)| w.clone())
    }

    fn value<'a, S: AsRef<str>>(&self, fields: &'a [S], col: Column) -> Option<&'a str> {
        let (_, i, _) = self.find(col)?;
        let v = fields.get(*i)?.as_ref().trim();
        (!v.is_empty()).then_some(v)
    }
}

/// One problem found in a file.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Physical line in the file; the header is line 1.
    pub line: u64,
    /// The header as written in the file.
    pub column: String,
    pub code: String,
    /// What is wrong, in Indonesian; the line and column are fields of
    /// their own and not repeated here.
    pub message: String,
    /// The same in English.
    pub message_en: String,
}

/// A row that passed its own checks, ready to become a card.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardRow {
    pub nik: String,
    pub name: String,
    pub address: String,
    pub village: String,
    pub district: String,
    pub sex: Option<String>,
    pub birth_date: Option<String>,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub regency: Option<String>,
    pub phone: Option<String>,
    pub printed_on: Option<String>,
    pub batch: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// What to look out for near the home ("depan masjid").
    pub landmark: Option<String>,
}

/// What the row-level checks made of one row.
#[derive(Debug, Clone, PartialEq)]
pub struct RowOutcome {
    /// `None` when an error rejects the row.
    pub row: Option<CardRow>,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

/// Why a file's header could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum HeaderError {
    Unreadable(String),
    /// A required column is missing.
    Missing(Column),
}

/// One record of a print batch as read from its bytes.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// The fields of the row on physical line `line`.
    Row { line: u64, fields: Vec<String> },
    /// A row the CSV reader could not read; after an I/O error (`io`)
    /// nothing more can be read.
    Unreadable { line: u64, message: String, io: bool },
}

/// A print batch's records, streamed: a byte-order mark dropped, the
/// delimiter (`;` or `,`) sniffed from the header, lines ending at `\n`
/// alone so that record positions count physical lines in CRLF files too
/// (the `\r` left on a last field is trimmed by [`check_row`]), rows of any
/// length (the checks say what is missing), bytes that are not UTF-8 read
/// lossily. Blank rows are skipped.
#[cfg(feature = "csv")]
pub struct Records<R: std::io::Read> {
    csv: csv::Reader<std::io::Chain<std::io::Cursor<Vec<u8>>, std::io::BufReader<R>>>,
    record: csv::ByteRecord,
    pub layout: Layout,
}

#[cfg(feature = "csv")]
impl<R: std::io::Read> Records<R> {
    pub fn new(input: R) -> Result<Records<R>, HeaderError> {
        use std::io::{BufRead, Read};
        let mut reader = std::io::BufReader::with_capacity(64 * 1024, input);
        let mut header = Vec::new();
        reader.read_until(b'\n', &mut header).map_err(|e| HeaderError::Unreadable(e.to_string()))?;
        let header = header.strip_prefix(b"\xEF\xBB\xBF".as_slice()).map(<[u8]>::to_vec).unwrap_or(header);
        let count = |c: u8| header.iter().filter(|&&b| b == c).count();
        let delimiter = if count(b';') > count(b',') { b';' } else { b',' };
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .flexible(true)
            .has_headers(true)
            .from_reader(std::io::Cursor::new(header).chain(reader));
        let headers: Vec<String> = csv
            .byte_headers()
            .map_err(|e| HeaderError::Unreadable(e.to_string()))?
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect();
        let layout = Layout::from_headers(&headers).map_err(HeaderError::Missing)?;
        Ok(Records { csv, record: csv::ByteRecord::new(), layout })
    }
}

#[cfg(feature = "csv")]
impl<R: std::io::Read> Iterator for Records<R> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            match self.csv.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {
                    let line = self.record.position().map_or(0, csv::Position::line);
                    let fields: Vec<String> =
                        self.record.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
                    if fields.iter().all(|f| f.trim().is_empty()) {
                        continue;
                    }
                    return Some(Record::Row { line, fields });
                }
                Err(e) => {
                    let line = e.position().map_or(0, csv::Position::line);
                    return Some(Record::Unreadable { line, message: e.to_string(), io: e.is_io_error() });
                }
            }
        }
    }
}

/// Checks one data row. `office_regency` is the office's 4-digit code.
pub fn check_row<S: AsRef<str>>(layout: &Layout, fields: &[S], line: u64, office_regency: &str) -> RowOutcome {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let problem = |col: Column, code: &str, (message, message_en): (String, String)| Problem {
        line,
        column: layout.written(col),
        code: code.to_owned(),
        message,
        message_en,
    };
    // Values over their column's limit: an error for a required column, a
    // warning (and the value dropped) for an optional one.
    let too_long: Vec<Column> = Column::ALL
        .into_iter()
        .filter(|c| layout.value(fields, *c).is_some_and(|v| v.chars().count() > c.max_chars()))
        .collect();
    for col in &too_long {
        let max = col.max_chars();
        let texts = (
            format!("isian terlalu panjang (paling banyak {max} karakter)"),
            format!("value too long (at most {max} characters)"),
        );
        if col.required() {
            errors.push(problem(*col, code::TOO_LONG, texts));
        } else {
            warnings.push(problem(
                *col,
                code::TOO_LONG,
                (format!("{}, diabaikan", texts.0), format!("{}, dropped", texts.1)),
            ));
        }
    }
    let text = |col: Column| layout.value(fields, col).filter(|_| !too_long.contains(&col)).map(str::to_owned);

    let mut required = |col: Column| {
        let v = text(col);
        if v.is_none() && !too_long.contains(&col) {
            errors.push(problem(
                col,
                code::REQUIRED,
                (format!("{} wajib diisi", col.header()), format!("{} is required", col.header())),
            ));
        }
        v
    };
    let nik_raw = required(Column::Nik);
    let name = required(Column::Name);
    let address = required(Column::Address);
    let village = required(Column::Village);
    let district = required(Column::District);

    let nik = nik_raw.as_deref().and_then(|raw| match Nik::parse(raw) {
        Ok(n) => Some(n),
        Err(e) => {
            errors.push(problem(Column::Nik, e.code(), (e.message(), e.message_en())));
            None
        }
    });

    let sex = text(Column::Sex).map(|s| s.to_ascii_uppercase());
    let mut birth_date = None;
    if let Some(raw) = text(Column::BirthDate) {
        match parse_date(&raw) {
            Some(d) => birth_date = Some(d),
            None => warnings.push(problem(
                Column::BirthDate,
                code::BAD_VALUE,
                (
                    format!("tanggal lahir '{raw}' tidak dikenali, diabaikan"),
                    format!("unreadable birth date '{raw}', dropped"),
                ),
            )),
        }
    }
    if let Some(nik) = &nik {
        if nik.regency_code() != office_regency {
            warnings.push(problem(
                Column::Nik,
                code::NIK_OTHER_REGENCY,
                (
                    format!("NIK terdaftar di wilayah {} (pindah domisili?)", nik.regency_code()),
                    format!("NIK registered in regency {} (moved?)", nik.regency_code()),
                ),
            ));
        }
        if let Some(date) = &birth_date {
            let (d, m, y) = nik.birth_parts();
            let nik_date = format!("{:02}-{m:02}-{d:02}", y);
            if date.get(2..) != Some(nik_date.as_str()) {
                warnings.push(problem(
                    Column::BirthDate,
                    code::BIRTH_DATE_MISMATCH,
                    ("tanggal lahir tidak sesuai dengan NIK".into(), "birth date disagrees with the NIK".into()),
                ));
            }
        }
        if let Some(sex) = &sex {
            let female = matches!(sex.as_str(), "P" | "PEREMPUAN" | "F" | "FEMALE" | "W" | "WANITA");
            let male = matches!(sex.as_str(), "L" | "LAKI-LAKI" | "LAKI_LAKI" | "M" | "MALE" | "PRIA");
            if (female && !nik.is_female()) || (male && nik.is_female()) {
                warnings.push(problem(
                    Column::Sex,
                    code::BIRTH_DATE_MISMATCH,
                    ("jenis kelamin tidak sesuai dengan NIK".into(), "sex disagrees with the NIK".into()),
                ));
            }
        }
    }

    let mut optional = |col: Column, ok: &dyn Fn(&str) -> bool, what: (&str, &str)| -> Option<String> {
        let v = text(col)?;
        if ok(&v) {
            Some(v)
        } else {
            warnings.push(problem(
                col,
                code::BAD_VALUE,
                (format!("{} '{v}' tidak valid, diabaikan", what.0), format!("invalid {} '{v}', dropped", what.1)),
            ));
            None
        }
    };
    let printed_on = optional(Column::PrintedOn, &|v| parse_date(v).is_some(), ("tanggal cetak", "print date"))
        .and_then(|v| parse_date(&v));
    let phone = optional(Column::Phone, &|v| normalise_phone(v).is_some(), ("nomor HP", "phone number"));
    let lat = optional(Column::Lat, &|v| v.parse::<f64>().is_ok_and(|x| (-90.0..=90.0).contains(&x)), ("LAT", "LAT"))
        .and_then(|v| v.parse().ok());
    let lon = optional(Column::Lon, &|v| v.parse::<f64>().is_ok_and(|x| (-180.0..=180.0).contains(&x)), ("LON", "LON"))
        .and_then(|v| v.parse().ok());

    let row = match (nik, name, address, village, district) {
        (Some(nik), Some(name), Some(address), Some(village), Some(district)) if errors.is_empty() => Some(CardRow {
            nik: nik.as_str().to_owned(),
            name,
            address,
            village,
            district,
            sex,
            birth_date,
            rt: text(Column::Rt),
            rw: text(Column::Rw),
            regency: text(Column::Regency),
            phone,
            printed_on,
            batch: text(Column::Batch),
            lat,
            lon,
            landmark: text(Column::Landmark),
        }),
        _ => None,
    };
    RowOutcome { row, errors, warnings }
}

/// Reads `YYYY-MM-DD`, `DD-MM-YYYY` or `DD/MM/YYYY` as an ISO date.
pub fn parse_date(raw: &str) -> Option<String> {
    let parts: Vec<&str> = raw.trim().split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (y, m, d) = if a.len() == 4 { (*a, *b, *c) } else { (*c, *b, *a) };
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let date = chrono::NaiveDate::from_ymd_opt(y, m, d)?;
    (1900..=2100).contains(&y).then(|| date.format("%Y-%m-%d").to_string())
}

/// Normalises an Indonesian mobile number to international form (`628…`),
/// as `wa.me` links need it.
pub fn normalise_phone(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.')).collect();
    let digits = digits.strip_prefix('+').unwrap_or(&digits);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let national = digits.strip_prefix("62").or_else(|| digits.strip_prefix('0'))?;
    (national.starts_with('8') && (9..=12).contains(&national.len())).then(|| format!("62{national}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: [&str; 15] = [
        "NIK",
        "NAMA",
        "JENIS_KELAMIN",
        "TANGGAL_LAHIR",
        "ALAMAT",
        "RT",
        "RW",
        "KELURAHAN",
        "KECAMATAN",
        "KAB_KOTA",
        "NO_HP",
        "TANGGAL_CETAK",
        "NO_BATCH",
        "LAT",
        "LON",
    ];

    fn good() -> Vec<String> {
        "1871110211750001,DEDI PRATAMA,L,1975-11-02,JL. ZA PAGAR ALAM NO. 23,007,007,RAJABASA RAYA,RAJABASA,KOTA BANDAR LAMPUNG,081178106871,2026-11-01,B01-1,-5.370373,105.242042"
            .split(',')
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn headers_match_in_any_case_language_and_spacing() {
        let layout = Layout::from_headers(&["\u{feff} nik ", "Name", "address", " Kelurahan", "district"]).unwrap();
        assert_eq!(layout.written(Column::Nik), "nik");
        assert_eq!(layout.written(Column::Village), "Kelurahan");
    }

    #[test]
    fn a_landmark_column_in_either_language_is_read() {
        for header in ["PATOKAN", "landmark"] {
            let layout = Layout::from_headers(&["NIK", "NAMA", "ALAMAT", "KELURAHAN", "KECAMATAN", header]).unwrap();
            let fields: Vec<String> =
                ["1871110211750001", "DEDI", "JL. A", "RAJABASA RAYA", "RAJABASA", " depan masjid Al-Ikhlas "]
                    .map(str::to_owned)
                    .to_vec();
            let row = check_row(&layout, &fields, 2, "1871").row.unwrap();
            assert_eq!(row.landmark.as_deref(), Some("depan masjid Al-Ikhlas"));
        }
        let without = Layout::from_headers(&["NIK", "NAMA", "ALAMAT", "KELURAHAN", "KECAMATAN"]).unwrap();
        let fields: Vec<String> = ["1871110211750001", "DEDI", "JL. A", "K", "C"].map(str::to_owned).to_vec();
        assert_eq!(check_row(&without, &fields, 2, "1871").row.unwrap().landmark, None);
    }

    #[test]
    fn a_missing_required_column_is_named() {
        assert_eq!(Layout::from_headers(&["NIK", "NAMA", "ALAMAT", "KELURAHAN"]).unwrap_err(), Column::District);
    }

    #[test]
    fn a_clean_row_passes_without_problems() {
        let layout = Layout::from_headers(&HEADER).unwrap();
        let out = check_row(&layout, &good(), 2, "1871");
        assert!(out.errors.is_empty() && out.warnings.is_empty(), "{out:?}");
        let row = out.row.unwrap();
        assert_eq!(row.phone.as_deref(), Some("081178106871"));
        assert_eq!(row.lat, Some(-5.370373));
    }

    #[test]
    fn blank_name_rejects_the_row_with_line_and_column() {
        let layout = Layout::from_headers(&HEADER).unwrap();
        let mut f = good();
        f[1] = "   ".into();
        let out = check_row(&layout, &f, 7, "1871");
        assert!(out.row.is_none());
        assert_eq!(out.errors[0].line, 7);
        assert_eq!(out.errors[0].column, "NAMA");
        assert_eq!(out.errors[0].code, code::REQUIRED);
    }

    #[test]
    fn an_overlong_value_rejects_a_required_column_and_drops_an_optional_one() {
        let layout = Layout::from_headers(&HEADER).unwrap();
        let mut f = good();
        f[1] = "A".repeat(1_000_000);
        let out = check_row(&layout, &f, 9, "1871");
        assert!(out.row.is_none());
        let errors: Vec<_> = out.errors.iter().map(|e| (e.line, e.column.as_str(), e.code.as_str())).collect();
        assert_eq!(errors, [(9, "NAMA", code::TOO_LONG)], "one error, not also 'required'");
        let mut f = good();
        f[13 - 1] = "B".repeat(101);
        let out = check_row(&layout, &f, 4, "1871");
        assert_eq!(out.row.expect("kept").batch, None);
        assert_eq!((out.warnings[0].column.as_str(), out.warnings[0].code.as_str()), ("NO_BATCH", code::TOO_LONG));
    }

    #[test]
    fn other_regency_and_bad_optional_values_are_warnings_that_keep_the_row() {
        let layout = Layout::from_headers(&HEADER).unwrap();
        let mut f = good();
        f[0] = "3571110211750001".into();
        f[11] = "2026-13-45".into();
        f[13] = "abc".into();
        let out = check_row(&layout, &f, 3, "1871");
        let row = out.row.expect("kept");
        assert_eq!(row.printed_on, None);
        assert_eq!(row.lat, None);
        let codes: Vec<_> = out.warnings.iter().map(|w| w.code.as_str()).collect();
        assert_eq!(codes, [code::NIK_OTHER_REGENCY, code::BAD_VALUE, code::BAD_VALUE]);
    }

    #[test]
    fn birth_date_disagreeing_with_nik_is_a_warning() {
        let layout = Layout::from_headers(&HEADER).unwrap();
        let mut f = good();
        f[3] = "1975-11-03".into();
        let out = check_row(&layout, &f, 2, "1871");
        assert!(out.row.is_some());
        assert_eq!(out.warnings[0].code, code::BIRTH_DATE_MISMATCH);
    }

    #[test]
    fn phone_numbers_normalise_to_628() {
        assert_eq!(normalise_phone("0811-7810-6871").as_deref(), Some("6281178106871"));
        assert_eq!(normalise_phone("+62 811 7810 6871").as_deref(), Some("6281178106871"));
        assert_eq!(normalise_phone("021-555"), None);
        assert_eq!(normalise_phone("abc"), None);
    }

    #[test]
    fn dates_read_in_iso_and_indonesian_order() {
        assert_eq!(parse_date("2026-11-01").as_deref(), Some("2026-11-01"));
        assert_eq!(parse_date("01/11/2026").as_deref(), Some("2026-11-01"));
        assert_eq!(parse_date("31-02-2026"), None);
    }
}
