//! What the phone keeps between visits, beside the session and language
//! (`antar_web::storage`): the device id in localStorage (read synchronously
//! at start); routes, the outbox and images waiting for upload in IndexedDB
//! (`idb`). Logging out clears the session only: unsent work stays.

pub use antar_web::storage::*;

/// Where earlier versions kept routes and the outbox; moved to IndexedDB.
pub const ROUTES: &str = "antar.routes";
pub const OUTBOX: &str = "antar.outbox";
pub const DEVICE: &str = "antar.device";

/// This phone's id, made once.
pub fn device_id() -> String {
    if let Some(id) = load::<String>(DEVICE) {
        return id;
    }
    let id = new_id();
    save(DEVICE, &id);
    id
}

/// The phone's durable store (IndexedDB, through `device.js`): routes, the
/// outbox, and photos waiting for upload. Every action is written here
/// before anything is sent, and entries are never rewritten.
pub mod idb {
    use super::{load, remove, OUTBOX, ROUTES};
    use crate::device;
    use crate::outbox::{answers, Answer, Outbox, Rejected};
    use crate::proof::FormDraft;
    use antar_shared::wire::{CourierRoute, ProofRules, SyncEvent, SyncResult};
    use js_sys::Uint8Array;
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Serialize};
    use serde_json::json;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    /// The phone would not store something (storage blocked or full).
    #[derive(Debug, Clone, PartialEq)]
    pub struct StoreError(pub String);

    fn error(v: JsValue) -> StoreError {
        StoreError(
            v.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .or_else(|| v.as_string())
                .unwrap_or_else(|| "storage failed".to_owned()),
        )
    }

    async fn wait(p: js_sys::Promise) -> Result<JsValue, StoreError> {
        JsFuture::from(p).await.map_err(error)
    }

    /// Writes that land together or not at all.
    #[derive(Default)]
    struct Ops(Vec<serde_json::Value>);

    impl Ops {
        fn add(&mut self, store: &str, value: serde_json::Value) {
            self.0.push(json!({ "op": "add", "store": store, "value": value }));
        }
        fn put(&mut self, store: &str, value: serde_json::Value) {
            self.0.push(json!({ "op": "put", "store": store, "value": value }));
        }
        fn put_key(&mut self, store: &str, key: &str, value: serde_json::Value) {
            self.0.push(json!({ "op": "put", "store": store, "key": key, "value": value }));
        }
        fn delete(&mut self, store: &str, key: &str) {
            self.0.push(json!({ "op": "delete", "store": store, "key": key }));
        }
        async fn commit(self) -> Result<(), StoreError> {
            if self.0.is_empty() {
                return Ok(());
            }
            let text = serde_json::Value::Array(self.0).to_string();
            wait(device::write(&text)).await.map(|_| ())
        }
    }

    #[derive(Serialize, Deserialize)]
    struct Pending {
        id: String,
        seq: f64,
        event: SyncEvent,
    }

    #[derive(Serialize, Deserialize)]
    struct Answered {
        id: String,
        event: SyncEvent,
    }

    #[derive(Serialize, Deserialize)]
    struct Refused {
        id: String,
        rejected: Rejected,
    }

    async fn all<T: DeserializeOwned>(store: &str) -> Result<Vec<T>, StoreError> {
        let text = wait(device::all(store)).await?.as_string().unwrap_or_default();
        serde_json::from_str(&text).map_err(|e| StoreError(format!("{store}: {e}")))
    }

    async fn kv<T: DeserializeOwned>(key: &str) -> Result<Option<T>, StoreError> {
        let found = wait(device::get("kv", key)).await?;
        Ok(found.as_string().and_then(|text| serde_json::from_str(&text).ok()))
    }

    fn put_kv<T: Serialize>(ops: &mut Ops, key: &str, value: &T) {
        if let Ok(v) = serde_json::to_value(value) {
            ops.put_key("kv", key, v);
        }
    }

    /// The outbox as stored.
    pub async fn load_outbox() -> Result<Outbox, StoreError> {
        let pending: Vec<Pending> = all("pending").await?;
        let sent: Vec<Answered> = all("answered").await?;
        let rejected: Vec<Refused> = all("rejected").await?;
        Ok(Outbox {
            pending: pending.into_iter().map(|p| p.event).collect(),
            sent: sent.into_iter().map(|a| a.event).collect(),
            rejected: rejected.into_iter().map(|r| r.rejected).collect(),
            last_sync: kv("last_sync").await?,
        })
    }

    /// Records new actions, in order. `add`, never `put`: an entry once
    /// written is never replaced.
    pub async fn record(events: &[SyncEvent]) -> Result<(), StoreError> {
        let mut ops = Ops::default();
        for entry in pending_entries(events) {
            ops.add("pending", entry);
        }
        // A delivery saved ends its draft, in the same transaction.
        if events.iter().any(|e| e.kind == "delivered") {
            ops.delete("kv", DRAFT);
        }
        ops.commit().await
    }

    const DRAFT: &str = "draft";

    /// Keeps the delivery form as it is being filled in (a blank one: none).
    pub async fn save_draft(draft: &FormDraft) -> Result<(), StoreError> {
        let mut ops = Ops::default();
        if draft.is_blank() {
            ops.delete("kv", DRAFT);
        } else {
            put_kv(&mut ops, DRAFT, draft);
        }
        ops.commit().await
    }

    pub async fn load_draft() -> Result<Option<FormDraft>, StoreError> {
        kv(DRAFT).await
    }

    /// The form was closed without saving: its draft goes.
    pub async fn clear_draft() -> Result<(), StoreError> {
        let mut ops = Ops::default();
        ops.delete("kv", DRAFT);
        ops.commit().await
    }

    /// Outbox entries for `events`, ordered after everything recorded before.
    fn pending_entries(events: &[SyncEvent]) -> impl Iterator<Item = serde_json::Value> + '_ {
        let base = js_sys::Date::now() * 1000.0;
        events.iter().enumerate().filter_map(move |(i, event)| {
            serde_json::to_value(Pending { id: event.id.clone(), seq: base + i as f64, event: event.clone() }).ok()
        })
    }

    /// Keeps an answered event where its answer puts it.
    fn put_answer(ops: &mut Ops, answer: Answer) {
        let (store, value) = match answer {
            Answer::Sent(event) => ("answered", serde_json::to_value(Answered { id: event.id.clone(), event })),
            Answer::Rejected(r) => ("rejected", serde_json::to_value(Refused { id: r.event.id.clone(), rejected: r })),
        };
        if let Ok(v) = value {
            ops.put(store, v);
        }
    }

    /// Takes the server's answer to `sent`, in one transaction.
    pub async fn save_answer(sent: &[SyncEvent], results: &[SyncResult], at: &str) -> Result<(), StoreError> {
        let mut ops = Ops::default();
        for answer in answers(sent, results) {
            ops.delete("pending", answer.id());
            put_answer(&mut ops, answer);
        }
        put_kv(&mut ops, "last_sync", &at);
        ops.commit().await
    }

    /// Routes downloaded after these events were answered show them.
    pub async fn save_routes(
        routes: &[CourierRoute],
        proof: Option<&ProofRules>,
        answered_before: &[String],
    ) -> Result<(), StoreError> {
        let mut ops = Ops::default();
        put_kv(&mut ops, "routes", &routes);
        if let Some(proof) = proof {
            put_kv(&mut ops, "proof", proof);
        }
        for id in answered_before {
            ops.delete("answered", id);
        }
        ops.commit().await
    }

    pub async fn load_routes() -> Result<Vec<CourierRoute>, StoreError> {
        Ok(kv("routes").await?.unwrap_or_default())
    }

    pub async fn load_proof() -> Result<ProofRules, StoreError> {
        Ok(kv("proof").await?.unwrap_or_default())
    }

    /// The courier read a refusal; the server keeps it for staff review.
    pub async fn dismiss(id: &str) -> Result<(), StoreError> {
        let mut ops = Ops::default();
        ops.delete("rejected", id);
        ops.commit().await
    }

    /// Keeps an image until it is uploaded.
    pub async fn save_media(sha: &str, bytes: &[u8], content_type: &str) -> Result<(), StoreError> {
        wait(device::put_media(sha, &Uint8Array::from(bytes), content_type)).await.map(|_| ())
    }

    /// Hashes of images still to upload.
    pub async fn media_waiting() -> Result<Vec<String>, StoreError> {
        let text = wait(device::media_keys()).await?.as_string().unwrap_or_default();
        serde_json::from_str(&text).map_err(|e| StoreError(format!("media: {e}")))
    }

    /// An image's bytes and type, if still kept.
    pub async fn media(sha: &str) -> Result<Option<(Uint8Array, String)>, StoreError> {
        let v = wait(device::get_media(sha)).await?;
        if v.is_null() || v.is_undefined() {
            return Ok(None);
        }
        let bytes = js_sys::Reflect::get(&v, &"bytes".into()).map_err(error)?;
        let kind = js_sys::Reflect::get(&v, &"type".into()).map_err(error)?.as_string().unwrap_or_default();
        Ok(Some((bytes.unchecked_into(), kind)))
    }

    pub async fn forget_media(sha: &str) -> Result<(), StoreError> {
        let mut ops = Ops::default();
        ops.delete("media", sha);
        ops.commit().await
    }

    /// Moves what an earlier version kept in localStorage into IndexedDB;
    /// the old copy goes only once the new one is written.
    pub async fn migrate_from_local_storage() -> Result<(), StoreError> {
        let old: Option<Outbox> = load(OUTBOX);
        let routes: Option<Vec<CourierRoute>> = load(ROUTES);
        if old.is_none() && routes.is_none() {
            return Ok(());
        }
        let mut ops = Ops::default();
        if let Some(old) = &old {
            // `put`: a move interrupted before the old copy went is redone.
            for entry in pending_entries(&old.pending) {
                ops.put("pending", entry);
            }
            let sent = old.sent.iter().cloned().map(Answer::Sent);
            for answer in sent.chain(old.rejected.iter().cloned().map(Answer::Rejected)) {
                put_answer(&mut ops, answer);
            }
            if let Some(at) = &old.last_sync {
                put_kv(&mut ops, "last_sync", at);
            }
        }
        if let Some(routes) = &routes {
            put_kv(&mut ops, "routes", routes);
        }
        ops.commit().await?;
        remove(OUTBOX);
        remove(ROUTES);
        Ok(())
    }

    /// Runs `work` unless another tab of this app is already running work
    /// under `name` (Web Locks); `false` when it did not run.
    pub async fn exclusive(name: &str, work: impl std::future::Future<Output = ()> + 'static) -> bool {
        let run = wasm_bindgen::closure::Closure::once_into_js(move || {
            wasm_bindgen_futures::future_to_promise(async move {
                work.await;
                Ok(JsValue::UNDEFINED)
            })
        });
        wait(device::exclusive(name, run.unchecked_ref())).await.ok().and_then(|v| v.as_bool()).unwrap_or(false)
    }

    /// Asks the browser not to evict the outbox under storage pressure;
    /// `false` when it refused.
    pub async fn persist() -> bool {
        wait(device::persist()).await.ok().and_then(|v| v.as_string()).is_none_or(|s| s != "refused")
    }
}
