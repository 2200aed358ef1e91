//! Any text as a NIK: parsing never panics, what it accepts is sixteen
//! digits with a possible birth date, and masking shows four digits at most.
#![no_main]

use antar_shared::nik::{mask, Nik};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(nik) = Nik::parse(text) {
        let s = nik.as_str();
        assert_eq!(s.len(), 16);
        assert!(s.bytes().all(|b| b.is_ascii_digit()));
        let (day, month, _) = nik.birth_parts();
        assert!((1..=31).contains(&day) && (1..=12).contains(&month));
        assert_eq!(nik.regency_code(), &s[..4]);
        assert_eq!(Nik::parse(s).as_ref(), Ok(&nik), "parsing is stable");
        let masked = mask(s);
        assert_eq!(masked.chars().filter(char::is_ascii_digit).count(), 4, "{masked}");
    }
    let masked = mask(text);
    assert!(masked.chars().filter(char::is_ascii_digit).count() <= 4, "{masked}");
});
