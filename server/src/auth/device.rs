//! Device cookies (OWASP's pattern against online guessing without locking
//! owners out): a successful login leaves an HttpOnly cookie that binds this
//! browser to the user. A login that presents a valid cookie for the
//! username it names skips the per-username and per-address limits, so a
//! stranger guessing a courier's password cannot lock the courier out; only
//! failures made with that very cookie count against it.

use super::hmac256;
use base64::Engine;

/// The cookie's name; it travels only to the login and refresh calls.
pub const COOKIE: &str = "antar_device";
pub const PATH: &str = "/api/v1/auth";
/// A phone may stay logged in for weeks between logins.
pub const MAX_AGE_DAYS: i64 = 365;

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
}

/// A new cookie value for `username`: `nonce.mac`, the MAC over the
/// lower-cased username and the nonce.
pub fn issue(key: &[u8], username: &str) -> String {
    use rand::RngCore;
    let mut nonce = [0u8; 16];
    rand::rng().fill_bytes(&mut nonce);
    let nonce = b64().encode(nonce);
    let mac = hmac256(key, &[username.trim().to_lowercase().as_bytes(), b"|", nonce.as_bytes()]);
    format!("{nonce}.{}", b64().encode(mac))
}

/// The cookie's nonce when it is a genuine cookie issued for `username`.
pub fn verify<'a>(key: &[u8], username: &str, value: &'a str) -> Option<&'a str> {
    let (nonce, mac) = value.split_once('.')?;
    let given = b64().decode(mac).ok()?;
    let want = hmac256(key, &[username.trim().to_lowercase().as_bytes(), b"|", nonce.as_bytes()]);
    // Constant time: the MAC's bytes must not leak through timing.
    let same = given.len() == want.len() && given.iter().zip(want.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    same.then_some(nonce)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_vouches_only_for_its_own_user() {
        let key = b"device-key";
        let cookie = issue(key, "Kurir1");
        assert!(verify(key, "kurir1", &cookie).is_some(), "usernames are case-insensitive");
        assert!(verify(key, "kurir2", &cookie).is_none());
        assert!(verify(b"other-key", "kurir1", &cookie).is_none());
        let (nonce, _) = cookie.split_once('.').unwrap();
        assert!(verify(key, "kurir1", &format!("{nonce}.AAAA")).is_none());
        assert!(verify(key, "kurir1", "garbage").is_none());
    }
}
