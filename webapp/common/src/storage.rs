//! What a browser keeps for either app in localStorage: the session and the
//! language (the same origin, so a staffer who logs in at `/` is logged in
//! at `/console/` too).

use serde::de::DeserializeOwned;
use serde::Serialize;

pub const SESSION: &str = "antar.session";
pub const LANG: &str = "antar.lang";

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    let raw = local()?.get_item(key).ok().flatten()?;
    serde_json::from_str(&raw).ok()
}

/// Saves a value; `false` when the phone refused (storage full or blocked).
pub fn save<T: Serialize>(key: &str, value: &T) -> bool {
    let (Some(store), Ok(raw)) = (local(), serde_json::to_string(value)) else { return false };
    store.set_item(key, &raw).is_ok()
}

pub fn remove(key: &str) {
    if let Some(store) = local() {
        let _ = store.remove_item(key);
    }
}

/// A UUID made on the phone: `crypto.randomUUID`'s random bits behind the
/// phone's time (v7), so the server's log takes new events at its end
/// (`antar_shared::ids`).
pub fn new_id() -> String {
    let random = web_sys::window().and_then(|w| w.crypto().ok()).map(|c| c.random_uuid()).unwrap_or_default();
    // `Date.now()` is whole milliseconds since 1970, never negative here.
    let ms = js_sys::Date::now().max(0.0) as u64;
    antar_shared::ids::time_ordered(ms, &random).unwrap_or(random)
}

/// The time now, as the device's clock says (ISO 8601, UTC).
pub fn now_iso() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}
