//! The identity check at the door, without the phone holding the NIK.
//!
//! The server gives the phone, per card, a key derived from its secret and
//! the card id, and a 10-bit tag of the card's NIK under that key, and no
//! digit of the NIK. The phone tags the NIK the recipient types (from their
//! KK or old card) and compares: a typo or a wrong person is caught at the
//! door with probability 1 − 2⁻¹⁰ (99.9 %), and always by the server, which
//! receives the typed NIK sealed to its public key (`seal`) and flags a
//! mismatch. Ten bits leave an offline attacker holding the phone
//! hundreds of thousands of equally likely NIKs per card (birth dates ×
//! serials ÷ 2¹⁰); with the last four digits and 20 bits, as the phone once
//! held, one or two were left (tested in `tests/http/nik_privacy.rs`).
//!
//! DESIGN.md sketches the tag as HMAC(server key, card id ‖ NIK); the phone
//! could not compute that without the server key, so the key is derived per
//! card instead: HMAC(HMAC(server key, card id), NIK). A leaked phone reveals
//! per-card keys only, never the server key.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

pub const TAG_BITS: u32 = 10;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NikCheck {
    /// The card's check key, hex.
    pub key: String,
    /// The top 10 bits of HMAC-SHA256(key, NIK).
    pub tag: u32,
    /// The server's public key to seal the typed NIK to (base64url P-256
    /// point); empty from a server that takes no sealed NIK.
    #[serde(default)]
    pub seal: String,
}

/// The tag of `nik` under `key`.
pub fn nik_tag(key: &[u8], nik: &str) -> u32 {
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key) else { return 0 };
    mac.update(nik.trim().as_bytes());
    let out = mac.finalize().into_bytes();
    u32::from_be_bytes([out[0], out[1], out[2], out[3]]) >> (32 - TAG_BITS)
}

impl NikCheck {
    pub fn new(key: &[u8], nik: &str, seal: &str) -> NikCheck {
        NikCheck { key: hex::encode(key), tag: nik_tag(key, nik), seal: seal.to_owned() }
    }

    /// Whether the typed NIK may be the card's (up to the tag's 10 bits).
    pub fn matches(&self, typed: &str) -> bool {
        let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
        hex::decode(&self.key).is_ok_and(|key| digits.len() == 16 && nik_tag(&key, &digits) == self.tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_holders_nik_matches_and_a_typo_does_not() {
        let check = NikCheck::new(b"card-key-0123456789abcdef0123456", "1871110211750001", "");
        assert!(check.tag < 1 << TAG_BITS);
        assert!(check.matches("1871110211750001"));
        assert!(check.matches("1871 1102 1175 0001"), "spaces as people type them");
        // A 10-bit tag lets 1 in 1,024 wrong NIKs through: count them.
        let passed = (0..10_000).filter(|i| check.matches(&format!("1871110211{:06}", 750_002 + i))).count();
        assert!(passed < 30, "{passed} of 10,000 wrong NIKs passed");
        assert!(!check.matches("1871110211750"));
        let other_card = NikCheck::new(b"another-card-key-0123456789abcde", "1871110211750001", "");
        assert_ne!(other_card.key, check.key);
    }

    #[test]
    fn the_check_carries_no_nik() {
        let check = NikCheck::new(b"k", "1871110211750001", "");
        let wire = serde_json::to_string(&check).unwrap();
        assert!(!wire.contains("1871110211750001") && !wire.contains("0001"));
    }
}
