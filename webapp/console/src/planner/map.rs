//! All routes on one SVG of the pins: no tile server, so it works on an
//! office network with no internet. One colour per courier, the office as
//! a square, an approximate location (the centre of an RT or kelurahan) as
//! a hollow dashed ring.

use super::state::PlanState;
use crate::i18n::{t, Lang, T};
use antar_shared::geo::Point;
use yew::prelude::*;

/// Courier colours, told apart in print and by colour-blind readers.
pub const COLOURS: [&str; 10] =
    ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];

pub fn colour(i: usize) -> &'static str {
    COLOURS[i % COLOURS.len()]
}

/// Fits the points into a `w`×`h` box with a margin, keeping the map's
/// proportions (a degree of longitude is shorter by cos(latitude)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    min: Point,
    scale: f64,
    cos: f64,
    h: f64,
    margin: f64,
}

impl Projection {
    pub fn fit(points: &[Point], w: f64, h: f64, margin: f64) -> Option<Projection> {
        let first = *points.first()?;
        let (mut min, mut max) = (first, first);
        for p in points {
            min = Point { lat: min.lat.min(p.lat), lon: min.lon.min(p.lon) };
            max = Point { lat: max.lat.max(p.lat), lon: max.lon.max(p.lon) };
        }
        let cos = ((min.lat + max.lat) / 2.0).to_radians().cos();
        let span_x = ((max.lon - min.lon) * cos).max(1e-6);
        let span_y = (max.lat - min.lat).max(1e-6);
        let scale = ((w - 2.0 * margin) / span_x).min((h - 2.0 * margin) / span_y);
        Some(Projection { min, scale, cos, h, margin })
    }

    /// SVG coordinates: x east, y down (north up).
    pub fn xy(&self, p: Point) -> (f64, f64) {
        let x = self.margin + (p.lon - self.min.lon) * self.cos * self.scale;
        let y = self.h - self.margin - (p.lat - self.min.lat) * self.scale;
        (x, y)
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub state: PlanState,
}

const W: f64 = 640.0;
const H: f64 = 480.0;

#[component]
pub fn RouteMap(p: &Props) -> Html {
    let s = &p.state;
    let mut all: Vec<Point> = s.located.values().filter_map(|w| w.point).collect();
    all.extend(s.office);
    let Some(proj) = Projection::fit(&all, W, H, 16.0) else {
        return html! { <p class="muted" data-testid="plan-map-empty">{ t(p.lang, T::NoLocation) }</p> };
    };
    let routes = s.routes.iter().enumerate().map(|(i, r)| {
        let c = colour(i);
        let mut line: Vec<(f64, f64)> = Vec::new();
        line.extend(s.office.map(|o| proj.xy(o)));
        let dots = r.card_ids.iter().filter_map(|id| {
            let w = s.located.get(id)?;
            let (x, y) = proj.xy(w.point?);
            line.push((x, y));
            Some(if w.approximate {
                html! { <circle class="approx" cx={fmt(x)} cy={fmt(y)} r="6" fill="none" stroke={c} stroke-dasharray="2 2" data-card-id={id.clone()}><title>{ t(p.lang, T::Approximate) }</title></circle> }
            } else {
                html! { <circle cx={fmt(x)} cy={fmt(y)} r="3.5" fill={c} data-card-id={id.clone()} /> }
            })
        }).collect::<Html>();
        line.extend(s.office.map(|o| proj.xy(o)));
        let points = line.iter().map(|(x, y)| format!("{},{}", fmt(*x), fmt(*y))).collect::<Vec<_>>().join(" ");
        html! {
            <g data-courier-id={r.courier_id.clone()}>
                <polyline points={points} fill="none" stroke={c} stroke-width="1.5" stroke-opacity="0.7" />
                { dots }
            </g>
        }
    });
    let office = s.office.map(|o| {
        let (x, y) = proj.xy(o);
        html! { <rect data-testid="plan-map-office" x={fmt(x - 6.0)} y={fmt(y - 6.0)} width="12" height="12" fill="#111"><title>{ t(p.lang, T::OfficeMark) }</title></rect> }
    });
    html! {
        <svg class="plan-map" data-testid="plan-map" viewBox={format!("0 0 {W} {H}")} role="img" aria-label={t(p.lang, T::PlanTitle)}>
            <rect width={W.to_string()} height={H.to_string()} fill="#f7f7f4" />
            { for routes }
            { for office }
        </svg>
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_projection_fits_every_point_inside_the_margins_with_north_up() {
        let pts =
            [Point { lat: -5.40, lon: 105.20 }, Point { lat: -5.50, lon: 105.30 }, Point { lat: -5.45, lon: 105.25 }];
        let p = Projection::fit(&pts, 640.0, 480.0, 16.0).unwrap();
        for q in pts {
            let (x, y) = p.xy(q);
            assert!((16.0 - 1e-9..=624.0 + 1e-9).contains(&x) && (16.0 - 1e-9..=464.0 + 1e-9).contains(&y), "{x},{y}");
        }
        let (_, north) = p.xy(pts[0]);
        let (_, south) = p.xy(pts[1]);
        assert!(north < south, "north is up");
        // Same span in degrees: east-west is drawn shorter by cos(latitude).
        let (x0, y0) = p.xy(pts[1]);
        let (x1, y1) = p.xy(pts[0]);
        let ratio = (x1 - x0).abs() / (y1 - y0).abs();
        assert!((ratio - 5.45f64.to_radians().cos()).abs() < 0.01, "{ratio}");
    }

    #[test]
    fn one_point_alone_still_projects() {
        let p = Projection::fit(&[Point { lat: -5.4, lon: 105.2 }], 100.0, 100.0, 10.0).unwrap();
        let (x, y) = p.xy(Point { lat: -5.4, lon: 105.2 });
        assert!(x.is_finite() && y.is_finite());
        assert!(Projection::fit(&[], 100.0, 100.0, 10.0).is_none());
    }
}
