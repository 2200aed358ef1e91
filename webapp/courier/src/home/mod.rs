//! The courier's day: stops in route order, the forms at the door, the end
//! of the day, and the sync bar. Every action is written to the phone's
//! store first, then sent.

mod forms;
mod scan;
mod sync;

use crate::i18n::{status_label, t, Lang, C, T};
use crate::outbox::{check_count, is_open, local_state, retry_delay_ms, CountProblem, Outbox};
use crate::proof::navigation_url;
use crate::proof::FormDraft;
use crate::stops::{day_to_show, door_code, find_door_stop, shows, wish_text, DoorCode, Show};
use crate::storage::{self, idb};
use antar_shared::wire::{DoorstepStop, ProofRules, SyncEvent, User};
use antar_shared::Status;
use antar_web::forms::{event_value, value_of};
use forms::{DeliverForm, FailedForm, VillageForm};
use std::cell::RefCell;
use std::rc::Rc;
use sync::{sync_all, Failure, View};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub user: User,
    /// The session is gone: back to the login form (unsent work stays).
    pub on_login_again: Callback<()>,
    /// A label's door link the app was opened with (`/s/{card_id}`).
    #[prop_or_default]
    pub door: Option<DoorCode>,
}

#[derive(Clone, Copy, PartialEq)]
enum Form {
    Deliver,
    Failed,
    Village,
}

/// A recorded action: the card, the event kind and its payload.
pub(crate) type Action = (String, &'static str, serde_json::Value);

/// The phone's date today, in its own time zone (`YYYY-MM-DD`).
fn local_today() -> String {
    let d = js_sys::Date::new_0();
    format!("{:04}-{:02}-{:02}", d.get_full_year(), d.get_month() + 1, d.get_date())
}

fn local_clock(iso: &str) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(iso));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// When the next sync is due, and whether one is running in this tab.
#[derive(Default)]
struct Schedule {
    running: bool,
    failures: u32,
    next_at: f64,
}

#[component]
pub fn CourierHome(props: &Props) -> Html {
    let l = props.lang;
    let view = View {
        routes: use_state(Vec::new),
        outbox: use_state(Outbox::default),
        proof: use_state(ProofRules::default),
        media: use_state(|| 0usize),
        store_error: use_state(|| None::<String>),
    };
    let loaded = use_state(|| false);
    let failure = use_state(|| None::<Failure>);
    let syncing = use_state(|| false);
    let persisted = use_state(|| true);
    let open = use_state(|| None::<(String, Form)>);
    // A delivery form half filled in before a reload, opened again with it.
    let draft = use_state(|| None::<FormDraft>);
    // What was just kept on the phone, said for a few seconds.
    let saved = use_state(|| None::<(u32, usize)>);
    let query = use_state(String::new);
    let day = use_state(|| None::<String>);
    let show = use_state(Show::default);
    // A label scanned or typed at the door (or the link the app opened with),
    // and whether the scanner is open.
    let door = use_state(|| props.door.clone().map(Ok::<DoorCode, ()>));
    let scanning = use_state(|| false);
    let schedule = use_mut_ref(Schedule::default);

    let sync = {
        let (view, failure, schedule, syncing) = (view.clone(), failure.clone(), schedule.clone(), syncing.clone());
        Callback::from(move |_: ()| {
            if std::mem::replace(&mut schedule.borrow_mut().running, true) {
                return;
            }
            syncing.set(true);
            let (view, failure, schedule, syncing) = (view.clone(), failure.clone(), schedule.clone(), syncing.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = Rc::new(RefCell::new(None));
                let ran = {
                    let (view, outcome) = (view.clone(), outcome.clone());
                    idb::exclusive("antar-sync", async move {
                        let result = sync_all(&view).await;
                        *outcome.borrow_mut() = Some(result);
                    })
                    .await
                };
                if !ran {
                    // Another tab is syncing: show what it has done so far.
                    view.reload().await;
                }
                let result = outcome.borrow_mut().take();
                syncing.set(false);
                let mut s = schedule.borrow_mut();
                s.running = false;
                match result {
                    Some(Ok(())) => {
                        s.failures = 0;
                        failure.set(None);
                    }
                    Some(Err(why)) => {
                        s.failures = s.failures.saturating_add(1);
                        failure.set(Some(why));
                    }
                    None => {}
                }
                s.next_at = js_sys::Date::now() + f64::from(retry_delay_ms(s.failures));
            });
        })
    };

    {
        let (view, loaded, persisted, sync, schedule) =
            (view.clone(), loaded.clone(), persisted.clone(), sync.clone(), schedule.clone());
        let (open, draft) = (open.clone(), draft.clone());
        use_effect_with((), move |_| {
            {
                let sync = sync.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    view.load_stored().await;
                    if let Ok(Some(kept)) = idb::load_draft().await {
                        let routes = idb::load_routes().await.unwrap_or_default();
                        let on_route = routes.iter().any(|r| r.stops.iter().any(|s| s.card_id == kept.card_id));
                        if on_route {
                            open.set(Some((kept.card_id.clone(), Form::Deliver)));
                            draft.set(Some(kept));
                        }
                    }
                    loaded.set(true);
                    view.refresh_routes().await;
                    sync.emit(());
                });
            }
            wasm_bindgen_futures::spawn_local(async move { persisted.set(idb::persist().await) });
            // Sync when due: every 30 s, sooner after a failure, backing off.
            let tick = {
                let (sync, schedule) = (sync.clone(), schedule.clone());
                gloo_timers::callback::Interval::new(2_000, move || {
                    let due = schedule.borrow().next_at <= js_sys::Date::now();
                    if due {
                        sync.emit(());
                    }
                })
            };
            let on_online = web_sys::window().map(|w| {
                listen(&w, "online", move || {
                    schedule.borrow_mut().next_at = 0.0;
                    sync.emit(());
                })
            });
            move || {
                drop(tick);
                drop(on_online);
            }
        });
    }

    // Every action is written to the phone first, then sent.
    let record_many = {
        let (view, open, sync, saved, draft) = (view.clone(), open.clone(), sync.clone(), saved.clone(), draft.clone());
        Callback::from(move |actions: Vec<Action>| {
            let Ok(occurred_at) = chrono::DateTime::parse_from_rfc3339(&storage::now_iso()) else { return };
            let events: Vec<SyncEvent> = actions
                .into_iter()
                .map(|(card_id, kind, payload)| SyncEvent {
                    id: storage::new_id(),
                    card_id,
                    kind: kind.to_owned(),
                    occurred_at,
                    payload,
                })
                .collect();
            let (view, open, sync, saved, draft) =
                (view.clone(), open.clone(), sync.clone(), saved.clone(), draft.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match idb::record(&events).await {
                    Ok(()) => {
                        view.store_error.set(None);
                        // A new serial each time, so an older timer clears only its own notice.
                        let serial = saved.as_ref().map_or(1, |(n, _)| n.wrapping_add(1));
                        saved.set(Some((serial, events.len())));
                        let later = saved.clone();
                        gloo_timers::callback::Timeout::new(4_000, move || {
                            if later.as_ref().is_some_and(|(n, _)| *n == serial) {
                                later.set(None);
                            }
                        })
                        .forget();
                        // The form closes on a screen that already counts the action.
                        view.reload().await;
                        draft.set(None);
                        open.set(None);
                        sync.emit(());
                    }
                    // The form stays open with what was typed.
                    Err(e) => view.store_error.set(Some(e.0)),
                }
            });
        })
    };
    let record = record_many.reform(|action: Action| vec![action]);

    let on_dismiss = {
        let view = view.clone();
        Callback::from(move |id: String| {
            let view = view.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = idb::dismiss(&id).await {
                    view.store_error.set(Some(e.0));
                }
                view.reload().await;
            });
        })
    };

    // One day at a time: the routes may reach into tomorrow, and the
    // bundle counted at the office is that day's.
    let mut days: Vec<String> = view.routes.iter().map(|r| r.date.clone()).collect();
    days.sort();
    days.dedup();
    let shown_day = (*day).clone().filter(|d| days.contains(d)).or_else(|| day_to_show(&days, &local_today()));
    let found = match &*door {
        Some(Ok(code)) => find_door_stop(&view.routes, code, shown_day.as_deref()),
        _ => None,
    };
    {
        // The stop a label names opens on its own day, unfiltered.
        let (day, query, show) = (day.clone(), query.clone(), show.clone());
        use_effect_with(found.clone(), move |found| {
            if let Some((date, _)) = found {
                day.set(Some(date.clone()));
                query.set(String::new());
                show.set(Show::All);
            }
        });
    }
    let on_code = {
        let (door, scanning) = (door.clone(), scanning.clone());
        Callback::from(move |text: String| {
            door.set(Some(door_code(&text).ok_or(())));
            scanning.set(false);
        })
    };
    let me = props.user.id.clone();
    let stops: Vec<DoorstepStop> = view
        .routes
        .iter()
        .filter(|r| Some(&r.date) == shown_day.as_ref())
        .flat_map(|r| r.stops.iter().cloned())
        .collect();
    let unreflected = view.outbox.unreflected();
    let states: Vec<_> = stops.iter().map(|s| local_state(s, &me, &unreflected)).collect();
    let statuses: Vec<Status> = states.iter().map(|s| s.status).collect();
    // A card the courier said they handed back is no longer to do, though
    // it stays theirs until the office receives it.
    let left = states.iter().filter(|s| is_open(s.status) && !s.handed_back).count();
    let delivered = states.iter().filter(|s| s.status == Status::Delivered).count();
    let with_status = |wanted: Status, handed_back: bool| -> Vec<String> {
        stops
            .iter()
            .zip(&states)
            .filter(|(_, s)| s.status == wanted && s.handed_back == handed_back)
            .map(|(stop, _)| stop.card_id.clone())
            .collect()
    };
    let waiting = with_status(Status::Assigned, false);
    let carried = with_status(Status::WithCourier, false);
    let handed_back = with_status(Status::WithCourier, true).len();

    html! {
        <section>
            // Until storage is read, the bar would claim everything is sent.
            if *loaded {
                <SyncBar lang={l} outbox={(*view.outbox).clone()} media={*view.media} failure={(*failure).clone()} syncing={*syncing}
                    on_sync={sync.reform(|_: MouseEvent| ())} on_dismiss={on_dismiss}
                    on_login_again={props.on_login_again.reform(|_: MouseEvent| ())} />
            }
            // Notices come and go inside fixed containers, so the stops
            // below (and a form being filled in) keep their place.
            <div class="notices">
                if let Some((_, n)) = &*saved {
                    <p class="saved" role="status" data-testid="saved-notice">{ format!("✓ {n} {}", t(l, T::SavedOnPhone)) }</p>
                }
                if let Some(why) = &*view.store_error {
                    <p class="error" role="alert" data-testid="store-error">{ format!("{}: {why}", t(l, T::StoreFailed)) }</p>
                }
                if !*persisted {
                    <p class="muted" data-testid="storage-not-persistent">{ t(l, T::NotPersistent) }</p>
                }
            </div>
            <h1>{ t(l, T::MyStops) }</h1>
            if let Some(d) = &shown_day {
                <p class="muted" data-testid="route-date" data-date={d.clone()}>{ format!("{} {d}", t(l, T::RouteOf)) }</p>
            }
            <div>
                if days.len() > 1 {
                    <label for="day">{ t(l, T::Day) }</label>
                    <select id="day" data-testid="day-select"
                        onchange={{ let day = day.clone(); Callback::from(move |e: Event| day.set(Some(event_value(&e)))) }}>
                        { for days.iter().map(|d| html! { <option value={d.clone()} selected={Some(d) == shown_day.as_ref()}>{ d }</option> }) }
                    </select>
                }
            </div>
            if !*loaded {
                <p>{ t(l, C::Loading) }</p>
            } else {
                <div>
                    if !waiting.is_empty() {
                        <PickupPanel lang={l} waiting={waiting.clone()} on_confirm={on_each_card(&record_many, "picked_up")} />
                    }
                </div>
                // "Done" is delivered only; a card otherwise off the list
                // (left at the village office, handed back) is counted apart.
                <p class="progress" data-testid="progress" data-delivered={delivered.to_string()}
                    data-other={(stops.len() - left - delivered).to_string()} data-left={left.to_string()}>
                    { format!("{delivered} {} · {} {} · {left} {}", t(l, T::Done), stops.len() - left - delivered, t(l, T::OtherDone), t(l, T::Left)) }
                </p>
                <div>
                    if *scanning {
                        <scan::ScanPanel lang={l} on_code={on_code.clone()} on_close={{ let scanning = scanning.clone(); Callback::from(move |_| scanning.set(false)) }} />
                    }
                    { match (&*door, &found) {
                        (Some(Ok(_)), Some((_, card))) => {
                            let stop = stops.iter().find(|s| &s.card_id == card);
                            html! { <p class="saved" role="status" data-testid="scan-found" data-card-id={card.clone()}>
                                { format!("{}: #{} {}", t(l, T::ScanFound), stop.map_or(0, |s| s.seq), stop.map(|s| s.name.as_str()).unwrap_or_default()) }</p> }
                        }
                        (Some(Ok(_)), None) => html! { <p class="error" role="alert" data-testid="scan-unknown">{ t(l, T::ScanUnknown) }</p> },
                        (Some(Err(())), _) => html! { <p class="error" role="alert" data-testid="scan-unknown">{ t(l, T::ScanUnreadable) }</p> },
                        (None, _) => html! {},
                    } }
                </div>
                if stops.is_empty() {
                    <p>{ t(l, T::NoStops) }</p>
                    <button class="secondary" data-testid="scan-open" onclick={{ let scanning = scanning.clone(); Callback::from(move |_| scanning.set(true)) }}>{ t(l, T::Scan) }</button>
                } else {
                    <div class="finder">
                        <button class="secondary scan-button" data-testid="scan-open" aria-label={t(l, T::Scan)} title={t(l, T::Scan)}
                            onclick={{ let scanning = scanning.clone(); Callback::from(move |_| scanning.set(true)) }}>{ "📷" }</button>
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
                <div>
                    if !stops.is_empty() && !stops.iter().zip(&statuses).any(|(stop, status)| shows(stop, *status, &query, *show)) {
                        <p data-testid="stop-no-match">{ t(l, T::NoMatch) }</p>
                    }
                </div>
                <ol class="stops">
                    { for stops.iter().zip(states.iter()).filter(|(stop, state)| shows(stop, state.status, &query, *show)).map(|(stop, state)| {
                        let form = open.as_ref().filter(|(id, _)| *id == stop.card_id).map(|(_, f)| *f);
                        let kept = draft.as_ref().filter(|d| d.card_id == stop.card_id).cloned();
                        let scanned = found.as_ref().is_some_and(|(_, card)| *card == stop.card_id);
                        html! { <StopRow key={stop.card_id.clone()} lang={l} stop={stop.clone()} status={state.status} handed_back={state.handed_back} failed={state.failed_attempts} form={form} draft={kept} proof={*view.proof} {scanned}
                            on_open={{ let (open, draft) = (open.clone(), draft.clone()); let id = stop.card_id.clone(); Callback::from(move |f: Option<Form>| { draft.set(None); open.set(f.map(|f| (id.clone(), f))) }) }}
                            on_record={record.clone()} /> }
                    }) }
                </ol>
                if !carried.is_empty() || handed_back > 0 {
                    <EndOfDay lang={l} carried={carried.clone()} {handed_back} on_confirm={on_each_card(&record_many, "handed_back")} />
                }
            }
        </section>
    }
}

/// Records `kind`, with no payload, for each card it is given.
fn on_each_card(record_many: &Callback<Vec<Action>>, kind: &'static str) -> Callback<Vec<String>> {
    record_many.reform(move |cards: Vec<String>| {
        cards.into_iter().map(|c| (c, kind, serde_json::json!({}))).collect::<Vec<Action>>()
    })
}

/// Calls `f` on each `event` at the window until dropped.
fn listen(w: &web_sys::Window, event: &'static str, f: impl Fn() + 'static) -> impl Drop {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    struct Listener(web_sys::EventTarget, &'static str, Closure<dyn Fn()>);
    impl Drop for Listener {
        fn drop(&mut self) {
            let _ = self.0.remove_event_listener_with_callback(self.1, self.2.as_ref().unchecked_ref());
        }
    }
    let closure = Closure::<dyn Fn()>::new(f);
    let target: web_sys::EventTarget = w.clone().into();
    let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    Listener(target, event, closure)
}

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
            <label for="pickup-count">{ format!("{} {}", p.waiting.len(), t(l, T::PickupWaiting)) }</label>
            <div class="inline">
                <input id="pickup-count" ref={count} type="number" inputmode="numeric" min="0" data-testid="pickup-count"
                    placeholder={t(l, T::PickupCount)} aria-invalid={problem.is_some().to_string()} />
                <button type="submit" class="primary" data-testid="pickup-confirm">{ t(l, T::PickupConfirm) }</button>
            </div>
            if let Some(why) = &*problem {
                <p class="error" role="alert" data-testid="pickup-problem">{ match why {
                    CountProblem::Unreadable => t(l, T::PickupUnreadable).to_owned(),
                    CountProblem::Mismatch { counted, expected } => format!("{counted} ≠ {expected}. {}", t(l, T::PickupMismatch)),
                } }</p>
            }
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct EndOfDayProps {
    lang: Lang,
    /// Cards still in the courier's bag.
    carried: Vec<String>,
    /// Cards the courier said they handed back, not yet received by staff.
    handed_back: usize,
    on_confirm: Callback<Vec<String>>,
}

/// End of day: the courier says the cards still carried were handed back to
/// the office, confirmed in a second step so a stray tap records nothing.
/// It is the courier's word only: the cards stay theirs until staff receive
/// them at the desk.
#[component]
fn EndOfDay(p: &EndOfDayProps) -> Html {
    let l = p.lang;
    let asking = use_state(|| false);
    html! {
        <details class="panel" data-testid="end-of-day">
            <summary>{ t(l, T::EndOfDay) }</summary>
            if p.handed_back > 0 {
                <p class="muted" data-testid="handed-back-waiting">{ format!("{} {}", p.handed_back, t(l, T::HandedBackWaiting)) }</p>
            }
            if !p.carried.is_empty() {
            <p>{ format!("{} {}", p.carried.len(), t(l, T::StillCarried)) }</p>
            <div class="actions">
                if *asking {
                    <button class="primary" data-testid="return-confirm"
                        onclick={{ let (on, cards, asking) = (p.on_confirm.clone(), p.carried.clone(), asking.clone());
                            Callback::from(move |_: MouseEvent| { asking.set(false); on.emit(cards.clone()) }) }}>
                        { t(l, T::ConfirmReturn) }</button>
                    <button class="secondary" onclick={{ let asking = asking.clone(); Callback::from(move |_: MouseEvent| asking.set(false)) }}>
                        { t(l, T::Cancel) }</button>
                } else {
                    <button class="secondary" data-testid="return-to-office"
                        onclick={{ let asking = asking.clone(); Callback::from(move |_: MouseEvent| asking.set(true)) }}>
                        { t(l, T::ReturnToOffice) }</button>
                }
            </div>
            }
        </details>
    }
}

#[derive(Properties, PartialEq)]
struct StopProps {
    lang: Lang,
    stop: DoorstepStop,
    status: Status,
    /// The courier said it went back to the office; not received yet.
    handed_back: bool,
    /// The delivery form as it was before a reload.
    draft: Option<FormDraft>,
    /// Failed attempts so far, the phone's own unsent ones included.
    failed: u32,
    form: Option<Form>,
    proof: ProofRules,
    /// The stop a scanned label names: marked and brought into view.
    scanned: bool,
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
    let cancel = p.on_open.reform(|_| None);
    let row = use_node_ref();
    {
        let row = row.clone();
        use_effect_with((p.form, p.scanned), move |(form, scanned)| {
            if form.is_some() || *scanned {
                if let Some(el) = row.cast::<web_sys::Element>() {
                    el.scroll_into_view();
                }
            }
        });
    }
    html! {
        <li ref={row} class={classes!("stop", p.scanned.then_some("scanned"))} data-scanned={p.scanned.then_some("true")} data-testid="stop-row" data-card-id={s.card_id.clone()} data-status={p.status.as_str()} data-handed-back={p.handed_back.then_some("true")}>
            <div class="stop-head">
                <span class="seq">{ s.seq }</span>
                <div class="grow">
                    <strong>{ &s.name }</strong>
                    if p.handed_back {
                        <span class="badge returned_to_office">{ t(l, T::HandedBack) }</span>
                    } else {
                        <span class={classes!("badge", p.status.as_str())}>{ status_label(l, p.status) }</span>
                    }
                    if p.failed > 0 {
                        <span class="badge failed" data-testid="stop-failed-count" data-count={p.failed.to_string()}>
                            { format!("{} {}×", t(l, T::FailedTimes), p.failed) }</span>
                    }
                    <div>{ format!("{}{rtrw}", s.address) }</div>
                    <div class="muted">{ format!("{}, {}", s.kelurahan, s.kecamatan) }</div>
                    if let Some(landmark) = &s.landmark {
                        <div data-testid="stop-landmark">{ format!("{}: {landmark}", t(l, T::Landmark)) }</div>
                    }
                    if let Some(wish) = wish_text(l, s) {
                        <div class="badge failed" data-testid="stop-resident-request">{ wish }</div>
                    }
                    <div class="links">
                        if let Some(phone) = &s.phone {
                            <a href={format!("tel:{phone}")} data-testid="stop-phone">{ phone }</a>
                        }
                        <a href={navigation_url(s)} target="_blank" rel="noopener" data-testid="stop-navigate">{ t(l, T::Navigate) }</a>
                    </div>
                </div>
            </div>
            if is_open(p.status) && !p.handed_back && p.form.is_none() {
                <div class="actions">
                    <button class="primary" data-testid="stop-deliver" onclick={open(Form::Deliver)}>{ t(l, T::Deliver) }</button>
                    <button class="secondary" data-testid="stop-failed" onclick={open(Form::Failed)}>{ t(l, T::Failed) }</button>
                    if p.status == Status::WithCourier {
                        <button class="secondary" data-testid="stop-village" onclick={open(Form::Village)}>{ t(l, T::LeaveAtVillage) }</button>
                    }
                </div>
            }
            { match p.form {
                Some(Form::Deliver) => html! { <DeliverForm lang={l} stop={s.clone()} proof={p.proof} draft={p.draft.clone()} on_cancel={cancel} on_record={p.on_record.clone()} /> },
                Some(Form::Failed) => html! { <FailedForm lang={l} card_id={s.card_id.clone()} on_cancel={cancel} on_record={p.on_record.clone()} /> },
                Some(Form::Village) => html! { <VillageForm lang={l} card_id={s.card_id.clone()} on_cancel={cancel} on_record={p.on_record.clone()} /> },
                None => html! {},
            } }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct SyncBarProps {
    lang: Lang,
    outbox: Outbox,
    /// Images waiting for upload.
    media: usize,
    failure: Option<Failure>,
    /// A sync is running in this tab.
    syncing: bool,
    on_sync: Callback<MouseEvent>,
    on_dismiss: Callback<String>,
    on_login_again: Callback<MouseEvent>,
}

#[component]
fn SyncBar(p: &SyncBarProps) -> Html {
    let l = p.lang;
    let pending = p.outbox.pending.len();
    let last = p.outbox.last_sync.as_deref().map_or_else(|| t(l, T::Never).to_owned(), local_clock);
    let mut summary = if pending == 0 {
        format!("{} · {} {last}", t(l, T::AllSent), t(l, T::LastSync))
    } else {
        format!("{pending} {} · {} {last}", t(l, T::Pending), t(l, T::LastSync))
    };
    if p.media > 0 {
        summary.push_str(&format!(" · {} {}", p.media, t(l, T::PhotosWaiting)));
    }
    html! {
        <div class="sync">
            <span data-testid="sync-status" data-pending={pending.to_string()} data-media={p.media.to_string()} role="status">{ summary }</span>
            <button class="secondary" data-testid="sync-now" data-busy={p.syncing.to_string()} onclick={p.on_sync.clone()}>
                { t(l, if p.syncing { T::Syncing } else { T::SyncNow }) }</button>
            if let Some(why) = &p.failure {
                <p class={if *why == Failure::AuthLost { "warn" } else { "muted" }} role="alert" data-testid="sync-failure">
                    { format!("{}: {}", t(l, T::SyncFailed), why.describe(l)) }
                    if *why == Failure::AuthLost {
                        <button class="link" data-testid="login-again" onclick={p.on_login_again.clone()}>{ t(l, C::Login) }</button>
                    }
                </p>
            }
            { for p.outbox.rejected.iter().map(|r| {
                let id = r.event.id.clone();
                html! {
                    <p class="error" data-testid="sync-rejected" data-code={r.code.clone()}>
                        { format!("{}: {}", t(l, T::Rejected), rejected_text(l, r)) }
                        <button class="link" onclick={p.on_dismiss.reform(move |_: MouseEvent| id.clone())}>{ t(l, T::Dismiss) }</button>
                    </p>
                }
            }) }
        </div>
    }
}

/// Why the server refused an event, in the app's language: the code's own
/// text (with the server's detail), else the server's words.
fn rejected_text(l: Lang, r: &crate::outbox::Rejected) -> String {
    match r.code.as_deref().and_then(antar_web::codes::code_text) {
        Some(text) => format!("{} ({})", antar_web::i18n::t(l, text), r.message),
        None => r.message.clone(),
    }
}
