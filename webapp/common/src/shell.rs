//! What every page of either app starts with: the language (kept between
//! visits) and the session, with the callbacks that change them.

use crate::api::{self, Session};
use crate::i18n::Lang;
use crate::storage;
use yew::prelude::*;

pub struct Shell {
    pub lang: Lang,
    pub session: Option<Session>,
    pub on_login: Callback<Session>,
    /// Ends the session only (here and, when the network carries it, on the
    /// server): whatever an app keeps beside it stays.
    pub end_session: Callback<()>,
    pub on_switch_lang: Callback<MouseEvent>,
}

#[hook]
pub fn use_shell() -> Shell {
    let lang = use_state(|| storage::load::<Lang>(storage::LANG).unwrap_or_default());
    let session = use_state(api::session);
    let on_login = {
        let session = session.clone();
        Callback::from(move |s: Session| session.set(Some(s)))
    };
    let end_session = {
        let session = session.clone();
        Callback::from(move |_: ()| {
            // Forgotten here at once; the server hears of it when it can.
            if let Some(current) = api::session() {
                wasm_bindgen_futures::spawn_local(api::revoke(current.refresh_token));
            }
            storage::remove(storage::SESSION);
            session.set(None);
        })
    };
    let on_switch_lang = {
        let lang = lang.clone();
        Callback::from(move |_: MouseEvent| {
            let next = lang.other();
            storage::save(storage::LANG, &next);
            lang.set(next);
        })
    };
    crate::set_document_lang(*lang);
    Shell { lang: *lang, session: (*session).clone(), on_login, end_session, on_switch_lang }
}
