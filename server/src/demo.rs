//! `--demo`: demo users, the sample print batch kept in this repository, and
//! a route for today. Runs once per database; never touches `admin`.

use crate::config::{office_today, Config};
use crate::db::{self, offices, routes, users, DbConnection};
use crate::domain::{custody, import};
use antar_shared::EventKind;

/// The sample batch: synthetic people of Kota Bandar Lampung.
const SAMPLE_CSV: &str = include_str!("../demo/cards-bandar-lampung.csv");

pub const DEMO_USERS: [(&str, &str, &str, &str); 3] = [
    ("petugas", "petugas-demo-1871", "staff", "Petugas Demo"),
    ("kurir", "kurir-demo-1871", "courier", "Budi Kurir"),
    ("kurir2", "kurir2-demo-1871", "courier", "Sari Kurir"),
];

/// Cards on the demo courier's route for today.
const ROUTE_STOPS: usize = 12;

/// `writer` is a second connection for the import's writer.
pub fn seed(conn: &mut DbConnection, writer: &mut DbConnection, _config: &Config) -> anyhow::Result<()> {
    if users::by_username(conn, "kurir")?.is_some() {
        return Ok(());
    }
    let office = offices::first(conn)?.ok_or_else(|| anyhow::anyhow!("no office to seed"))?;
    let mut ids = Vec::new();
    for (username, pass, role, name) in DEMO_USERS {
        ids.push(crate::bootstrap::create_user(conn, &office.id, username, pass, role, name)?.id);
    }
    let report = import::import(conn, writer, &office, SAMPLE_CSV.as_bytes(), false)
        .map_err(|e| anyhow::anyhow!("demo import: {e}"))?;
    let (staff_id, courier_id) = (&ids[0], &ids[1]);
    let (cards, _) = db::cards::list(conn, &office.id, &db::cards::Filter::default(), 1, 100)?;
    let mut picked: Vec<_> = cards.into_iter().take(ROUTE_STOPS).collect();
    picked.sort_by(|a, b| (&a.kecamatan, &a.kelurahan, &a.address).cmp(&(&b.kecamatan, &b.kelurahan, &b.address)));
    let route = routes::RouteRow {
        id: db::new_id(),
        office_id: office.id.clone(),
        courier_id: courier_id.clone(),
        date: office_today(&office.time_zone).format("%Y-%m-%d").to_string(),
        status: antar_shared::wire::RouteStatus::Open.as_str().into(),
        created_by: staff_id.clone(),
        created_at: db::now(),
        ended_at: None,
    };
    let stops: Vec<_> = picked
        .iter()
        .zip(1..)
        .map(|(c, seq)| routes::StopRow { route_id: route.id.clone(), card_id: c.id.clone(), seq, active: true })
        .collect();
    db::write_tx(conn, |conn| {
        routes::insert(conn, &route, &stops)?;
        for s in &stops {
            let payload = serde_json::json!({ "route_id": route.id, "courier_id": courier_id, "date": route.date });
            custody::record_office_event(conn, &office, &s.card_id, EventKind::Assigned, Some(staff_id), payload)?;
        }
        Ok::<_, diesel::result::Error>(())
    })?;
    tracing::info!(cards = report.imported, stops = stops.len(), "demo data seeded");
    Ok(())
}
