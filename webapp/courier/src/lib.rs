//! Antar's courier app: the phone in the field, offline first, served at
//! `/` as a PWA. Staff and admins who log in here are sent to the office
//! console at `/console/`, whose code this bundle does not carry.

pub mod device;
pub mod gps;
pub mod home;
pub mod i18n;
pub mod outbox;
pub mod proof;
pub mod stops;
pub mod storage;

use antar_shared::wire::Role;
use antar_web::{login::Login, secure_context};
use i18n::{t, C};
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

/// The label the app was opened from: a door link `/s/{card_id}` (what a
/// label's QR code holds). The address bar goes back to `/` at once, so a
/// reload later opens the plain list.
fn door_link() -> Option<stops::DoorCode> {
    let w = web_sys::window()?;
    let path = w.location().pathname().ok().filter(|p| p.starts_with("/s/"))?;
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/"));
    }
    stops::door_code(&path).filter(|c| matches!(c, stops::DoorCode::Card(_)))
}

#[component]
pub fn App() -> Html {
    let door = use_state(door_link);
    let shell = antar_web::shell::use_shell();
    let (l, session, end_session) = (shell.lang, shell.session.clone(), shell.end_session.clone());
    let on_logout = end_session.reform(|_: MouseEvent| ());
    let body = match &session {
        None => html! { <Login lang={l} on_login={shell.on_login.clone()} /> },
        Some(s) if s.user.role == Role::Courier => {
            html! { <home::CourierHome lang={l} user={s.user.clone()} on_login_again={end_session.clone()} door={(*door).clone()} /> }
        }
        // Staff and admins work at the desk: the console is its own app.
        Some(_) => {
            antar_web::go_to("/console/");
            html! { <p>{ t(l, C::Loading) }</p> }
        }
    };
    html! {
        <>
            <header class="bar">
                <strong>{ t(l, C::AppName) }</strong>
                <span class="grow"></span>
                <button class="link" onclick={shell.on_switch_lang.clone()}>{ t(l, C::SwitchLang) }</button>
                if let Some(s) = &session {
                    <span class="who">{ &s.user.display_name }</span>
                    <button class="link" data-testid="logout" onclick={on_logout}>{ t(l, C::Logout) }</button>
                }
            </header>
            if !secure_context() {
                <p class="warn" role="alert">{ t(l, C::NotSecure) }</p>
            }
            <main>{ body }</main>
        </>
    }
}
