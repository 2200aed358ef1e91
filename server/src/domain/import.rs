//! Print-batch import: a CSV stream in, cards out, with a per-row report.
//!
//! The file is read as it arrives and handled in batches, so memory stays
//! bounded by the batch, not the file (only the NIKs seen so far are kept, to
//! find duplicates within the file). Each batch commits on its own: a
//! failure late in a large file keeps what was already imported, and the
//! report says so.

use crate::api::error::ApiError;
use crate::db::{self, cards, offices::Office, DbConnection};
use actix_web::web::Bytes;
use antar_shared::codes::{import as code, problem};
use antar_shared::import::{check_row, CardRow, HeaderError, Layout, Problem, Record, Records};
use antar_shared::wire::{FieldError, ImportReport};
use antar_shared::Status;
use std::collections::HashMap;
use std::io::Read;

/// Rows checked and written together: one NIK look-up and one insert each.
const BATCH: usize = 1000;
/// Reports list at most this many problems of each kind; counts stay exact.
pub const MAX_LISTED: usize = 5000;

/// Where a NIK was already seen: in this file, or as an existing card.
/// Who holds a NIK already: an earlier line of this file, or a card in
/// circulation (named by its holder's name and print date, never its id).
enum Holder {
    Line(u64),
    Card { name: String, printed_on: Option<String> },
}

impl Holder {
    fn card(card: &cards::Card) -> Holder {
        Holder::Card { name: card.name.clone(), printed_on: card.printed_on.clone() }
    }

    /// The duplicate-NIK message naming the holder: (Indonesian, English).
    fn duplicate_message(&self) -> (String, String) {
        match self {
            Holder::Line(l) => (
                format!("NIK ini sudah dipakai atas nama lain di baris {l}"),
                format!("this NIK is already used under another name on line {l}"),
            ),
            Holder::Card { name, printed_on } => {
                let (id_when, en_when) = match printed_on {
                    Some(d) => (format!(", dicetak {d}"), format!(", printed {d}")),
                    None => (String::new(), String::new()),
                };
                (
                    format!("NIK ini milik kartu atas nama {name}{id_when} yang belum diserahkan"),
                    format!("this NIK belongs to the card of {name}{en_when}, not yet handed over"),
                )
            }
        }
    }
}

struct Seen {
    name: String,
    holder: Holder,
}

fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase();
    norm(a) == norm(b)
}

/// A card still on its way (not delivered, collected or void) blocks a new
/// card for the same NIK; a finished one makes the new row a replacement.
fn in_circulation(status: Status) -> bool {
    !matches!(status, Status::Delivered | Status::Collected | Status::Void)
}

/// Imports a print batch. Rows are read, checked and matched against
/// existing cards on `conn` while the previous batch is written on
/// `writer`, so PostgreSQL's COPY and the server's checks overlap. Each batch
/// is its own transaction: what was written stays written, and importing
/// the file again adds nothing.
pub fn import<R: Read>(
    conn: &mut DbConnection,
    writer: &mut DbConnection,
    office: &Office,
    input: R,
    dry_run: bool,
) -> Result<ImportReport, ApiError> {
    std::thread::scope(|scope| {
        let (to_writer, inbox) = std::sync::mpsc::sync_channel::<Vec<cards::Card>>(1);
        let written = scope.spawn(move || write_batches(writer, inbox));
        let read = read_rows(conn, office, input, dry_run, &to_writer);
        drop(to_writer);
        let written = written.join().map_err(|_| ApiError::Internal("the import's writer stopped".into()))?;
        // A writer's failure is the cause of a read that stopped early.
        written?;
        read
    })
}

/// Writes the batches handed over, each in its own transaction; after the
/// 1st, 2nd, 4th, 8th… batch the planner learns how big the table has
/// become (planned from "empty table" statistics, the NIK look-up scanned
/// the whole table for every batch, which made large imports quadratic).
fn write_batches(conn: &mut DbConnection, inbox: std::sync::mpsc::Receiver<Vec<cards::Card>>) -> Result<(), ApiError> {
    for (n, batch) in (1u64..).zip(inbox) {
        db::write_tx(conn, |conn| cards::insert_many(conn, &batch))?;
        if n.is_power_of_two() {
            db::refresh_stats(conn, "cards")?;
        }
    }
    Ok(())
}

fn read_rows<R: Read>(
    conn: &mut DbConnection,
    office: &Office,
    input: R,
    dry_run: bool,
    writer: &std::sync::mpsc::SyncSender<Vec<cards::Card>>,
) -> Result<ImportReport, ApiError> {
    let records = Records::new(input).map_err(|e| match e {
        HeaderError::Unreadable(e) => ApiError::BadRequest(format!("reading the header: {e}")),
        HeaderError::Missing(missing) => ApiError::Unprocessable {
            code: problem::MISSING_COLUMN,
            detail: format!(
                "kolom wajib {} tidak ada / required column {} is missing",
                missing.header(),
                missing.header()
            ),
            errors: vec![FieldError {
                field: missing.header().to_owned(),
                message: "required column is missing".into(),
            }],
        },
    })?;
    let layout = records.layout.clone();
    let mut report = ImportReport { dry_run, ..ImportReport::default() };
    let mut seen: HashMap<String, Seen> = HashMap::new();
    let mut batch: Vec<(u64, CardRow)> = Vec::with_capacity(BATCH);
    for record in records {
        let (line, fields) = match record {
            Record::Row { line, fields } => (line, fields),
            Record::Unreadable { line, message, io } => {
                push(
                    &mut report.errors,
                    Problem {
                        line,
                        column: String::new(),
                        code: code::MALFORMED.into(),
                        message: format!("baris tidak terbaca: {message}"),
                        message_en: format!("unreadable row: {message}"),
                    },
                );
                report.rejected += 1;
                if io {
                    break;
                }
                continue;
            }
        };
        let outcome = check_row(&layout, &fields, line, &office.regency_code);
        for w in outcome.warnings {
            push(&mut report.warnings, w);
        }
        match outcome.row {
            Some(row) => batch.push((line, row)),
            None => {
                report.rejected += 1;
                for e in outcome.errors {
                    push(&mut report.errors, e);
                }
            }
        }
        if batch.len() >= BATCH {
            flush(conn, office, &layout, &mut batch, &mut seen, &mut report, (!dry_run).then_some(writer))?;
        }
    }
    flush(conn, office, &layout, &mut batch, &mut seen, &mut report, (!dry_run).then_some(writer))?;
    // Checks against earlier rows finish a batch behind the row checks.
    report.errors.sort_by_key(|p| p.line);
    report.warnings.sort_by_key(|p| p.line);
    Ok(report)
}

fn push(list: &mut Vec<Problem>, p: Problem) {
    if list.len() < MAX_LISTED {
        list.push(p);
    }
}

fn flush(
    conn: &mut DbConnection,
    office: &Office,
    layout: &Layout,
    batch: &mut Vec<(u64, CardRow)>,
    seen: &mut HashMap<String, Seen>,
    report: &mut ImportReport,
    // None in a dry run.
    writer: Option<&std::sync::mpsc::SyncSender<Vec<cards::Card>>>,
) -> Result<(), ApiError> {
    if batch.is_empty() {
        return Ok(());
    }
    let niks: Vec<String> = batch.iter().map(|(_, r)| r.nik.clone()).filter(|n| !seen.contains_key(n)).collect();
    let existing = cards::by_niks(conn, &office.id, &niks)?;
    let now = db::now();
    let mut new_cards = Vec::new();
    let nik_column = layout.written(antar_shared::import::Column::Nik);
    for (line, row) in batch.drain(..) {
        if let Some(prev) = seen.get(&row.nik) {
            if same_name(&prev.name, &row.name) {
                report.duplicates += 1;
            } else {
                report.rejected += 1;
                let (message, message_en) = prev.holder.duplicate_message();
                let problem =
                    Problem { line, column: nik_column.clone(), code: code::DUPLICATE_NIK.into(), message, message_en };
                push(&mut report.errors, problem);
            }
            continue;
        }
        let same_nik: Vec<&cards::Card> = existing.iter().filter(|c| c.nik == row.nik).collect();
        let same_print = same_nik
            .iter()
            .find(|c| same_name(&c.name, &row.name) && c.batch == row.batch && c.printed_on == row.printed_on);
        let active = same_nik.iter().find(|c| in_circulation(c.status()));
        if let Some(card) = same_print.or(active.filter(|c| same_name(&c.name, &row.name))) {
            report.duplicates += 1;
            seen.insert(row.nik.clone(), Seen { name: row.name.clone(), holder: Holder::card(card) });
            continue;
        }
        if let Some(card) = active {
            report.rejected += 1;
            let holder = Holder::card(card);
            let (message, message_en) = holder.duplicate_message();
            let problem =
                Problem { line, column: nik_column.clone(), code: code::DUPLICATE_NIK.into(), message, message_en };
            push(&mut report.errors, problem);
            seen.insert(row.nik.clone(), Seen { name: card.name.clone(), holder });
            continue;
        }
        let replaces = same_nik.iter().max_by_key(|c| c.created_at).map(|c| c.id.clone());
        if replaces.is_some() {
            report.replacements += 1;
        }
        report.imported += 1;
        seen.insert(row.nik.clone(), Seen { name: row.name.clone(), holder: Holder::Line(line) });
        new_cards.push(cards::Card {
            id: db::new_id(),
            office_id: office.id.clone(),
            nik: row.nik,
            name: row.name,
            address: row.address,
            rt: row.rt,
            rw: row.rw,
            kelurahan: row.village,
            kecamatan: row.district,
            regency: row.regency,
            sex: row.sex,
            birth_date: row.birth_date,
            phone: row.phone,
            printed_on: row.printed_on,
            batch: row.batch,
            lat: row.lat,
            lon: row.lon,
            pin_lat: None,
            pin_lon: None,
            landmark: row.landmark,
            status: Status::Printed.as_str().to_owned(),
            resident: None,
            failed_attempts: 0,
            handed_back: false,
            courier_id: None,
            replaces_card_id: replaces,
            created_at: now,
            updated_at: now,
        });
    }
    match writer {
        Some(writer) if !new_cards.is_empty() => {
            writer.send(new_cards).map_err(|_| ApiError::Internal("the import's writer stopped".into()))
        }
        _ => Ok(()),
    }
}

/// Feeds a blocking reader from chunks that arrive on an async channel.
pub struct ChannelReader {
    rx: tokio::sync::mpsc::Receiver<Result<Bytes, String>>,
    current: Bytes,
    pos: usize,
}

impl ChannelReader {
    pub fn new(rx: tokio::sync::mpsc::Receiver<Result<Bytes, String>>) -> Self {
        ChannelReader { rx, current: Bytes::new(), pos: 0 }
    }
}

impl Read for ChannelReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos >= self.current.len() {
            match self.rx.blocking_recv() {
                Some(Ok(chunk)) => {
                    self.current = chunk;
                    self.pos = 0;
                }
                Some(Err(e)) => return Err(std::io::Error::other(e)),
                None => return Ok(0),
            }
        }
        let n = out.len().min(self.current.len() - self.pos);
        out[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
