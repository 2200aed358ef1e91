//! The NIK typed at the door, sealed on the phone to the server's public
//! key, so the phone can send it without being able to read it back — and
//! without keeping anything an offline attack could test NIKs against
//! beyond the short tag (see `antar_shared::doorstep`).
//!
//! The scheme is ECIES on P-256, all of it in every browser's WebCrypto (the
//! phone seals in `webapp/static/device.js`, adding nothing to the wasm):
//! an ephemeral ECDH key pair, the shared secret's x-coordinate through
//! HKDF-SHA256 (salt: the ephemeral public key; info: `antar/nik-seal/v1`
//! and the card id) into an AES-256-GCM key, a zero nonce (each key is used
//! once) and the card id as associated data, so a sealed NIK cannot be
//! moved to another card. The server's key pair derives from its secret, so
//! every process sharing the secret opens what any phone sealed.

use antar_shared::payload::SealedNik;
use base64::Engine;
use p256::elliptic_curve::sec1::ToEncodedPoint;

const INFO: &[u8] = b"antar/nik-seal/v1";

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
}

/// The server's sealing key pair.
pub struct SealKey {
    secret: p256::SecretKey,
    public: String,
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealKey({})", self.public)
    }
}

fn aes_key(shared_x: &[u8], epk: &[u8], card_id: &str) -> Option<[u8; 32]> {
    let hk = hkdf::Hkdf::<sha2::Sha256>::new(Some(epk), shared_x);
    let mut key = [0u8; 32];
    hk.expand_multi_info(&[INFO, card_id.as_bytes()], &mut key).ok()?;
    Some(key)
}

fn cipher(key: &[u8; 32]) -> aes_gcm::Aes256Gcm {
    use aes_gcm::KeyInit;
    aes_gcm::Aes256Gcm::new(key.into())
}

impl SealKey {
    /// The key pair derived from the server secret (the first derivation
    /// that is a valid scalar: all but a 2⁻³² fraction are).
    pub fn derive(server_secret: &[u8]) -> Option<SealKey> {
        (0u32..64).find_map(|counter| {
            let bytes = super::hmac256(server_secret, &[b"antar/nik-seal", &counter.to_be_bytes()]);
            let secret = p256::SecretKey::from_slice(&bytes).ok()?;
            let public = b64().encode(secret.public_key().to_encoded_point(false).as_bytes());
            Some(SealKey { secret, public })
        })
    }

    /// The public key the phone seals to: the uncompressed point, base64url.
    pub fn public(&self) -> &str {
        &self.public
    }

    /// The NIK sealed for `card_id`, or `None` when the seal does not open
    /// (another card's, damaged, or sealed to another key).
    pub fn open(&self, card_id: &str, sealed: &SealedNik) -> Option<String> {
        use aes_gcm::aead::{Aead, Payload};
        let epk = b64().decode(&sealed.epk).ok()?;
        let ct = b64().decode(&sealed.ct).ok()?;
        let their = p256::PublicKey::from_sec1_bytes(&epk).ok()?;
        let shared = p256::ecdh::diffie_hellman(self.secret.to_nonzero_scalar(), their.as_affine());
        let key = aes_key(shared.raw_secret_bytes(), &epk, card_id)?;
        let plain = cipher(&key).decrypt(&[0u8; 12].into(), Payload { msg: &ct, aad: card_id.as_bytes() }).ok()?;
        String::from_utf8(plain).ok()
    }
}

/// Seals `nik` for `card_id` to a public key as the phone does (tests and
/// clients other than the browser app).
pub fn seal(public: &str, card_id: &str, nik: &str) -> Option<SealedNik> {
    use aes_gcm::aead::{Aead, Payload};
    let theirs = p256::PublicKey::from_sec1_bytes(&b64().decode(public).ok()?).ok()?;
    let ephemeral = p256::ecdh::EphemeralSecret::random(&mut p256::elliptic_curve::rand_core::OsRng);
    let epk = ephemeral.public_key().to_encoded_point(false).as_bytes().to_vec();
    let shared = ephemeral.diffie_hellman(&theirs);
    let key = aes_key(shared.raw_secret_bytes(), &epk, card_id)?;
    let ct = cipher(&key).encrypt(&[0u8; 12].into(), Payload { msg: nik.as_bytes(), aad: card_id.as_bytes() }).ok()?;
    Some(SealedNik { epk: b64().encode(epk), ct: b64().encode(ct) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_nik_opens_only_on_its_own_card_with_the_servers_key() {
        let key = SealKey::derive(b"server-secret-0123456789abcdef0123").unwrap();
        let same = SealKey::derive(b"server-secret-0123456789abcdef0123").unwrap();
        assert_eq!(key.public(), same.public(), "every process with the secret has the key");
        let sealed = seal(key.public(), "card-1", "1871110211750001").unwrap();
        assert!(!sealed.ct.contains("1871") && !sealed.epk.contains("1871"));
        assert_eq!(key.open("card-1", &sealed).as_deref(), Some("1871110211750001"));
        assert_eq!(key.open("card-2", &sealed), None, "bound to its card");
        let other = SealKey::derive(b"another-secret-0123456789abcdef012").unwrap();
        assert_eq!(other.open("card-1", &sealed), None);
        let mut damaged = sealed.clone();
        damaged.ct.replace_range(0..2, "AA");
        assert_eq!(key.open("card-1", &damaged), None);
        assert_ne!(seal(key.public(), "card-1", "1871110211750001").unwrap().epk, sealed.epk, "fresh each time");
    }
}
