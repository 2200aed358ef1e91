//! JSON bodies of the HTTP contract (`/api/v1`). Outside clients rely on
//! these shapes: add fields, never rename or remove them.

use crate::custody::{EventKind, ResidentAnswer, Status};
use crate::import::Problem;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Staff,
    Courier,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Courier => "courier",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "staff" => Some(Role::Staff),
            "courier" => Some(Role::Courier),
            _ => None,
        }
    }

    /// Admins can do all that staff can.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Admin | Role::Staff)
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// `POST /api/v1/auth/logout`: the session to end. Optional, so a client
/// that lost its token can still call it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LogoutRequest {
    #[serde(default)]
    pub refresh_token: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub username: String,
    pub role: Role,
    pub display_name: String,
    /// A disabled account cannot log in; its sessions ended when disabled.
    #[serde(default)]
    pub disabled: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub user: User,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewUser {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9._-]{3,64}$"))]
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 10))]
    pub password: String,
    pub role: Role,
    #[cfg_attr(feature = "openapi", schema(pattern = "\\S"))]
    pub display_name: String,
}

/// An admin's change to a user (`PATCH /api/v1/users/{id}`); each field is
/// optional. Disabling, a new password or a new role ends the user's
/// sessions at once.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    #[serde(default)]
    pub disabled: Option<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "\\S"))]
    pub display_name: Option<String>,
    /// A new password (at least 10 characters).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 10))]
    pub password: Option<String>,
    /// A new role; an admin cannot change their own.
    #[serde(default)]
    pub role: Option<Role>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Items<T> {
    pub items: Vec<T>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A JSON integer, also when written `3.0` (JSON Schema's `integer` admits
/// it, and some clients write every number as a float).
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    let n = f64::deserialize(d)?;
    if n.fract() != 0.0 || n < f64::from(i32::MIN) || n > f64::from(i32::MAX) {
        return Err(serde::de::Error::custom(format!("expected a whole number, got {n}")));
    }
    // Whole and within i32's range, checked above: the cast is exact.
    Ok(n as i32)
}

/// An optional count, also when written `3.0`: absent or null is none.
fn optional_count<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    match Option::<f64>::deserialize(d)? {
        None => Ok(None),
        Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => Ok(Some(n as u32)),
        Some(n) => Err(serde::de::Error::custom(format!("expected a whole number of at least 0, got {n}"))),
    }
}

/// An office's settings, read by staff and changed by its admin.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    #[cfg_attr(feature = "openapi", schema(pattern = "\\S"))]
    pub office_name: String,
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{4}$"))]
    pub regency_code: String,
    /// IANA zone of the office: `Asia/Jakarta` (WIB), `Asia/Makassar` (WITA), `Asia/Jayapura` (WIT).
    #[cfg_attr(feature = "openapi", schema(pattern = "^Asia/(Jakarta|Makassar|Jayapura)$"))]
    pub time_zone: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 20))]
    #[serde(deserialize_with = "whole_number")]
    pub max_failed_attempts: i32,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 365))]
    #[serde(deserialize_with = "whole_number")]
    pub link_lifetime_days: i32,
    pub require_photo: bool,
    pub require_signature: bool,
    pub require_id_check: bool,
    pub require_gps: bool,
    /// Where routes start and end (both or neither); without them, the
    /// planner starts from the centre of the cards' locations.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = -90, maximum = 90))]
    pub office_lat: Option<f64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = -180, maximum = 180))]
    pub office_lon: Option<f64>,
    /// The most stops the planner gives one courier.
    #[serde(default = "default_max_stops", deserialize_with = "whole_number")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 500))]
    pub max_stops_per_route: i32,
    /// How residents are told about their card: `none`, `webhook`, `form`,
    /// `whatsapp_cloud` or `manual`.
    #[serde(default = "default_channel")]
    #[cfg_attr(feature = "openapi", schema(pattern = "^(none|webhook|form|whatsapp_cloud|manual)$"))]
    pub notify_channel: String,
    /// The gateway's address (http or https) for `webhook`, `form` and
    /// `whatsapp_cloud`.
    #[serde(default)]
    pub notify_url: Option<String>,
    /// Write-only: the webhook's `whsec_…` secret or the gateway's token.
    /// Absent keeps the stored one; empty clears it. Never sent back (the
    /// server's answers leave it out; the console sends one typed in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_secret: Option<String>,
    /// Whether a secret is stored (read-only).
    #[serde(default)]
    pub notify_secret_set: bool,
    /// "HH:MM-HH:MM" office time, messages wait through it; empty for none.
    #[serde(default = "default_quiet_hours")]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^$|^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$")
    )]
    pub notify_quiet_hours: String,
    /// The moments that send a message.
    #[serde(default = "default_moments")]
    #[cfg_attr(feature = "openapi", schema(inline, value_type = Vec<NotifyMoment>))]
    pub notify_moments: Vec<String>,
    /// The office's own template per moment; a moment not here sends the
    /// default text.
    #[serde(default)]
    pub notify_templates: std::collections::BTreeMap<String, String>,
    /// Read-only: why the server turned the channel off (the gateway
    /// answered 410 Gone), until an admin saves the settings again.
    #[serde(default)]
    pub notify_channel_note: Option<String>,
}

fn default_max_stops() -> i32 {
    40
}

fn default_channel() -> String {
    "none".into()
}

fn default_quiet_hours() -> String {
    crate::notify::DEFAULT_QUIET_HOURS.into()
}

fn default_moments() -> Vec<String> {
    crate::notify::MOMENTS.iter().map(|m| (*m).to_owned()).collect()
}

/// A moment a resident hears about (the schema of `notify_moments`' items).
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[schema(as = NotifyMoment)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
#[derive(Serialize)]
enum NotifyMoment {
    Scheduled,
    OutForDelivery,
    AttemptFailed,
    LeftAtVillageOffice,
    HeldForPickup,
    Delivered,
}

/// One message to a resident in the office's outbox.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub id: String,
    pub card_id: String,
    pub moment: String,
    pub channel: String,
    /// `pending`, `sent`, `failed` or `skipped`.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// The text as sent (or as it will be sent).
    pub message: Option<String>,
    /// For `manual`: the `wa.me` link that opens the message to send.
    pub whatsapp_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// `POST /api/v1/settings/notify-test` (admin): a test message through the
/// office's saved channel.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotifyTest {
    /// Where the test goes: a mobile number, `08…` or `628…`.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 32))]
    pub phone: String,
}

/// How the gateway took the test message.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotifyTestResult {
    pub channel: String,
    /// The gateway took it (2xx).
    pub sent: bool,
    /// The gateway's HTTP status, when it answered.
    pub status: Option<u16>,
    /// What happened, in the gateway's words when it gave any.
    pub detail: String,
    /// The text that was sent.
    pub message: String,
    /// For `manual`: the `wa.me` link to send it by hand.
    pub whatsapp_url: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImportReport {
    pub imported: u64,
    pub duplicates: u64,
    pub rejected: u64,
    /// Rows that became replacement cards for an earlier delivered, collected or void card.
    #[serde(default)]
    pub replacements: u64,
    pub dry_run: bool,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardSummary {
    pub id: String,
    pub nik: String,
    pub name: String,
    pub address: String,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub kelurahan: String,
    pub kecamatan: String,
    pub phone: Option<String>,
    pub batch: Option<String>,
    pub printed_on: Option<String>,
    pub status: Status,
    pub resident: Option<ResidentAnswer>,
    pub failed_attempts: i32,
    /// The courier says they handed it back at the office; staff have not
    /// received it, so it is still the courier's (`with_courier`).
    #[serde(default)]
    pub handed_back: bool,
    /// The courier carrying it or assigned it, by name (card lists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub courier_name: Option<String>,
    /// Whether any of its events waits in the review queue (card lists;
    /// a card's detail lists the events themselves under `flagged`).
    #[serde(default)]
    pub needs_review: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    pub id: String,
    pub kind: EventKind,
    pub occurred_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub actor: Option<String>,
    pub payload: serde_json::Value,
    /// Set when the event did not apply to the card's custody.
    pub flag: Option<String>,
    /// The phone's own clock reading, for events from a phone; `occurred_at`
    /// is that time moved onto the server's clock by the batch's skew.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_time: Option<DateTime<Utc>>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardDetail {
    #[serde(flatten)]
    pub card: CardSummary,
    pub events: Vec<EventView>,
    pub flagged: Vec<EventView>,
    /// Photos and signatures that events name but that have not arrived yet:
    /// the proof is incomplete while this is not empty.
    #[serde(default)]
    pub missing_media: Vec<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResidentLink {
    pub url: String,
    pub expires_at: DateTime<Utc>,
    /// A `wa.me` link with the message filled in, when the card has a phone.
    pub whatsapp_url: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewRoute {
    pub courier_id: String,
    /// The route's day, in the office's zone (`YYYY-MM-DD`).
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub date: String,
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub card_ids: Vec<String>,
}

/// A saved plan: every route of a day, created together or not at all.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewRoutes {
    /// The routes' day, in the office's zone (`YYYY-MM-DD`).
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub date: String,
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub routes: Vec<NewRouteOfDay>,
}

/// One courier's stops in a saved plan, in order.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewRouteOfDay {
    pub courier_id: String,
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub card_ids: Vec<String>,
    /// The courier's saved open route of the day to extend with these
    /// cards; without it a new route is made, and a courier who already has
    /// an open route that day is refused (409 naming it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_id: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stop {
    pub card_id: String,
    pub seq: i32,
}

/// Where a delivery route stands: `open` while its courier works it; then
/// `closed`, when staff close the courier's day, or `cancelled`, when staff
/// call it off before any of its cards was taken.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteStatus {
    Open,
    Closed,
    Cancelled,
}

impl RouteStatus {
    pub const ALL: [RouteStatus; 3] = [RouteStatus::Open, RouteStatus::Closed, RouteStatus::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            RouteStatus::Open => "open",
            RouteStatus::Closed => "closed",
            RouteStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<RouteStatus> {
        RouteStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    pub id: String,
    pub courier_id: String,
    pub date: String,
    pub status: RouteStatus,
    pub stops: Vec<Stop>,
    /// What the routes board shows of each stop's card, in stop order (no
    /// NIK); filled by the reading calls (`GET /api/v1/routes`, `…/{id}`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cards: Vec<StopCard>,
}

/// A stop's card as the routes board shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StopCard {
    pub card_id: String,
    pub name: String,
    pub address: String,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub kelurahan: String,
    pub status: Status,
    /// The courier says they handed it back; not yet received.
    #[serde(default)]
    pub handed_back: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StopsUpdate {
    /// The route's cards in their new order.
    pub card_ids: Vec<String>,
}

/// `PATCH /api/v1/routes/{id}`: the route given to another courier (only
/// before any of its cards is picked up).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteChange {
    pub courier_id: String,
}

/// `POST /api/v1/routes/{id}/move`: stops moved to the end of another open
/// route, in one step.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StopsMove {
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub card_ids: Vec<String>,
    pub to_route_id: String,
}

/// `POST /api/v1/routes/plan`: what to plan. Saves nothing.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// The day, in the office's zone; today or later.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub date: String,
    /// The couriers who work that day.
    pub courier_ids: Vec<String>,
    /// The pool; without it, every plannable card (printed or back at the
    /// office, on no open route), filtered by `kecamatan`, `kelurahan` and
    /// `batch`.
    #[serde(default)]
    pub card_ids: Option<Vec<String>>,
    #[serde(default)]
    pub kecamatan: Option<String>,
    #[serde(default)]
    pub kelurahan: Option<String>,
    /// Only cards of this print batch (the CSV's NO_BATCH).
    #[serde(default)]
    pub batch: Option<String>,
    /// Stops per courier at most; default: the office setting.
    #[serde(default, deserialize_with = "optional_count")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 500))]
    pub max_stops: Option<u32>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanStop {
    pub card_id: String,
    pub seq: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// How the location was found: `pin`, `batch`, `rt`, `kelurahan`, `none`.
    pub located: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRoute {
    pub courier_id: String,
    /// The courier's saved open route of the day that these stops extend
    /// (numbered on after its own stops); none: a new route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_id: Option<String>,
    pub stops: Vec<PlanStop>,
    /// The closed tour's great-circle length over the located stops.
    pub distance_m: f64,
}

/// A chosen courier's open route already saved for the day: its stops count
/// against the cap, and a plan extends it rather than make a second route.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanSavedRoute {
    pub courier_id: String,
    pub route_id: String,
    /// How many stops it holds; as many as the cap: the courier is left out.
    pub stops: usize,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanUnassigned {
    pub card_id: String,
    /// `rt_over_cap`, `no_capacity`, `no_courier`, `not_found`,
    /// `not_plannable` (delivered, void…), `on_open_route`.
    pub reason: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanResponse {
    pub routes: Vec<PlanRoute>,
    pub unassigned: Vec<PlanUnassigned>,
    /// The chosen couriers' routes already saved for the day.
    #[serde(default)]
    pub saved_routes: Vec<PlanSavedRoute>,
    /// Where the tours start and end: the office, or without its location
    /// in the settings the centre of the pins; none when nothing is located.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<crate::geo::Point>,
    /// What the console shows of each card in the plan, assigned or not
    /// (no NIK): the plan's stops name cards by id only.
    #[serde(default)]
    pub cards: Vec<PlanCard>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanCard {
    pub id: String,
    pub name: String,
    pub address: String,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub kelurahan: String,
    pub kecamatan: String,
}

/// The office's places and print batches, for the console's filters.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Areas {
    pub kecamatan: Vec<Kecamatan>,
    pub batches: Vec<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Kecamatan {
    pub name: String,
    pub kelurahan: Vec<String>,
}

/// Closing a courier's day: the cards the courier hands back at the office.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseDay {
    /// Cards received back now; omitted: every card still out. A card not
    /// handed back stays with the courier and shows as a discrepancy.
    #[serde(default)]
    pub returned_card_ids: Option<Vec<String>>,
}

/// A courier's day as the handover report (berita acara serah terima) shows
/// it: handed out = delivered + returned + left at village office + still out.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DayReport {
    pub courier_id: String,
    pub date: String,
    pub route_ids: Vec<String>,
    pub closed: bool,
    /// Cards the courier picked up (explicitly or by handing them over).
    pub handed_out: usize,
    /// Failed attempts recorded on the day's cards while its routes were open.
    #[serde(default)]
    pub failed_attempts: usize,
    pub delivered: Vec<CardSummary>,
    pub returned: Vec<CardSummary>,
    pub left_at_village_office: Vec<CardSummary>,
    /// Still in the courier's bag; after the close, each is a discrepancy
    /// until the card is delivered or received back.
    pub still_out: Vec<CardSummary>,
    /// Of `still_out`, the cards the courier says they handed back that
    /// staff have not received ("declared returned, not yet received").
    #[serde(default)]
    pub declared_returned: Vec<CardSummary>,
    /// On the route but never picked up.
    pub not_taken: Vec<CardSummary>,
    /// Cards whose custody left the courier's hands otherwise (collected at
    /// the office, void) — for staff to review.
    pub other: Vec<CardSummary>,
    pub balanced: bool,
    /// Closed with cards still out: the courier has not handed them back.
    pub discrepancy: bool,
}

/// A scan at the desk (`POST /api/v1/couriers/{id}/days/{date}/handout` or
/// `…/receive`): what a USB scanner typed from an envelope's label (the door
/// link `…/s/{card_id}`), a card id, or the label's stop number.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeskScanRequest {
    #[cfg_attr(feature = "openapi", schema(max_length = 300))]
    pub code: String,
}

/// What a scan at the desk did to the card it names.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskScan {
    pub card_id: String,
    pub name: String,
    /// Its stop number on the courier's route of the day, if it is on it.
    pub seq: Option<i32>,
    /// Its custody after the scan.
    pub status: Status,
    /// The card had already moved this way (a repeated scan): nothing new
    /// was recorded.
    pub already: bool,
}

/// Which proof a delivery must carry, as the office set it; each is
/// optional unless required here.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofRules {
    pub require_photo: bool,
    pub require_signature: bool,
    pub require_id_check: bool,
    pub require_gps: bool,
}

impl ProofRules {
    /// What a `delivered` payload lacks under these rules, by name:
    /// `photo`, `signature`, `id_check`, `gps`.
    pub fn missing_in(&self, payload: &serde_json::Value) -> Vec<&'static str> {
        let has = |key: &str| payload.get(key).is_some_and(|v| !v.is_null());
        let mut out = Vec::new();
        if self.require_photo && !has("photo_sha256") {
            out.push("photo");
        }
        if self.require_signature && !has("signature_sha256") {
            out.push("signature");
        }
        if self.require_id_check && payload.get("id_check").and_then(|v| v.as_str()) != Some("match") {
            out.push("id_check");
        }
        if self.require_gps && !(has("lat") && has("lon")) {
            out.push("gps");
        }
        out
    }
}

impl From<&Settings> for ProofRules {
    fn from(s: &Settings) -> ProofRules {
        ProofRules {
            require_photo: s.require_photo,
            require_signature: s.require_signature,
            require_id_check: s.require_id_check,
            require_gps: s.require_gps,
        }
    }
}

/// A stop as the courier's phone sees it: what the doorstep needs, no more.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoorstepStop {
    pub card_id: String,
    pub seq: i32,
    pub name: String,
    pub address: String,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub kelurahan: String,
    pub kecamatan: String,
    pub phone: Option<String>,
    /// What to look out for near the home, from the print batch or a
    /// courier's earlier visit.
    pub landmark: Option<String>,
    /// Checks a NIK typed at the door; the phone holds no digit of the NIK.
    pub nik_check: crate::doorstep::NikCheck,
    pub status: Status,
    pub failed_attempts: i32,
    /// Where the home is, for directions: the pin learned at the door, else
    /// the print batch's LAT/LON.
    pub pin_lat: Option<f64>,
    pub pin_lon: Option<f64>,
    /// The card replaces an earlier one: the courier asks for the old card.
    #[serde(default)]
    pub replacement: bool,
    /// What the resident asked for through their link, if anything is open
    /// (in Indonesian).
    #[serde(default)]
    pub resident_request: Option<String>,
    /// The same wish as a code, so the app can say it in its language.
    #[serde(default)]
    pub resident_wish: Option<crate::custody::ResidentWish>,
    /// The courier said they handed it back at the office; staff have not
    /// received it yet, so it is still the courier's.
    #[serde(default)]
    pub handed_back: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourierRoute {
    pub id: String,
    pub date: String,
    pub status: RouteStatus,
    pub stops: Vec<DoorstepStop>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncEvent {
    /// Made on the phone (UUID); resending it is harmless.
    pub id: String,
    pub card_id: String,
    pub kind: String,
    pub occurred_at: DateTime<chrono::FixedOffset>,
    #[serde(default)]
    pub payload: serde_json::Value,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncRequest {
    #[cfg_attr(feature = "openapi", schema(pattern = "\\S"))]
    pub device_id: String,
    pub sent_at: DateTime<chrono::FixedOffset>,
    /// At most 500 (413 otherwise); the phone sends 50.
    #[cfg_attr(feature = "openapi", schema(max_items = 500))]
    pub events: Vec<SyncEvent>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncStatus {
    Accepted,
    Duplicate,
    Rejected,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncResult {
    pub id: String,
    pub status: SyncStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncResponse {
    pub results: Vec<SyncResult>,
    pub server_time: DateTime<Utc>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub what: String,
    pub label: String,
}

/// What a resident's link shows: status and timeline, never the NIK.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrackView {
    pub status: Status,
    pub status_label: String,
    pub resident: Option<ResidentAnswer>,
    /// First name only.
    pub name: String,
    pub office_name: String,
    /// The office's zone, for showing times as the resident lives them.
    pub time_zone: String,
    pub courier_first_name: Option<String>,
    pub timeline: Vec<TimelineEntry>,
    pub can_confirm: bool,
    /// The card has not reached the resident yet: they may ask to collect
    /// it at the village office or for another delivery time.
    #[serde(default)]
    pub can_request: bool,
}

/// `POST /api/v1/track/{token}/request`: what the resident asks for.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WishRequest {
    pub wish: crate::custody::ResidentWish,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1000, pattern = "\\S"))]
    pub message: String,
}

/// `application/problem+json` body.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProblemDetails {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// A flagged event with its card, for staff review.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlaggedEvent {
    pub card_id: String,
    #[serde(flatten)]
    pub event: EventView,
}

/// An event the server would not apply, kept whole for staff review.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectedEvent {
    pub id: String,
    pub event_id: String,
    pub card_id: Option<String>,
    pub actor: String,
    pub device_id: Option<String>,
    pub code: String,
    pub message: String,
    /// The event as the phone sent it.
    pub body: serde_json::Value,
    pub received_at: DateTime<Utc>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReviewQueue {
    pub flagged: Vec<FlaggedEvent>,
    pub rejected: Vec<RejectedEvent>,
    /// Residents' reports and early confirmations, oldest first.
    pub resident: Vec<ResidentItem>,
    /// Each card the items name, as staff know it: the resident's name and
    /// the label number on its latest route (no NIK).
    #[serde(default)]
    pub cards: Vec<ReviewCard>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewCard {
    pub id: String,
    pub name: String,
    pub kelurahan: String,
    /// Its stop number (the envelope label's) on its latest route.
    pub seq: Option<i32>,
}

/// What a resident's answer asks of the office.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResidentItemKind {
    /// A problem the resident reported through the link.
    Report,
    /// A receipt confirmed while the card was still with the courier (the
    /// phone may not have synced the delivery yet).
    EarlyConfirmation,
    /// The resident asked to collect the card at the village office or for
    /// another delivery time.
    Request,
}

impl ResidentItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ResidentItemKind::Report => "report",
            ResidentItemKind::EarlyConfirmation => "early_confirmation",
            ResidentItemKind::Request => "request",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Report, Self::EarlyConfirmation, Self::Request].into_iter().find(|k| k.as_str() == s)
    }
}

/// A resident's answer waiting for staff.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResidentItem {
    pub id: String,
    pub card_id: String,
    pub kind: ResidentItemKind,
    /// The resident's words (empty for a confirmation).
    pub message: String,
    pub created_at: DateTime<Utc>,
    /// The courier the card was last with, if any.
    #[serde(default)]
    pub courier_id: Option<String>,
}

/// How many items wait in the review queue, by kind
/// (`GET /api/v1/review/counts`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewCounts {
    /// Deliveries stored without the proof the office requires.
    pub missing_proof: i64,
    /// Other flagged events (refused by the custody rules, a NIK that does
    /// not match).
    pub flagged: i64,
    pub rejected: i64,
    /// Residents' reports and early confirmations.
    pub resident: i64,
    pub total: i64,
}

/// Resolving a review item: what was done, kept with who and when.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveReview {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::{PlanRequest, ProofRules, RouteStatus};
    use serde_json::json;

    #[test]
    fn a_route_status_reads_back_as_the_word_stored_and_sent() {
        for st in RouteStatus::ALL {
            assert_eq!(RouteStatus::parse(st.as_str()), Some(st));
            assert_eq!(serde_json::to_value(st).unwrap(), json!(st.as_str()), "the wire's word is the stored one");
        }
        assert_eq!(RouteStatus::parse("Open"), None, "stored words are lower case");
        assert!(serde_json::from_value::<RouteStatus>(json!("draft")).is_err());
    }

    #[test]
    fn a_plans_stop_cap_is_a_whole_number_however_it_is_written() {
        let cap = |v: serde_json::Value| {
            serde_json::from_value::<PlanRequest>(json!({"date": "2026-12-04", "courier_ids": [], "max_stops": v}))
                .map(|r| r.max_stops)
        };
        assert_eq!(cap(json!(263)).unwrap(), Some(263));
        assert_eq!(cap(json!(263.0)).unwrap(), Some(263), "JSON Schema's integer admits 263.0");
        assert_eq!(cap(json!(null)).unwrap(), None);
        assert!(cap(json!(2.5)).is_err() && cap(json!(-1)).is_err());
        let absent = json!({"date": "2026-12-04", "courier_ids": []});
        assert_eq!(serde_json::from_value::<PlanRequest>(absent).unwrap().max_stops, None);
    }

    #[test]
    fn a_delivery_lacks_only_the_proof_the_office_requires() {
        let bare = json!({"recipient_name": "Siti", "recipient_relation": "self"});
        assert!(ProofRules::default().missing_in(&bare).is_empty(), "nothing is required by default");
        let all =
            ProofRules { require_photo: true, require_signature: true, require_id_check: true, require_gps: true };
        assert_eq!(all.missing_in(&bare), ["photo", "signature", "id_check", "gps"]);
        let full =
            json!({"photo_sha256": "a", "signature_sha256": "b", "id_check": "match", "lat": -5.4, "lon": 105.2});
        assert!(all.missing_in(&full).is_empty());
        let unchecked =
            json!({"photo_sha256": "a", "signature_sha256": "b", "id_check": "skipped", "lat": -5.4, "lon": null});
        assert_eq!(all.missing_in(&unchecked), ["id_check", "gps"]);
    }
}

/// The office's day as it happens (`GET /api/v1/dashboard?date=`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub date: String,
    /// When the server made this answer: the console shows how fresh it is.
    pub generated_at: DateTime<Utc>,
    /// Each courier with a route that day.
    pub couriers: Vec<DashCourier>,
    /// Every card of the office by kecamatan and current status.
    pub kecamatan: Vec<KecamatanCounts>,
    /// Messages to residents queued that day, by status (`pending`,
    /// `sent`, `failed`, `skipped`).
    #[serde(default)]
    pub messages: BTreeMap<String, i64>,
}

/// One courier's day on the dashboard: handed out = delivered + returned +
/// left at the village office + still out.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DashCourier {
    pub courier_id: String,
    pub display_name: String,
    pub handed_out: usize,
    pub delivered: usize,
    pub failed_attempts: usize,
    pub returned: usize,
    pub left_at_village_office: usize,
    pub still_out: usize,
    /// On the route but not yet picked up.
    pub not_taken: usize,
    pub last_sync_at: Option<DateTime<Utc>>,
    /// Out with an open route and silent for two hours in the working day.
    pub quiet: bool,
    pub closed: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KecamatanCounts {
    pub kecamatan: String,
    /// Cards by status code (`printed`, `delivered`, …); statuses with no
    /// card are left out.
    pub counts: std::collections::BTreeMap<String, i64>,
}

/// The backlog and when it clears (`GET /api/v1/forecast`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// Cards at the office on no route (printed, or returned to the office).
    pub waiting: i64,
    /// Every card still to be delivered: waiting, on a route, or with a courier.
    pub backlog: i64,
    /// The office's today, the last day of the series.
    pub today: String,
    /// Cards delivered per day over the last four weeks, oldest first.
    pub delivered_per_day: Vec<DayCount>,
    /// Cards printed per day over the same days.
    pub printed_per_day: Vec<DayCount>,
    /// Mean cards delivered and printed per day over those four weeks.
    pub delivery_rate: f64,
    pub printing_rate: f64,
    pub clears_on: ClearsOn,
    /// What the office controls: with this many couriers taking this many
    /// stops a day each, at the share of handed-out cards delivered over the
    /// four weeks, how many cards go out a day and when the backlog clears
    /// (printing at the current rate). The first is the office as it is.
    #[serde(default)]
    pub scenarios: Vec<Scenario>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub couriers: i64,
    pub stops_per_courier: i64,
    /// Cards delivered a day: couriers × stops × the delivered share.
    pub per_day: f64,
    /// `null`: the backlog grows.
    pub clears_on: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    pub date: String,
    pub n: i64,
}

/// The date the backlog is cleared, delivering at the current rate while
/// printing goes on at the current rate or at 250 / 500 / 700 / 1,000 cards
/// a day; `null` where deliveries do not outpace printing (the backlog grows).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClearsOn {
    pub current_rate: Option<String>,
    pub at_250: Option<String>,
    pub at_500: Option<String>,
    pub at_700: Option<String>,
    pub at_1000: Option<String>,
}

/// One record of the office's audit trail (`GET /api/v1/audit`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditItem {
    /// The record's place in the office's chain, from 1.
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: String,
    pub actor_name: String,
    /// What was done: `cards.import`, `route.create`, `routes.save_plan`,
    /// `route.stops`, `route.cancel`, `day.close`, `card.collected`,
    /// `card.held_for_pickup`, `card.returned_to_office`, `card.void`,
    /// `card.link`, `user.create`, `user.change`, `settings.change`,
    /// `review.resolve`, `route.reassign`, `route.move`, `desk.handout`,
    /// `desk.receive`.
    pub action: String,
    /// On what: `route:{id}`, `card:{id}`, `user:{id}`, `settings`, …
    pub target: String,
    /// The same as a person reads it: the user's or card's name, the
    /// route's courier and date; none where the target names itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_name: Option<String>,
    pub detail: serde_json::Value,
    pub hash: String,
}

/// Whether the office's audit chain is intact (`GET /api/v1/audit/verify`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditCheck {
    pub intact: bool,
    /// Records checked (when intact).
    pub records: usize,
    /// Where and how the chain breaks.
    pub problem: Option<String>,
}
