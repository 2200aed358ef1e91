//! The dispatcher: a thread of the server that sends due messages from the
//! outbox. Each message is claimed for a lease (by one server, however many
//! share the database), sent with its stable id, and its attempt recorded;
//! a server killed between the gateway's answer and the record leaves the
//! claim to lapse, and the message goes again with the same `webhook-id`.

use super::channels::{self, Outgoing};
use crate::db::{self, notifications, offices, Pool};
use chrono::Duration;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Messages claimed per round; they are sent concurrently, so one gateway
/// that hangs holds up only its own.
const CLAIM: i64 = 32;
/// Sends in flight at most; a round claims no more than there is room for.
const IN_FLIGHT: usize = 128;

pub struct Settings {
    pub metrics: Arc<crate::metrics::Metrics>,
    pub public_url: String,
    pub poll: std::time::Duration,
    pub first_retry: Duration,
    /// How long a claim holds a message. A send is cut off at half of it,
    /// so a live claim never lapses while its send is in flight.
    pub lease: std::time::Duration,
}

impl Settings {
    /// The longest a send may take: 15 s, or half the lease if that is less.
    pub fn send_limit(&self) -> std::time::Duration {
        SEND_LIMIT.min(self.lease / 2)
    }
}

/// Stops the dispatcher when dropped.
pub struct Dispatcher {
    stop: Arc<AtomicBool>,
}

impl Drop for Dispatcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The most a send may take, from connecting to the answer's last byte read.
pub const SEND_LIMIT: std::time::Duration = std::time::Duration::from_secs(15);

/// The HTTP client every channel sends through: connect 5 s, all `limit`.
pub fn client(limit: std::time::Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5).min(limit))
        .timeout(limit)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("antar/", env!("CARGO_PKG_VERSION")))
        .build()
}

pub fn start(pool: Pool, settings: Settings) -> Option<Dispatcher> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let spawned = std::thread::Builder::new().name("notify-dispatch".into()).spawn(move || {
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(e) => return tracing::error!(error = %e, "the notification dispatcher cannot start"),
        };
        let client = match client(settings.send_limit()) {
            Ok(c) => c,
            Err(e) => return tracing::error!(error = %e, "the notification dispatcher cannot start"),
        };
        let settings = Arc::new(settings);
        let slots = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
        runtime.block_on(async {
            let mut busy = false;
            while !flag.load(Ordering::Relaxed) {
                // A full claim means more is due: claim again at once, once
                // the sends in flight leave room.
                if busy {
                    let _room = slots.acquire().await;
                } else {
                    tokio::time::sleep(settings.poll).await;
                }
                busy = match round(&pool, &client, &settings, &slots).await {
                    Ok(started) => started == CLAIM as usize,
                    Err(e) => {
                        tracing::warn!(error = %e, "notification round failed");
                        false
                    }
                };
            }
        });
    });
    match spawned {
        Ok(_) => Some(Dispatcher { stop }),
        Err(e) => {
            tracing::error!(error = %e, "no notification dispatcher");
            None
        }
    }
}

/// How one send ended, before it is recorded.
pub enum Answer {
    Sent(i32),
    /// Try again later (5xx, 408, 429, a timeout, no connection).
    Transient(Option<i32>, String),
    /// Do not retry (another 4xx).
    Permanent(Option<i32>, String),
    /// 410: the gateway retired the channel.
    Gone(String),
}

/// Claims due messages and starts sending each (a task of its own that
/// records its answer when it comes, so a gateway that hangs holds up only
/// its own messages); returns how many were started.
pub async fn round(
    pool: &Pool,
    client: &reqwest::Client,
    settings: &Arc<Settings>,
    slots: &Arc<tokio::sync::Semaphore>,
) -> anyhow::Result<usize> {
    let room = slots.available_permits().min(CLAIM as usize);
    if room == 0 {
        return Ok(0);
    }
    let mut conn = pool.get()?;
    let now = db::now();
    let lease = Duration::from_std(settings.lease).unwrap_or(Duration::seconds(60));
    let rows = notifications::claim_due(&mut conn, now, lease, room as i64)?;
    let mut offices: HashMap<String, offices::Office> = HashMap::new();
    for r in &rows {
        if !offices.contains_key(&r.office_id) {
            offices.insert(r.office_id.clone(), offices::get(&mut conn, &r.office_id)?);
        }
    }
    let mut started = 0;
    for row in rows {
        let Some(office) = offices.get(&row.office_id) else { continue };
        // Quiet hours may have begun since it was queued (a retry at night).
        let at = super::due_at(office, now);
        if at > now {
            notifications::postpone(&mut conn, &row.id, at)?;
            continue;
        }
        let Ok(permit) = slots.clone().try_acquire_owned() else { break };
        let message = super::message(office, &row, &settings.public_url);
        let channel = channels::for_office(office).filter(|_| office.notify_channel == row.channel);
        let (pool, client, settings) = (pool.clone(), client.clone(), settings.clone());
        started += 1;
        tokio::spawn(async move {
            let answer = match channel {
                None => Answer::Permanent(
                    None,
                    "saluran kantor diubah atau dimatikan / the office's channel changed or was turned off".into(),
                ),
                Some(channel) => {
                    let link = row.link_token.as_ref().map(|t| format!("{}/t/{t}", settings.public_url));
                    let out = Outgoing {
                        id: &row.id,
                        card_id: &row.card_id,
                        moment: &row.moment,
                        phone: row.phone.as_deref().unwrap_or_default(),
                        message: &message,
                        link: link.as_deref(),
                        timestamp: chrono::Utc::now().timestamp(),
                    };
                    send(channel.request(&client, &out)).await
                }
            };
            let outcome = match &answer {
                Answer::Sent(_) => "sent",
                Answer::Transient(..) => "retry",
                Answer::Permanent(..) | Answer::Gone(_) => "failed",
            };
            crate::metrics::Metrics::count(&settings.metrics.messages, outcome, 1);
            if let Err(e) = record(&pool, &row, &message, answer, settings.first_retry) {
                // The claim lapses and the message goes again, same id.
                tracing::warn!(error = %e, notification = %row.id, "could not record a send");
            }
            drop(permit);
        });
    }
    Ok(started)
}

fn record(
    pool: &Pool,
    row: &notifications::NotificationRow,
    message: &str,
    answer: Answer,
    first_retry: Duration,
) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    let conn = &mut conn;
    match answer {
        Answer::Sent(code) => notifications::record(conn, row, Some(code), notifications::Outcome::Sent { message })?,
        Answer::Transient(status, error) => {
            let outcome = match super::next_retry(row.created_at, db::now(), row.attempts + 1, first_retry) {
                Some(at) => notifications::Outcome::Retry { error: &error, at },
                None => notifications::Outcome::Failed { error: &error },
            };
            notifications::record(conn, row, status, outcome)?
        }
        Answer::Permanent(status, error) => {
            notifications::record(conn, row, status, notifications::Outcome::Failed { error: &error })?
        }
        Answer::Gone(error) => {
            let at = crate::config::office_now_label(&office_zone(conn, &row.office_id));
            offices::turn_off_channel(conn, &row.office_id, &format!("{at}: {error}"))?;
            tracing::warn!(office = %row.office_id, "the notification gateway answered 410 Gone; the channel is turned off");
            notifications::record(conn, row, Some(410), notifications::Outcome::Failed { error: &error })?
        }
    }
    Ok(())
}

/// Sends one request and reads how the gateway took it: its status only.
/// What the gateway said in its body is never kept nor shown: staff read
/// the status and a fixed text, so the send cannot echo another service's
/// answer to anyone.
pub async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = match request.send().await {
        Ok(r) => r,
        Err(e) if e.is_timeout() => {
            return Answer::Transient(
                None,
                "gateway tidak menjawab tepat waktu / the gateway did not answer in time".into(),
            )
        }
        Err(_) => return Answer::Transient(None, "gateway tidak dapat dihubungi / could not reach the gateway".into()),
    };
    let code = i32::from(response.status().as_u16());
    let said = format!("gateway menjawab {code} / the gateway answered {code}");
    match code {
        200..=299 => Answer::Sent(code),
        410 => Answer::Gone(format!(
            "{said}: saluran dimatikan, atur lagi di pengaturan / the channel was turned off; set it again in the settings"
        )),
        408 | 429 | 500..=599 => Answer::Transient(Some(code), said),
        _ => Answer::Permanent(Some(code), said),
    }
}

fn office_zone(conn: &mut crate::db::DbConnection, office_id: &str) -> String {
    offices::get(conn, office_id).map(|o| o.time_zone).unwrap_or_default()
}
