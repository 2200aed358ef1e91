//! Printed cards: the rows an import writes and the lists staff read.

use super::schema::cards;
use super::DbConnection;
use antar_shared::custody::{ResidentAnswer, Status};
use antar_shared::wire::CardSummary;
use chrono::NaiveDateTime;
use diesel::prelude::*;

diesel::define_sql_function!(fn upper(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = cards)]
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
    pub status: String,
    pub resident: Option<String>,
    pub failed_attempts: i32,
    pub courier_id: Option<String>,
    pub replaces_card_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Card {
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Printed)
    }

    pub fn resident(&self) -> Option<ResidentAnswer> {
        self.resident.as_deref().and_then(ResidentAnswer::parse)
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
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub status: Option<String>,
    pub kecamatan: Option<String>,
    pub kelurahan: Option<String>,
    pub q: Option<String>,
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
        if let Some(s) = &f.status {
            q = q.filter(cards::status.eq(s.clone()));
        }
        if let Some(k) = &f.kecamatan {
            q = q.filter(upper(cards::kecamatan).eq(k.to_uppercase()));
        }
        if let Some(k) = &f.kelurahan {
            q = q.filter(upper(cards::kelurahan).eq(k.to_uppercase()));
        }
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

/// Cards of the office holding any of these NIKs.
pub fn by_niks(conn: &mut DbConnection, office_id: &str, niks: &[String]) -> QueryResult<Vec<Card>> {
    cards::table
        .filter(cards::office_id.eq(office_id).and(cards::nik.eq_any(niks)))
        .select(Card::as_select())
        .load(conn)
}

/// Inserts many cards: one statement per chunk where the backend allows it.
pub fn insert_many(conn: &mut DbConnection, rows: &[Card]) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(c) => {
            for chunk in rows.chunks(500) {
                diesel::insert_into(cards::table).values(chunk).execute(c)?;
            }
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

/// Rewrites a card's projection from its folded log.
pub fn set_projection(conn: &mut DbConnection, id: &str, state: &antar_shared::custody::CardState) -> QueryResult<()> {
    diesel::update(cards::table.find(id))
        .set((
            cards::status.eq(state.status.as_str()),
            cards::resident.eq(state.resident.map(ResidentAnswer::as_str)),
            cards::failed_attempts.eq(i32::try_from(state.failed_attempts).unwrap_or(i32::MAX)),
            cards::courier_id.eq(state.courier.as_deref()),
            cards::updated_at.eq(super::now()),
        ))
        .execute(conn)
        .map(drop)
}

/// Remembers the first good GPS fix at a home for later visits.
pub fn remember_pin(conn: &mut DbConnection, id: &str, lat: f64, lon: f64) -> QueryResult<()> {
    diesel::update(cards::table.find(id).filter(cards::pin_lat.is_null()))
        .set((cards::pin_lat.eq(lat), cards::pin_lon.eq(lon)))
        .execute(conn)
        .map(drop)
}
