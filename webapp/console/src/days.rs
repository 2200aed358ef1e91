//! The courier's day at the desk: the bundle handed out by scanning its
//! envelopes, and at the end the balance — handed out = delivered +
//! returned + left at the village office + still out — with the cards
//! behind each number. The officer receives each card handed back by
//! scanning it (or ticks it), closes, and prints the handover report (berita
//! acara serah terima) as PDF or CSV. What the courier declared returned is
//! shown apart until it is received: only the officer's act moves custody.

use crate::desk::{ScanField, Way};
use crate::i18n::{t, Lang, T};
use crate::net::{download, Failure};
use antar_shared::wire::{CardSummary, CloseDay, Dashboard, DayReport};
use antar_web::api::{self, ApiError};
use antar_web::forms::event_value;
use std::collections::BTreeSet;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
}

#[component]
pub fn DaysScreen(p: &Props) -> Html {
    let l = p.lang;
    let date = use_state(|| crate::time::day_from_today(0));
    let reload = use_state(|| 0u32);
    let couriers = use_state(|| None::<Result<Dashboard, ApiError>>);
    let chosen = use_state(|| None::<String>);
    {
        let (couriers, chosen) = (couriers.clone(), chosen.clone());
        use_effect_with(((*date).clone(), *reload), move |(date, _)| {
            let path = format!("/api/v1/dashboard?date={date}");
            crate::net::load(async move {
                let got = api::get::<Dashboard>(&path).await;
                if let Ok(d) = &got {
                    let keep = chosen.as_ref().is_some_and(|c| d.couriers.iter().any(|x| &x.courier_id == c));
                    if !keep {
                        chosen.set(d.couriers.first().map(|c| c.courier_id.clone()));
                    }
                }
                couriers.set(Some(got));
            })
        });
    }
    let on_date = {
        let date = date.clone();
        Callback::from(move |e: Event| date.set(event_value(&e)))
    };
    let retry = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let on_closed = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let body = match &*couriers {
        None => html! { <p>{ t(l, antar_web::i18n::C::Loading) }</p> },
        Some(Err(e)) => html! { <Failure lang={l} error={e.clone()} on_retry={retry} /> },
        Some(Ok(d)) if d.couriers.is_empty() => html! { <p class="card">{ t(l, T::DashNoRoutes) }</p> },
        Some(Ok(d)) => html! {
            <div class="days">
                <ul class="courier-list">
                    { for d.couriers.iter().map(|c| {
                        let id = c.courier_id.clone();
                        let onclick = {
                            let (chosen, id) = (chosen.clone(), id.clone());
                            Callback::from(move |_| chosen.set(Some(id.clone())))
                        };
                        let current = chosen.as_deref() == Some(id.as_str());
                        html! {
                            <li>
                                <button class={classes!("pick", current.then_some("current"))} data-testid="day-courier"
                                    data-courier-id={id} aria-pressed={current.to_string()} {onclick}>
                                    { &c.display_name }
                                    <span class="muted">{ if c.closed { t(l, T::DayClosed) } else { t(l, T::DayOpen) } }</span>
                                </button>
                            </li>
                        }
                    }) }
                </ul>
                if let Some(courier) = (*chosen).clone() {
                    <CourierDay lang={l} courier_id={courier.clone()} date={(*date).clone()} version={*reload} on_closed={on_closed} key={format!("{courier}/{}", *date)} />
                }
            </div>
        },
    };
    html! {
        <section>
            <div class="result-head">
                <h1>{ t(l, T::DaysTitle) }</h1>
                <label class="check">{ t(l, T::DashDate) }
                    <input type="date" data-testid="day-date" value={(*date).clone()} onchange={on_date} />
                </label>
            </div>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DayProps {
    lang: Lang,
    courier_id: String,
    date: String,
    version: u32,
    on_closed: Callback<()>,
}

#[component]
fn CourierDay(p: &DayProps) -> Html {
    let l = p.lang;
    let path = format!("/api/v1/couriers/{}/days/{}", p.courier_id, p.date);
    let report = use_state(|| None::<Result<DayReport, ApiError>>);
    // The cards still out that the officer has in hand and ticked: none
    // until the officer says so (the courier's word moves nothing).
    let back = use_state(BTreeSet::<String>::new);
    let closing = use_state(|| None::<Result<(), ApiError>>);
    let reload = use_state(|| 0u32);
    {
        let (report, back, path) = (report.clone(), back.clone(), path.clone());
        use_effect_with((p.version, *reload), move |_| {
            crate::net::load(async move {
                let got = api::get::<DayReport>(&path).await;
                if let Ok(r) = &got {
                    // Ticks survive a refresh for the cards still out.
                    back.set(r.still_out.iter().filter(|c| back.contains(&c.id)).map(|c| c.id.clone()).collect());
                }
                report.set(Some(got));
            })
        });
    }
    let r = match &*report {
        None => return html! { <p>{ t(l, antar_web::i18n::C::Loading) }</p> },
        Some(Err(e)) => {
            let reload = reload.clone();
            return html! { <Failure lang={l} error={e.clone()} on_retry={Callback::from(move |_| reload.set(*reload + 1))} /> };
        }
        Some(Ok(r)) => r.clone(),
    };
    let on_close = {
        let (path, back, closing, report, on_closed) =
            (path.clone(), back.clone(), closing.clone(), report.clone(), p.on_closed.clone());
        let confirm_text = t(l, T::CloseConfirm);
        Callback::from(move |_: MouseEvent| {
            let sure = web_sys::window().and_then(|w| w.confirm_with_message(confirm_text).ok()).unwrap_or(false);
            if !sure {
                return;
            }
            let body = CloseDay { returned_card_ids: Some(back.iter().cloned().collect()) };
            let (path, closing, report, on_closed) = (path.clone(), closing.clone(), report.clone(), on_closed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::post::<_, DayReport>(&format!("{path}/close"), &body).await {
                    Ok(r) => {
                        report.set(Some(Ok(r)));
                        closing.set(Some(Ok(())));
                        on_closed.emit(());
                    }
                    Err(e) => closing.set(Some(Err(e))),
                }
            });
        })
    };
    let toggle = |id: String| {
        let back = back.clone();
        Callback::from(move |_: Event| {
            let mut next = (*back).clone();
            if !next.remove(&id) {
                next.insert(id.clone());
            }
            back.set(next);
        })
    };
    let accounted = r.delivered.len() + r.returned.len() + r.left_at_village_office.len() + r.still_out.len();
    let section = |title: T, testid: &'static str, cards: &[CardSummary]| {
        html! {
            <details class="outcome" data-testid={testid} data-count={cards.len().to_string()} open={!cards.is_empty() && cards.len() <= 12}>
                <summary>{ format!("{} ({})", t(l, title), cards.len()) }</summary>
                <ul>{ for cards.iter().map(card_line) }</ul>
            </details>
        }
    };
    let report_name = |ext: &str| format!("serah-terima-{}-{}.{ext}", p.date, p.courier_id);
    let refresh = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    html! {
        <div class="card day" data-testid="day-report" data-closed={r.closed.to_string()} data-balanced={r.balanced.to_string()}>
            <p class="balance" data-testid="day-balance">
                { format!("{} {} = {} {} + {} {} + {} {} + {} {}",
                    t(l, T::HandedOut), r.handed_out,
                    t(l, T::Delivered), r.delivered.len(),
                    t(l, T::Returned), r.returned.len(),
                    t(l, T::LeftAtVillage), r.left_at_village_office.len(),
                    t(l, T::StillOut), r.still_out.len()) }
                if r.handed_out == accounted { <span class="badge delivered">{ t(l, T::Balanced) }</span> }
                else { <span class="badge void">{ t(l, T::NotBalanced) }</span> }
            </p>
            <p class="muted">{ format!("{}: {} · {}: {}", t(l, T::Failed), r.failed_attempts, t(l, T::NotTaken), r.not_taken.len()) }</p>
            if r.discrepancy {
                <p class="error" data-testid="day-discrepancy">{ format!("{} ({})", t(l, T::Discrepancy), r.still_out.len()) }</p>
            }
            if !r.closed {
                <ScanField lang={l} courier_id={p.courier_id.clone()} date={p.date.clone()} way={Way::HandOut} on_moved={refresh.clone()} />
            }
            <ScanField lang={l} courier_id={p.courier_id.clone()} date={p.date.clone()} way={Way::Receive} on_moved={refresh} />
            if !r.declared_returned.is_empty() {
                { section(T::DeclaredReturned, "day-declared", &r.declared_returned) }
            }
            { section(T::Delivered, "day-delivered", &r.delivered) }
            { section(T::Returned, "day-returned", &r.returned) }
            { section(T::LeftAtVillage, "day-left", &r.left_at_village_office) }
            if r.closed || r.still_out.is_empty() {
                { section(T::StillOut, "day-still-out", &r.still_out) }
            } else {
                <fieldset data-testid="day-still-out" data-count={r.still_out.len().to_string()}>
                    <legend>{ format!("{} ({}) — {}", t(l, T::StillOut), r.still_out.len(), t(l, T::TickHandedBack)) }</legend>
                    { for r.still_out.iter().map(|c| html! {
                        <label class="check">
                            <input type="checkbox" data-testid="day-handed-back" data-card-id={c.id.clone()}
                                checked={back.contains(&c.id)} onchange={toggle(c.id.clone())} />
                            { card_text(c) }
                        </label>
                    }) }
                </fieldset>
            }
            { section(T::NotTaken, "day-not-taken", &r.not_taken) }
            if !r.other.is_empty() { { section(T::OtherOutcome, "day-other", &r.other) } }
            <div class="actions">
                if !r.closed {
                    <button class="primary" data-testid="day-close" onclick={on_close}>{ t(l, T::CloseDay) }</button>
                }
                <button class="secondary" data-testid="day-report-pdf"
                    onclick={download(format!("{path}/report.pdf"), report_name("pdf"))}>{ t(l, T::ReportPdf) }</button>
                <button class="secondary" data-testid="day-report-csv"
                    onclick={download(format!("{path}/report.csv"), report_name("csv"))}>{ t(l, T::ReportCsv) }</button>
            </div>
            if let Some(Err(e)) = &*closing {
                <Failure lang={l} error={e.clone()} />
            }
        </div>
    }
}

fn card_text(c: &CardSummary) -> String {
    let place = [c.rt.as_deref().map(|rt| format!("RT {rt}")), Some(c.kelurahan.clone())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    format!("{} — {}, {place}", c.name, c.address)
}

fn card_line(c: &CardSummary) -> Html {
    html! { <li data-card-id={c.id.clone()}>{ card_text(c) }</li> }
}
