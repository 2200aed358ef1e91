//! Admin: how residents hear about their card — the channel and its
//! gateway, quiet hours, which moments send, each moment's template with a
//! preview rendered by the server's own code (`antar_shared::notify`), and a
//! test message through the saved channel.

use crate::i18n::{t, Lang, T};
use crate::net::Failure;
use antar_shared::notify::{self, MOMENTS, PLACEHOLDERS};
use antar_shared::wire::{NotifyTest, NotifyTestResult, Settings};
use antar_web::api::{self, ApiError};
use antar_web::forms::event_value;
use std::collections::BTreeMap;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
}

/// The channels, as the select offers them.
const CHANNELS: [(&str, T); 5] = [
    ("none", T::ChannelNone),
    ("manual", T::ChannelManual),
    ("webhook", T::ChannelWebhook),
    ("form", T::ChannelForm),
    ("whatsapp_cloud", T::ChannelCloud),
];

fn needs_gateway(channel: &str) -> bool {
    matches!(channel, "webhook" | "form" | "whatsapp_cloud")
}

/// What a template says for an example resident: the preview.
fn preview(template: &str, office: &str) -> String {
    let tomorrow = crate::time::date_from_today(1).unwrap_or_default();
    let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    let values: BTreeMap<String, String> = [
        ("nama_depan", "Siti".to_owned()),
        ("tanggal", notify::tanggal(tomorrow)),
        ("kurir", "Budi".to_owned()),
        ("tautan", format!("{origin}/t/contoh")),
        ("kantor", office.to_owned()),
        ("kelurahan", "RAJABASA".to_owned()),
        ("selanjutnya", notify::after_failure(false, office)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    notify::render(template, &values)
}

/// One edit of the form's working copy.
fn edit(draft: &UseStateHandle<Option<Settings>>, f: impl Fn(&mut Settings, String) + 'static) -> Callback<String> {
    let draft = draft.clone();
    Callback::from(move |value: String| {
        if let Some(mut next) = (*draft).clone() {
            f(&mut next, value);
            draft.set(Some(next));
        }
    })
}

#[component]
pub fn NotifySettings(p: &Props) -> Html {
    let l = p.lang;
    let draft = use_state(|| None::<Settings>);
    let loaded = use_state(|| None::<Result<(), ApiError>>);
    let outcome = use_state(|| None::<Result<(), ApiError>>);
    let phone = use_state(String::new);
    let tested = use_state(|| None::<Result<NotifyTestResult, ApiError>>);
    {
        let (draft, loaded) = (draft.clone(), loaded.clone());
        use_effect_with((), move |_| {
            crate::net::load(async move {
                match api::get::<Settings>("/api/v1/settings").await {
                    Ok(s) => {
                        draft.set(Some(s));
                        loaded.set(Some(Ok(())));
                    }
                    Err(e) => loaded.set(Some(Err(e))),
                }
            })
        })
    }
    let Some(s) = (*draft).clone() else {
        return match &*loaded {
            Some(Err(e)) => html! { <Failure lang={l} error={e.clone()} /> },
            _ => html! { <p>{ t(l, antar_web::i18n::C::Loading) }</p> },
        };
    };
    let on_save = {
        let (draft, outcome) = (draft.clone(), outcome.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(mine) = (*draft).clone() else { return };
            let (draft, outcome) = (draft.clone(), outcome.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let saved = crate::admin::save_settings(|now| Settings {
                    notify_channel: mine.notify_channel,
                    notify_url: mine.notify_url.filter(|u| !u.trim().is_empty()),
                    notify_secret: mine.notify_secret.filter(|s| !s.is_empty()),
                    notify_quiet_hours: mine.notify_quiet_hours,
                    notify_moments: mine.notify_moments,
                    notify_templates: mine.notify_templates,
                    ..now
                })
                .await;
                match saved {
                    Ok(s) => {
                        draft.set(Some(s));
                        outcome.set(Some(Ok(())));
                    }
                    Err(e) => outcome.set(Some(Err(e))),
                }
            });
        })
    };
    let on_test = {
        let (phone, tested) = (phone.clone(), tested.clone());
        Callback::from(move |_: MouseEvent| {
            let (body, tested) = (NotifyTest { phone: (*phone).clone() }, tested.clone());
            tested.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                tested.set(Some(api::post::<_, NotifyTestResult>("/api/v1/settings/notify-test", &body).await));
            });
        })
    };
    let value = |cb: Callback<String>| Callback::from(move |e: InputEvent| cb.emit(event_value(&e)));
    let changed = |cb: Callback<String>| Callback::from(move |e: Event| cb.emit(event_value(&e)));
    let on_channel = changed(edit(&draft, |s, v| s.notify_channel = v));
    let on_url = value(edit(&draft, |s, v| s.notify_url = Some(v)));
    let on_secret = value(edit(&draft, |s, v| s.notify_secret = Some(v)));
    let on_quiet = value(edit(&draft, |s, v| s.notify_quiet_hours = v));
    let on_phone = {
        let phone = phone.clone();
        Callback::from(move |e: InputEvent| phone.set(event_value(&e)))
    };
    let moment = |m: &'static str| {
        let on = s.notify_moments.iter().any(|x| x == m);
        let template = s.notify_templates.get(m).cloned().unwrap_or_else(|| notify::default_template(m).to_owned());
        let unknown = notify::unknown_placeholder(&template);
        let toggle = {
            let draft = draft.clone();
            Callback::from(move |_: Event| {
                if let Some(mut next) = (*draft).clone() {
                    if next.notify_moments.iter().any(|x| x == m) {
                        next.notify_moments.retain(|x| x != m);
                    } else {
                        // In the order the moments come.
                        next.notify_moments.push(m.to_owned());
                        next.notify_moments.sort_by_key(|x| MOMENTS.iter().position(|y| y == x));
                    }
                    draft.set(Some(next));
                }
            })
        };
        let on_template = value(edit(&draft, move |s, v| {
            if v.trim() == notify::default_template(m) {
                s.notify_templates.remove(m);
            } else {
                s.notify_templates.insert(m.to_owned(), v);
            }
        }));
        html! {
            <fieldset class="moment" data-testid="notify-moment" data-moment={m}>
                <legend>
                    <label class="check">
                        <input type="checkbox" data-testid="notify-moment-on" checked={on} onchange={toggle} />
                        { t(l, crate::messages::moment_text(m)) }
                    </label>
                </legend>
                <textarea rows="3" data-testid="notify-template" aria-label={t(l, T::Template)} value={template.clone()} oninput={on_template} />
                if let Some(name) = unknown {
                    <p class="error" data-testid="notify-template-error">{ format!("{} {{{name}}}", t(l, T::UnknownPlaceholder)) }</p>
                } else {
                    <p class="preview" data-testid="notify-preview">{ preview(&template, &s.office_name) }</p>
                }
            </fieldset>
        }
    };
    html! {
        <form class="card settings notify" onsubmit={on_save} data-testid="notify-form">
            <h2>{ t(l, T::NotifyTitle) }</h2>
            if let Some(note) = &s.notify_channel_note {
                <p class="failure" role="alert" data-testid="notify-channel-note">{ format!("{} {note}", t(l, T::ChannelTurnedOff)) }</p>
            }
            <label>{ t(l, T::Channel) }
                <select data-testid="notify-channel" onchange={on_channel}>
                    { for CHANNELS.iter().map(|(v, label)| html! {
                        <option value={*v} selected={s.notify_channel == *v}>{ t(l, *label) }</option>
                    }) }
                </select>
            </label>
            if needs_gateway(&s.notify_channel) {
                <label>{ t(l, T::GatewayUrl) }
                    <input type="url" data-testid="notify-url" value={s.notify_url.clone().unwrap_or_default()} oninput={on_url} />
                </label>
                <label>{ if s.notify_channel == "webhook" { t(l, T::WebhookSecret) } else { t(l, T::GatewayToken) } }
                    <input type="password" autocomplete="off" data-testid="notify-secret"
                        placeholder={if s.notify_secret_set { t(l, T::SecretKept) } else { "" }}
                        value={s.notify_secret.clone().unwrap_or_default()} oninput={on_secret} />
                </label>
            }
            <label>{ t(l, T::QuietHours) }
                <input data-testid="notify-quiet" placeholder="21:00-07:00" value={s.notify_quiet_hours.clone()} oninput={on_quiet} />
            </label>
            <p class="muted">{ format!("{}: {}", t(l, T::Placeholders), PLACEHOLDERS.iter().map(|(p, _)| format!("{{{p}}}")).collect::<Vec<_>>().join(" ")) }</p>
            { for MOMENTS.iter().map(|m| moment(m)) }
            <crate::net::SaveBar lang={l} outcome={(*outcome).clone()} form="notify" />
            <fieldset>
                <legend>{ t(l, T::TestMessage) }</legend>
                <p class="muted">{ t(l, T::TestMessageHint) }</p>
                <input type="tel" data-testid="notify-test-phone" placeholder="0812…" value={(*phone).clone()} oninput={on_phone} />
                <button type="button" class="secondary" data-testid="notify-test" disabled={phone.trim().is_empty()} onclick={on_test}>{ t(l, T::SendTest) }</button>
                { match &*tested {
                    None => html! {},
                    Some(Err(e)) => html! { <Failure lang={l} error={e.clone()} /> },
                    Some(Ok(r)) => html! {
                        <p data-testid="notify-test-result" data-sent={r.sent.to_string()} class={classes!(if r.sent { "saved" } else { "error" })}>
                            { if r.sent { t(l, T::TestSent) } else { t(l, T::TestNotSent) } }{ " — " }{ &r.detail }
                            if let Some(wa) = &r.whatsapp_url {
                                { " " }<a href={wa.clone()} target="_blank" rel="noopener" data-testid="notify-test-whatsapp">{ t(l, T::MsgOpenWhatsApp) }</a>
                            }
                        </p>
                    },
                } }
            </fieldset>
        </form>
    }
}
