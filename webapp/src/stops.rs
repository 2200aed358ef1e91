//! Finding a stop in a long list: by name, address or RT, and by whether it
//! still needs the courier. Pure, so the rules are tested natively.

use crate::outbox::is_open;
use antar_shared::wire::DoorstepStop;
use antar_shared::Status;

/// Which stops the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    #[default]
    All,
    /// Still to deliver today.
    Open,
    /// Delivered, returned or otherwise finished.
    Done,
}

impl Show {
    pub fn parse(v: &str) -> Show {
        match v {
            "open" => Show::Open,
            "done" => Show::Done,
            _ => Show::All,
        }
    }
}

/// An RT or RW number as typed or printed: "007", "7" and "RT 7" are one.
fn rt_number(s: &str) -> Option<u32> {
    let digits = s.trim().trim_start_matches(|c: char| c.is_ascii_alphabetic() || c.is_whitespace());
    digits.parse().ok()
}

/// Whether a stop fits what the courier typed and picked. The query matches
/// the name or address (any case), or the RT number ("7", "007", "rt 7").
pub fn shows(stop: &DoorstepStop, status: Status, query: &str, show: Show) -> bool {
    let wanted = match show {
        Show::All => true,
        Show::Open => is_open(status),
        Show::Done => !is_open(status),
    };
    let q = query.trim().to_lowercase();
    if !wanted || q.is_empty() {
        return wanted;
    }
    let in_text = stop.name.to_lowercase().contains(&q) || stop.address.to_lowercase().contains(&q);
    let rt = rt_number(&q).is_some_and(|n| stop.rt.as_deref().and_then(rt_number) == Some(n));
    in_text || rt
}

/// The day the list opens on, among the days the downloaded routes are
/// for (`YYYY-MM-DD`, any order): today's; else the next one ahead (the
/// office planned tomorrow early); else the latest still open.
pub fn day_to_show(days: &[String], today: &str) -> Option<String> {
    let ahead = days.iter().filter(|d| d.as_str() >= today).min();
    ahead.or_else(|| days.iter().max()).cloned()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A stop on a route, for tests of the app's rules.
    pub(crate) fn stop(name: &str, address: &str, rt: Option<&str>) -> DoorstepStop {
        DoorstepStop {
            card_id: "c".into(),
            seq: 1,
            name: name.into(),
            address: address.into(),
            rt: rt.map(str::to_owned),
            rw: Some("002".into()),
            kelurahan: "K".into(),
            kecamatan: "C".into(),
            phone: None,
            landmark: None,
            nik_check: antar_shared::doorstep::NikCheck::new(b"k", "1871110211750001", ""),
            status: Status::Assigned,
            failed_attempts: 0,
            pin_lat: None,
            pin_lon: None,
            replacement: false,
        }
    }

    #[test]
    fn a_query_finds_a_stop_by_name_address_or_rt() {
        let s = stop("SITI AMINAH", "JL. MELATI NO. 4", Some("007"));
        for q in ["siti", "Aminah", "melati", "7", "007", "RT 7", "rt7", "  siti  ", ""] {
            assert!(shows(&s, Status::Assigned, q, Show::All), "{q:?}");
        }
        for q in ["budi", "8", "rt 70", "mawar"] {
            assert!(!shows(&s, Status::Assigned, q, Show::All), "{q:?}");
        }
        assert!(!shows(&stop("A", "B", None), Status::Assigned, "7", Show::All), "no RT, no RT match");
    }

    #[test]
    fn the_list_opens_on_today_else_the_next_day_else_the_last_open_one() {
        let days = |ds: &[&str]| ds.iter().map(|d| (*d).to_owned()).collect::<Vec<_>>();
        let today = "2026-11-23";
        assert_eq!(day_to_show(&days(&["2026-11-24", "2026-11-23", "2026-11-22"]), today).as_deref(), Some(today));
        assert_eq!(day_to_show(&days(&["2026-11-24", "2026-11-22"]), today).as_deref(), Some("2026-11-24"));
        assert_eq!(day_to_show(&days(&["2026-11-20", "2026-11-22"]), today).as_deref(), Some("2026-11-22"));
        assert_eq!(day_to_show(&[], today), None);
    }

    #[test]
    fn open_and_done_split_the_list_by_what_is_left_to_do() {
        let s = stop("SITI", "JL", None);
        assert!(shows(&s, Status::WithCourier, "", Show::Open));
        assert!(!shows(&s, Status::Delivered, "", Show::Open));
        assert!(shows(&s, Status::Delivered, "", Show::Done));
        assert!(shows(&s, Status::ReturnedToOffice, "siti", Show::Done));
        assert!(!shows(&s, Status::Assigned, "", Show::Done));
        assert_eq!(Show::parse("open"), Show::Open);
        assert_eq!(Show::parse("anything"), Show::All);
    }
}
