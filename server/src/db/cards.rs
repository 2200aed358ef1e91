//! Printed cards: the rows an import writes and the lists staff read.

use super::prepared::Prepared;
use super::schema::cards;
use super::DbConnection;
use antar_shared::custody::{CardState, ResidentAnswer, Status};
use antar_shared::tally::Group;
use antar_shared::wire::CardSummary;
use chrono::NaiveDateTime;
use diesel::prelude::*;

diesel::define_sql_function!(fn upper(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = cards)]
// `None` is NULL, as the column's default is: COPY has no DEFAULT.
#[diesel(treat_none_as_default_value = false)]
pub struct Card {
    pub id: String,
    pub office_id: String,
    pub nik: String,
    pub name: String,
    pub address: String,
    pub rt: Option<String>,
    pub rw: Option<String>,
    pub kelurahan: String,
    pub kecamatan: String,
    pub regency: Option<String>,
    pub sex: Option<String>,
    pub birth_date: Option<String>,
    pub phone: Option<String>,
    pub printed_on: Option<String>,
    pub batch: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub pin_lat: Option<f64>,
    pub pin_lon: Option<f64>,
    pub landmark: Option<String>,
    pub status: String,
    pub resident: Option<String>,
    pub failed_attempts: i32,
    pub courier_id: Option<String>,
    pub replaces_card_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The courier says they handed it back; staff have not received it.
    pub handed_back: bool,
}

/// A card row's stored projection, as the custody rules see it: the one
/// reading of its custody columns (text the rules do not know reads as
/// printed, and as no answer).
pub fn state_of(
    status: &str,
    resident: Option<&str>,
    failed_attempts: i32,
    courier: Option<&str>,
    handed_back: bool,
) -> CardState {
    CardState {
        status: status_of(status),
        failed_attempts: u32::try_from(failed_attempts).unwrap_or(0),
        courier: courier.map(str::to_owned),
        resident: resident_of(resident),
        handed_back,
    }
}

fn status_of(stored: &str) -> Status {
    Status::parse(stored).unwrap_or(Status::Printed)
}

fn resident_of(stored: Option<&str>) -> Option<ResidentAnswer> {
    stored.and_then(ResidentAnswer::parse)
}

impl Card {
    pub fn status(&self) -> Status {
        status_of(&self.status)
    }

    pub fn resident(&self) -> Option<ResidentAnswer> {
        resident_of(self.resident.as_deref())
    }

    pub fn summary(&self) -> CardSummary {
        CardSummary {
            id: self.id.clone(),
            nik: self.nik.clone(),
            name: self.name.clone(),
            address: self.address.clone(),
            rt: self.rt.clone(),
            rw: self.rw.clone(),
            kelurahan: self.kelurahan.clone(),
            kecamatan: self.kecamatan.clone(),
            phone: self.phone.clone(),
            batch: self.batch.clone(),
            printed_on: self.printed_on.clone(),
            status: self.status(),
            resident: self.resident(),
            failed_attempts: self.failed_attempts,
            handed_back: self.handed_back,
            courier_name: None,
            needs_review: false,
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Any of these states (one, or a `tally::Group`'s).
    pub statuses: Option<Vec<Status>>,
    pub kecamatan: Option<String>,
    pub kelurahan: Option<String>,
    pub batch: Option<String>,
    pub q: Option<String>,
}

type BoxedCards<'a> = cards::BoxedQuery<'a, <DbConnection as diesel::Connection>::Backend>;

/// A card query narrowed to the filter's kecamatan, kelurahan (any case)
/// and print batch, where given: the card list and the plan pool alike.
fn in_places<'a>(mut q: BoxedCards<'a>, f: &Filter) -> BoxedCards<'a> {
    if let Some(k) = &f.kecamatan {
        q = q.filter(upper(cards::kecamatan).eq(k.to_uppercase()));
    }
    if let Some(k) = &f.kelurahan {
        q = q.filter(upper(cards::kelurahan).eq(k.to_uppercase()));
    }
    if let Some(b) = &f.batch {
        q = q.filter(cards::batch.eq(b.clone()));
    }
    q
}

/// These cards' NIKs by card id (to check ones typed at the door).
pub fn niks(
    conn: &mut DbConnection,
    office_id: &str,
    ids: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows: Vec<(String, String)> = cards::table
        .filter(cards::office_id.eq(office_id).and(cards::id.eq_any(ids)))
        .select((cards::id, cards::nik))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

pub fn get(conn: &mut DbConnection, office_id: &str, id: &str) -> QueryResult<Option<Card>> {
    cards::table
        .filter(cards::id.eq(id).and(cards::office_id.eq(office_id)))
        .select(Card::as_select())
        .first(conn)
        .optional()
}

pub fn list(
    conn: &mut DbConnection,
    office_id: &str,
    f: &Filter,
    page: i64,
    per_page: i64,
) -> QueryResult<(Vec<Card>, i64)> {
    let build = || {
        let mut q = cards::table.filter(cards::office_id.eq(office_id)).into_boxed();
        if let Some(statuses) = &f.statuses {
            q = q.filter(cards::status.eq_any(statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
        }
        q = in_places(q, f);
        if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let pattern = format!("%{}%", text.to_uppercase().replace(['%', '_'], ""));
            q = q.filter(upper(cards::name).like(pattern.clone()).or(cards::nik.like(pattern)));
        }
        q
    };
    let total = build().count().get_result(conn)?;
    let items = build()
        .order((cards::created_at.desc(), cards::id.asc()))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(Card::as_select())
        .load(conn)?;
    Ok((items, total))
}

/// The office's (kecamatan, kelurahan) pairs, sorted: what the console's
/// place filters offer.
pub fn places(conn: &mut DbConnection, office_id: &str) -> QueryResult<Vec<(String, String)>> {
    cards::table
        .filter(cards::office_id.eq(office_id))
        .select((cards::kecamatan, cards::kelurahan))
        .distinct()
        .order((cards::kecamatan.asc(), cards::kelurahan.asc()))
        .load(conn)
}

/// The office's print batches, sorted.
pub fn batches(conn: &mut DbConnection, office_id: &str) -> QueryResult<Vec<String>> {
    let batches: Vec<Option<String>> = cards::table
        .filter(cards::office_id.eq(office_id).and(cards::batch.is_not_null()))
        .select(cards::batch)
        .distinct()
        .order(cards::batch.asc())
        .load(conn)?;
    Ok(batches.into_iter().flatten().collect())
}

/// Which of these ids are cards of the office.
pub fn existing(
    conn: &mut DbConnection,
    office_id: &str,
    ids: &[String],
) -> QueryResult<std::collections::HashSet<String>> {
    let found: Vec<String> =
        cards::table.filter(cards::office_id.eq(office_id).and(cards::id.eq_any(ids))).select(cards::id).load(conn)?;
    Ok(found.into_iter().collect())
}

/// Cards of the office holding any of these NIKs.
pub fn by_niks(conn: &mut DbConnection, office_id: &str, niks: &[String]) -> QueryResult<Vec<Card>> {
    cards::table
        .filter(cards::office_id.eq(office_id).and(cards::nik.eq_any(niks)))
        .select(Card::as_select())
        .load(conn)
}

/// Inserts many cards: COPY on PostgreSQL, 500-row statements on SQLite.
pub fn insert_many(conn: &mut DbConnection, rows: &[Card]) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(c) => {
            // COPY in binary: no statement to parse or plan, rows streamed.
            diesel::copy_from(cards::table).from_insertable(rows).execute(c)?;
        }
        DbConnection::Sqlite(c) => {
            // SQLite allows 32766 bound values a statement; a card binds 26.
            for chunk in rows.chunks(500) {
                diesel::insert_into(cards::table).values(chunk).execute(c)?;
            }
        }
    }
    Ok(())
}

/// What a card's folded log says, plus a first good GPS fix to remember.
pub struct Projection<'a> {
    pub id: &'a str,
    pub state: &'a CardState,
    /// Kept only when the card has no pin yet.
    pub pin: Option<(f64, f64)>,
    /// A courier's newer note replaces the card's landmark.
    pub landmark: Option<&'a str>,
}

/// Rewrites cards' projections from their folded logs, in one statement over
/// column arrays on PostgreSQL and a cached statement per card on SQLite.
/// A card keeps the pin it has; one without takes the fix given.
pub fn set_projections(conn: &mut DbConnection, rows: &[Projection<'_>]) -> QueryResult<()> {
    use diesel::sql_types::{Array, Bool, Double, Integer, Nullable, Text, Timestamp};
    if rows.is_empty() {
        return Ok(());
    }
    let now = super::now();
    let failed = |s: &CardState| i32::try_from(s.failed_attempts).unwrap_or(i32::MAX);
    match conn {
        DbConnection::Postgres(c) => {
            Prepared::new(
                "UPDATE cards SET status = p.status, resident = p.resident, failed_attempts = p.failed, \
                 courier_id = p.courier, handed_back = p.handed_back, updated_at = ?, \
                 pin_lat = COALESCE(cards.pin_lat, p.lat), \
                 pin_lon = CASE WHEN cards.pin_lat IS NULL THEN p.lon ELSE cards.pin_lon END, \
                 landmark = COALESCE(p.landmark, cards.landmark) \
                 FROM unnest(?, ?, ?, ?, ?, ?, ?, ?, ?) \
                 AS p(id, status, resident, failed, courier, lat, lon, landmark, handed_back) \
                 WHERE cards.id = p.id",
            )
            .bind::<Timestamp, _>(now)
            .bind::<Array<Text>, _>(rows.iter().map(|r| r.id).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(rows.iter().map(|r| r.state.status.as_str()).collect::<Vec<_>>())
            .bind::<Array<Nullable<Text>>, _>(
                rows.iter().map(|r| r.state.resident.map(ResidentAnswer::as_str)).collect::<Vec<_>>(),
            )
            .bind::<Array<Integer>, _>(rows.iter().map(|r| failed(r.state)).collect::<Vec<_>>())
            .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|r| r.state.courier.as_deref()).collect::<Vec<_>>())
            .bind::<Array<Nullable<Double>>, _>(rows.iter().map(|r| r.pin.map(|p| p.0)).collect::<Vec<_>>())
            .bind::<Array<Nullable<Double>>, _>(rows.iter().map(|r| r.pin.map(|p| p.1)).collect::<Vec<_>>())
            .bind::<Array<Nullable<Text>>, _>(rows.iter().map(|r| r.landmark).collect::<Vec<_>>())
            .bind::<Array<Bool>, _>(rows.iter().map(|r| r.state.handed_back).collect::<Vec<_>>())
            .execute(c)?;
        }
        DbConnection::Sqlite(c) => {
            for r in rows {
                Prepared::new(
                    "UPDATE cards SET status = ?, resident = ?, failed_attempts = ?, courier_id = ?, handed_back = ?, \
                     updated_at = ?, pin_lat = COALESCE(pin_lat, ?), \
                     pin_lon = CASE WHEN pin_lat IS NULL THEN ? ELSE pin_lon END, \
                     landmark = COALESCE(?, landmark) WHERE id = ?",
                )
                .bind::<Text, _>(r.state.status.as_str())
                .bind::<Nullable<Text>, _>(r.state.resident.map(ResidentAnswer::as_str))
                .bind::<Integer, _>(failed(r.state))
                .bind::<Nullable<Text>, _>(r.state.courier.as_deref())
                .bind::<Bool, _>(r.state.handed_back)
                .bind::<Timestamp, _>(now)
                .bind::<Nullable<Double>, _>(r.pin.map(|p| p.0))
                .bind::<Nullable<Double>, _>(r.pin.map(|p| p.1))
                .bind::<Nullable<Text>, _>(r.landmark)
                .bind::<Text, _>(r.id)
                .execute(c)?;
            }
        }
    }
    Ok(())
}

/// These cards of the office (unknown ids are left out).
pub fn by_ids(conn: &mut DbConnection, office_id: &str, ids: &[String]) -> QueryResult<Vec<Card>> {
    cards::table.filter(cards::office_id.eq(office_id).and(cards::id.eq_any(ids))).select(Card::as_select()).load(conn)
}

/// The planner's default pool: cards at the office (printed, or back after
/// a failed day) on no open route, optionally in one kecamatan/kelurahan;
/// at most `limit`.
pub fn plannable(conn: &mut DbConnection, office_id: &str, f: &Filter, limit: i64) -> QueryResult<Vec<Card>> {
    use super::schema::route_stops;
    let statuses: Vec<&str> = Group::Waiting.statuses().iter().map(|s| s.as_str()).collect();
    let on_route = route_stops::table.select(route_stops::card_id).filter(route_stops::active);
    let q = cards::table
        .filter(cards::office_id.eq(office_id))
        .filter(cards::status.eq_any(statuses))
        .filter(diesel::dsl::not(cards::id.eq_any(on_route)))
        .into_boxed();
    in_places(q, f).order(cards::id.asc()).limit(limit).select(Card::as_select()).load(conn)
}

/// Cards of these kelurahan with a pin learned at the door: the planner
/// places a card without one at the centre of its neighbours'.
pub fn pinned_in(conn: &mut DbConnection, office_id: &str, kelurahan: &[String]) -> QueryResult<Vec<Card>> {
    cards::table
        .filter(cards::office_id.eq(office_id).and(cards::kelurahan.eq_any(kelurahan)))
        .filter(cards::pin_lat.is_not_null().and(cards::pin_lon.is_not_null()))
        .select(Card::as_select())
        .load(conn)
}

/// Every card of the office counted by (kecamatan, status), sorted.
pub fn count_by_kecamatan_status(conn: &mut DbConnection, office_id: &str) -> QueryResult<Vec<(String, String, i64)>> {
    cards::table
        .filter(cards::office_id.eq(office_id))
        .group_by((cards::kecamatan, cards::status))
        .select((cards::kecamatan, cards::status, diesel::dsl::count_star()))
        .order((cards::kecamatan.asc(), cards::status.asc()))
        .load(conn)
}

/// How many of the office's cards are in one of `statuses`.
pub fn count_in(conn: &mut DbConnection, office_id: &str, statuses: &[Status]) -> QueryResult<i64> {
    let statuses: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    cards::table.filter(cards::office_id.eq(office_id).and(cards::status.eq_any(statuses))).count().get_result(conn)
}

/// Print date (from the batch, when it has one) and import time of the
/// cards printed or imported since `since_date` / `since`.
pub fn printed_since(
    conn: &mut DbConnection,
    office_id: &str,
    since_date: &str,
    since: NaiveDateTime,
) -> QueryResult<Vec<(Option<String>, NaiveDateTime)>> {
    cards::table
        .filter(cards::office_id.eq(office_id))
        .filter(cards::printed_on.ge(since_date).or(cards::created_at.ge(since)))
        .select((cards::printed_on, cards::created_at))
        .load(conn)
}
