//! Great-circle geometry the planner and the console's planner screen both
//! use: the server plans with it, the console redraws a route's length with
//! it as staff move cards, and both agree to the metre.

use serde::{Deserialize, Serialize};

/// A WGS84 position in degrees.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Haversine distance in metres.
pub fn distance_m(a: Point, b: Point) -> f64 {
    let (la, lb) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lb - la;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la.cos() * lb.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// The mean of the points (fine over a city), or none of none.
pub fn centre(points: &[Point]) -> Option<Point> {
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    Some(Point {
        lat: points.iter().map(|p| p.lat).sum::<f64>() / n,
        lon: points.iter().map(|p| p.lon).sum::<f64>() / n,
    })
}

/// Length of office → stops → office (0 without stops).
pub fn closed_length(office: Point, stops: &[Point]) -> f64 {
    if stops.is_empty() {
        return 0.0;
    }
    let mut at = office;
    let mut total = 0.0;
    for &p in stops {
        total += distance_m(at, p);
        at = p;
    }
    total + distance_m(at, office)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_degree_of_latitude_is_about_111_km() {
        let d = distance_m(Point { lat: -6.0, lon: 106.8 }, Point { lat: -7.0, lon: 106.8 });
        assert!((d - 111_195.0).abs() < 50.0, "{d}");
    }

    #[test]
    fn a_closed_tour_comes_back_to_the_office() {
        let office = Point { lat: -6.2, lon: 106.8 };
        let stop = Point { lat: -6.21, lon: 106.8 };
        let there = distance_m(office, stop);
        assert!((closed_length(office, &[stop]) - 2.0 * there).abs() < 1e-6);
        assert_eq!(closed_length(office, &[]), 0.0);
    }
}
