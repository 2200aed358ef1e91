//! Dates and times as the desk reads them: in the office's zone, learned
//! once from its settings (the zones are fixed offsets), whatever zone the
//! computer's clock is set to; by the computer's own zone until then.

use std::cell::Cell;

thread_local! {
    static OFFSET_HOURS: Cell<Option<i32>> = const { Cell::new(None) };
}

/// The office's zone, from its settings (`Asia/Jakarta`, …).
pub fn set_office_zone(zone: &str) {
    OFFSET_HOURS.with(|o| o.set(antar_shared::zone::offset_hours(zone)));
}

/// Year, month, day, hour and minute of an instant (milliseconds since the
/// epoch) on the office's clock.
fn fields(ms: f64) -> (u32, u32, u32, u32, u32) {
    match OFFSET_HOURS.with(Cell::get) {
        Some(h) => {
            let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms + f64::from(h) * 3_600_000.0));
            (d.get_utc_full_year(), d.get_utc_month() + 1, d.get_utc_date(), d.get_utc_hours(), d.get_utc_minutes())
        }
        None => {
            let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
            (d.get_full_year(), d.get_month() + 1, d.get_date(), d.get_hours(), d.get_minutes())
        }
    }
}

/// Today, or a day after it, in the office, as a date.
pub fn date_from_today(days: u32) -> Option<chrono::NaiveDate> {
    let (y, m, d, ..) = fields(js_sys::Date::now());
    chrono::NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?.checked_add_days(chrono::Days::new(days.into()))
}

/// Today, or a day after it, in the office, `YYYY-MM-DD`.
pub fn day_from_today(days: u32) -> String {
    use chrono::Datelike;
    date_from_today(days).map(|d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())).unwrap_or_default()
}

/// `HH:MM` on the office's clock for an instant.
/// Now, by the browser's clock: chrono's own clock is not built for the
/// browser (it would panic there).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

pub fn clock(at: chrono::DateTime<chrono::Utc>) -> String {
    let (.., h, m) = fields(at.timestamp_millis() as f64);
    format!("{h:02}:{m:02}")
}

/// `YYYY-MM-DD HH:MM` on the office's clock for an instant (by the
/// browser's own date functions: chrono's formatting would add its
/// format-string machinery to the download).
pub fn stamp(at: chrono::DateTime<chrono::Utc>) -> String {
    let (y, mo, d, h, mi) = fields(at.timestamp_millis() as f64);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}")
}
