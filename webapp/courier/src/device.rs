//! Bindings to `device.js`: IndexedDB, Web Locks, persistent storage, photo
//! shrinking, the signature pad and the label scanner. The script is loaded before the app, so
//! `globalThis.antarDevice` is there when these are called.

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Whether the browser can scan QR codes with the camera.
    #[wasm_bindgen(js_namespace = antarDevice, js_name = canScan)]
    pub fn can_scan() -> bool;
    /// The text of the first QR code the camera sees in `video`.
    #[wasm_bindgen(js_namespace = antarDevice, js_name = scanQr)]
    pub fn scan_qr(video: &web_sys::HtmlVideoElement) -> Promise;
    #[wasm_bindgen(js_namespace = antarDevice, js_name = write)]
    pub fn write(ops_json: &str) -> Promise;
    #[wasm_bindgen(js_namespace = antarDevice, js_name = all)]
    pub fn all(store: &str) -> Promise;
    #[wasm_bindgen(js_namespace = antarDevice, js_name = get)]
    pub fn get(store: &str, key: &str) -> Promise;
    #[wasm_bindgen(js_namespace = antarDevice, js_name = putMedia)]
    pub fn put_media(sha: &str, bytes: &Uint8Array, content_type: &str) -> Promise;
    #[wasm_bindgen(js_namespace = antarDevice, js_name = mediaKeys)]
    pub fn media_keys() -> Promise;
    #[wasm_bindgen(js_namespace = antarDevice, js_name = getMedia)]
    pub fn get_media(sha: &str) -> Promise;
    #[wasm_bindgen(js_namespace = antarDevice, js_name = exclusive)]
    pub fn exclusive(name: &str, work: &js_sys::Function) -> Promise;
    #[wasm_bindgen(js_namespace = antarDevice, js_name = persist)]
    pub fn persist() -> Promise;
    /// Resolves to the sealed NIK as JSON `{epk, ct}`.
    #[wasm_bindgen(js_namespace = antarDevice, js_name = sealNik)]
    pub fn seal_nik(server_key: &str, card_id: &str, nik: &str) -> Promise;
    #[wasm_bindgen(js_namespace = antarDevice, js_name = shrinkPhoto)]
    pub fn shrink_photo(file: &web_sys::File, max_bytes: u32) -> Promise;

    /// A drawing surface on a canvas.
    pub type SignaturePad;
    #[wasm_bindgen(js_namespace = antarDevice, js_name = signaturePad)]
    pub fn signature_pad(canvas: &web_sys::HtmlCanvasElement) -> SignaturePad;
    #[wasm_bindgen(method, structural, js_name = isEmpty)]
    pub fn is_empty(this: &SignaturePad) -> bool;
    #[wasm_bindgen(method, structural)]
    pub fn clear(this: &SignaturePad);
    #[wasm_bindgen(method, structural)]
    pub fn png(this: &SignaturePad) -> Promise;
}
