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
    /// How residents hear about their card (`antar_shared::notify::CHANNELS`).
    pub notify_channel: String,
    pub notify_url: Option<String>,
    /// The webhook's secret or the gateway's token; never leaves the server.
    pub notify_secret: Option<String>,
    pub notify_quiet_hours: String,
    /// Comma-separated moments that send.
    pub notify_moments: String,
    /// JSON object: moment → the office's own template.
    pub notify_templates: String,
    /// Why the server turned the channel off (a gateway's 410), until an
    /// admin saves the settings again.
    pub notify_channel_note: Option<String>,
}

impl Office {
    /// A new office with the default rules: 3 attempts, links for 30 days,
    /// no proof required, 40 stops a route, no messages to residents.
    pub fn new(regency_code: &str, name: &str, time_zone: &str) -> Office {
        Office {
            id: super::new_id(),
            regency_code: regency_code.to_owned(),
            name: name.to_owned(),
            time_zone: time_zone.to_owned(),
            max_failed_attempts: 3,
            link_lifetime_days: 30,
            require_photo: false,
            require_signature: false,
            require_id_check: false,
            require_gps: false,
            created_at: super::now(),
            office_lat: None,
            office_lon: None,
            max_stops_per_route: 40,
            notify_channel: "none".into(),
            notify_url: None,
            notify_secret: None,
            notify_quiet_hours: antar_shared::notify::DEFAULT_QUIET_HOURS.into(),
            notify_moments: antar_shared::notify::MOMENTS.join(","),
            notify_templates: "{}".into(),
            notify_channel_note: None,
        }
    }

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
            notify_channel: self.notify_channel.clone(),
            notify_url: self.notify_url.clone(),
            notify_secret: None,
            notify_secret_set: self.notify_secret.as_deref().is_some_and(|s| !s.is_empty()),
            notify_quiet_hours: self.notify_quiet_hours.clone(),
            notify_moments: self.moments(),
            notify_templates: self.templates(),
            notify_channel_note: self.notify_channel_note.clone(),
        }
    }

    pub fn moments(&self) -> Vec<String> {
        self.notify_moments.split(',').filter(|m| !m.is_empty()).map(str::to_owned).collect()
    }

    pub fn templates(&self) -> std::collections::BTreeMap<String, String> {
        serde_json::from_str(&self.notify_templates).unwrap_or_default()
    }

    /// The template a moment sends: the office's own, else the default.
    pub fn template(&self, moment: &str) -> String {
        self.templates().remove(moment).unwrap_or_else(|| antar_shared::notify::default_template(moment).to_owned())
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
            offices::notify_channel.eq(&s.notify_channel),
            offices::notify_url.eq(&s.notify_url),
            offices::notify_quiet_hours.eq(s.notify_quiet_hours.trim()),
            offices::notify_moments.eq(s.notify_moments.join(",")),
            offices::notify_templates.eq(serde_json::to_string(&s.notify_templates).unwrap_or_else(|_| "{}".into())),
            // Saved by an admin: whatever the server had turned off is theirs again.
            offices::notify_channel_note.eq(None::<String>),
        ))
        .execute(conn)?;
    // Absent keeps the stored secret; empty clears it.
    if let Some(secret) = &s.notify_secret {
        let secret = Some(secret.trim()).filter(|s| !s.is_empty());
        diesel::update(offices::table.find(id)).set(offices::notify_secret.eq(secret)).execute(conn)?;
    }
    Ok(())
}

/// The gateway retired the channel (410 Gone): no more sends until an
/// admin sets one again; `note` says so on the admin's screens.
pub fn turn_off_channel(conn: &mut DbConnection, id: &str, note: &str) -> QueryResult<()> {
    diesel::update(offices::table.find(id))
        .set((offices::notify_channel.eq("none"), offices::notify_channel_note.eq(note)))
        .execute(conn)
        .map(drop)
}
