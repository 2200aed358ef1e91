//! Antar's office console: desktop-first, served at `/console/`, online
//! only. Staff see the backlog and the day as it happens, plan and assign
//! routes, and page through and import cards.
//! Couriers who open it are sent to their phone app at `/`.

pub mod admin;
pub mod board;
pub mod card;
pub mod cards;
pub mod dashboard;
pub mod days;
pub mod desk;
pub mod forecast;
pub mod i18n;
pub mod import;
pub mod leave;
pub mod messages;
pub mod net;
pub mod notify_settings;
pub mod planner;
pub mod review;
pub mod time;

use antar_shared::wire::Role;
use antar_web::login::Login;
use i18n::{t, Lang, C, T};
use yew::prelude::*;
use yew_router::prelude::*;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    yew::Renderer::<App>::new().render();
}

/// The console's screens, under `/console`.
#[derive(Debug, Clone, PartialEq, Eq, Routable)]
pub enum Screen {
    /// The backlog and when it clears: what a head of office opens first.
    #[at("/")]
    Home,
    #[at("/today")]
    Dashboard,
    #[at("/plan")]
    Planner,
    #[at("/routes")]
    Routes,
    #[at("/days")]
    Days,
    #[at("/review")]
    Review,
    #[at("/messages")]
    Messages,
    #[at("/admin")]
    Admin,
    #[at("/cards")]
    Cards,
    #[at("/cards/:id")]
    Card { id: String },
    #[not_found]
    #[at("/404")]
    NotFound,
}

#[component]
pub fn App() -> Html {
    let shell = antar_web::shell::use_shell();
    let (l, session) = (shell.lang, shell.session.clone());
    let on_logout = shell.end_session.reform(|_: MouseEvent| ());
    // Bumped when a review item is resolved: the navigation's count follows.
    let review_version = use_state(|| 0u32);
    let on_review_change = {
        let v = review_version.clone();
        Callback::from(move |_| v.set(*v + 1))
    };
    let body = match &session {
        None => html! { <main class="narrow"><Login lang={l} on_login={shell.on_login.clone()} /></main> },
        Some(s) if s.user.role == Role::Courier => {
            antar_web::go_to("/");
            html! { <p>{ t(l, C::Loading) }</p> }
        }
        Some(_) => html! { <Desk lang={l} on_review_change={on_review_change} /> },
    };
    html! {
        <BrowserRouter basename="/console">
            <header class="bar">
                <strong>{ t(l, C::AppName) }</strong>
                <span class="muted">{ t(l, T::Console) }</span>
                if session.is_some() { <Nav lang={l} review_version={*review_version} admin={session.as_ref().is_some_and(|s| s.user.role == Role::Admin)} /> }
                <span class="grow"></span>
                <button class="link" onclick={shell.on_switch_lang.clone()}>{ t(l, C::SwitchLang) }</button>
                if let Some(s) = &session {
                    <span class="who">{ &s.user.display_name }</span>
                    <button class="link" data-testid="logout" onclick={on_logout}>{ t(l, C::Logout) }</button>
                }
            </header>
            { body }
        </BrowserRouter>
    }
}

#[derive(Properties, PartialEq)]
struct NavProps {
    lang: Lang,
    review_version: u32,
    /// Admins also see the users and settings.
    admin: bool,
}

#[component]
fn Nav(p: &NavProps) -> Html {
    let l = p.lang;
    let here = use_route::<Screen>().unwrap_or(Screen::Home);
    let navigator = use_navigator();
    // The review queue's size, asked again on each move and each resolution.
    let waiting = use_state(|| None::<i64>);
    {
        let waiting = waiting.clone();
        use_effect_with((here.clone(), p.review_version), move |_| {
            crate::net::load(async move {
                if let Ok(c) = antar_web::api::get::<antar_shared::wire::ReviewCounts>("/api/v1/review/counts").await {
                    waiting.set(Some(c.total));
                }
            })
        });
    }
    let waiting_now = (*waiting).filter(|n| *n > 0);
    let item = |to: Screen, testid: &'static str, text: T| {
        // The review queue's size sits on the review entry itself.
        let badge = (to == Screen::Review).then_some(waiting_now).flatten();
        let navigator = navigator.clone();
        let current = here == to;
        let href = format!("/console{}", to.to_path());
        let question = t(l, T::LeaveUnsaved);
        let onclick = Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            if !crate::leave::may_leave(question) {
                return;
            }
            if let Some(n) = &navigator {
                n.push(&to);
            }
        });
        html! {
            <a {href} data-testid={testid} class={classes!(current.then_some("current"))}
                aria-current={current.then_some("page")} {onclick}>{ t(l, text) }
                if let Some(n) = badge {
                    <span class="count" data-testid="review-count" aria-label={format!("{n} {}", t(l, T::NavReview))}>{ n }</span>
                }
            </a>
        }
    };
    html! {
        <nav class="console-nav">
            { item(Screen::Home, "console-nav-backlog", T::NavBacklog) }
            { item(Screen::Dashboard, "console-nav-dashboard", T::NavDashboard) }
            { item(Screen::Planner, "console-nav-planner", T::NavPlanner) }
            { item(Screen::Routes, "console-nav-routes", T::NavRoutes) }
            { item(Screen::Cards, "console-nav-cards", T::NavCards) }
            { item(Screen::Days, "console-nav-days", T::NavDays) }
            { item(Screen::Review, "console-nav-review", T::NavReview) }
            { item(Screen::Messages, "console-nav-messages", T::NavMessages) }
            if p.admin { { item(Screen::Admin, "console-nav-admin", T::NavAdmin) } }
        </nav>
    }
}

#[derive(Properties, PartialEq)]
struct DeskProps {
    lang: Lang,
    on_review_change: Callback<()>,
}

#[component]
fn Desk(p: &DeskProps) -> Html {
    let l = p.lang;
    let on_review_change = p.on_review_change.clone();
    // Dates are the office's: its zone is learned before any screen asks
    // for "today" (a failed read leaves the computer's own zone).
    let zoned = use_state(|| false);
    {
        let zoned = zoned.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(s) = antar_web::api::get::<antar_shared::wire::Settings>("/api/v1/settings").await {
                    time::set_office_zone(&s.time_zone);
                }
                zoned.set(true);
            });
        });
    }
    if !*zoned {
        return html! { <main class="desk"><p>{ t(l, C::Loading) }</p></main> };
    }
    html! {
        <main class="desk">
            <Switch<Screen> render={move |s: Screen| match s {
                Screen::Home => html! { <forecast::ForecastScreen lang={l} /> },
                Screen::Dashboard => html! { <dashboard::DashboardScreen lang={l} /> },
                Screen::Planner => html! { <planner::PlannerScreen lang={l} /> },
                Screen::Routes => html! { <board::BoardScreen lang={l} /> },
                Screen::Days => html! { <days::DaysScreen lang={l} /> },
                Screen::Review => html! { <review::ReviewScreen lang={l} on_change={on_review_change.clone()} /> },
                Screen::Admin => html! { <admin::AdminScreen lang={l} /> },
                Screen::Messages => html! { <messages::MessagesScreen lang={l} /> },
                Screen::Cards => html! { <cards::CardList lang={l} /> },
                Screen::Card { id } => html! { <card::CardScreen lang={l} id={id} /> },
                Screen::NotFound => html! { <p>{ t(l, T::NotFound) }</p> },
            }} />
        </main>
    }
}
