//! Any bytes as a print batch: the reader and the row checks never panic,
//! and a row they accept carries a valid NIK (of another regency than the
//! office's only with a warning saying so).
#![no_main]

use antar_shared::import::{check_row, Record, Records};
use antar_shared::nik::Nik;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(records) = Records::new(data) else { return };
    let layout = records.layout.clone();
    let mut last_line = 0;
    for record in records {
        match record {
            Record::Row { line, fields } => {
                assert!(line >= last_line, "lines go forward");
                last_line = line;
                let outcome = check_row(&layout, &fields, line, "1871");
                if let Some(row) = outcome.row {
                    let nik = Nik::parse(&row.nik).expect("an accepted row's NIK is valid");
                    if nik.regency_code() != "1871" {
                        assert!(!outcome.warnings.is_empty(), "another regency's NIK is pointed out");
                    }
                    assert!(outcome.errors.is_empty());
                } else {
                    assert!(!outcome.errors.is_empty(), "a rejected row says why");
                }
            }
            Record::Unreadable { io, .. } => {
                if io {
                    break;
                }
            }
        }
    }
});
