//! What each stable code the server sends means (problem+json codes, sync
//! results, flags), in both languages: one table for both apps, so a code
//! the server can send never reaches a courier or a clerk in English alone.

use antar_shared::codes::{problem as p, sync as s};

crate::texts! {
    Code;
    Validation => ("Isian tidak valid.", "The input is not valid."),
    Unauthorized => ("Sesi berakhir; masuk lagi.", "The session has ended; log in again."),
    Forbidden => ("Tidak diizinkan untuk peran Anda.", "Not allowed for your role."),
    NotFound => ("Tidak ditemukan (atau milik kantor lain).", "Not found (or another office's)."),
    Method => ("Permintaan tidak didukung.", "The request is not supported."),
    Conflict => ("Bertentangan dengan status kartu atau rute.", "Conflicts with the card's custody or a route."),
    Unprocessable => ("Server tidak dapat memproses ini.", "The server cannot act on this."),
    Gone => ("Sudah tidak berlaku.", "No longer valid."),
    TooLarge => ("Berkas terlalu besar.", "The file is too large."),
    TooMany => ("Terlalu banyak percobaan; tunggu sebentar.", "Too many attempts; wait a little."),
    Internal => ("Kesalahan di server; coba lagi.", "A server error; try again."),
    Unavailable => ("Server sedang tidak tersedia; coba lagi.", "The server is unavailable; try again."),
    MissingColumn => ("Kolom wajib tidak ada di CSV.", "A required column is missing from the CSV."),
    IdConflict => ("ID kejadian sudah dipakai untuk isi lain.", "The event id was already used for other content."),
    NotAssigned => ("Kartu tidak ada di rute kurir ini.", "The card is not on this courier's routes."),
    Flagged => ("Disimpan, perlu ditinjau.", "Kept, needs review."),
    MissingProof => ("Bukti yang diwajibkan kantor tidak ada.", "Proof the office requires is missing."),
    NikMismatch => ("NIK yang dicek di pintu tidak cocok dengan kartu.", "The NIK checked at the door is not the card's."),
    InvalidPayload => ("Isi kejadian tidak valid.", "The event's content is not valid."),
    UnknownKind => ("Jenis kejadian tidak dikenal.", "Unknown event kind."),
    AfterSent => ("Waktu kejadian setelah waktu kirim (jam HP salah).", "The event's time is after the batch was sent (the phone's clock is wrong)."),
    NotAllowed => ("Tidak mungkin pada status kartu saat itu.", "Cannot happen in the card's state at that moment."),
    NotCarrier => ("Kartu tidak ditugaskan ke kurir ini saat itu.", "The card was not assigned to this courier at that time."),
}

/// The text of an error, result or flag code; `None` for a code this build
/// does not know (the server's own text is shown instead).
pub fn code_text(code: &str) -> Option<Code> {
    Some(match code {
        p::VALIDATION => Code::Validation,
        p::UNAUTHORIZED => Code::Unauthorized,
        p::FORBIDDEN => Code::Forbidden,
        p::NOT_FOUND => Code::NotFound,
        p::METHOD_NOT_ALLOWED => Code::Method,
        p::CONFLICT => Code::Conflict,
        p::UNPROCESSABLE => Code::Unprocessable,
        p::GONE => Code::Gone,
        p::PAYLOAD_TOO_LARGE => Code::TooLarge,
        p::TOO_MANY_REQUESTS => Code::TooMany,
        p::INTERNAL => Code::Internal,
        p::UNAVAILABLE => Code::Unavailable,
        p::MISSING_COLUMN => Code::MissingColumn,
        s::ID_CONFLICT => Code::IdConflict,
        s::NOT_ASSIGNED => Code::NotAssigned,
        s::FLAGGED => Code::Flagged,
        s::MISSING_PROOF => Code::MissingProof,
        s::NIK_MISMATCH => Code::NikMismatch,
        s::INVALID_PAYLOAD => Code::InvalidPayload,
        s::UNKNOWN_KIND => Code::UnknownKind,
        s::OCCURRED_AFTER_SENT => Code::AfterSent,
        s::NOT_ALLOWED => Code::NotAllowed,
        s::NOT_CARRIER => Code::NotCarrier,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{t, Lang};

    /// Every code the server can put in an answer, a sync result or a
    /// flag has its own text in Indonesian and in English.
    #[test]
    fn every_code_the_server_sends_has_its_own_text_in_both_languages() {
        let mut seen = Vec::new();
        for &code in p::ALL.iter().chain(s::ALL) {
            let text = code_text(code).unwrap_or_else(|| panic!("no text for {code}"));
            assert!(!t(Lang::Id, text).is_empty() && !t(Lang::En, text).is_empty(), "{code}");
            assert_ne!(t(Lang::Id, text), t(Lang::En, text), "{code} is not in Indonesian");
            assert!(!seen.contains(&text), "{code} shares its text with another code");
            seen.push(text);
        }
        assert_eq!(code_text("no_such_code"), None);
    }
}
