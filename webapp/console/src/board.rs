//! The routes board: a day's saved routes by courier, with their status and
//! what their cards have come to. A route opens to be reordered, have stops
//! removed, added or moved to another route, be given to another courier or
//! cancelled — and its sheet and labels print at any time, as often as
//! needed. Every change is one call; the server's answer is what shows.

use crate::i18n::{t, Lang, T};
use crate::net::{download, problem_text, Failure};
use antar_shared::label::{door_code, DoorCode};
use antar_shared::wire::{Items, Route, RouteChange, RouteStatus, StopsMove, StopsUpdate, User};
use antar_shared::Status;
use antar_web::api::{self, ApiError};
use antar_web::forms::event_value;
use std::collections::HashMap;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
}

/// A route's cards by where they stand: waiting at the office, with the
/// courier, delivered, anything else.
fn counts(r: &Route) -> (usize, usize, usize, usize) {
    let n = |f: &dyn Fn(Status) -> bool| r.cards.iter().filter(|c| f(c.status)).count();
    let assigned = n(&|s| s == Status::Assigned);
    let out = n(&|s| s == Status::WithCourier);
    let delivered = n(&|s| s == Status::Delivered);
    (assigned, out, delivered, r.cards.len() - assigned - out - delivered)
}

fn status_text(s: RouteStatus) -> T {
    match s {
        RouteStatus::Open => T::RouteOpen,
        RouteStatus::Closed => T::RouteClosed,
        RouteStatus::Cancelled => T::RouteCancelled,
    }
}

#[component]
pub fn BoardScreen(p: &Props) -> Html {
    let l = p.lang;
    let date = use_state(|| crate::time::day_from_today(0));
    let reload = use_state(|| 0u32);
    let routes = use_state(|| None::<Result<Vec<Route>, ApiError>>);
    let couriers = use_state(Vec::<User>::new);
    let open = use_state(|| None::<String>);
    {
        let (routes, couriers) = (routes.clone(), couriers.clone());
        use_effect_with(((*date).clone(), *reload), move |(date, _)| {
            let path = format!("/api/v1/routes?date={date}");
            crate::net::load(async move {
                if let Ok(us) = api::get::<Items<User>>("/api/v1/users?role=courier").await {
                    couriers.set(us.items);
                }
                routes.set(Some(api::get::<Items<Route>>(&path).await.map(|i| i.items)));
            })
        });
    }
    let names: HashMap<String, String> = couriers.iter().map(|u| (u.id.clone(), u.display_name.clone())).collect();
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let refresh = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let body = match &*routes {
        None => html! { <p>{ t(l, antar_web::i18n::C::Loading) }</p> },
        Some(Err(e)) => html! { <Failure lang={l} error={e.clone()} on_retry={refresh.clone()} /> },
        Some(Ok(rs)) if rs.is_empty() => {
            html! { <p class="card" data-testid="board-empty">{ t(l, T::DashNoRoutes) }</p> }
        }
        Some(Ok(rs)) => {
            let opened = (*open).as_ref().and_then(|id| rs.iter().find(|r| &r.id == id)).cloned();
            html! {
                <div class="board">
                    <table class="rows">
                        <thead><tr>
                            <th>{ t(l, T::Courier) }</th><th>{ t(l, T::RouteStatusHead) }</th><th>{ t(l, T::Stops) }</th>
                            <th>{ t(l, T::NotTaken) }</th><th>{ t(l, T::StillOut) }</th><th>{ t(l, T::Delivered) }</th><th></th>
                        </tr></thead>
                        <tbody>
                        { for rs.iter().map(|r| {
                            let (waiting, out, delivered, _) = counts(r);
                            let file = |what: &str| format!("{what}-{}-{}.pdf", r.date, name(&r.courier_id));
                            let current = open.as_deref() == Some(r.id.as_str());
                            let on_open = { let (open, id) = (open.clone(), r.id.clone()); Callback::from(move |_: MouseEvent| open.set(Some(id.clone()))) };
                            html! {
                                <tr data-testid="route-row" data-route-id={r.id.clone()} data-courier-id={r.courier_id.clone()}
                                    data-status={r.status.as_str()} class={classes!(current.then_some("current"))}>
                                    <td>{ name(&r.courier_id) }</td>
                                    <td><span class={classes!("badge", r.status.as_str())}>{ t(l, status_text(r.status)) }</span></td>
                                    <td data-testid="route-row-stops">{ r.stops.len() }</td>
                                    <td>{ waiting }</td><td>{ out }</td><td>{ delivered }</td>
                                    <td class="tools">
                                        <button class="link" data-testid="route-open" onclick={on_open}>{ t(l, T::OpenRoute) }</button>
                                        <button class="link" data-testid="route-print-sheet"
                                            onclick={download(format!("/api/v1/routes/{}/sheet.pdf", r.id), file("rute"))}>{ t(l, T::Sheet) }</button>
                                        <button class="link" data-testid="route-print-labels"
                                            onclick={download(format!("/api/v1/routes/{}/labels.pdf", r.id), file("label"))}>{ t(l, T::Labels) }</button>
                                    </td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table>
                    if let Some(r) = opened {
                        <RoutePanel lang={l} route={r.clone()} day={rs.clone()} couriers={(*couriers).clone()} on_change={refresh.clone()} key={r.id.clone()} />
                    }
                </div>
            }
        }
    };
    html! {
        <section>
            <div class="result-head">
                <h1>{ t(l, T::BoardTitle) }</h1>
                <label class="check">{ t(l, T::DashDate) }
                    <input type="date" data-testid="board-date" value={(*date).clone()}
                        onchange={{ let (date, open) = (date.clone(), open.clone()); Callback::from(move |e: Event| { open.set(None); date.set(event_value(&e)) }) }} />
                </label>
            </div>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PanelProps {
    lang: Lang,
    route: Route,
    /// Every route of the day: where a stop can move to.
    day: Vec<Route>,
    couriers: Vec<User>,
    on_change: Callback<()>,
}

/// One call that changes the route; on success the board reloads, on a
/// refusal the reason shows and nothing changed.
fn act(
    error: UseStateHandle<Option<ApiError>>,
    on_change: Callback<()>,
    call: impl std::future::Future<Output = Result<(), ApiError>> + 'static,
) {
    wasm_bindgen_futures::spawn_local(async move {
        match call.await {
            Ok(()) => {
                error.set(None);
                on_change.emit(());
            }
            Err(e) => error.set(Some(e)),
        }
    });
}

#[component]
fn RoutePanel(p: &PanelProps) -> Html {
    let l = p.lang;
    let r = &p.route;
    let error = use_state(|| None::<ApiError>);
    let open = r.status == RouteStatus::Open;
    let order: Vec<String> = r.stops.iter().map(|s| s.card_id.clone()).collect();
    let put_stops = {
        let (error, on_change, id) = (error.clone(), p.on_change.clone(), r.id.clone());
        move |card_ids: Vec<String>| {
            let path = format!("/api/v1/routes/{id}/stops");
            let call = async move { api::put::<_, Route>(&path, &StopsUpdate { card_ids }).await.map(drop) };
            act(error.clone(), on_change.clone(), call);
        }
    };
    let shift = |i: usize, up: bool| {
        let (put_stops, order) = (put_stops.clone(), order.clone());
        Callback::from(move |_: MouseEvent| {
            let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < order.len()) };
            if let Some(j) = j {
                let mut next = order.clone();
                next.swap(i, j);
                put_stops(next);
            }
        })
    };
    let remove = |card: String| {
        let (put_stops, order) = (put_stops.clone(), order.clone());
        Callback::from(move |_: MouseEvent| put_stops(order.iter().filter(|c| **c != card).cloned().collect()))
    };
    let move_to =
        |card: String| {
            let (error, on_change, id) = (error.clone(), p.on_change.clone(), r.id.clone());
            Callback::from(move |e: Event| {
                let to = event_value(&e);
                if to.is_empty() {
                    return;
                }
                let path = format!("/api/v1/routes/{id}/move");
                let body = StopsMove { card_ids: vec![card.clone()], to_route_id: to };
                act(error.clone(), on_change.clone(), async move {
                    api::post::<_, Items<Route>>(&path, &body).await.map(drop)
                });
            })
        };
    let add = {
        let (put_stops, order, error) = (put_stops.clone(), order.clone(), error.clone());
        let field = use_node_ref();
        let onsubmit = {
            let field = field.clone();
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                let Some(input) = field.cast::<web_sys::HtmlInputElement>() else { return };
                match door_code(&input.value()) {
                    Some(DoorCode::Card(id)) => {
                        input.set_value("");
                        let mut next = order.clone();
                        next.push(id);
                        put_stops(next);
                    }
                    _ => error.set(Some(ApiError::Other(422))),
                }
            })
        };
        html! {
            <form class="scan" {onsubmit}>
                <label>{ t(l, T::AddCard) }
                    <input ref={field} data-testid="route-add" autocomplete="off" placeholder={t(l, T::ScanPlaceholder)} />
                </label>
            </form>
        }
    };
    let reassign = {
        let (error, on_change, id) = (error.clone(), p.on_change.clone(), r.id.clone());
        Callback::from(move |e: Event| {
            let courier_id = event_value(&e);
            let path = format!("/api/v1/routes/{id}");
            act(error.clone(), on_change.clone(), async move {
                api::patch::<_, Route>(&path, &RouteChange { courier_id }).await.map(drop)
            });
        })
    };
    let cancel = {
        let (error, on_change, id) = (error.clone(), p.on_change.clone(), r.id.clone());
        let ask = t(l, T::CancelRouteConfirm);
        Callback::from(move |_: MouseEvent| {
            let sure = web_sys::window().and_then(|w| w.confirm_with_message(ask).ok()).unwrap_or(false);
            if sure {
                let path = format!("/api/v1/routes/{id}/cancel");
                act(error.clone(), on_change.clone(), async move { api::post::<_, Route>(&path, &()).await.map(drop) });
            }
        })
    };
    let others: Vec<&Route> = p.day.iter().filter(|o| o.id != r.id && o.status == RouteStatus::Open).collect();
    let name = |id: &str| p.couriers.iter().find(|u| u.id == id).map_or(id.to_owned(), |u| u.display_name.clone());
    let picked = r.cards.iter().any(|c| c.status != Status::Assigned);
    html! {
        <section class="card route-panel" data-testid="route-panel" data-route-id={r.id.clone()}>
            <h2>{ format!("{} · {} · {} {}", name(&r.courier_id), r.date, r.stops.len(), t(l, T::Stops)) }</h2>
            if let Some(e) = &*error {
                <p class="error" role="alert" data-testid="route-error">{ match e {
                    ApiError::Problem(pd) => problem_text(l, pd),
                    ApiError::Other(422) => t(l, T::NotACardCode).to_owned(),
                    _ => t(l, T::NetworkDown).to_owned(),
                } }</p>
            }
            if open {
                <div class="actions">
                    <label>{ t(l, T::Reassign) }
                        <select data-testid="route-reassign" disabled={picked} onchange={reassign}>
                            { for p.couriers.iter().filter(|u| !u.disabled).map(|u| html! {
                                <option value={u.id.clone()} selected={u.id == r.courier_id}>{ &u.display_name }</option>
                            }) }
                        </select>
                    </label>
                    <button class="secondary" data-testid="route-cancel" onclick={cancel}>{ t(l, T::CancelRoute) }</button>
                </div>
                if picked { <p class="muted">{ t(l, T::ReassignOnlyBeforePickup) }</p> }
            }
            <ol>
                { for r.cards.iter().enumerate().map(|(i, c)| {
                    let rtrw = match (&c.rt, &c.rw) { (Some(rt), Some(rw)) => format!(" RT {rt}/RW {rw}"), _ => String::new() };
                    html! {
                        <li data-testid="route-stop" data-card-id={c.card_id.clone()} data-status={c.status.as_str()}>
                            <span class="what"><strong>{ &c.name }</strong>{ format!(" — {}{rtrw}, {}", c.address, c.kelurahan) }
                                <span class={classes!("badge", c.status.as_str())}>{ crate::i18n::status_label(l, c.status) }</span></span>
                            if open {
                                <span class="tools">
                                    <button class="icon" data-testid="route-stop-up" title={t(l, T::Up)} aria-label={t(l, T::Up)} onclick={shift(i, true)}>{ "↑" }</button>
                                    <button class="icon" data-testid="route-stop-down" title={t(l, T::Down)} aria-label={t(l, T::Down)} onclick={shift(i, false)}>{ "↓" }</button>
                                    if !others.is_empty() {
                                        <select data-testid="route-stop-move" aria-label={t(l, T::MoveTo)} onchange={move_to(c.card_id.clone())}>
                                            <option value="" selected=true>{ t(l, T::MoveTo) }</option>
                                            { for others.iter().map(|o| html! { <option value={o.id.clone()}>{ name(&o.courier_id) }</option> }) }
                                        </select>
                                    }
                                    <button class="link" data-testid="route-stop-remove" onclick={remove(c.card_id.clone())}>{ t(l, T::DropCard) }</button>
                                </span>
                            }
                        </li>
                    }
                }) }
            </ol>
            if open { { add } }
        </section>
    }
}
