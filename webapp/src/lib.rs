//! Antar's web app: the courier's field app and the office's desk, one yew
//! PWA served by the server itself.

pub mod api;
pub mod device;
pub mod gps;
pub mod i18n;
pub mod outbox;
pub mod pages;
pub mod proof;
pub mod stops;
pub mod storage;

use antar_shared::wire::Role;
use i18n::{t, Lang, T};
use yew::prelude::*;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    register_service_worker();
    yew::Renderer::<App>::new().render();
}

#[cfg(target_arch = "wasm32")]
fn register_service_worker() {
    if let Some(w) = web_sys::window() {
        // Absent outside a secure context: the app still works online.
        let container = w.navigator().service_worker();
        if !container.is_undefined() {
            let _ = container.register("/sw.js");
        }
    }
}

fn secure_context() -> bool {
    web_sys::window().is_some_and(|w| w.is_secure_context())
}

#[component]
pub fn App() -> Html {
    let lang = use_state(|| storage::load::<Lang>(storage::LANG).unwrap_or_default());
    let session = use_state(api::session);

    let on_login = {
        let session = session.clone();
        Callback::from(move |s: api::Session| session.set(Some(s)))
    };
    // Ends the session only: unsent work stays on the phone.
    let end_session = {
        let session = session.clone();
        Callback::from(move |_: ()| {
            storage::remove(storage::SESSION);
            session.set(None);
        })
    };
    let on_logout = end_session.reform(|_: MouseEvent| ());
    let on_lang = {
        let lang = lang.clone();
        Callback::from(move |_: MouseEvent| {
            let next = lang.other();
            storage::save(storage::LANG, &next);
            lang.set(next);
        })
    };
    let l = *lang;
    if let Some(doc) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = doc.set_attribute("lang", l.code());
    }
    let body = match &*session {
        None => html! { <pages::login::Login lang={l} on_login={on_login} /> },
        Some(s) if s.user.role == Role::Courier => {
            html! { <pages::courier::CourierHome lang={l} user={s.user.clone()} on_login_again={end_session.clone()} /> }
        }
        Some(_) => html! { <pages::staff::StaffHome lang={l} /> },
    };
    html! {
        <>
            <header class="bar">
                <strong>{ t(l, T::AppName) }</strong>
                <span class="grow"></span>
                <button class="link" onclick={on_lang}>{ t(l, T::SwitchLang) }</button>
                if let Some(s) = &*session {
                    <span class="who">{ &s.user.display_name }</span>
                    <button class="link" data-testid="logout" onclick={on_logout}>{ t(l, T::Logout) }</button>
                }
            </header>
            if !secure_context() {
                <p class="warn" role="alert">{ t(l, T::NotSecure) }</p>
            }
            <main>{ body }</main>
        </>
    }
}
