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
    // Changed since loaded or saved: leaving would lose it.
    crate::leave::use_leave_guard();
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
            let typed = mine.clone();
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
                        crate::leave::mark_unsaved(false);
                    }
                    // What was typed stays in the form (rendered again from
                    // it, not from what the server holds), with why it was
                    // refused.
                    Err(e) => {
                        settings.set(Some(Ok(typed)));
                        outcome.set(Some(Err(e)));
                    }
                }
            });
        })
    };
    // Why the server refused a field, said next to it in the console's words.
    let refused: Vec<String> = match &*outcome {
        Some(Err(ApiError::Problem(pd))) => pd.errors.iter().map(|f| f.field.clone()).collect(),
        _ => Vec::new(),
    };
    let error_at = |name: &'static str| {
        html! {
            if refused.iter().any(|f| f == name) {
                <p class="error" data-testid={format!("settings-error-{name}")}>{ settings_field_text(l, name) }</p>
            }
        }
    };
    let number = |name: &'static str, label: T, value: i32, min: i32, max: i32| {
        html! {
            <label>{ t(l, label) }
                <input type="number" name={name} data-testid={format!("settings-{name}")} min={min.to_string()} max={max.to_string()} value={value.to_string()}
                    aria-invalid={refused.iter().any(|f| f == name).to_string()} />
                { error_at(name) }
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
        <form class="card settings" ref={form} onsubmit={on_save} data-testid="settings-form"
            oninput={Callback::from(|_: InputEvent| crate::leave::mark_unsaved(true))}
            onchange={Callback::from(|_: Event| crate::leave::mark_unsaved(true))}>
            <h2>{ t(l, T::Settings) }</h2>
            <label>{ t(l, T::OfficeName) }
                <input name="office_name" data-testid="settings-office_name" value={s.office_name.clone()} required=true />
                { error_at("office_name") }
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
                { error_at("office_lat") }
                { error_at("office_lon") }
            </fieldset>
            <crate::net::SaveBar lang={l} outcome={(*outcome).clone()} form="settings" />
        </form>
    }
}

/// What a settings field must hold, said next to it when the server refused
/// it (the server's own words are English; these are the console's).
pub fn settings_field_text(l: Lang, field: &str) -> &'static str {
    let (id, en) = match field {
        "office_name" => ("Nama kantor wajib diisi.", "The office's name is required."),
        "max_failed_attempts" => ("Isi angka antara 1 dan 20.", "A number from 1 to 20."),
        "link_lifetime_days" => ("Isi angka antara 1 dan 365 hari.", "A number of days from 1 to 365."),
        "max_stops_per_route" => ("Isi angka antara 1 dan 500.", "A number from 1 to 500."),
        "office_lat" => ("Lintang harus antara -90 dan 90.", "The latitude must be from -90 to 90."),
        "office_lon" => (
            "Bujur harus antara -180 dan 180; isi lintang dan bujur, atau kosongkan keduanya.",
            "The longitude must be from -180 to 180; give both latitude and longitude, or neither.",
        ),
        _ => ("Isian ini tidak diterima server.", "The server did not accept this value."),
    };
    if l == Lang::Id {
        id
    } else {
        en
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
        "route.reassign" => T::AuditRouteReassign,
        "route.move" => T::AuditRouteMove,
        "desk.handout" => T::ScanHandedOut,
        "desk.receive" => T::ScanReceived,
        other => return other.to_owned(),
    };
    t(l, key).to_owned()
}

/// An audit entry's details as a person reads them: `name: value` pairs in
/// the console's language (ids shortened, lists counted, yes and no).
pub fn detail_text(l: Lang, detail: &serde_json::Value) -> String {
    use serde_json::Value;
    let Value::Object(map) = detail else { return String::new() };
    let yes_no = |b: bool| {
        if l == Lang::Id {
            if b {
                "ya"
            } else {
                "tidak"
            }
        } else if b {
            "yes"
        } else {
            "no"
        }
    };
    map.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let value = match v {
                Value::Bool(b) => yes_no(*b).to_owned(),
                Value::Array(items) => items.len().to_string(),
                Value::String(s) if k.ends_with("_id") => s.chars().take(8).collect(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!("{}: {value}", detail_key(l, k))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

fn detail_key(l: Lang, key: &str) -> String {
    let (id, en) = match key {
        "cards" => ("kartu", "cards"),
        "routes" => ("rute", "routes"),
        "courier_id" => ("kurir", "courier"),
        "date" => ("tanggal", "date"),
        "disabled" => ("nonaktif", "disabled"),
        "display_name" => ("nama", "name"),
        "password_reset" => ("kata sandi baru", "new password"),
        "role" => ("peran", "role"),
        "username" => ("nama pengguna", "username"),
        "imported" => ("diimpor", "imported"),
        "duplicates" => ("ganda", "duplicates"),
        "rejected" => ("ditolak", "rejected"),
        "handed_out" => ("dibawa", "handed out"),
        "delivered" => ("terantar", "delivered"),
        "returned" => ("kembali", "returned"),
        "left_at_village_office" => ("di kantor desa", "at the village office"),
        "still_out" => ("masih dibawa", "still out"),
        "already" => ("sudah sebelumnya", "already"),
        "reason" => ("alasan", "reason"),
        "note" => ("catatan", "note"),
        other => return other.replace('_', " "),
    };
    (if l == Lang::Id { id } else { en }).to_owned()
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
                                    <td title={i.target.clone()}>{ i.target_name.clone().unwrap_or_else(|| i.target.clone()) }</td>
                                    <td class="detail">{ detail_text(l, &i.detail) }</td>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_details_read_as_words_not_json() {
        let d = serde_json::json!({
            "courier_id": "01a25260-cca6-7448", "date": "2026-12-08", "cards": 12,
            "password_reset": true, "routes": ["a", "b"], "display_name": null,
        });
        let text = detail_text(Lang::Id, &d);
        assert_eq!(text, "kartu: 12 · kurir: 01a25260 · tanggal: 2026-12-08 · kata sandi baru: ya · rute: 2");
        assert!(!text.contains('{') && !text.contains('"'));
        assert_eq!(detail_text(Lang::En, &serde_json::json!({"already": false})), "already: no");
        assert_eq!(detail_text(Lang::Id, &serde_json::Value::Null), "");
        assert_eq!(action_text(Lang::Id, "desk.receive"), t(Lang::Id, T::ScanReceived));
        assert_eq!(action_text(Lang::Id, "something.new"), "something.new");
    }
}
