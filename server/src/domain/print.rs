//! The route sheet and envelope labels of a saved route: the route, its
//! cards and its courier read from the database, handed to the pure
//! renderers in `crate::print`.

use crate::api::error::ApiError;
use crate::config::office_now_label;
use crate::db::cards::Card;
use crate::db::{offices::Office, routes, users, DbConnection};
use crate::print::labels::{self, Label, Labels};
use crate::print::sheet::{self, RouteSheet, SheetStop};
use crate::print::Addressee;

fn addressee(c: &Card) -> Addressee {
    Addressee {
        name: c.name.clone(),
        address: c.address.clone(),
        rt: c.rt.clone(),
        rw: c.rw.clone(),
        kelurahan: c.kelurahan.clone(),
        kecamatan: c.kecamatan.clone(),
    }
}

/// A printable route: the office's, or not found.
fn load(
    conn: &mut DbConnection,
    office: &Office,
    route_id: &str,
) -> Result<(routes::RouteRow, String, Vec<Card>), ApiError> {
    let route = routes::get(conn, &office.id, route_id)?.ok_or_else(|| ApiError::not_found("route"))?;
    let courier = users::names(conn, std::slice::from_ref(&route.courier_id))?
        .remove(&route.courier_id)
        .unwrap_or_else(|| route.courier_id.clone());
    let cards = routes::stops_with_cards(conn, &route.id)?
        .into_iter()
        .filter(|(stop, _)| stop.active)
        .map(|(_, card)| card)
        .collect();
    Ok((route, courier, cards))
}

fn print_error(e: crate::print::PrintError) -> ApiError {
    ApiError::Internal(e.to_string())
}

pub fn route_sheet(conn: &mut DbConnection, office: &Office, route_id: &str) -> Result<(String, Vec<u8>), ApiError> {
    let (route, courier, cards) = load(conn, office, route_id)?;
    let stops = cards
        .into_iter()
        .zip(1..)
        .map(|(c, seq)| SheetStop {
            seq,
            to: addressee(&c),
            nik_last4: c.nik.chars().skip(c.nik.chars().count().saturating_sub(4)).collect(),
            landmark: c.landmark,
            phone: c.phone,
        })
        .collect();
    let doc = RouteSheet {
        office: office.name.clone(),
        courier: courier.clone(),
        date: route.date.clone(),
        printed_at: office_now_label(&office.time_zone),
        stops,
    };
    let pdf = sheet::render(&doc).map_err(print_error)?;
    Ok((file_name("rute", &route.date, &courier), pdf))
}

pub fn route_labels(
    conn: &mut DbConnection,
    office: &Office,
    route_id: &str,
    public_url: &str,
) -> Result<(String, Vec<u8>), ApiError> {
    let (route, courier, cards) = load(conn, office, route_id)?;
    let labels = cards
        .into_iter()
        .zip(1..)
        .map(|(c, seq)| Label { seq, to: addressee(&c), url: labels::door_url(public_url, &c.id) })
        .collect();
    let set = Labels { courier: courier.clone(), date: route.date.clone(), labels };
    let pdf = labels::render(&set).map_err(print_error)?;
    Ok((file_name("label", &route.date, &courier), pdf))
}

/// `rute-2026-12-04-budi-kurir.pdf`: ASCII, so any browser saves it as is.
fn file_name(kind: &str, date: &str, courier: &str) -> String {
    let slug: String = courier
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("{kind}-{date}-{slug}.pdf")
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_plain_ascii() {
        assert_eq!(super::file_name("rute", "2026-12-04", "Budi Kurir"), "rute-2026-12-04-budi-kurir.pdf");
        assert_eq!(
            super::file_name("label", "2026-12-04", "Sri 'Ani' Wahyuni"),
            "label-2026-12-04-sri-ani-wahyuni.pdf"
        );
    }
}
