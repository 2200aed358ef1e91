//! The desk's scan field: a USB barcode scanner types an envelope label's
//! door link and Enter into it (typing the label's number or the card id
//! works too). Each scan moves one card — handed out to the courier, or
//! received back at the office — and shows at once, without a sound, what
//! happened or why the desk refused it; the field keeps the focus for the
//! next envelope.

use crate::i18n::{t, Lang, T};
use crate::net::problem_text;
use antar_shared::wire::{DeskScan, DeskScanRequest};
use antar_web::api::{self, ApiError};
use yew::prelude::*;

/// Which way the scanned card goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    HandOut,
    Receive,
}

impl Way {
    fn call(self) -> &'static str {
        match self {
            Way::HandOut => "handout",
            Way::Receive => "receive",
        }
    }

    fn testid(self) -> &'static str {
        match self {
            Way::HandOut => "handout-scan",
            Way::Receive => "return-scan",
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct ScanProps {
    pub lang: Lang,
    pub courier_id: String,
    pub date: String,
    pub way: Way,
    /// After each card that moved, so the lists beside it refresh.
    pub on_moved: Callback<()>,
}

#[component]
pub fn ScanField(p: &ScanProps) -> Html {
    let l = p.lang;
    let result = use_state(|| None::<Result<DeskScan, ApiError>>);
    let field = use_node_ref();
    let onsubmit = {
        let (result, field, on_moved) = (result.clone(), field.clone(), p.on_moved.clone());
        let path = format!("/api/v1/couriers/{}/days/{}/{}", p.courier_id, p.date, p.way.call());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // Read from the field itself, not kept in state per keystroke: a
            // scanner types a whole link in a few milliseconds.
            let Some(input) = field.cast::<web_sys::HtmlInputElement>() else { return };
            let code = input.value().trim().to_owned();
            if code.is_empty() {
                return;
            }
            input.set_value("");
            let (result, field, on_moved, path) = (result.clone(), field.clone(), on_moved.clone(), path.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let got = api::post::<_, DeskScan>(&path, &DeskScanRequest { code }).await;
                let moved = got.as_ref().is_ok_and(|s| !s.already);
                result.set(Some(got));
                if let Some(input) = field.cast::<web_sys::HtmlInputElement>() {
                    let _ = input.focus();
                }
                if moved {
                    on_moved.emit(());
                }
            });
        })
    };
    let (label, done) = match p.way {
        Way::HandOut => (T::ScanHandOut, T::ScanHandedOut),
        Way::Receive => (T::ScanReceive, T::ScanReceived),
    };
    let shown = match &*result {
        None => html! {},
        Some(Ok(s)) => {
            let seq = s.seq.map(|n| format!("#{n} ")).unwrap_or_default();
            let what = if s.already { t(l, T::ScanAlready) } else { t(l, done) };
            html! {
                <p class="scan-result ok" role="status" data-testid="scan-result" data-outcome={if s.already { "already" } else { "moved" }}
                    data-card-id={s.card_id.clone()}>
                    { format!("✓ {seq}{} — {what}", s.name) }
                </p>
            }
        }
        Some(Err(e)) => {
            let why = match e {
                ApiError::Problem(pd) => problem_text(l, pd),
                ApiError::Network => t(l, T::NetworkDown).to_owned(),
                other => format!("{other:?}"),
            };
            html! {
                <p class="scan-result refused" role="alert" data-testid="scan-result" data-outcome="refused">
                    { format!("✗ {}: {why}", t(l, T::ScanRefused)) }
                </p>
            }
        }
    };
    html! {
        <form class="scan" {onsubmit}>
            <label>{ t(l, label) }
                <input ref={field} data-testid={p.way.testid()}
                    autocomplete="off" inputmode="text" placeholder={t(l, T::ScanPlaceholder)} />
            </label>
            { shown }
        </form>
    }
}
