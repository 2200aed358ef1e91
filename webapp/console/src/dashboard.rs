//! The day as it happens: each courier's balance and last sync, and every
//! card by kecamatan and status. It asks the server again every 15 s, so a
//! courier's sync shows within the half minute without a reload.
//!
//! Polling rather than server-sent events: one small query per desk every
//! 15 s is nothing for the server, works through any proxy and with any
//! number of server processes, and a desk whose network drops catches up
//! on the next tick without reconnect logic.

use crate::i18n::{status_label, t, Lang, T};
use crate::net::Failure;
use antar_shared::wire::{DashCourier, Dashboard};
use antar_shared::Status;
use antar_web::api::{self, ApiError};
use antar_web::forms::event_value;
use std::collections::BTreeMap;
use yew::prelude::*;

/// How often the dashboard asks again.
pub const REFRESH_MS: u32 = 15_000;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
}

#[component]
pub fn DashboardScreen(p: &Props) -> Html {
    let l = p.lang;
    let date = use_state(|| crate::time::day_from_today(0));
    let tick = use_state(|| 0u32);
    let data = use_state(|| None::<Result<Dashboard, ApiError>>);
    // The day whose figures the screen shows now.
    let shown = use_mut_ref(String::new);
    {
        let tick = tick.clone();
        use_effect_with((), move |_| {
            let timer = gloo_timers::callback::Interval::new(REFRESH_MS, move || tick.set(tick.wrapping_add(1)));
            move || drop(timer)
        });
    }
    {
        let (data, shown) = (data.clone(), shown.clone());
        use_effect_with(((*date).clone(), *tick), move |(date, _)| {
            let path = format!("/api/v1/dashboard?date={date}");
            *shown.borrow_mut() = date.clone();
            let date = date.clone();
            // Not dropped at the next tick: a reply slower than the refresh
            // period must still land, or a slow office would never see one.
            wasm_bindgen_futures::spawn_local(async move {
                let got = api::get::<Dashboard>(&path).await;
                // Another day chosen meanwhile: this reply is not the screen's.
                if *shown.borrow() != date {
                    return;
                }
                // A failed refresh keeps what is on screen; the next tick tries again.
                if got.is_ok() || data.as_ref().is_none_or(|d| d.is_err()) {
                    data.set(Some(got));
                }
            });
        });
    }
    let on_date = {
        let (date, data) = (date.clone(), data.clone());
        Callback::from(move |e: Event| {
            data.set(None);
            date.set(event_value(&e));
        })
    };
    let retry = {
        let tick = tick.clone();
        Callback::from(move |_| tick.set(tick.wrapping_add(1)))
    };
    let body = match &*data {
        None => html! { <p>{ t(l, antar_web::i18n::C::Loading) }</p> },
        Some(Err(e)) => html! { <Failure lang={l} error={e.clone()} on_retry={retry} /> },
        Some(Ok(d)) => html! {
            <>
                <p class="muted" data-testid="dash-updated">
                    { format!("{} {} · {}", t(l, T::UpdatedAt), crate::time::clock(d.generated_at), t(l, T::AutoRefresh)) }
                </p>
                { couriers(l, d) }
                if !d.messages.is_empty() {
                    <p data-testid="dash-messages">
                        { format!("{}: ", t(l, T::DashMessages)) }
                        { for ["sent", "failed", "skipped", "pending"].into_iter().map(|s| {
                            let n = d.messages.get(s).copied().unwrap_or(0);
                            let text = match s {
                                "sent" => T::MsgSent,
                                "failed" => T::MsgFailed,
                                "skipped" => T::MsgSkipped,
                                _ => T::MsgPending,
                            };
                            html! { <span class={classes!("badge", s)} data-status={s} data-count={n.to_string()}>{ format!("{} {n}", t(l, text)) }</span> }
                        }) }
                    </p>
                }
                { by_kecamatan(l, d) }
            </>
        },
    };
    html! {
        <section>
            <div class="result-head">
                <h1>{ t(l, T::DashTitle) }</h1>
                <label class="check">{ t(l, T::DashDate) }
                    <input type="date" data-testid="dash-date" value={(*date).clone()} onchange={on_date} />
                </label>
            </div>
            { body }
        </section>
    }
}

/// A column of the courier table: its heading, its value, its `data-field`.
type Column = (T, fn(&DashCourier) -> usize, &'static str);

/// The columns of a courier's balance, in the order the handover report uses.
const COLUMNS: [Column; 7] = [
    (T::HandedOut, |c| c.handed_out, "handed_out"),
    (T::Delivered, |c| c.delivered, "delivered"),
    (T::Failed, |c| c.failed_attempts, "failed_attempts"),
    (T::Returned, |c| c.returned, "returned"),
    (T::LeftAtVillage, |c| c.left_at_village_office, "left_at_village_office"),
    (T::StillOut, |c| c.still_out, "still_out"),
    (T::NotTaken, |c| c.not_taken, "not_taken"),
];

fn couriers(l: Lang, d: &Dashboard) -> Html {
    if d.couriers.is_empty() {
        return html! { <p class="card" data-testid="dash-empty">{ t(l, T::DashNoRoutes) }</p> };
    }
    let last_sync = |c: &DashCourier| match c.last_sync_at {
        None => t(l, T::NeverSynced).to_owned(),
        Some(at) => {
            let minutes = (d.generated_at - at).num_minutes().max(0);
            format!("{} ({minutes} {})", crate::time::clock(at), t(l, T::MinutesAgo))
        }
    };
    html! {
        <div class="scroll card">
            <table data-testid="dash-couriers">
                <thead><tr>
                    <th>{ t(l, T::Courier) }</th>
                    { for COLUMNS.iter().map(|(label, _, _)| html! { <th class="num">{ t(l, *label) }</th> }) }
                    <th>{ t(l, T::LastSync) }</th>
                </tr></thead>
                <tbody>
                    { for d.couriers.iter().map(|c| html! {
                        <tr data-testid="dash-courier" data-courier-id={c.courier_id.clone()} data-quiet={c.quiet.to_string()}
                            class={classes!(c.quiet.then_some("quiet"))}>
                            <td>
                                { &c.display_name }
                                if c.closed { <span class="tag">{ t(l, T::DayClosed) }</span> }
                                if c.quiet { <span class="badge warn" data-testid="dash-quiet">{ t(l, T::Quiet) }</span> }
                            </td>
                            { for COLUMNS.iter().map(|(_, get, key)| html! {
                                <td class="num" data-field={*key}>{ get(c) }</td>
                            }) }
                            <td data-testid="dash-last-sync">{ last_sync(c) }</td>
                        </tr>
                    }) }
                </tbody>
                <tfoot><tr>
                    <th>{ t(l, T::AllCouriers) }</th>
                    { for COLUMNS.iter().map(|(_, get, key)| html! {
                        <th class="num" data-total={*key}>{ d.couriers.iter().map(get).sum::<usize>() }</th>
                    }) }
                    <th></th>
                </tr></tfoot>
            </table>
        </div>
    }
}

/// One stacked bar of cards by status, each part titled with its count.
fn bar(l: Lang, counts: &BTreeMap<String, i64>) -> Html {
    let total: i64 = counts.values().sum();
    html! {
        <div class="stack" role="img" aria-label={counts.iter().map(|(s, n)| format!("{}: {n}", label(l, s))).collect::<Vec<_>>().join(", ")}>
            { for Status::ALL.iter().filter_map(|s| counts.get(s.as_str()).map(|n| (s, *n))).map(|(s, n)| html! {
                <span class={classes!("part", s.as_str())} style={format!("flex-grow: {n}")}
                    title={format!("{}: {n}", status_label(l, *s))}>
                    if n * 12 >= total { { n } }
                </span>
            }) }
        </div>
    }
}

fn label(l: Lang, status: &str) -> &'static str {
    Status::parse(status).map_or("?", |s| status_label(l, s))
}

fn by_kecamatan(l: Lang, d: &Dashboard) -> Html {
    let mut all: BTreeMap<String, i64> = BTreeMap::new();
    for k in &d.kecamatan {
        for (s, n) in &k.counts {
            *all.entry(s.clone()).or_default() += n;
        }
    }
    html! {
        <div class="card">
            <h2>{ t(l, T::ByKecamatan) }</h2>
            <div class="legend">
                { for Status::ALL.iter().filter(|s| all.contains_key(s.as_str())).map(|s| html! {
                    <span><span class={classes!("swatch", "part", s.as_str())}></span>{ status_label(l, *s) }</span>
                }) }
            </div>
            <table class="kecamatan" data-testid="dash-kecamatan">
                <tbody>
                    <tr class="total" data-testid="dash-total">
                        <th>{ t(l, T::AllCards) }</th>
                        <td class="num">{ all.values().sum::<i64>() }</td>
                        <td class="bar-cell">{ bar(l, &all) }</td>
                    </tr>
                    { for d.kecamatan.iter().map(|k| html! {
                        <tr data-testid="dash-kecamatan-row" data-kecamatan={k.kecamatan.clone()}>
                            <th>{ &k.kecamatan }</th>
                            <td class="num">{ k.counts.values().sum::<i64>() }</td>
                            <td class="bar-cell">{ bar(l, &k.counts) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
