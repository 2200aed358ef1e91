//! The backlog and when it clears: the screen a head of office opens first.
//! Two SVG charts drawn by hand (a polyline each; a chart library would
//! weigh more than the whole screen): cards printed and delivered per day
//! over four weeks, and the backlog over those weeks with its projection,
//! dashed, until it clears.

use crate::i18n::{t, Lang, T};
use crate::net::Failure;
use antar_shared::wire::Forecast;
use antar_web::api::{self, ApiError};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
}

/// Days drawn after today at most.
const PROJECTION_DAYS: usize = 56;
const W: f64 = 640.0;
const H: f64 = 200.0;
const PAD: f64 = 34.0;

/// The backlog at the end of each day of the series, rebuilt backwards
/// from today's: yesterday's was today's, less what was printed today,
/// plus what was delivered today.
pub fn backlog_history(f: &Forecast) -> Vec<f64> {
    let mut at = f.backlog as f64;
    let mut out = vec![0.0; f.delivered_per_day.len()];
    for i in (0..out.len()).rev() {
        out[i] = at.max(0.0);
        let printed = f.printed_per_day.get(i).map_or(0, |d| d.n) as f64;
        at = at - printed + f.delivered_per_day[i].n as f64;
    }
    out
}

/// The backlog on each day after today at the current rates, until it
/// reaches zero or the chart's end.
pub fn projection(f: &Forecast) -> Vec<f64> {
    let net = f.delivery_rate - f.printing_rate;
    let mut out = Vec::new();
    let mut at = f.backlog as f64;
    for _ in 0..PROJECTION_DAYS {
        at = (at - net).max(0.0);
        out.push(at);
        if at <= 0.0 {
            break;
        }
    }
    out
}

/// SVG points for values from day `start` on, on an x axis of `days` days
/// and a y axis up to `top`.
pub fn points(values: &[f64], start: usize, days: usize, top: f64) -> String {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let (x, y) = at(start + i, *v, days, top);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where day `i` of `days` at value `v` sits on the plot.
fn at(i: usize, v: f64, days: usize, top: f64) -> (f64, f64) {
    let step = (W - 2.0 * PAD) / (days.max(2) - 1) as f64;
    (PAD + i as f64 * step, H - PAD - (v / top.max(1.0)) * (H - 2.0 * PAD))
}

/// A series' value written at its point (today's, the projection's end), so
/// the chart reads without counting grid lines.
fn value_at(i: usize, v: f64, days: usize, top: f64, class: &'static str) -> Html {
    let (x, y) = at(i, v, days, top);
    html! {
        <text class={classes!("value", class)} data-testid="chart-value" data-value={format!("{v:.0}")}
            x={format!("{:.1}", x + 3.0)} y={format!("{:.1}", (y - 4.0).max(10.0))}>{ format!("{v:.0}") }</text>
    }
}

/// A round number at or above `max` for the top of the y axis.
pub fn axis_top(max: f64) -> f64 {
    let max = max.max(1.0);
    let magnitude = 10f64.powi(max.log10().floor() as i32);
    [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|v| *v >= max).unwrap_or(max)
}

fn axes(top: f64, first: &str, last: &str) -> Html {
    html! {
        <>
            <line class="axis" x1={PAD.to_string()} y1={(H - PAD).to_string()} x2={(W - PAD).to_string()} y2={(H - PAD).to_string()} />
            <line class="axis" x1={PAD.to_string()} y1={PAD.to_string()} x2={PAD.to_string()} y2={(H - PAD).to_string()} />
            <text x={(PAD - 4.0).to_string()} y={(PAD + 4.0).to_string()} text-anchor="end">{ top }</text>
            <text x={(PAD - 4.0).to_string()} y={(H - PAD).to_string()} text-anchor="end">{ "0" }</text>
            <text x={PAD.to_string()} y={(H - PAD + 16.0).to_string()}>{ first.to_owned() }</text>
            <text x={(W - PAD).to_string()} y={(H - PAD + 16.0).to_string()} text-anchor="end">{ last.to_owned() }</text>
        </>
    }
}

fn flow_chart(l: Lang, f: &Forecast) -> Html {
    let days = f.delivered_per_day.len();
    let span = days + 14;
    let printed: Vec<f64> = f.printed_per_day.iter().map(|d| d.n as f64).collect();
    let delivered: Vec<f64> = f.delivered_per_day.iter().map(|d| d.n as f64).collect();
    let top = axis_top(printed.iter().chain(&delivered).copied().fold(0.0, f64::max));
    let ahead = |rate: f64| points(&[rate; 15], days - 1, span, top);
    let first = f.delivered_per_day.first().map_or("", |d| d.date.as_str());
    html! {
        <figure class="card chart">
            <figcaption>{ t(l, T::PrintedVsDelivered) }</figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} data-testid="forecast-flow" role="img" aria-label={t(l, T::PrintedVsDelivered)}>
                { axes(top, first, "+14") }
                <polyline class="printed" data-series="printed" points={points(&printed, 0, span, top)} />
                <polyline class="delivered" data-series="delivered" points={points(&delivered, 0, span, top)} />
                <polyline class="printed projection" points={ahead(f.printing_rate)} />
                <polyline class="delivered projection" points={ahead(f.delivery_rate)} />
                { value_at(span - 1, f.printing_rate, span, top, "printed") }
                { value_at(span - 1, f.delivery_rate, span, top, "delivered") }
            </svg>
            <div class="legend">
                <span><span class="swatch series-printed"></span>{ t(l, T::PrintedLegend) }</span>
                <span><span class="swatch series-delivered"></span>{ t(l, T::DeliveredLegend) }</span>
                <span><span class="swatch dashed"></span>{ t(l, T::ProjectionLegend) }</span>
            </div>
        </figure>
    }
}

fn backlog_chart(l: Lang, f: &Forecast) -> Html {
    let history = backlog_history(f);
    let ahead = projection(f);
    let span = history.len() + PROJECTION_DAYS;
    let top = axis_top(history.iter().chain(&ahead).copied().fold(0.0, f64::max));
    // The projection starts from today's point.
    let mut projected = vec![f.backlog as f64];
    projected.extend(&ahead);
    let first = f.delivered_per_day.first().map_or("", |d| d.date.as_str());
    html! {
        <figure class="card chart">
            <figcaption>{ t(l, T::BacklogChart) }</figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} data-testid="forecast-backlog" role="img" aria-label={t(l, T::BacklogChart)}>
                { axes(top, first, &format!("+{PROJECTION_DAYS}")) }
                <polyline class="backlog" data-series="backlog" points={points(&history, 0, span, top)} />
                <polyline class="backlog projection" data-series="projection" points={points(&projected, history.len().saturating_sub(1), span, top)} />
                { value_at(history.len().saturating_sub(1), f.backlog as f64, span, top, "backlog") }
                { value_at(span - 1, projected.last().copied().unwrap_or_default(), span, top, "backlog") }
            </svg>
        </figure>
    }
}

fn clears(l: Lang, f: &Forecast) -> Html {
    let c = &f.clears_on;
    let rows = [
        (
            format!("{} ({:.0} {})", t(l, T::AtCurrentPrinting), f.printing_rate, t(l, T::CardsADay)),
            &c.current_rate,
            "current_rate",
        ),
        (format!("250 {}", t(l, T::CardsADay)), &c.at_250, "at_250"),
        (format!("500 {}", t(l, T::CardsADay)), &c.at_500, "at_500"),
        (format!("700 {}", t(l, T::CardsADay)), &c.at_700, "at_700"),
        (format!("1.000 {}", t(l, T::CardsADay)), &c.at_1000, "at_1000"),
    ];
    html! {
        <div class="card">
            <h2>{ t(l, T::ClearsTitle) }</h2>
            <p class="muted">{ t(l, T::ClearsHint) }</p>
            <table data-testid="forecast-clears">
                <tbody>
                    { for rows.into_iter().map(|(what, when, key)| html! {
                        <tr data-scenario={key}>
                            <th>{ what }</th>
                            <td data-testid="forecast-clears-on" class={classes!(when.is_none().then_some("error"))}>
                                { when.clone().unwrap_or_else(|| t(l, T::Never).to_owned()) }
                            </td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}

/// What the office controls: couriers and stops a day, and when each
/// choice clears the backlog.
fn staffing(l: Lang, f: &Forecast) -> Html {
    html! {
        <div class="card">
            <h2>{ t(l, T::StaffingTitle) }</h2>
            <p class="muted">{ t(l, T::StaffingHint) }</p>
            <table data-testid="forecast-staffing">
                <thead><tr>
                    <th>{ t(l, T::StaffingCouriers) }</th><th>{ t(l, T::MaxStops) }</th>
                    <th>{ t(l, T::StaffingPerDay) }</th><th>{ t(l, T::ClearsTitle) }</th>
                </tr></thead>
                <tbody>
                    { for f.scenarios.iter().enumerate().map(|(i, s)| html! {
                        <tr data-testid="forecast-scenario" data-couriers={s.couriers.to_string()} data-stops={s.stops_per_courier.to_string()}
                            class={classes!((i == 0).then_some("current"))}>
                            <td>{ s.couriers }</td><td>{ s.stops_per_courier }</td><td>{ format!("{:.0}", s.per_day) }</td>
                            <td class={classes!(s.clears_on.is_none().then_some("error"))}>
                                { s.clears_on.clone().unwrap_or_else(|| t(l, T::Never).to_owned()) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn ForecastScreen(p: &Props) -> Html {
    let l = p.lang;
    let reload = use_state(|| 0u32);
    let data = use_state(|| None::<Result<Forecast, ApiError>>);
    {
        let data = data.clone();
        use_effect_with(*reload, move |_| {
            crate::net::load(async move { data.set(Some(api::get("/api/v1/forecast").await)) })
        });
    }
    let retry = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let body = match &*data {
        None => html! { <p>{ t(l, antar_web::i18n::C::Loading) }</p> },
        Some(Err(e)) => html! { <Failure lang={l} error={e.clone()} on_retry={retry} /> },
        Some(Ok(f)) => html! {
            <>
                <div class="figures">
                    <div class="figure" data-testid="forecast-waiting"><strong>{ f.waiting }</strong>{ t(l, T::Waiting) }</div>
                    <div class="figure" data-testid="forecast-backlog-count"><strong>{ f.backlog }</strong>{ t(l, T::Backlog) }</div>
                    <div class="figure"><strong>{ format!("{:.0}", f.delivery_rate) }</strong>{ t(l, T::DeliveryRate) }</div>
                    <div class="figure"><strong>{ format!("{:.0}", f.printing_rate) }</strong>{ t(l, T::PrintingRate) }</div>
                </div>
                <div class="forecast">
                    <div>
                        { clears(l, f) }
                        { staffing(l, f) }
                    </div>
                    <div>
                        { backlog_chart(l, f) }
                        { flow_chart(l, f) }
                    </div>
                </div>
            </>
        },
    };
    html! {
        <section>
            <h1>{ t(l, T::BacklogTitle) }</h1>
            { body }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use antar_shared::wire::DayCount;

    fn series(ns: &[i64]) -> Vec<DayCount> {
        ns.iter().enumerate().map(|(i, n)| DayCount { date: format!("d{i}"), n: *n }).collect()
    }

    #[test]
    fn the_backlog_is_rebuilt_backwards_from_today() {
        let f = Forecast {
            backlog: 100,
            printed_per_day: series(&[0, 50, 0]),
            delivered_per_day: series(&[10, 20, 30]),
            ..Forecast::default()
        };
        // Today 100; yesterday 100 + 30 delivered today = 130; before: 130 - 50 + 20 = 100.
        assert_eq!(backlog_history(&f), [100.0, 130.0, 100.0]);
    }

    #[test]
    fn the_projection_falls_at_the_net_rate_and_stops_at_zero() {
        let f = Forecast { backlog: 25, delivery_rate: 12.0, printing_rate: 2.0, ..Forecast::default() };
        assert_eq!(projection(&f), [15.0, 5.0, 0.0]);
        let growing = Forecast { backlog: 25, delivery_rate: 2.0, printing_rate: 12.0, ..Forecast::default() };
        assert_eq!(projection(&growing).len(), PROJECTION_DAYS, "a growing backlog is drawn to the chart's end");
        assert_eq!(projection(&growing)[0], 35.0);
    }

    #[test]
    fn points_span_the_plot_and_scale_to_the_top() {
        let p = points(&[0.0, 50.0, 100.0], 0, 3, 100.0);
        assert_eq!(p, format!("{PAD:.1},{:.1} {:.1},{:.1} {:.1},{PAD:.1}", H - PAD, W / 2.0, H / 2.0, W - PAD));
        assert_eq!(axis_top(0.0), 1.0);
        assert_eq!(axis_top(7.0), 10.0);
        assert_eq!(axis_top(130.0), 200.0);
        assert_eq!(axis_top(2400.0), 2500.0);
    }
}
