//! The sync engine: sends the outbox in batches with the ids made on the
//! phone, then the photos by hash, then downloads the routes again. One tab
//! at a time (Web Locks); a reload mid-sync only resends what the server
//! answers as `duplicate`.

use crate::i18n::{t, Lang, C, T};
use crate::outbox::Outbox;
use crate::storage::{self, idb};
use antar_shared::wire::{CourierRoute, Items, ProofRules, SyncRequest, SyncResponse};
use antar_web::api::{self, ApiError};
use yew::prelude::*;

/// What the courier's screen shows, all of it read back from the phone's
/// store after each change.
#[derive(Clone, PartialEq)]
pub struct View {
    pub routes: UseStateHandle<Vec<CourierRoute>>,
    pub outbox: UseStateHandle<Outbox>,
    pub proof: UseStateHandle<ProofRules>,
    /// Photos and signatures not yet uploaded.
    pub media: UseStateHandle<usize>,
    pub store_error: UseStateHandle<Option<String>>,
}

impl View {
    /// Reads the outbox and the upload queue back from storage.
    pub async fn reload(&self) {
        match idb::load_outbox().await {
            Ok(o) => self.outbox.set(o),
            Err(e) => self.store_error.set(Some(e.0)),
        }
        if let Ok(waiting) = idb::media_waiting().await {
            self.media.set(waiting.len());
        }
    }

    /// What the phone kept from the last visit, before any network.
    pub async fn load_stored(&self) {
        if let Err(e) = idb::migrate_from_local_storage().await {
            self.store_error.set(Some(e.0));
        }
        if let Ok(routes) = idb::load_routes().await {
            self.routes.set(routes);
        }
        if let Ok(proof) = idb::load_proof().await {
            self.proof.set(proof);
        }
        self.reload().await;
    }

    /// Downloads the routes and the office's proof rules; events answered
    /// before the download began are in it and stop counting on top.
    pub async fn refresh_routes(&self) {
        let answered = idb::load_outbox().await.map(|o| o.sent_ids()).unwrap_or_default();
        let Ok(fresh) = api::get::<Items<CourierRoute>>("/api/v1/me/routes").await else { return };
        let proof = api::get::<ProofRules>("/api/v1/me/proof").await.ok();
        if let Err(e) = idb::save_routes(&fresh.items, proof.as_ref(), &answered).await {
            self.store_error.set(Some(e.0));
            return;
        }
        if let Some(proof) = proof {
            self.proof.set(proof);
        }
        self.routes.set(fresh.items);
        self.reload().await;
    }
}

/// Why the last sync stopped short.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// No answer: no network, or the server is down.
    Offline,
    /// The session is gone: log in again (the queue is kept).
    AuthLost,
    /// The server answered with an error.
    Server { status: u16, detail: String },
    /// The phone's storage failed.
    Store(String),
}

impl Failure {
    pub fn describe(&self, l: Lang) -> String {
        match self {
            Failure::Offline => t(l, C::Offline).to_owned(),
            Failure::AuthLost => t(l, T::LoginAgain).to_owned(),
            Failure::Server { status, detail } => format!("{} {status} {detail}", t(l, T::ServerError)),
            Failure::Store(why) => format!("{}: {why}", t(l, T::StoreFailed)),
        }
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Failure {
        match e {
            ApiError::Network => Failure::Offline,
            ApiError::Unauthorized => Failure::AuthLost,
            ApiError::Problem(p) => Failure::Server { status: p.status, detail: p.detail },
            ApiError::Other(status) => Failure::Server { status, detail: String::new() },
        }
    }
}

impl From<idb::StoreError> for Failure {
    fn from(e: idb::StoreError) -> Failure {
        Failure::Store(e.0)
    }
}

/// One whole sync: every batch, every photo, then fresh routes.
pub async fn sync_all(view: &View) -> Result<(), Failure> {
    let mut sent_any = false;
    let events = send_events(view, &mut sent_any).await;
    let media = if events.is_ok() { upload_media().await } else { Ok(()) };
    if sent_any {
        view.refresh_routes().await;
    } else {
        view.reload().await;
    }
    events.and(media)
}

async fn send_events(view: &View, sent_any: &mut bool) -> Result<(), Failure> {
    loop {
        let current = idb::load_outbox().await?;
        let batch = current.batch();
        view.outbox.set(current);
        if batch.is_empty() {
            return Ok(());
        }
        let sent_at = chrono::DateTime::parse_from_rfc3339(&storage::now_iso())
            .map_err(|_| Failure::Store("the phone's clock".into()))?;
        let req = SyncRequest { device_id: storage::device_id(), sent_at, events: batch };
        let res = api::post::<_, SyncResponse>("/api/v1/sync", &req).await?;
        idb::save_answer(&req.events, &res.results, &res.server_time.to_rfc3339()).await?;
        *sent_any = true;
    }
}

/// Uploads kept images by hash; an upload cut short is sent whole again
/// next time, and the server answers a repeat with 200.
async fn upload_media() -> Result<(), Failure> {
    for sha in idb::media_waiting().await? {
        let Some((bytes, content_type)) = idb::media(&sha).await? else { continue };
        match api::put_bytes(&format!("/api/v1/media/{sha}"), &bytes, &content_type).await {
            Ok(()) => idb::forget_media(&sha).await?,
            // The server refused these bytes (damaged on the phone?): kept,
            // and the next image still goes.
            Err(ApiError::Problem(p)) if p.status == 422 => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}
