//! Antar's office console: desktop-first, served at `/console/`, online
//! only. Staff see the backlog and the day as it happens, plan and assign
//! routes, and page through and import cards.
//! Couriers who open it are sent to their phone app at `/`.

pub mod cards;
pub mod dashboard;
pub mod days;
pub mod forecast;
pub mod i18n;
pub mod import;
pub mod net;
pub mod planner;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Routable)]
pub enum Screen {
    /// The backlog and when it clears: what a head of office opens first.
    #[at("/")]
    Home,
    #[at("/today")]
    Dashboard,
    #[at("/plan")]
    Planner,
    #[at("/days")]
    Days,
    #[at("/cards")]
    Cards,
    #[not_found]
    #[at("/404")]
    NotFound,
}

#[component]
pub fn App() -> Html {
    let shell = antar_web::shell::use_shell();
    let (l, session) = (shell.lang, shell.session.clone());
    let on_logout = shell.end_session.reform(|_: MouseEvent| ());
    let body = match &session {
        None => html! { <main class="narrow"><Login lang={l} on_login={shell.on_login.clone()} /></main> },
        Some(s) if s.user.role == Role::Courier => {
            antar_web::go_to("/");
            html! { <p>{ t(l, C::Loading) }</p> }
        }
        Some(_) => html! { <Desk lang={l} /> },
    };
    html! {
        <BrowserRouter basename="/console">
            <header class="bar">
                <strong>{ t(l, C::AppName) }</strong>
                <span class="muted">{ t(l, T::Console) }</span>
                if session.is_some() { <Nav lang={l} /> }
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
struct LangProps {
    lang: Lang,
}

#[component]
fn Nav(p: &LangProps) -> Html {
    let l = p.lang;
    let here = use_route::<Screen>().unwrap_or(Screen::Home);
    let navigator = use_navigator();
    let item = |to: Screen, testid: &'static str, text: T| {
        let navigator = navigator.clone();
        let current = here == to;
        let onclick = Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            if let Some(n) = &navigator {
                n.push(&to);
            }
        });
        html! {
            <a href={format!("/console{}", to.to_path())} data-testid={testid} class={classes!(current.then_some("current"))}
                aria-current={current.then_some("page")} {onclick}>{ t(l, text) }</a>
        }
    };
    html! {
        <nav class="console-nav">
            { item(Screen::Home, "console-nav-backlog", T::NavBacklog) }
            { item(Screen::Dashboard, "console-nav-dashboard", T::NavDashboard) }
            { item(Screen::Planner, "console-nav-planner", T::NavPlanner) }
            { item(Screen::Cards, "console-nav-cards", T::NavCards) }
            { item(Screen::Days, "console-nav-days", T::NavDays) }
        </nav>
    }
}

#[component]
fn Desk(p: &LangProps) -> Html {
    let l = p.lang;
    html! {
        <main class="desk">
            <Switch<Screen> render={move |s: Screen| match s {
                Screen::Home => html! { <forecast::ForecastScreen lang={l} /> },
                Screen::Dashboard => html! { <dashboard::DashboardScreen lang={l} /> },
                Screen::Planner => html! { <planner::PlannerScreen lang={l} /> },
                Screen::Days => html! { <days::DaysScreen lang={l} /> },
                Screen::Cards => html! { <cards::CardList lang={l} /> },
                Screen::NotFound => html! { <p>{ t(l, T::NotFound) }</p> },
            }} />
        </main>
    }
}
