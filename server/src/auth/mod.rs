//! Who is calling: password hashes, access tokens (JWT), rotating refresh
//! tokens and the extractors that enforce roles.

pub mod device;
pub mod extract;
pub mod nik_seal;
pub mod password;
pub mod refresh;

use antar_shared::wire::Role;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

pub use extract::{Admin, AuthUser, Courier, Staff};

const ISSUER: &str = "antar";
const AUDIENCE: &str = "antar-api";
/// Access tokens are short-lived; the refresh token carries the session.
pub const ACCESS_TTL_SECS: i64 = 15 * 60;
/// A courier offline for two weeks must still be able to sync.
pub const REFRESH_TTL_DAYS: i64 = 30;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub office: String,
    pub role: Role,
    /// The user's session epoch when the token was issued; a token of an
    /// earlier epoch is refused (see `db::users::UserRow::session_epoch`).
    #[serde(default)]
    pub sep: i32,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

/// Keys derived from the one server secret, each for one purpose.
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    refresh: Vec<u8>,
    tag: Vec<u8>,
    /// Signs device cookies.
    pub device: Vec<u8>,
    /// Opens the NIKs phones seal at the door.
    pub seal: nik_seal::SealKey,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

pub fn hmac256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(Sha256::digest(data))
}

impl Keys {
    /// # Errors
    /// Never in practice: no valid sealing key among 64 derivations has odds
    /// of about 2⁻²⁰⁴⁸.
    pub fn new(secret: &[u8]) -> Result<Keys, &'static str> {
        let jwt = hmac256(secret, &[b"antar/jwt"]);
        // Only HS256 is accepted: `alg: none` and algorithm swaps fail.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 30;
        Ok(Keys {
            seal: nik_seal::SealKey::derive(secret).ok_or("no NIK sealing key derives from the secret")?,
            encoding: EncodingKey::from_secret(&jwt),
            decoding: DecodingKey::from_secret(&jwt),
            validation,
            refresh: hmac256(secret, &[b"antar/refresh"]).to_vec(),
            tag: hmac256(secret, &[b"antar/nik-tag"]).to_vec(),
            device: hmac256(secret, &[b"antar/device-cookie"]).to_vec(),
        })
    }

    pub fn access_token(
        &self,
        user_id: &str,
        office_id: &str,
        role: Role,
        session_epoch: i32,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_owned(),
            office: office_id.to_owned(),
            role,
            sep: session_epoch,
            iat: now,
            exp: now + ACCESS_TTL_SECS,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map(|d| d.claims)
    }

    /// The refresh token for a row id: `id.mac`. Deterministic, so the
    /// server can hand out the same successor again without storing it.
    pub fn refresh_token(&self, id: &str) -> String {
        use base64::Engine;
        let mac = hmac256(&self.refresh, &[id.as_bytes()]);
        format!("{id}.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac))
    }

    /// The per-card key the phone gets to check a typed NIK against the
    /// card's tag without ever holding the NIK.
    pub fn card_check_key(&self, card_id: &str) -> [u8; 32] {
        hmac256(&self.tag, &[card_id.as_bytes()])
    }
}
