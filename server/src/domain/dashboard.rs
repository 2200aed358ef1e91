//! What a head of office watches: the day as it happens (each courier's
//! balance and last sync, the cards by kecamatan and status) and the backlog
//! (waiting cards, printed and delivered per day, when it clears). The rules
//! — when a courier counts as quiet, when the backlog clears — are pure
//! functions, tested here; the rest reads the database.

use crate::api::error::ApiError;
use crate::config::zone_offset_hours;
use crate::db::{cards, events, offices::Office, routes, users, DbConnection};
use crate::domain::routes::day_reports;
use antar_shared::tally::Group;
use antar_shared::wire::{
    ClearsOn, DashCourier, Dashboard, DayCount, Forecast, KecamatanCounts, RouteStatus, Scenario,
};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use std::collections::{BTreeMap, HashMap};

/// The working day in the office's zone: silence outside it is not news.
const WORKDAY_START: u32 = 7;
const WORKDAY_END: u32 = 17;
/// How long a courier with cards out may stay silent in the working day.
pub const QUIET_AFTER: Duration = Duration::hours(2);
/// Days the forecast looks back on.
pub const HISTORY_DAYS: i64 = 28;
/// A backlog that would take longer than this does not "clear".
const HORIZON_DAYS: f64 = 3650.0;

/// The office's local time for a UTC time.
fn local(now: NaiveDateTime, offset_hours: i32) -> NaiveDateTime {
    now + Duration::hours(i64::from(offset_hours))
}

/// Whether a courier still working `date` has been silent too long: it is
/// the office's today, inside the working day, and nothing was heard for
/// `QUIET_AFTER` since the last sync (or since the working day began, or
/// the route was made, whichever is later). All times UTC.
pub fn is_quiet(
    now: NaiveDateTime,
    offset_hours: i32,
    date: NaiveDate,
    working: bool,
    route_made: NaiveDateTime,
    last_sync: Option<NaiveDateTime>,
) -> bool {
    let here = local(now, offset_hours);
    let hour = here.hour();
    if !working || here.date() != date || !(WORKDAY_START..WORKDAY_END).contains(&hour) {
        return false;
    }
    let day_start = date.and_time(NaiveTime::MIN) + Duration::hours(i64::from(WORKDAY_START) - i64::from(offset_hours));
    let since = [Some(day_start), Some(route_made), last_sync].into_iter().flatten().max().unwrap_or(day_start);
    now - since >= QUIET_AFTER
}

/// The day the backlog is gone, delivering `delivery_rate` and printing
/// `printing_rate` cards a day; `None` when it never shrinks (or not within
/// ten years). An empty backlog is cleared today.
pub fn clears_on(today: NaiveDate, backlog: i64, delivery_rate: f64, printing_rate: f64) -> Option<NaiveDate> {
    if backlog <= 0 {
        return Some(today);
    }
    let net = delivery_rate - printing_rate;
    if net <= 0.0 {
        return None;
    }
    // Rates are means of whole counts: forgive the last bits of rounding
    // so that 2 cards at 2/28 a day take 28 days, not 29.
    let days = (backlog as f64 / net - 1e-9).ceil();
    (days <= HORIZON_DAYS).then(|| today + Duration::days(days as i64))
}

/// The office's staffing choices: the couriers it has and two and five more,
/// each at the cap of stops and ten more; the first is the office as it is.
pub fn scenarios(
    today: NaiveDate,
    backlog: i64,
    printing_rate: f64,
    couriers: i64,
    stops: i64,
    delivered_share: f64,
) -> Vec<Scenario> {
    let couriers = couriers.max(1);
    let mut out = Vec::new();
    for c in [couriers, couriers + 2, couriers + 5] {
        for s in [stops, stops + 10] {
            let per_day = (c * s) as f64 * delivered_share;
            let clears = clears_on(today, backlog, per_day, printing_rate).map(|d| d.format("%Y-%m-%d").to_string());
            out.push(Scenario { couriers: c, stops_per_courier: s, per_day, clears_on: clears });
        }
    }
    out
}

/// Counts per day over the `HISTORY_DAYS` ending `today`, oldest first;
/// dates outside the window are ignored.
pub fn per_day(today: NaiveDate, dates: impl IntoIterator<Item = NaiveDate>) -> Vec<DayCount> {
    let first = today - Duration::days(HISTORY_DAYS - 1);
    let mut counts = vec![0i64; HISTORY_DAYS as usize];
    for d in dates {
        if let Ok(i) = usize::try_from((d - first).num_days()) {
            if let Some(n) = counts.get_mut(i) {
                *n += 1;
            }
        }
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, n)| DayCount { date: (first + Duration::days(i as i64)).format("%Y-%m-%d").to_string(), n })
        .collect()
}

fn mean(series: &[DayCount]) -> f64 {
    series.iter().map(|d| d.n).sum::<i64>() as f64 / series.len().max(1) as f64
}

pub fn dashboard(
    conn: &mut DbConnection,
    office: &Office,
    date: NaiveDate,
    now: NaiveDateTime,
) -> Result<Dashboard, ApiError> {
    let offset = zone_offset_hours(&office.time_zone).unwrap_or(7);
    let day = date.format("%Y-%m-%d").to_string();
    let day_routes: Vec<_> = routes::list(conn, &office.id, Some(&day), None)?
        .into_iter()
        .filter(|r| r.status() != RouteStatus::Cancelled)
        .collect();
    // When each courier's first route was made: silence before it is not news.
    let mut made: HashMap<String, NaiveDateTime> = HashMap::new();
    for r in &day_routes {
        made.entry(r.courier_id.clone()).or_insert(r.created_at);
    }
    let reports = day_reports(conn, office, &day, day_routes)?;
    let ids: Vec<String> = reports.iter().map(|r| r.courier_id.clone()).collect();
    let names = users::names(conn, &ids)?;
    let syncs = events::last_syncs(conn, &office.id)?;
    let mut couriers = Vec::with_capacity(reports.len());
    for r in reports {
        let last = syncs.get(&r.courier_id).copied();
        let working = !r.closed && r.still_out.len() + r.not_taken.len() > 0;
        let route_made = made.get(&r.courier_id).copied().unwrap_or(now);
        couriers.push(DashCourier {
            display_name: names.get(&r.courier_id).cloned().unwrap_or_default(),
            handed_out: r.handed_out,
            delivered: r.delivered.len(),
            failed_attempts: r.failed_attempts,
            returned: r.returned.len(),
            left_at_village_office: r.left_at_village_office.len(),
            still_out: r.still_out.len(),
            not_taken: r.not_taken.len(),
            last_sync_at: last.map(|t| t.and_utc()),
            quiet: is_quiet(now, offset, date, working, route_made, last),
            closed: r.closed,
            courier_id: r.courier_id,
        });
    }
    let mut kecamatan: Vec<KecamatanCounts> = Vec::new();
    for (name, status, n) in cards::count_by_kecamatan_status(conn, &office.id)? {
        match kecamatan.last_mut() {
            Some(k) if k.kecamatan == name => {
                k.counts.insert(status, n);
            }
            _ => kecamatan.push(KecamatanCounts { kecamatan: name, counts: BTreeMap::from([(status, n)]) }),
        }
    }
    // The office's day, in UTC as the database keeps time.
    let from = date.and_time(NaiveTime::MIN) - Duration::hours(i64::from(offset));
    let messages =
        crate::db::notifications::counts(conn, &office.id, from, from + Duration::days(1))?.into_iter().collect();
    Ok(Dashboard { date: day, generated_at: now.and_utc(), couriers, kecamatan, messages })
}

pub fn forecast(conn: &mut DbConnection, office: &Office, now: NaiveDateTime) -> Result<Forecast, ApiError> {
    let offset = zone_offset_hours(&office.time_zone).unwrap_or(7);
    let today = local(now, offset).date();
    let first = today - Duration::days(HISTORY_DAYS - 1);
    // The window's first local midnight, in UTC as the database keeps time.
    let since = first.and_time(NaiveTime::MIN) - Duration::hours(i64::from(offset));
    let to_local_day = |t: NaiveDateTime| local(t, offset).date();

    // A card delivered twice in the window (a correction) counts once.
    let mut delivered: HashMap<String, NaiveDate> = HashMap::new();
    for e in events::delivered_since(conn, &office.id, since)?.into_iter().filter(|e| e.applied()) {
        let day = to_local_day(e.occurred_at);
        delivered.entry(e.card_id).and_modify(|d| *d = (*d).min(day)).or_insert(day);
    }
    let first_text = first.format("%Y-%m-%d").to_string();
    let printed = cards::printed_since(conn, &office.id, &first_text, since)?.into_iter().map(|(on, imported)| {
        on.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()).unwrap_or_else(|| to_local_day(imported))
    });
    let delivered_per_day = per_day(today, delivered.into_values());
    let printed_per_day = per_day(today, printed);
    let waiting = cards::count_in(conn, &office.id, Group::Waiting.statuses())?;
    let backlog = cards::count_in(conn, &office.id, Group::Backlog.statuses())?;
    let (delivery_rate, printing_rate) = (mean(&delivered_per_day), mean(&printed_per_day));
    // Of the cards handed out over the window, the share delivered; with no
    // history yet, every stop counts as a delivery.
    let delivered_total: i64 = delivered_per_day.iter().map(|d| d.n).sum();
    let handed_out = events::picked_up_cards_since(conn, &office.id, since)?;
    let share = if handed_out > 0 { (delivered_total as f64 / handed_out as f64).min(1.0) } else { 1.0 };
    let couriers =
        users::list(conn, &office.id, Some(antar_shared::wire::Role::Courier))?.iter().filter(|u| !u.disabled).count();
    let scenarios = scenarios(
        today,
        backlog,
        printing_rate,
        i64::try_from(couriers).unwrap_or(i64::MAX),
        i64::from(office.max_stops_per_route),
        share,
    );
    let at =
        |printing: f64| clears_on(today, backlog, delivery_rate, printing).map(|d| d.format("%Y-%m-%d").to_string());
    Ok(Forecast {
        waiting,
        backlog,
        today: today.format("%Y-%m-%d").to_string(),
        delivered_per_day,
        printed_per_day,
        delivery_rate,
        printing_rate,
        clears_on: ClearsOn {
            current_rate: at(printing_rate),
            at_250: at(250.0),
            at_500: at(500.0),
            at_700: at(700.0),
            at_1000: at(1000.0),
        },
        scenarios,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// UTC time for a local (WIB, +7) hour on a day.
    fn wib(day: &str, h: u32, m: u32) -> NaiveDateTime {
        d(day).and_hms_opt(h, m, 0).unwrap() - Duration::hours(7)
    }

    #[test]
    fn a_courier_silent_two_hours_in_the_working_day_is_quiet() {
        let day = d("2026-12-03");
        let made = wib("2026-12-03", 6, 0);
        let synced = Some(wib("2026-12-03", 9, 0));
        assert!(!is_quiet(wib("2026-12-03", 10, 59), 7, day, true, made, synced), "1 h 59 min is not yet quiet");
        assert!(is_quiet(wib("2026-12-03", 11, 0), 7, day, true, made, synced));
        assert!(!is_quiet(wib("2026-12-03", 11, 0), 7, day, false, made, synced), "nothing left to do");
        assert!(!is_quiet(wib("2026-12-03", 17, 30), 7, day, true, made, synced), "after the working day");
        assert!(!is_quiet(wib("2026-12-04", 11, 0), 7, day, true, made, synced), "another day's dashboard");
    }

    #[test]
    fn silence_counts_from_the_start_of_the_working_day_or_the_route() {
        let day = d("2026-12-03");
        let yesterday = Some(wib("2026-12-02", 16, 0));
        assert!(!is_quiet(wib("2026-12-03", 8, 30), 7, day, true, wib("2026-12-02", 15, 0), yesterday));
        assert!(is_quiet(wib("2026-12-03", 9, 0), 7, day, true, wib("2026-12-02", 15, 0), yesterday));
        // A route made at 10:00 gives the courier until noon.
        assert!(!is_quiet(wib("2026-12-03", 11, 30), 7, day, true, wib("2026-12-03", 10, 0), None));
        assert!(is_quiet(wib("2026-12-03", 12, 0), 7, day, true, wib("2026-12-03", 10, 0), None));
        // WITA (+8): 9:00 local is 01:00 UTC.
        let wita = d("2026-12-03").and_hms_opt(1, 0, 0).unwrap();
        assert!(is_quiet(wita, 8, day, true, wib("2026-12-02", 15, 0), None));
        assert!(!is_quiet(wita, 7, day, true, wib("2026-12-02", 15, 0), None), "08:00 WIB is one hour in");
    }

    #[test]
    fn the_backlog_clears_when_deliveries_outpace_printing() {
        let today = d("2026-12-03");
        assert_eq!(clears_on(today, 1000, 600.0, 500.0), Some(d("2026-12-13")));
        assert_eq!(clears_on(today, 1001, 600.0, 500.0), Some(d("2026-12-14")), "a part day is a day");
        assert_eq!(clears_on(today, 1000, 500.0, 500.0), None, "printing as fast as delivering: never");
        assert_eq!(clears_on(today, 1000, 400.0, 500.0), None);
        assert_eq!(clears_on(today, 0, 0.0, 700.0), Some(today), "nothing waiting");
        assert_eq!(clears_on(today, 25_000, 10.001, 10.0), None, "not within ten years");
    }

    #[test]
    fn staffing_scenarios_vary_couriers_and_stops_and_clear_sooner_with_more() {
        let today = d("2026-12-03");
        let all = scenarios(today, 3000, 100.0, 2, 40, 0.75);
        let grid: Vec<(i64, i64)> = all.iter().map(|s| (s.couriers, s.stops_per_courier)).collect();
        assert_eq!(grid, [(2, 40), (2, 50), (4, 40), (4, 50), (7, 40), (7, 50)]);
        assert_eq!(all[0].per_day, 60.0, "2 couriers × 40 stops × 75 % delivered");
        assert_eq!(all[0].clears_on, None, "60 a day against 100 printed: the backlog grows");
        // 4 × 50 × 0.75 = 150 a day, 50 more than printed: 3000 / 50 = 60 days.
        assert_eq!(all[3].clears_on.as_deref(), Some("2027-02-01"));
        let days = |s: &Scenario| s.clears_on.as_deref().map(|c| (d(c) - today).num_days());
        assert!(days(&all[5]) < days(&all[3]), "more couriers clear it sooner");
        assert_eq!(scenarios(today, 10, 0.0, 0, 40, 1.0)[0].couriers, 1, "an office with no courier yet plans for one");
    }

    #[test]
    fn counts_fall_on_their_day_and_outside_the_window_are_dropped() {
        let today = d("2026-12-03");
        let days =
            per_day(today, [d("2026-12-03"), d("2026-12-03"), d("2026-11-06"), d("2026-11-05"), d("2026-12-04")]);
        assert_eq!(days.len(), 28);
        assert_eq!(days[0], DayCount { date: "2026-11-06".into(), n: 1 });
        assert_eq!(days[27], DayCount { date: "2026-12-03".into(), n: 2 });
        assert_eq!(days.iter().map(|d| d.n).sum::<i64>(), 3);
    }
}
