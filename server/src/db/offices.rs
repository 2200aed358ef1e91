//! Offices and their settings.

use super::schema::offices;
use super::DbConnection;
use antar_shared::wire::Settings;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = offices)]
pub struct Office {
    pub id: String,
    pub regency_code: String,
    pub name: String,
    pub time_zone: String,
    pub max_failed_attempts: i32,
    pub link_lifetime_days: i32,
    pub require_photo: bool,
    pub require_signature: bool,
    pub require_id_check: bool,
    pub require_gps: bool,
    pub created_at: NaiveDateTime,
    /// Where routes start and end.
    pub office_lat: Option<f64>,
    pub office_lon: Option<f64>,
    pub max_stops_per_route: i32,
}

impl Office {
    pub fn settings(&self) -> Settings {
        Settings {
            office_name: self.name.clone(),
            regency_code: self.regency_code.clone(),
            time_zone: self.time_zone.clone(),
            max_failed_attempts: self.max_failed_attempts,
            link_lifetime_days: self.link_lifetime_days,
            require_photo: self.require_photo,
            require_signature: self.require_signature,
            require_id_check: self.require_id_check,
            require_gps: self.require_gps,
            office_lat: self.office_lat,
            office_lon: self.office_lon,
            max_stops_per_route: self.max_stops_per_route,
        }
    }

    pub fn rules(&self) -> antar_shared::custody::Rules {
        antar_shared::custody::Rules { max_failed_attempts: u32::try_from(self.max_failed_attempts).unwrap_or(3) }
    }
}

pub fn get(conn: &mut DbConnection, id: &str) -> QueryResult<Office> {
    offices::table.find(id).select(Office::as_select()).first(conn)
}

pub fn first(conn: &mut DbConnection) -> QueryResult<Option<Office>> {
    offices::table.order(offices::created_at.asc()).select(Office::as_select()).first(conn).optional()
}

pub fn insert(conn: &mut DbConnection, office: &Office) -> QueryResult<()> {
    diesel::insert_into(offices::table).values(office).execute(conn).map(drop)
}

pub fn update_settings(conn: &mut DbConnection, id: &str, s: &Settings) -> QueryResult<()> {
    diesel::update(offices::table.find(id))
        .set((
            offices::name.eq(&s.office_name),
            offices::regency_code.eq(&s.regency_code),
            offices::time_zone.eq(&s.time_zone),
            offices::max_failed_attempts.eq(s.max_failed_attempts),
            offices::link_lifetime_days.eq(s.link_lifetime_days),
            offices::require_photo.eq(s.require_photo),
            offices::require_signature.eq(s.require_signature),
            offices::require_id_check.eq(s.require_id_check),
            offices::require_gps.eq(s.require_gps),
            offices::office_lat.eq(s.office_lat),
            offices::office_lon.eq(s.office_lon),
            offices::max_stops_per_route.eq(s.max_stops_per_route),
        ))
        .execute(conn)
        .map(drop)
}
