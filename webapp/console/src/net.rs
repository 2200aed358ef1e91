//! The console works online only, so a dropped network must say so plainly
//! and offer a retry rather than leave a screen half loaded.

use crate::i18n::{t, Lang, T};
use antar_web::api::{self, ApiError};
use std::future::Future;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Starts a screen's load and returns its clean-up, for `use_effect_with`:
/// when the effect's inputs change (another filter, another page) or the
/// screen closes, the load is dropped, so a reply that comes back late can
/// never overwrite the newer one on screen.
pub fn load(work: impl Future<Output = ()> + 'static) -> impl FnOnce() {
    let (work, handle) = futures::future::abortable(work);
    wasm_bindgen_futures::spawn_local(async move {
        let _ = work.await;
    });
    move || handle.abort()
}

#[derive(Properties, PartialEq)]
pub struct FailureProps {
    pub lang: Lang,
    pub error: ApiError,
    #[prop_or_default]
    pub on_retry: Option<Callback<()>>,
}

/// Why a load failed, in words staff can act on, with a retry.
#[component]
pub fn Failure(p: &FailureProps) -> Html {
    let l = p.lang;
    let text = match &p.error {
        ApiError::Network => t(l, T::NetworkDown).to_owned(),
        ApiError::Problem(pd) => problem_text(l, pd),
        ApiError::Unauthorized => t(l, antar_web::i18n::C::LoginFailed).to_owned(),
        ApiError::Other(code) => format!("{} (HTTP {code})", t(l, antar_web::i18n::C::LoadFailed)),
    };
    html! {
        <div class="failure" role="alert" data-testid="network-error">
            <span>{ text }</span>
            if let Some(retry) = &p.on_retry {
                <button class="secondary" data-testid="retry" onclick={retry.reform(|_| ())}>{ t(l, T::Retry) }</button>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SaveBarProps {
    pub lang: Lang,
    /// How the last save went, if one was tried.
    pub outcome: Option<Result<(), ApiError>>,
    /// The form's name in the test ids: `{form}-save`, `-saved`, `-errors`.
    pub form: &'static str,
}

/// A settings form's save button, its "saved", or why the server refused
/// with each field it named.
#[component]
pub fn SaveBar(p: &SaveBarProps) -> Html {
    let l = p.lang;
    html! {
        <>
            <div class="actions">
                <button class="primary" data-testid={format!("{}-save", p.form)}>{ t(l, T::SaveSettings) }</button>
                if let Some(Ok(())) = &p.outcome { <span class="saved" role="status" data-testid={format!("{}-saved", p.form)}>{ t(l, T::Saved) }</span> }
            </div>
            if let Some(Err(e)) = &p.outcome {
                <Failure lang={l} error={e.clone()} />
                if let ApiError::Problem(pd) = e {
                    <ul class="error" data-testid={format!("{}-errors", p.form)}>
                        { for pd.errors.iter().map(|f| html! { <li>{ format!("{}: {}", f.field, f.message) }</li> }) }
                    </ul>
                }
            }
        </>
    }
}

/// A problem as staff read it: what its code means in their language, then
/// the server's own words (which name the card or field).
pub fn problem_text(l: Lang, pd: &antar_shared::wire::ProblemDetails) -> String {
    match crate::i18n::code_text(&pd.code) {
        Some(text) if pd.detail.is_empty() => t(l, text).to_owned(),
        Some(text) => format!("{} ({})", t(l, text), pd.detail),
        None => pd.detail.clone(),
    }
}

/// A click that fetches a file the API makes (with the session's token,
/// which a plain link cannot carry) and hands it to the browser as a
/// download named `name`.
pub fn download(path: String, name: String) -> Callback<MouseEvent> {
    Callback::from(move |_: MouseEvent| {
        let (path, name) = (path.clone(), name.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let Ok((bytes, kind)) = api::get_bytes(&path).await else { return };
            let _ = save_bytes(&bytes, &kind, &name);
        });
    })
}

/// An object URL for bytes of a type: what an `<img>` or a download shows.
pub fn object_url(bytes: &[u8], kind: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(kind);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

fn save_bytes(bytes: &[u8], kind: &str, name: &str) -> Option<()> {
    let url = object_url(bytes, kind)?;
    let doc = web_sys::window()?.document()?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(&url);
    a.set_download(name);
    doc.body()?.append_child(&a).ok()?;
    a.click();
    a.remove();
    // The object URL is left for the page's life: revoking it at once can
    // cancel the download before the browser has read it.
    Some(())
}
