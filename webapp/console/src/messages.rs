//! Messages to residents: the office's outbox, newest first, by status. A
//! failed message can be sent again; with the `manual` channel each pending
//! message is a WhatsApp link to tap, then marked sent.

use crate::i18n::{t, Lang, T};
use crate::net::Failure;
use antar_shared::wire::{Notification, Page};
use antar_web::api::{self, ApiError};
use antar_web::forms::event_value;
use yew::prelude::*;
use yew_router::prelude::Link;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
}

const STATUSES: [&str; 4] = ["pending", "sent", "failed", "skipped"];

fn status_text(status: &str) -> T {
    match status {
        "pending" => T::MsgPending,
        "sent" => T::MsgSent,
        "failed" => T::MsgFailed,
        _ => T::MsgSkipped,
    }
}

pub fn moment_text(moment: &str) -> T {
    match moment {
        "scheduled" => T::MomentScheduled,
        "out_for_delivery" => T::MomentOut,
        "attempt_failed" => T::MomentFailed,
        "left_at_village_office" => T::MomentVillage,
        "held_for_pickup" => T::MomentHeld,
        _ => T::MomentDelivered,
    }
}

#[component]
pub fn MessagesScreen(p: &Props) -> Html {
    let l = p.lang;
    let status = use_state(String::new);
    let reload = use_state(|| 0u32);
    let page = use_state(|| None::<Result<Page<Notification>, ApiError>>);
    let acting = use_state(|| None::<ApiError>);
    {
        let page = page.clone();
        use_effect_with(((*status).clone(), *reload), move |(status, _)| {
            let path = match status.as_str() {
                "" => "/api/v1/notifications?per_page=100".to_owned(),
                s => format!("/api/v1/notifications?per_page=100&status={s}"),
            };
            crate::net::load(async move {
                page.set(Some(api::get::<Page<Notification>>(&path).await));
            })
        });
    }
    let on_status = {
        let status = status.clone();
        Callback::from(move |e: Event| status.set(event_value(&e)))
    };
    let again = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    // Retry or mark sent, then read the list again.
    let act = |id: &str, what: &'static str| {
        let (path, reload, acting) = (format!("/api/v1/notifications/{id}/{what}"), reload.clone(), acting.clone());
        Callback::from(move |_: MouseEvent| {
            let (path, reload, acting) = (path.clone(), reload.clone(), acting.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::post::<_, Notification>(&path, &serde_json::json!({})).await {
                    Ok(_) => acting.set(None),
                    Err(e) => acting.set(Some(e)),
                }
                reload.set(*reload + 1);
            });
        })
    };
    let body = match &*page {
        None => html! { <p>{ t(l, antar_web::i18n::C::Loading) }</p> },
        Some(Err(e)) => html! { <Failure lang={l} error={e.clone()} on_retry={again} /> },
        Some(Ok(p)) if p.items.is_empty() => html! { <p class="card" data-testid="msg-empty">{ t(l, T::MsgNone) }</p> },
        Some(Ok(p)) => html! {
            <table class="list" data-testid="msg-list" data-total={p.total.to_string()}>
                <thead><tr>
                    <th>{ t(l, T::MsgWhen) }</th><th>{ t(l, T::MsgMoment) }</th><th>{ t(l, T::Status) }</th>
                    <th>{ t(l, T::MsgText) }</th><th></th>
                </tr></thead>
                <tbody>
                    { for p.items.iter().map(|n| html! {
                        <tr data-testid="msg-row" data-id={n.id.clone()} data-status={n.status.clone()} data-moment={n.moment.clone()}>
                            <td>{ crate::time::stamp(n.created_at) }</td>
                            <td>
                                { t(l, moment_text(&n.moment)) }<br />
                                <Link<crate::Screen> to={crate::Screen::Card { id: n.card_id.clone() }}>{ t(l, T::MsgCard) }</Link<crate::Screen>>
                            </td>
                            <td>
                                <span class={classes!("badge", n.status.clone())}>{ t(l, status_text(&n.status)) }</span>
                                if n.attempts > 0 { <div class="muted">{ format!("{} × {}", n.attempts, t(l, T::MsgAttempts)) }</div> }
                                if let Some((why, at)) = waiting(n, crate::time::now()) {
                                    <div class="muted" data-testid="msg-waiting">{ format!("{} {}", t(l, why), crate::time::stamp(at)) }</div>
                                }
                            </td>
                            <td>
                                if let Some(m) = &n.message { <div>{ m }</div> }
                                if let Some(e) = &n.last_error { <div class="error">{ e }</div> }
                            </td>
                            <td class="actions">
                                if n.status == "failed" {
                                    <button class="secondary" data-testid="msg-retry" onclick={act(&n.id, "retry")}>{ t(l, T::MsgRetry) }</button>
                                }
                                if let Some(wa) = &n.whatsapp_url {
                                    <a class="button" href={wa.clone()} target="_blank" rel="noopener" data-testid="msg-whatsapp">{ t(l, T::MsgOpenWhatsApp) }</a>
                                    <button class="secondary" data-testid="msg-mark-sent" onclick={act(&n.id, "sent")}>{ t(l, T::MsgMarkSent) }</button>
                                }
                            </td>
                        </tr>
                    }) }
                </tbody>
            </table>
        },
    };
    html! {
        <section>
            <div class="result-head">
                <h1>{ t(l, T::MsgTitle) }</h1>
                <select data-testid="msg-status" onchange={on_status} aria-label={t(l, T::Status)}>
                    <option value="" selected={status.is_empty()}>{ t(l, T::AllStatuses) }</option>
                    { for STATUSES.iter().map(|s| html! {
                        <option value={*s} selected={*status == *s}>{ t(l, status_text(s)) }</option>
                    }) }
                </select>
            </div>
            if let Some(e) = &*acting { <Failure lang={l} error={e.clone()} /> }
            { body }
        </section>
    }
}
/// Why a message that waits has not gone yet: the office's quiet hours
/// (not tried yet, due later), or the next try after a failed one.
pub fn waiting(
    n: &antar_shared::wire::Notification,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<(T, chrono::DateTime<chrono::Utc>)> {
    let next = n.next_attempt_at.filter(|at| n.status == "pending" && *at > now)?;
    Some((if n.attempts == 0 { T::MsgQuietHours } else { T::MsgNextTry }, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_held_for_quiet_hours_says_so_and_a_retry_says_when() {
        let now = chrono::DateTime::from_timestamp(1_764_000_000, 0).unwrap();
        let later = now + chrono::Duration::hours(9);
        let mut n = antar_shared::wire::Notification {
            id: "n".into(),
            card_id: "c".into(),
            moment: "scheduled".into(),
            channel: "webhook".into(),
            status: "pending".into(),
            attempts: 0,
            last_error: None,
            message: None,
            whatsapp_url: None,
            created_at: now,
            next_attempt_at: Some(later),
            sent_at: None,
        };
        assert_eq!(waiting(&n, now), Some((T::MsgQuietHours, later)));
        n.attempts = 2;
        assert_eq!(waiting(&n, now), Some((T::MsgNextTry, later)));
        assert_eq!(waiting(&n, later), None, "due now: nothing to say");
        n.status = "sent".into();
        assert_eq!(waiting(&n, now), None);
    }
}
