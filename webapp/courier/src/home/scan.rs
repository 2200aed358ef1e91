//! At the door: scan the label's QR code (the browser's BarcodeDetector,
//! where it has one) or type the stop number printed on the label.

use crate::device;
use crate::i18n::{t, Lang, T};
use antar_web::forms::value_of;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ScanProps {
    pub lang: Lang,
    /// What was scanned or typed.
    pub on_code: Callback<String>,
    pub on_close: Callback<()>,
}

#[component]
pub fn ScanPanel(p: &ScanProps) -> Html {
    let l = p.lang;
    let video = use_node_ref();
    let camera = use_state(device::can_scan);
    {
        let (video, on_code, camera) = (video.clone(), p.on_code.clone(), camera.clone());
        use_effect_with((), move |_| {
            let element = video.cast::<web_sys::HtmlVideoElement>();
            if let Some(v) = element.clone().filter(|_| *camera) {
                wasm_bindgen_futures::spawn_local(async move {
                    match wasm_bindgen_futures::JsFuture::from(device::scan_qr(&v)).await {
                        Ok(text) => on_code.emit(text.as_string().unwrap_or_default()),
                        // No camera after all, or permission refused: typing remains.
                        Err(_) => camera.set(false),
                    }
                });
            }
            move || {
                // Closing the panel stops the camera.
                if let Some(v) = element {
                    let _ = v.set_attribute("data-stop", "1");
                }
            }
        });
    }
    let typed = use_node_ref();
    let onsubmit = {
        let (typed, on_code) = (typed.clone(), p.on_code.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_code.emit(value_of(&typed));
        })
    };
    html! {
        <div class="card scan" data-testid="scan-panel">
            <strong>{ t(l, T::ScanTitle) }</strong>
            if *camera {
                <video ref={video} class="scan-video" data-testid="scan-video" muted=true playsinline=true></video>
            } else {
                <video ref={video} hidden=true></video>
                <p class="muted" data-testid="scan-no-camera">{ t(l, T::ScanNoCamera) }</p>
            }
            <form class="inline" {onsubmit}>
                <input ref={typed} data-testid="scan-code" inputmode="numeric" aria-label={t(l, T::ScanCode)} placeholder={t(l, T::ScanCode)} />
                <button type="submit" class="secondary" data-testid="scan-submit">{ t(l, T::ScanOpen) }</button>
            </form>
            <button class="link" data-testid="scan-close" onclick={p.on_close.reform(|_| ())}>{ t(l, T::Cancel) }</button>
        </div>
    }
}
