//! The planner screen: date, couriers, pool → the server's plan → staff's
//! adjustments → every route saved together, or none.

pub mod map;
pub mod state;

use crate::i18n::{reason_text, t, Lang, T};
use crate::net::{download, Failure};
use antar_shared::wire::{Areas, Items, PlanRequest, PlanResponse, Route, Settings, User};
use antar_web::api::{self, ApiError};
use antar_web::forms::event_value;
use state::{Action, Planner, Refusal};
use std::collections::HashMap;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
}

/// Tomorrow by the browser's clock, `YYYY-MM-DD`: the day usually planned.
fn tomorrow() -> String {
    crate::time::day_from_today(1)
}

fn problem_text(e: &ApiError) -> String {
    match e {
        ApiError::Problem(p) => p.detail.clone(),
        ApiError::Other(code) => format!("HTTP {code}"),
        ApiError::Network | ApiError::Unauthorized => String::new(),
    }
}

#[component]
pub fn PlannerScreen(p: &Props) -> Html {
    let l = p.lang;
    let date = use_state(tomorrow);
    let couriers = use_state(|| None::<Result<Vec<User>, ApiError>>);
    let chosen = use_state(Vec::<String>::new);
    let areas = use_state(Areas::default);
    let kecamatan = use_state(String::new);
    let kelurahan = use_state(String::new);
    let batch = use_state(String::new);
    let cap = use_state(|| 0u32);
    let planner = use_reducer(Planner::default);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| None::<Vec<Route>>);
    let reload = use_state(|| 0u32);
    {
        let (couriers, chosen, areas, cap) = (couriers.clone(), chosen.clone(), areas.clone(), cap.clone());
        use_effect_with(*reload, move |_| {
            // The couriers come last: once they show, the areas and the
            // office's cap are in place, and a cap staff type is not
            // overwritten by a late reply.
            crate::net::load(async move {
                if let Ok(a) = api::get::<Areas>("/api/v1/cards/areas").await {
                    areas.set(a);
                }
                if let Ok(s) = api::get::<Settings>("/api/v1/settings").await {
                    cap.set(u32::try_from(s.max_stops_per_route).unwrap_or(1));
                }
                let list: Result<Items<User>, ApiError> = api::get("/api/v1/users?role=courier").await;
                // A disabled courier works no day.
                let list = list.map(|i| i.items.into_iter().filter(|u| !u.disabled).collect::<Vec<_>>());
                if let Ok(us) = &list {
                    chosen.set(us.iter().map(|u| u.id.clone()).collect());
                }
                couriers.set(Some(list));
            })
        });
    }
    let names: HashMap<String, String> = match &*couriers {
        Some(Ok(us)) => us.iter().map(|u| (u.id.clone(), u.display_name.clone())).collect(),
        _ => HashMap::new(),
    };

    let run = {
        let (date, chosen, kecamatan, kelurahan, batch, cap, planner, busy, error, saved) = (
            date.clone(),
            chosen.clone(),
            kecamatan.clone(),
            kelurahan.clone(),
            batch.clone(),
            cap.clone(),
            planner.dispatcher(),
            busy.clone(),
            error.clone(),
            saved.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let req = PlanRequest {
                date: (*date).clone(),
                courier_ids: (*chosen).clone(),
                card_ids: None,
                kecamatan: Some((*kecamatan).clone()).filter(|k| !k.is_empty()),
                kelurahan: Some((*kelurahan).clone()).filter(|k| !k.is_empty()),
                batch: Some((*batch).clone()).filter(|b| !b.is_empty()),
                max_stops: Some(*cap).filter(|&c| c > 0),
            };
            let (planner, busy, error, saved, couriers) =
                (planner.clone(), busy.clone(), error.clone(), saved.clone(), (*chosen).clone());
            let cap = usize::try_from(*cap).unwrap_or(usize::MAX);
            busy.set(true);
            saved.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match api::post::<_, PlanResponse>("/api/v1/routes/plan", &req).await {
                    Ok(plan) => {
                        error.set(None);
                        planner.dispatch(Action::Load { plan, couriers, cap });
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let save = {
        let (date, planner, busy, error, saved) =
            (date.clone(), planner.clone(), busy.clone(), error.clone(), saved.clone());
        Callback::from(move |_: MouseEvent| {
            let body = planner.0.to_save(&date);
            let (busy, error, saved) = (busy.clone(), error.clone(), saved.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match api::post::<_, Items<Route>>("/api/v1/routes/batch", &body).await {
                    Ok(r) => {
                        error.set(None);
                        saved.set(Some(r.items));
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };

    let s = &planner.0;
    let dispatch = planner.dispatcher();
    let courier_name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let move_select = |card_id: &str, except: Option<&str>, label: T| {
        let d = dispatch.clone();
        let card_id = card_id.to_owned();
        let onchange = Callback::from(move |e: Event| {
            let to = event_value(&e);
            if !to.is_empty() {
                d.dispatch(Action::MoveTo { card_id: card_id.clone(), courier_id: to });
            }
        });
        html! {
            <select class="move" data-testid="plan-move" aria-label={t(l, label)} {onchange}>
                <option value="" selected=true>{ t(l, label) }</option>
                { for s.routes.iter().filter(|r| Some(r.courier_id.as_str()) != except).map(|r| html! {
                    <option value={r.courier_id.clone()}>{ courier_name(&r.courier_id) }</option>
                }) }
            </select>
        }
    };
    let card_line = |id: &str| match s.cards.get(id) {
        Some(c) => {
            let rtrw = match (&c.rt, &c.rw) {
                (Some(rt), Some(rw)) => format!(" RT {rt}/RW {rw}"),
                _ => String::new(),
            };
            html! { <><strong>{ &c.name }</strong>{ format!(" — {}{}, {}", c.address, rtrw, c.kelurahan) }</> }
        }
        None => html! { <code>{ id }</code> },
    };

    // A plan on screen that is not saved would be lost by leaving.
    crate::leave::use_leave_guard();
    crate::leave::mark_unsaved(s.total_stops() > 0 && saved.is_none());
    let routes = s.routes.iter().enumerate().map(|(i, r)| {
        let km = s.distance_m(r) / 1000.0;
        let full = r.card_ids.len() + r.saved >= s.cap;
        html! {
            <section class="route" data-testid="plan-route" data-courier-id={r.courier_id.clone()} style={format!("border-color: {}", map::colour(i))}>
                <h3>
                    <span class="swatch" style={format!("background: {}", map::colour(i))}></span>
                    { courier_name(&r.courier_id) }
                    <span class="grow"></span>
                    <span data-testid="plan-route-stops" class={classes!(full.then_some("full"))}>{ format!("{} / {} {}", r.card_ids.len() + r.saved, s.cap, t(l, T::Stops)) }</span>
                    <span data-testid="plan-route-km" data-distance-m={format!("{:.0}", km * 1000.0)}>{ format!("{km:.2} {}", t(l, T::Km)) }</span>
                </h3>
                if r.extends.is_some() {
                    <p class="muted" data-testid="plan-route-extends" data-saved={r.saved.to_string()}>
                        { format!("{} ({} {})", t(l, T::ExtendsSaved), r.saved, t(l, T::Stops)) }</p>
                }
                <ol start={(r.saved + 1).to_string()}>
                    { for r.card_ids.iter().map(|id| {
                        let approx = s.located.get(id).is_some_and(|w| w.approximate);
                        let located = s.located.get(id).and_then(|w| w.point).is_some();
                        let shift = |up: bool| { let d = dispatch.clone(); let id = id.clone(); Callback::from(move |_: MouseEvent| d.dispatch(Action::Shift { card_id: id.clone(), up })) };
                        let drop = { let d = dispatch.clone(); let id = id.clone(); Callback::from(move |_: MouseEvent| d.dispatch(Action::Drop { card_id: id.clone() })) };
                        html! {
                            <li data-testid="plan-stop" data-card-id={id.clone()}>
                                <span class="what">{ card_line(id) }
                                    if approx { <span class="tag" title={t(l, T::Approximate)}>{ "≈" }</span> }
                                    if !located { <span class="tag">{ t(l, T::NoLocation) }</span> }
                                </span>
                                <span class="tools">
                                    <button class="icon" data-testid="plan-up" title={t(l, T::Up)} aria-label={t(l, T::Up)} onclick={shift(true)}>{ "↑" }</button>
                                    <button class="icon" data-testid="plan-down" title={t(l, T::Down)} aria-label={t(l, T::Down)} onclick={shift(false)}>{ "↓" }</button>
                                    { move_select(id, Some(&r.courier_id), T::MoveTo) }
                                    <button class="link" data-testid="plan-drop" onclick={drop}>{ t(l, T::DropCard) }</button>
                                </span>
                            </li>
                        }
                    }) }
                </ol>
            </section>
        }
    });

    let courier_picker = match &*couriers {
        None => html! { <p>{ t(l, antar_web::i18n::C::Loading) }</p> },
        Some(Err(e)) => {
            html! { <Failure lang={l} error={e.clone()} on_retry={{ let reload = reload.clone(); Callback::from(move |_| reload.set(*reload + 1)) }} /> }
        }
        Some(Ok(us)) if us.is_empty() => html! { <p class="muted">{ t(l, T::NoCouriers) }</p> },
        Some(Ok(us)) => html! {
            <div class="checks">
                { for us.iter().map(|u| {
                    let on = chosen.contains(&u.id);
                    let toggle = { let chosen = chosen.clone(); let id = u.id.clone(); Callback::from(move |_: Event| {
                        let mut next = (*chosen).clone();
                        if let Some(i) = next.iter().position(|c| c == &id) { next.remove(i); } else { next.push(id.clone()); }
                        chosen.set(next);
                    }) };
                    html! { <label class="check"><input type="checkbox" data-testid="plan-courier" data-courier-id={u.id.clone()} checked={on} onchange={toggle} />{ &u.display_name }</label> }
                }) }
            </div>
        },
    };
    let kelurahan_options: Vec<String> = areas
        .kecamatan
        .iter()
        .filter(|k| kecamatan.is_empty() || k.name == *kecamatan)
        .flat_map(|k| k.kelurahan.clone())
        .collect();

    html! {
        <div class="planner">
            <section class="controls card">
                <h1>{ t(l, T::PlanTitle) }</h1>
                <label for="plan-date">{ t(l, T::PlanDate) }</label>
                <input id="plan-date" type="date" data-testid="plan-date" value={(*date).clone()}
                    onchange={{ let date = date.clone(); Callback::from(move |e: Event| date.set(event_value(&e))) }} />
                <fieldset>
                    <legend>{ t(l, T::PlanCouriers) }</legend>
                    { courier_picker }
                </fieldset>
                <fieldset>
                    <legend>{ t(l, T::PlanPool) }</legend>
                    <p class="muted">{ t(l, T::PlanPoolHint) }</p>
                    <select data-testid="plan-kecamatan" aria-label={t(l, T::Kecamatan)}
                        onchange={{ let (k, kel) = (kecamatan.clone(), kelurahan.clone()); Callback::from(move |e: Event| { k.set(event_value(&e)); kel.set(String::new()); }) }}>
                        <option value="" selected={kecamatan.is_empty()}>{ t(l, T::AllKecamatan) }</option>
                        { for areas.kecamatan.iter().map(|k| html! { <option value={k.name.clone()} selected={*kecamatan == k.name}>{ &k.name }</option> }) }
                    </select>
                    <select data-testid="plan-kelurahan" aria-label={t(l, T::Kelurahan)}
                        onchange={{ let kel = kelurahan.clone(); Callback::from(move |e: Event| kel.set(event_value(&e))) }}>
                        <option value="" selected={kelurahan.is_empty()}>{ t(l, T::AllKelurahan) }</option>
                        { for kelurahan_options.iter().map(|k| html! { <option value={k.clone()} selected={*kelurahan == *k}>{ k }</option> }) }
                    </select>
                    <select data-testid="plan-batch" aria-label={t(l, T::Batch)}
                        onchange={{ let batch = batch.clone(); Callback::from(move |e: Event| batch.set(event_value(&e))) }}>
                        <option value="" selected={batch.is_empty()}>{ t(l, T::AllBatches) }</option>
                        { for areas.batches.iter().map(|b| html! { <option value={b.clone()} selected={*batch == *b}>{ b }</option> }) }
                    </select>
                    <label for="plan-cap">{ t(l, T::MaxStops) }</label>
                    <input id="plan-cap" type="number" min="1" max="500" data-testid="plan-cap" value={cap.to_string()}
                        onchange={{ let cap = cap.clone(); Callback::from(move |e: Event| cap.set(event_value(&e).parse().unwrap_or(*cap))) }} />
                </fieldset>
                <button class="primary" data-testid="plan-run" disabled={*busy || chosen.is_empty()} onclick={run}>
                    { t(l, if *busy { T::Planning } else { T::PlanRun }) }
                </button>
                { match &*error {
                    None => html! {},
                    Some(ApiError::Network) => html! { <Failure lang={l} error={ApiError::Network} /> },
                    Some(e) => html! { <p class="error" role="alert" data-testid="plan-error"><strong>{ t(l, T::SaveRefused) }{ ": " }</strong>{ problem_text(e) }</p> },
                } }
                if let Some(done) = &*saved {
                    <div class="saved" data-testid="plan-saved" role="status">
                        <p><strong>{ format!("{} {}", done.len(), t(l, T::SavedRoutes)) }</strong></p>
                        <ul>
                            { for done.iter().map(|r| {
                                let sheet = download(format!("/api/v1/routes/{}/sheet.pdf", r.id), format!("rute-{}-{}.pdf", r.date, courier_name(&r.courier_id)));
                                let labels = download(format!("/api/v1/routes/{}/labels.pdf", r.id), format!("label-{}-{}.pdf", r.date, courier_name(&r.courier_id)));
                                html! {
                                    <li data-testid="saved-route" data-route-id={r.id.clone()}>
                                        { format!("{} · {} {} ", courier_name(&r.courier_id), r.stops.len(), t(l, T::Stops)) }
                                        <button class="link" data-testid="route-sheet" onclick={sheet}>{ t(l, T::Sheet) }</button>
                                        <button class="link" data-testid="route-labels" onclick={labels}>{ t(l, T::Labels) }</button>
                                    </li>
                                }
                            }) }
                        </ul>
                    </div>
                }
            </section>
            if !s.routes.is_empty() {
                <section class="result">
                    <div class="result-head">
                        <span>{ format!("{} {} · {} {}", s.total_stops(), t(l, T::Stops), s.unassigned.len(), t(l, T::Unassigned).to_lowercase()) }</span>
                        <span class="grow"></span>
                        if s.refused == Some(Refusal::OverCap) {
                            <span class="error" role="alert" data-testid="plan-refused">{ t(l, T::OverCap) }</span>
                        }
                        <button class="primary" data-testid="plan-save" disabled={*busy || s.total_stops() == 0 || saved.is_some()} onclick={save}>
                            { t(l, if *busy { T::Saving } else { T::PlanSave }) }
                        </button>
                    </div>
                    if s.total_stops() == 0 && s.unassigned.is_empty() {
                        <p class="muted" data-testid="plan-empty">{ t(l, T::EmptyPool) }</p>
                    }
                    <div class="columns">
                        <div class="routes">{ for routes }</div>
                        <div class="side">
                            <map::RouteMap lang={l} state={s.clone()} />
                            <section class="unassigned">
                                <h3>{ format!("{} ({})", t(l, T::Unassigned), s.unassigned.len()) }</h3>
                                <ul>
                                    { for s.unassigned.iter().map(|(id, why)| html! {
                                        <li data-testid="plan-unassigned" data-card-id={id.clone()} data-reason={why.clone()}>
                                            <span class="what">{ card_line(id) }<br /><span class="muted">{ t(l, reason_text(why)) }</span></span>
                                            { move_select(id, None, T::AssignTo) }
                                        </li>
                                    }) }
                                </ul>
                            </section>
                        </div>
                    </div>
                </section>
            }
        </div>
    }
}
