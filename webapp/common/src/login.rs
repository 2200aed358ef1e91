//! Login: one form, for every role.

use crate::api::{self, ApiError, Session};
use crate::forms::value_of;
use crate::i18n::{t, Lang, C};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub on_login: Callback<Session>,
}

#[component]
pub fn Login(props: &Props) -> Html {
    let username = use_node_ref();
    let password = use_node_ref();
    let error = use_state(|| None::<C>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (username, password, error, busy, on_login) =
            (username.clone(), password.clone(), error.clone(), busy.clone(), props.on_login.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (u, p) = (value_of(&username), value_of(&password));
            let (error, busy, on_login) = (error.clone(), busy.clone(), on_login.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::login(u.trim(), &p).await {
                    Ok(s) => on_login.emit(s),
                    Err(ApiError::Network) => error.set(Some(C::Offline)),
                    Err(_) => error.set(Some(C::LoginFailed)),
                }
                busy.set(false);
            });
        })
    };
    let l = props.lang;
    html! {
        <form class="card narrow" {onsubmit}>
            <h1>{ t(l, C::Login) }</h1>
            <label for="username">{ t(l, C::Username) }</label>
            <input id="username" data-testid="login-username" ref={username} autocomplete="username" autocapitalize="none" required=true />
            <label for="password">{ t(l, C::Password) }</label>
            <input id="password" data-testid="login-password" ref={password} type="password" autocomplete="current-password" required=true />
            if let Some(e) = *error {
                <p class="error" role="alert">{ t(l, e) }</p>
            }
            <button type="submit" class="primary" data-testid="login-submit" disabled={*busy}>{ t(l, C::Login) }</button>
        </form>
    }
}
