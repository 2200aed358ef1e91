//! The courier's day: stops in route order, delivery and failure forms, and
//! the sync bar. Every action goes to the outbox first, then to the server.

use super::{event_value, value_of};
use crate::api::{self, ApiError};
use crate::gps::{use_gps, Gps};
use crate::i18n::{status_label, t, Lang, T};
use crate::outbox::{check_count, is_open, local_status, CountProblem, Outbox};
use crate::stops::{shows, Show};
use crate::storage;
use antar_shared::wire::{CourierRoute, DoorstepStop, Items, SyncEvent, SyncRequest, SyncResponse, User};
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub user: User,
}

#[derive(Clone, Copy, PartialEq)]
enum Form {
    Deliver,
    Failed,
}

fn parse_time(iso: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(iso).ok()
}

fn local_clock(iso: &str) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(iso));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// Downloads the courier's routes; answered events the download includes
/// stop counting for the shown status.
async fn refresh_routes(routes: UseStateHandle<Vec<CourierRoute>>, outbox: UseStateHandle<Outbox>) {
    let answered: Vec<String> = storage::load::<Outbox>(storage::OUTBOX).unwrap_or_default().sent_ids();
    if let Ok(fresh) = api::get::<Items<CourierRoute>>("/api/v1/me/routes").await {
        storage::save(storage::ROUTES, &fresh.items);
        let mut latest: Outbox = storage::load(storage::OUTBOX).unwrap_or_default();
        latest.routes_refreshed(&answered);
        storage::save(storage::OUTBOX, &latest);
        outbox.set(latest);
        routes.set(fresh.items);
    }
}

/// Sends the outbox, batch by batch, until it is empty or the link fails;
/// then downloads the routes again when anything was sent.
async fn sync_outbox(
    outbox: UseStateHandle<Outbox>,
    auth_lost: UseStateHandle<bool>,
    routes: UseStateHandle<Vec<CourierRoute>>,
) {
    let mut sent_any = false;
    loop {
        let current: Outbox = storage::load(storage::OUTBOX).unwrap_or_default();
        let batch = current.batch();
        if batch.is_empty() {
            break;
        }
        let Some(sent_at) = parse_time(&storage::now_iso()) else { return };
        let req = SyncRequest { device_id: storage::device_id(), sent_at, events: batch };
        match api::post::<_, SyncResponse>("/api/v1/sync", &req).await {
            Ok(res) => {
                // Re-read: the courier may have added actions meanwhile.
                let mut latest: Outbox = storage::load(storage::OUTBOX).unwrap_or_default();
                latest.apply(&res.results, &res.server_time.to_rfc3339());
                storage::save(storage::OUTBOX, &latest);
                outbox.set(latest);
                auth_lost.set(false);
                sent_any = true;
            }
            Err(ApiError::Unauthorized) => {
                auth_lost.set(true);
                break;
            }
            Err(_) => break,
        }
    }
    if sent_any {
        refresh_routes(routes, outbox).await;
    }
}

#[component]
pub fn CourierHome(props: &Props) -> Html {
    let l = props.lang;
    let routes = use_state(|| storage::load::<Vec<CourierRoute>>(storage::ROUTES).unwrap_or_default());
    let outbox = use_state(|| storage::load::<Outbox>(storage::OUTBOX).unwrap_or_default());
    let auth_lost = use_state(|| false);
    let open = use_state(|| None::<(String, Form)>);
    let query = use_state(String::new);
    let show = use_state(Show::default);
    let in_flight = use_mut_ref(|| Rc::new(Cell::new(false)));

    let sync = {
        let (outbox, auth_lost, routes, in_flight) =
            (outbox.clone(), auth_lost.clone(), routes.clone(), in_flight.borrow().clone());
        Callback::from(move |_: ()| {
            if in_flight.get() {
                return;
            }
            in_flight.set(true);
            let (outbox, auth_lost, routes, in_flight) =
                (outbox.clone(), auth_lost.clone(), routes.clone(), in_flight.clone());
            wasm_bindgen_futures::spawn_local(async move {
                sync_outbox(outbox, auth_lost, routes).await;
                in_flight.set(false);
            });
        })
    };

    {
        let (routes, outbox, sync) = (routes.clone(), outbox.clone(), sync.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(refresh_routes(routes, outbox));
            sync.emit(());
            let periodic = {
                let sync = sync.clone();
                gloo_timers::callback::Interval::new(30_000, move || sync.emit(()))
            };
            let on_online = web_sys::window().map(|w| {
                let sync = sync.clone();
                gloo_events_listener(&w, move || sync.emit(()))
            });
            move || {
                drop(periodic);
                drop(on_online);
            }
        });
    }

    // Every action is written to the phone first, then sent.
    let record_many = {
        let (outbox, open, sync) = (outbox.clone(), open.clone(), sync.clone());
        Callback::from(move |actions: Vec<Action>| {
            let Some(occurred_at) = parse_time(&storage::now_iso()) else { return };
            let mut current: Outbox = storage::load(storage::OUTBOX).unwrap_or_default();
            for (card_id, kind, payload) in actions {
                current.push(SyncEvent { id: storage::new_id(), card_id, kind: kind.to_owned(), occurred_at, payload });
            }
            storage::save(storage::OUTBOX, &current);
            outbox.set(current);
            open.set(None);
            sync.emit(());
        })
    };
    let record = record_many.reform(|action: Action| vec![action]);

    let me = props.user.id.clone();
    let stops: Vec<DoorstepStop> = routes.iter().flat_map(|r| r.stops.iter().cloned()).collect();
    let unreflected = outbox.unreflected();
    let statuses: Vec<_> = stops.iter().map(|s| local_status(s, &me, &unreflected)).collect();
    let left = statuses.iter().filter(|s| is_open(**s)).count();
    let waiting: Vec<String> = stops
        .iter()
        .zip(&statuses)
        .filter(|(_, s)| **s == antar_shared::Status::Assigned)
        .map(|(stop, _)| stop.card_id.clone())
        .collect();

    html! {
        <section>
            <SyncBar lang={l} outbox={(*outbox).clone()} auth_lost={*auth_lost} on_sync={sync.reform(|_: MouseEvent| ())}
                on_dismiss={{
                    let outbox = outbox.clone();
                    Callback::from(move |id: String| {
                        let mut o: Outbox = storage::load(storage::OUTBOX).unwrap_or_default();
                        o.dismiss(&id);
                        storage::save(storage::OUTBOX, &o);
                        outbox.set(o);
                    })
                }} />
            <h1>{ t(l, T::MyStops) }</h1>
            if !waiting.is_empty() {
                <PickupPanel lang={l} waiting={waiting.clone()} on_confirm={record_many.reform(|cards: Vec<String>| {
                    cards.into_iter().map(|c| (c, "picked_up", serde_json::json!({}))).collect::<Vec<Action>>()
                })} />
            }
            <p class="progress">{ format!("{} {} · {} {}", stops.len() - left, t(l, T::Done), left, t(l, T::Left)) }</p>
            if stops.is_empty() {
                <p>{ t(l, T::NoStops) }</p>
            }
            if !stops.is_empty() {
                <div class="finder">
                    <input type="search" data-testid="stop-search" aria-label={t(l, T::StopSearch)} placeholder={t(l, T::StopSearch)}
                        value={(*query).clone()}
                        oninput={{ let query = query.clone(); Callback::from(move |e: InputEvent| query.set(event_value(&e))) }} />
                    <select data-testid="stop-filter" aria-label={t(l, T::Status)}
                        onchange={{ let show = show.clone(); Callback::from(move |e: Event| show.set(Show::parse(&event_value(&e)))) }}>
                        <option value="all" selected={*show == Show::All}>{ t(l, T::ShowAll) }</option>
                        <option value="open" selected={*show == Show::Open}>{ t(l, T::ShowOpen) }</option>
                        <option value="done" selected={*show == Show::Done}>{ t(l, T::ShowDone) }</option>
                    </select>
                </div>
            }
            if !stops.is_empty() && !stops.iter().zip(&statuses).any(|(stop, status)| shows(stop, *status, &query, *show)) {
                <p data-testid="stop-no-match">{ t(l, T::NoMatch) }</p>
            }
            <ol class="stops">
                { for stops.iter().zip(statuses.iter()).filter(|(stop, status)| shows(stop, **status, &query, *show)).map(|(stop, status)| {
                    let form = open.as_ref().filter(|(id, _)| *id == stop.card_id).map(|(_, f)| *f);
                    html! { <StopRow lang={l} stop={stop.clone()} status={*status} form={form}
                        on_open={{ let open = open.clone(); let id = stop.card_id.clone(); Callback::from(move |f: Option<Form>| open.set(f.map(|f| (id.clone(), f)))) }}
                        on_record={record.clone()} /> }
                }) }
            </ol>
        </section>
    }
}

fn gloo_events_listener(w: &web_sys::Window, f: impl Fn() + 'static) -> impl Drop {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    struct Listener(web_sys::EventTarget, Closure<dyn Fn()>);
    impl Drop for Listener {
        fn drop(&mut self) {
            let _ = self.0.remove_event_listener_with_callback("online", self.1.as_ref().unchecked_ref());
        }
    }
    let closure = Closure::<dyn Fn()>::new(f);
    let target: web_sys::EventTarget = w.clone().into();
    let _ = target.add_event_listener_with_callback("online", closure.as_ref().unchecked_ref());
    Listener(target, closure)
}

/// A recorded action: the card, the event kind and its payload.
type Action = (String, &'static str, serde_json::Value);

#[derive(Properties, PartialEq)]
struct PickupProps {
    lang: Lang,
    /// Cards on the route still at the office.
    waiting: Vec<String>,
    on_confirm: Callback<Vec<String>>,
}

/// Start of day: the courier counts the bundle handed over; a matching
/// count records the pick-up of every card still waiting at the office.
#[component]
fn PickupPanel(p: &PickupProps) -> Html {
    let l = p.lang;
    let count = use_node_ref();
    let problem = use_state(|| None::<CountProblem>);
    let onsubmit = {
        let (count, problem, waiting, on_confirm) =
            (count.clone(), problem.clone(), p.waiting.clone(), p.on_confirm.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match check_count(&value_of(&count), waiting.len()) {
                Ok(()) => {
                    problem.set(None);
                    on_confirm.emit(waiting.clone());
                }
                Err(why) => problem.set(Some(why)),
            }
        })
    };
    html! {
        <form class="panel pickup" {onsubmit} data-testid="pickup">
            <h2>{ t(l, T::PickupTitle) }</h2>
            <p>{ format!("{} {}", p.waiting.len(), t(l, T::PickupWaiting)) }</p>
            <label for="pickup-count">{ t(l, T::PickupCount) }</label>
            <input id="pickup-count" ref={count} type="number" inputmode="numeric" min="0" data-testid="pickup-count"
                aria-invalid={problem.is_some().to_string()} />
            if let Some(why) = &*problem {
                <p class="error" role="alert" data-testid="pickup-problem">{ match why {
                    CountProblem::Unreadable => t(l, T::PickupUnreadable).to_owned(),
                    CountProblem::Mismatch { counted, expected } => format!("{counted} ≠ {expected}. {}", t(l, T::PickupMismatch)),
                } }</p>
            }
            <div class="actions">
                <button type="submit" class="primary" data-testid="pickup-confirm">{ t(l, T::PickupConfirm) }</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct StopProps {
    lang: Lang,
    stop: DoorstepStop,
    status: antar_shared::Status,
    form: Option<Form>,
    on_open: Callback<Option<Form>>,
    on_record: Callback<Action>,
}

#[component]
fn StopRow(p: &StopProps) -> Html {
    let l = p.lang;
    let s = &p.stop;
    let rtrw = match (&s.rt, &s.rw) {
        (Some(rt), Some(rw)) => format!(" RT {rt}/RW {rw}"),
        _ => String::new(),
    };
    let open = |f: Form| p.on_open.reform(move |_: MouseEvent| Some(f));
    html! {
        <li class="stop" data-testid="stop-row" data-card-id={s.card_id.clone()} data-status={p.status.as_str()}>
            <div class="stop-head">
                <span class="seq">{ s.seq }</span>
                <div class="grow">
                    <strong>{ &s.name }</strong>
                    <span class={classes!("badge", p.status.as_str())}>{ status_label(l, p.status) }</span>
                    <div>{ format!("{}{rtrw}", s.address) }</div>
                    <div class="muted">{ format!("{}, {}", s.kelurahan, s.kecamatan) }</div>
                    if let Some(landmark) = &s.landmark {
                        <div data-testid="stop-landmark">{ format!("{}: {landmark}", t(l, T::Landmark)) }</div>
                    }
                    if let Some(phone) = &s.phone {
                        <a href={format!("tel:{phone}")}>{ phone }</a>
                    }
                </div>
            </div>
            if is_open(p.status) && p.form.is_none() {
                <div class="actions">
                    <button class="primary" data-testid="stop-deliver" onclick={open(Form::Deliver)}>{ t(l, T::Deliver) }</button>
                    <button class="secondary" data-testid="stop-failed" onclick={open(Form::Failed)}>{ t(l, T::Failed) }</button>
                </div>
            }
            if p.form == Some(Form::Deliver) {
                <DeliverForm lang={l} card_id={s.card_id.clone()} on_cancel={p.on_open.reform(|_| None)} on_record={p.on_record.clone()} />
            }
            if p.form == Some(Form::Failed) {
                <FailedForm lang={l} card_id={s.card_id.clone()} on_cancel={p.on_open.reform(|_| None)} on_record={p.on_record.clone()} />
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    lang: Lang,
    card_id: String,
    on_cancel: Callback<MouseEvent>,
    on_record: Callback<Action>,
}

#[component]
fn DeliverForm(p: &FormProps) -> Html {
    let l = p.lang;
    let relation = use_node_ref();
    let name = use_node_ref();
    let invalid = use_state(|| false);
    let gps = use_gps();
    let landmark = use_node_ref();
    let onsubmit = {
        let (relation, name, invalid, on_record, card, gps, landmark) = (
            relation.clone(),
            name.clone(),
            invalid.clone(),
            p.on_record.clone(),
            p.card_id.clone(),
            *gps,
            landmark.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let recipient = value_of(&name).trim().to_owned();
            if recipient.is_empty() {
                invalid.set(true);
                return;
            }
            let mut payload =
                serde_json::json!({ "recipient_name": recipient, "recipient_relation": value_of(&relation) });
            gps.add_to(&mut payload);
            add_landmark(&landmark, &mut payload);
            on_record.emit((card.clone(), "delivered", payload));
        })
    };
    html! {
        <form class="panel" {onsubmit}>
            <label for="relation">{ t(l, T::Recipient) }</label>
            <select id="relation" ref={relation} data-testid="recipient-relation">
                <option value="self" selected=true>{ t(l, T::RelSelf) }</option>
                <option value="family">{ t(l, T::RelFamily) }</option>
                <option value="other">{ t(l, T::RelOther) }</option>
            </select>
            <label for="recipient">{ t(l, T::RecipientName) }</label>
            <input id="recipient" ref={name} data-testid="recipient-name" autocomplete="off" aria-invalid={(*invalid).to_string()} />
            <GpsLine lang={l} gps={*gps} />
            <LandmarkInput lang={l} node={landmark} />
            <div class="actions">
                <button type="submit" class="primary" data-testid="delivery-submit">{ t(l, T::Save) }</button>
                <button type="button" class="secondary" onclick={p.on_cancel.clone()}>{ t(l, T::Cancel) }</button>
            </div>
        </form>
    }
}

#[component]
fn FailedForm(p: &FormProps) -> Html {
    let l = p.lang;
    let reason = use_node_ref();
    let note = use_node_ref();
    let gps = use_gps();
    let landmark = use_node_ref();
    let onsubmit = {
        let (reason, note, on_record, card, gps, landmark) =
            (reason.clone(), note.clone(), p.on_record.clone(), p.card_id.clone(), *gps, landmark.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let note = value_of(&note).trim().to_owned();
            let mut payload = serde_json::json!({ "reason": value_of(&reason) });
            if !note.is_empty() {
                payload["note"] = serde_json::Value::String(note);
            }
            gps.add_to(&mut payload);
            add_landmark(&landmark, &mut payload);
            on_record.emit((card.clone(), "attempt_failed", payload));
        })
    };
    // Yew inserts children last to first, so browsers would pick the last
    // option by default: the first is marked selected explicitly.
    let reasons = [
        ("not_home", T::NotHome),
        ("moved", T::Moved),
        ("address_not_found", T::AddressNotFound),
        ("refused", T::Refused),
        ("deceased", T::Deceased),
        ("other", T::Other),
    ];
    html! {
        <form class="panel" {onsubmit}>
            <label for="reason">{ t(l, T::Reason) }</label>
            <select id="reason" ref={reason} data-testid="failed-reason">
                { for reasons.iter().enumerate().map(|(i, (code, text))| html! { <option value={*code} selected={i == 0}>{ t(l, *text) }</option> }) }
            </select>
            <label for="note">{ t(l, T::Note) }</label>
            <textarea id="note" ref={note} />
            <GpsLine lang={l} gps={*gps} />
            <LandmarkInput lang={l} node={landmark} />
            <div class="actions">
                <button type="submit" class="primary" data-testid="failed-submit">{ t(l, T::Save) }</button>
                <button type="button" class="secondary" onclick={p.on_cancel.clone()}>{ t(l, T::Cancel) }</button>
            </div>
        </form>
    }
}

/// A landmark the courier typed, for the next visit.
fn add_landmark(node: &NodeRef, payload: &mut serde_json::Value) {
    let text = value_of(node).trim().chars().take(200).collect::<String>();
    if !text.is_empty() {
        payload["landmark"] = serde_json::Value::String(text);
    }
}

#[derive(Properties, PartialEq)]
struct LandmarkProps {
    lang: Lang,
    node: NodeRef,
}

#[component]
fn LandmarkInput(p: &LandmarkProps) -> Html {
    html! {
        <>
            <label>{ t(p.lang, T::LandmarkNote) }
                <input ref={p.node.clone()} data-testid="landmark" maxlength="200" autocomplete="off" />
            </label>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct GpsProps {
    lang: Lang,
    gps: Gps,
}

/// Whether the form will carry a position, and how good it is.
#[component]
fn GpsLine(p: &GpsProps) -> Html {
    let l = p.lang;
    let (state, text) = match p.gps {
        Gps::Searching => ("searching", t(l, T::GpsSearching).to_owned()),
        Gps::Found(fix) => ("found", format!("{}{} m", t(l, T::GpsFound), fix.accuracy_m.round())),
        Gps::Unavailable => ("unavailable", t(l, T::GpsUnavailable).to_owned()),
    };
    html! { <p class="muted" data-testid="gps-status" data-state={state} role="status">{ text }</p> }
}

#[derive(Properties, PartialEq)]
struct SyncBarProps {
    lang: Lang,
    outbox: Outbox,
    auth_lost: bool,
    on_sync: Callback<MouseEvent>,
    on_dismiss: Callback<String>,
}

#[component]
fn SyncBar(p: &SyncBarProps) -> Html {
    let l = p.lang;
    let pending = p.outbox.pending.len();
    let last = p.outbox.last_sync.as_deref().map_or_else(|| t(l, T::Never).to_owned(), local_clock);
    let summary = if pending == 0 {
        format!("{} · {} {last}", t(l, T::AllSent), t(l, T::LastSync))
    } else {
        format!("{pending} {} · {} {last}", t(l, T::Pending), t(l, T::LastSync))
    };
    html! {
        <div class="sync">
            <span data-testid="sync-status" data-pending={pending.to_string()} role="status">{ summary }</span>
            <button class="secondary" data-testid="sync-now" onclick={p.on_sync.clone()}>{ t(l, T::SyncNow) }</button>
            if p.auth_lost {
                <p class="warn" role="alert">{ t(l, T::LoginAgain) }</p>
            }
            { for p.outbox.rejected.iter().map(|r| {
                let id = r.event.id.clone();
                html! {
                    <p class="error" data-testid="sync-rejected">
                        { format!("{}: {} ({})", t(l, T::Rejected), r.message, r.code.clone().unwrap_or_default()) }
                        <button class="link" onclick={p.on_dismiss.reform(move |_: MouseEvent| id.clone())}>{ t(l, T::Dismiss) }</button>
                    </p>
                }
            }) }
        </div>
    }
}
