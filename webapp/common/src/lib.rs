//! What Antar's two web apps share, and nothing else: the API client with
//! its session and refresh, localStorage, the i18n machinery, form helpers
//! and the login form. The courier's phone app (`antar-courier`) and the
//! office console (`antar-console`) each build on it; neither sees the
//! other's code, so the phone never downloads the desk.

pub mod api;
pub mod codes;
pub mod forms;
pub mod i18n;
pub mod login;
pub mod shell;
pub mod storage;

/// Whether the page was served over HTTPS (or from localhost): camera, GPS,
/// service workers and WebCrypto need it.
pub fn secure_context() -> bool {
    web_sys::window().is_some_and(|w| w.is_secure_context())
}

/// Sets the page's `lang` attribute, for screen readers and hyphenation.
pub fn set_document_lang(lang: i18n::Lang) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = doc.set_attribute("lang", lang.code());
    }
}

/// Leaves this app for the other one (`/` or `/console/`), replacing the
/// history entry so Back does not bounce between them.
pub fn go_to(path: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().replace(path);
    }
}
