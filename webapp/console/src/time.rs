//! Dates and times as the desk reads them, by the browser's clock (the
//! office's zone on an office computer).

/// Today, or a day after it, by the browser's clock, `YYYY-MM-DD`.
pub fn day_from_today(days: u32) -> String {
    let d = js_sys::Date::new_0();
    // Past the month's end, the Date rolls over into the next month.
    d.set_date(d.get_date() + days);
    format!("{:04}-{:02}-{:02}", d.get_full_year(), d.get_month() + 1, d.get_date())
}

/// Today, or a day after it, by the browser's clock, as a date.
pub fn date_from_today(days: u32) -> Option<chrono::NaiveDate> {
    let d = js_sys::Date::new_0();
    d.set_date(d.get_date() + days);
    chrono::NaiveDate::from_ymd_opt(i32::try_from(d.get_full_year()).ok()?, d.get_month() + 1, d.get_date())
}

/// `HH:MM` in the browser's zone for an instant.
pub fn clock(at: chrono::DateTime<chrono::Utc>) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at.timestamp_millis() as f64));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// `YYYY-MM-DD HH:MM` in the browser's zone for an instant (by the
/// browser's own date functions: chrono's formatting would add its
/// format-string machinery to the download).
pub fn stamp(at: chrono::DateTime<chrono::Utc>) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at.timestamp_millis() as f64));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}
