//! Finding a stop in a long list: by name, address or RT, and by whether it
//! still needs the courier. Pure, so the rules are tested natively.

use crate::i18n::Lang;
use crate::outbox::is_open;
use antar_shared::wire::{CourierRoute, DoorstepStop};
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

pub use antar_shared::label::{door_code, DoorCode};

/// The stop a door code names: a card on any downloaded route, or the stop
/// with that number on the day shown. Its day and card id.
pub fn find_door_stop(routes: &[CourierRoute], code: &DoorCode, day: Option<&str>) -> Option<(String, String)> {
    routes.iter().find_map(|r| {
        let hit = r.stops.iter().find(|s| match code {
            DoorCode::Card(id) => s.card_id.eq_ignore_ascii_case(id),
            DoorCode::Seq(n) => Some(r.date.as_str()) == day && u32::try_from(s.seq).ok() == Some(*n),
        })?;
        Some((r.date.clone(), hit.card_id.clone()))
    })
}

/// What the resident asked for, in the app's language: the wish's own words
/// when the server named it, else the server's text (Indonesian).
pub fn wish_text(l: Lang, s: &DoorstepStop) -> Option<String> {
    match (s.resident_wish, l) {
        (Some(w), Lang::En) => Some(w.label_en().to_owned()),
        (Some(w), Lang::Id) => Some(w.label_id().to_owned()),
        (None, _) => s.resident_request.clone(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn the_residents_wish_reads_in_the_apps_language() {
        let mut s = stop("A", "B", None);
        assert_eq!(wish_text(Lang::En, &s), None);
        s.resident_request = Some("Warga minta diantar setelah pukul 16.00".into());
        assert_eq!(
            wish_text(Lang::En, &s).as_deref(),
            Some("Warga minta diantar setelah pukul 16.00"),
            "no code: the server's words"
        );
        s.resident_wish = antar_shared::custody::ResidentWish::from_label("Warga minta diantar setelah pukul 16.00");
        assert_eq!(wish_text(Lang::En, &s).as_deref(), Some("The resident asks for delivery after 16:00"));
        assert_eq!(wish_text(Lang::Id, &s).as_deref(), Some("Warga minta diantar setelah pukul 16.00"));
    }

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
            resident_request: None,
            resident_wish: None,
            nik_check: antar_shared::doorstep::NikCheck::new(b"k", "1871110211750001", ""),
            status: Status::Assigned,
            failed_attempts: 0,
            pin_lat: None,
            pin_lon: None,
            replacement: false,
            handed_back: false,
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

    #[test]
    fn a_door_code_finds_its_stop_on_any_day_or_by_number_on_the_day_shown() {
        let on = |card: &str, seq: i32| DoorstepStop { card_id: card.into(), seq, ..stop("A", "B", None) };
        let routes = vec![
            CourierRoute {
                id: "r1".into(),
                date: "2026-12-03".into(),
                status: antar_shared::wire::RouteStatus::Open,
                stops: vec![on("card-aaaa-1", 1), on("card-bbbb-2", 2)],
            },
            CourierRoute {
                id: "r2".into(),
                date: "2026-12-04".into(),
                status: antar_shared::wire::RouteStatus::Open,
                stops: vec![on("card-cccc-3", 1)],
            },
        ];
        let card = |id: &str| DoorCode::Card(id.into());
        assert_eq!(
            find_door_stop(&routes, &card("card-cccc-3"), Some("2026-12-03")),
            Some(("2026-12-04".into(), "card-cccc-3".into()))
        );
        assert_eq!(
            find_door_stop(&routes, &DoorCode::Seq(2), Some("2026-12-03")),
            Some(("2026-12-03".into(), "card-bbbb-2".into()))
        );
        assert_eq!(
            find_door_stop(&routes, &DoorCode::Seq(1), Some("2026-12-04")),
            Some(("2026-12-04".into(), "card-cccc-3".into()))
        );
        assert_eq!(find_door_stop(&routes, &DoorCode::Seq(2), Some("2026-12-04")), None);
        assert_eq!(
            find_door_stop(&routes, &card("card-other-9"), Some("2026-12-03")),
            None,
            "not on the courier's routes"
        );
    }
}
