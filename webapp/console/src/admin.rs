//! Admin: the office's users — create, disable and enable (disabling ends
//! the user's sessions at once), set a new password — and the office's
//! settings as a form (proof rules, attempts before holding, link lifetime,
//! office location, stop cap).

use crate::i18n::{t, Lang, T};
use crate::net::Failure;
use antar_shared::wire::{AuditCheck, AuditItem, Items, NewUser, Page, Role, Settings, User, UserChange};
use antar_web::api::{self, ApiError};
use antar_web::forms::value_of;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
}

#[component]
pub fn AdminScreen(p: &Props) -> Html {
    let l = p.lang;
    html! {
        <section class="admin">
            <h1>{ t(l, T::AdminTitle) }</h1>
            <div class="admin-grid">
                <Users lang={l} />
                <SettingsForm lang={l} />
            </div>
            <crate::notify_settings::NotifySettings lang={l} />
            <AuditTrail lang={l} />
        </section>
    }
}

fn role_text(l: Lang, r: Role) -> &'static str {
    match r {
        Role::Admin => t(l, T::RoleAdmin),
        Role::Staff => t(l, T::RoleStaff),
        Role::Courier => t(l, T::RoleCourier),
    }
}

#[component]
fn Users(p: &Props) -> Html {
    let l = p.lang;
    let reload = use_state(|| 0u32);
    let users = use_state(|| None::<Result<Vec<User>, ApiError>>);
    let failed = use_state(|| None::<ApiError>);
    let done = use_state(|| None::<String>);
    {
        let users = users.clone();
        use_effect_with(*reload, move |_| {
            crate::net::load(async move {
                users.set(Some(api::get::<Items<User>>("/api/v1/users").await.map(|i| i.items)));
            })
        });
    }
    let change = {
        let (reload, failed, done) = (reload.clone(), failed.clone(), done.clone());
        move |id: String, body: UserChange, saved: String| {
            let (reload, failed, done) = (reload.clone(), failed.clone(), done.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::patch::<_, User>(&format!("/api/v1/users/{id}"), &body).await {
                    Ok(_) => {
                        failed.set(None);
                        done.set(Some(saved));
                        reload.set(*reload + 1);
                    }
                    Err(e) => failed.set(Some(e)),
                }
            });
        }
    };
    let (new_name, new_display, new_password, new_role) =
        (use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref());
    let on_create = {
        let (reload, failed, done) = (reload.clone(), failed.clone(), done.clone());
        let (name, display, password, role) =
            (new_name.clone(), new_display.clone(), new_password.clone(), new_role.clone());
        let created = t(l, T::UserCreated);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = NewUser {
                username: value_of(&name).trim().to_owned(),
                password: value_of(&password),
                role: Role::parse(&value_of(&role)).unwrap_or(Role::Courier),
                display_name: value_of(&display).trim().to_owned(),
            };
            let (reload, failed, done, password) = (reload.clone(), failed.clone(), done.clone(), password.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::post::<_, User>("/api/v1/users", &body).await {
                    Ok(u) => {
                        failed.set(None);
                        done.set(Some(format!("{created}: {}", u.username)));
                        if let Some(input) = password.cast::<HtmlInputElement>() {
                            input.set_value("");
                        }
                        reload.set(*reload + 1);
                    }
                    Err(e) => failed.set(Some(e)),
                }
            });
        })
    };
    let me = api::session().map(|s| s.user.id).unwrap_or_default();
    let table = match &*users {
        None => html! { <p>{ t(l, antar_web::i18n::C::Loading) }</p> },
        Some(Err(e)) => {
            let reload = reload.clone();
            html! { <Failure lang={l} error={e.clone()} on_retry={Callback::from(move |_| reload.set(*reload + 1))} /> }
        }
        Some(Ok(list)) => html! {
            <table data-testid="admin-users">
                <thead><tr><th>{ t(l, antar_web::i18n::C::Username) }</th><th>{ t(l, T::Name) }</th><th>{ t(l, T::Role) }</th><th>{ t(l, T::Status) }</th><th></th></tr></thead>
                <tbody>
                    { for list.iter().map(|u| {
                        let toggle = {
                            let (change, id, to) = (change.clone(), u.id.clone(), !u.disabled);
                            let saved = format!("{}: {}", u.username, if to { t(l, T::UserDisabled) } else { t(l, T::UserEnabled) });
                            Callback::from(move |_: MouseEvent| change(id.clone(), UserChange { disabled: Some(to), ..UserChange::default() }, saved.clone()))
                        };
                        let password = NodeRef::default();
                        let reset = {
                            let (change, id, password) = (change.clone(), u.id.clone(), password.clone());
                            let saved = format!("{}: {}", u.username, t(l, T::PasswordSet));
                            Callback::from(move |_: MouseEvent| {
                                let body = UserChange { password: Some(value_of(&password)), ..UserChange::default() };
                                change(id.clone(), body, saved.clone());
                            })
                        };
                        html! {
                            <tr data-testid="admin-user" data-user-id={u.id.clone()} data-disabled={u.disabled.to_string()} class={classes!(u.disabled.then_some("disabled"))}>
                                <td>{ &u.username }</td>
                                <td>{ &u.display_name }</td>
                                <td>{ role_text(l, u.role) }</td>
                                <td>{ if u.disabled { t(l, T::Inactive) } else { t(l, T::Active) } }</td>
                                <td class="tools">
                                    if u.id != me {
                                        <button class="secondary" data-testid="user-toggle" onclick={toggle}>
                                            { if u.disabled { t(l, T::Enable) } else { t(l, T::Disable) } }
                                        </button>
                                    }
                                    <input ref={password} type="password" minlength="10" autocomplete="new-password" data-testid="user-new-password"
                                        placeholder={t(l, T::NewPassword)} aria-label={t(l, T::NewPassword)} />
                                    <button class="secondary" data-testid="user-set-password" onclick={reset}>{ t(l, T::SetPassword) }</button>
                                </td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        },
    };
    html! {
        <div class="card">
            <h2>{ t(l, T::Users) }</h2>
            if let Some(msg) = &*done { <p class="saved" role="status" data-testid="admin-done">{ msg }</p> }
            if let Some(e) = &*failed { <Failure lang={l} error={e.clone()} /> }
            <div class="scroll">{ table }</div>
            <form class="new-user" onsubmit={on_create} data-testid="user-new">
                <h3>{ t(l, T::NewUser) }</h3>
                <input ref={new_name} required=true data-testid="user-username" placeholder={t(l, antar_web::i18n::C::Username)} aria-label={t(l, antar_web::i18n::C::Username)} />
                <input ref={new_display} required=true data-testid="user-display-name" placeholder={t(l, T::Name)} aria-label={t(l, T::Name)} />
                <select ref={new_role} data-testid="user-role" aria-label={t(l, T::Role)}>
                    { for [Role::Courier, Role::Staff, Role::Admin].into_iter().map(|r| html! { <option value={r.as_str()}>{ role_text(l, r) }</option> }) }
                </select>
                <input ref={new_password} type="password" required=true minlength="10" autocomplete="new-password" data-testid="user-password"
                    placeholder={t(l, antar_web::i18n::C::Password)} aria-label={t(l, antar_web::i18n::C::Password)} />
                <button class="primary" data-testid="user-create">{ t(l, T::Create) }</button>
            </form>
        </div>
    }
}

#[component]
fn SettingsForm(p: &Props) -> Html {
    let l = p.lang;
    let settings = use_state(|| None::<Result<Settings, ApiError>>);
    let outcome = use_state(|| None::<Result<(), ApiError>>);
    let form = use_node_ref();
    {
        let settings = settings.clone();
        use_effect_with((), move |_| {
            crate::net::load(async move { settings.set(Some(api::get::<Settings>("/api/v1/settings").await)) })
        });
    }
    let Some(Ok(s)) = (*settings).clone() else {
        return match &*settings {
            Some(Err(e)) => html! { <Failure lang={l} error={e.clone()} /> },
            _ => html! { <p>{ t(l, antar_web::i18n::C::Loading) }</p> },
        };
    };
    let on_save = {
        let (form, settings, outcome, before) = (form.clone(), settings.clone(), outcome.clone(), s.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(root) = form.cast::<web_sys::HtmlElement>() else { return };
            let field = |name: &str| {
                root.query_selector(&format!("[name={name}]"))
                    .ok()
                    .flatten()
                    .and_then(|el| wasm_bindgen::JsCast::dyn_into::<HtmlInputElement>(el).ok())
            };
            let text = |name: &str| field(name).map(|i| i.value().trim().to_owned()).unwrap_or_default();
            let checked = |name: &str| field(name).is_some_and(|i| i.checked());
            let number = |name: &str, old: i32| text(name).parse().unwrap_or(old);
            let coordinate = |name: &str| text(name).replace(',', ".").parse::<f64>().ok();
            let mine = Settings {
                office_name: text("office_name"),
                max_failed_attempts: number("max_failed_attempts", before.max_failed_attempts),
                link_lifetime_days: number("link_lifetime_days", before.link_lifetime_days),
                max_stops_per_route: number("max_stops_per_route", before.max_stops_per_route),
                require_photo: checked("require_photo"),
                require_signature: checked("require_signature"),
                require_id_check: checked("require_id_check"),
                require_gps: checked("require_gps"),
                office_lat: coordinate("office_lat"),
                office_lon: coordinate("office_lon"),
                ..before.clone()
            };
            let (settings, outcome) = (settings.clone(), outcome.clone());
            wasm_bindgen_futures::spawn_local(async move {
                // The message settings stay as they are now: the form beside
                // this one may have saved them meanwhile.
                let saved = save_settings(|now| Settings {
                    notify_channel: now.notify_channel,
                    notify_url: now.notify_url,
                    notify_quiet_hours: now.notify_quiet_hours,
                    notify_moments: now.notify_moments,
                    notify_templates: now.notify_templates,
                    ..mine
                })
                .await;
                match saved {
                    Ok(saved) => {
                        settings.set(Some(Ok(saved)));
                        outcome.set(Some(Ok(())));
                    }
                    Err(e) => outcome.set(Some(Err(e))),
                }
            });
        })
    };
    let number = |name: &'static str, label: T, value: i32, min: i32, max: i32| {
        html! {
            <label>{ t(l, label) }
                <input type="number" name={name} data-testid={format!("settings-{name}")} min={min.to_string()} max={max.to_string()} value={value.to_string()} />
            </label>
        }
    };
    let check = |name: &'static str, label: T, value: bool| {
        html! {
            <label class="check"><input type="checkbox" name={name} data-testid={format!("settings-{name}")} checked={value} />{ t(l, label) }</label>
        }
    };
    let coordinate = |v: Option<f64>| v.map(|v| format!("{v:.6}")).unwrap_or_default();
    html! {
        <form class="card settings" ref={form} onsubmit={on_save} data-testid="settings-form">
            <h2>{ t(l, T::Settings) }</h2>
            <label>{ t(l, T::OfficeName) }
                <input name="office_name" data-testid="settings-office_name" value={s.office_name.clone()} required=true />
            </label>
            <fieldset>
                <legend>{ t(l, T::ProofRules) }</legend>
                { check("require_photo", T::RequirePhoto, s.require_photo) }
                { check("require_signature", T::RequireSignature, s.require_signature) }
                { check("require_id_check", T::RequireIdCheck, s.require_id_check) }
                { check("require_gps", T::RequireGps, s.require_gps) }
            </fieldset>
            { number("max_failed_attempts", T::MaxAttempts, s.max_failed_attempts, 1, 20) }
            { number("link_lifetime_days", T::LinkDays, s.link_lifetime_days, 1, 365) }
            { number("max_stops_per_route", T::MaxStops, s.max_stops_per_route, 1, 500) }
            <fieldset>
                <legend>{ t(l, T::OfficeLocation) }</legend>
                <label>{ "Lintang / latitude" }<input name="office_lat" data-testid="settings-office_lat" inputmode="decimal" value={coordinate(s.office_lat)} /></label>
                <label>{ "Bujur / longitude" }<input name="office_lon" data-testid="settings-office_lon" inputmode="decimal" value={coordinate(s.office_lon)} /></label>
            </fieldset>
            <crate::net::SaveBar lang={l} outcome={(*outcome).clone()} form="settings" />
        </form>
    }
}

/// Saves the office's settings as `merge` makes them from what the server
/// holds now (not from what a form loaded): two forms on one screen each
/// save their own fields and never undo the other's.
pub async fn save_settings(merge: impl FnOnce(Settings) -> Settings) -> Result<Settings, ApiError> {
    let now = api::get::<Settings>("/api/v1/settings").await?;
    api::put::<_, Settings>("/api/v1/settings", &merge(now)).await
}

/// What an audit action means, as an admin reads it.
fn action_text(l: Lang, action: &str) -> String {
    let key = match action {
        "cards.import" => T::AuditImport,
        "route.create" => T::AuditRouteCreate,
        "routes.save_plan" => T::AuditPlanSaved,
        "route.stops" => T::AuditRouteStops,
        "route.cancel" => T::AuditRouteCancel,
        "day.close" => T::AuditDayClose,
        "card.collected" => T::ActCollected,
        "card.held_for_pickup" => T::ActHeld,
        "card.returned_to_office" => T::AuditReturned,
        "card.void" => T::ActVoid,
        "card.link" => T::MakeLink,
        "user.create" => T::NewUser,
        "user.change" => T::AuditUserChange,
        "settings.change" => T::Settings,
        "review.resolve" => T::Resolve,
        other => return other.to_owned(),
    };
    t(l, key).to_owned()
}

/// The office's audit trail, newest first, with whether its chain holds.
#[component]
fn AuditTrail(p: &Props) -> Html {
    let l = p.lang;
    let page = use_state(|| 1i64);
    let trail = use_state(|| None::<Result<Page<AuditItem>, ApiError>>);
    let check = use_state(|| None::<AuditCheck>);
    {
        let (trail, check) = (trail.clone(), check.clone());
        use_effect_with(*page, move |page| {
            let path = format!("/api/v1/audit?page={page}&per_page=50");
            crate::net::load(async move {
                if let Ok(c) = api::get::<AuditCheck>("/api/v1/audit/verify").await {
                    check.set(Some(c));
                }
                trail.set(Some(api::get(&path).await));
            })
        });
    }
    let status = match &*check {
        None => html! {},
        Some(c) if c.intact => html! {
            <span class="badge delivered" data-testid="audit-intact">{ format!("{} ({} {})", t(l, T::ChainIntact), c.records, t(l, T::Records)) }</span>
        },
        Some(c) => html! {
            <span class="badge void" data-testid="audit-broken">{ format!("{}: {}", t(l, T::ChainBroken), c.problem.clone().unwrap_or_default()) }</span>
        },
    };
    let body = match &*trail {
        None => html! { <p>{ t(l, antar_web::i18n::C::Loading) }</p> },
        Some(Err(e)) => html! { <Failure lang={l} error={e.clone()} /> },
        Some(Ok(p)) => {
            let pages = (p.total + p.per_page - 1) / p.per_page;
            let go = |to: i64| {
                let page = page.clone();
                Callback::from(move |_: MouseEvent| page.set(to))
            };
            html! {
                <>
                    <table data-testid="audit-trail">
                        <thead><tr><th class="num">{ "#" }</th><th>{ t(l, T::When) }</th><th>{ t(l, T::Who) }</th><th>{ t(l, T::What) }</th><th>{ t(l, T::OnWhat) }</th><th>{ t(l, T::Details) }</th></tr></thead>
                        <tbody>
                            { for p.items.iter().map(|i| html! {
                                <tr data-testid="audit-row" data-action={i.action.clone()} data-seq={i.seq.to_string()}>
                                    <td class="num">{ i.seq }</td>
                                    <td>{ crate::time::stamp(i.at) }</td>
                                    <td>{ &i.actor_name }</td>
                                    <td>{ action_text(l, &i.action) }</td>
                                    <td><code>{ &i.target }</code></td>
                                    <td><code class="detail">{ i.detail.to_string() }</code></td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                    if pages > 1 {
                        <div class="actions">
                            <button class="secondary" disabled={*page <= 1} onclick={go(*page - 1)}>{ t(l, T::Previous) }</button>
                            <span>{ format!("{} / {pages}", *page) }</span>
                            <button class="secondary" disabled={*page >= pages} onclick={go(*page + 1)}>{ t(l, T::Next) }</button>
                        </div>
                    }
                </>
            }
        }
    };
    html! {
        <div class="card audit">
            <h2>{ t(l, T::AuditTitle) } { status }</h2>
            <p class="muted">{ t(l, T::AuditHint) }</p>
            <div class="scroll">{ body }</div>
        </div>
    }
}
