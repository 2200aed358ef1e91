//! One card, all of it: the whole custody log (who, the phone's time, the
//! server's time, the skew between them), the proof photo and signature
//! inline (staff-only media, fetched with the session), the door's GPS pin
//! with a link to a map, flags, the resident's answer; staff actions and
//! the resident link with a one-tap WhatsApp send.

use crate::i18n::{code_text, status_label, t, Lang, T};
use crate::net::Failure;
use antar_shared::wire::{CardDetail, EventView, Items, ResidentLink, User};
use antar_shared::EventKind;
use antar_web::api::{self, ApiError};
use antar_web::forms::value_of;
use serde_json::Value;
use std::collections::HashMap;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub id: String,
}

/// What a staff action sends (`POST /api/v1/cards/{id}/events`).
#[derive(serde::Serialize)]
struct StaffAction {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// The skew between the phone's clock and the server's, as a person reads
/// it: `+2 min 5 s` (the phone behind), `-40 s` (ahead), empty when none.
pub fn skew_text(ev: &EventView) -> String {
    let Some(device) = ev.device_time else { return String::new() };
    let secs = (ev.occurred_at - device).num_seconds();
    if secs == 0 {
        return "0 s".into();
    }
    let sign = if secs > 0 { "+" } else { "-" };
    let (m, s) = (secs.abs() / 60, secs.abs() % 60);
    match (m, s) {
        (0, s) => format!("{sign}{s} s"),
        (m, 0) => format!("{sign}{m} min"),
        (m, s) => format!("{sign}{m} min {s} s"),
    }
}

/// The door's GPS fix an event carries, if any.
pub fn pin(ev: &EventView) -> Option<(f64, f64)> {
    Some((ev.payload.get("lat")?.as_f64()?, ev.payload.get("lon")?.as_f64()?))
}

/// A map link for a fix (OpenStreetMap: no account, no key).
pub fn map_url((lat, lon): (f64, f64)) -> String {
    format!("https://www.openstreetmap.org/?mlat={lat:.6}&mlon={lon:.6}#map=18/{lat:.6}/{lon:.6}")
}

#[component]
pub fn CardScreen(p: &Props) -> Html {
    let l = p.lang;
    let path = format!("/api/v1/cards/{}", p.id);
    let reload = use_state(|| 0u32);
    let card = use_state(|| None::<Result<CardDetail, ApiError>>);
    let names = use_state(HashMap::<String, String>::new);
    let action_failed = use_state(|| None::<ApiError>);
    let link = use_state(|| None::<Result<ResidentLink, ApiError>>);
    let void_reason = use_node_ref();
    {
        let (card, names, path) = (card.clone(), names.clone(), path.clone());
        use_effect_with((p.id.clone(), *reload), move |_| {
            crate::net::load(async move {
                if names.is_empty() {
                    if let Ok(users) = api::get::<Items<User>>("/api/v1/users").await {
                        names.set(users.items.into_iter().map(|u| (u.id, u.display_name)).collect());
                    }
                }
                card.set(Some(api::get::<CardDetail>(&path).await));
            })
        });
    }
    let c = match &*card {
        None => return html! { <p>{ t(l, antar_web::i18n::C::Loading) }</p> },
        Some(Err(e)) => {
            let reload = reload.clone();
            return html! { <Failure lang={l} error={e.clone()} on_retry={Callback::from(move |_| reload.set(*reload + 1))} /> };
        }
        Some(Ok(c)) => c.clone(),
    };
    let act = |kind: &'static str, reason: Option<NodeRef>| {
        let (path, card, failed) = (path.clone(), card.clone(), action_failed.clone());
        let (pick, sure) = (t(l, T::VoidPickReason), t(l, T::VoidConfirm));
        Callback::from(move |_: MouseEvent| {
            let reason = reason.as_ref().map(value_of);
            // A void ends the card's life: it takes a reason and a second yes.
            if kind == "void" {
                let ask =
                    |text: &str| web_sys::window().and_then(|w| w.confirm_with_message(text).ok()).unwrap_or(false);
                if reason.as_deref().is_none_or(str::is_empty) {
                    if let Some(w) = web_sys::window() {
                        let _ = w.alert_with_message(pick);
                    }
                    return;
                }
                if !ask(sure) {
                    return;
                }
            }
            let body = StaffAction { kind, reason };
            let (path, card, failed) = (path.clone(), card.clone(), failed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::post::<_, CardDetail>(&format!("{path}/events"), &body).await {
                    Ok(detail) => {
                        failed.set(None);
                        card.set(Some(Ok(detail)));
                    }
                    Err(e) => failed.set(Some(e)),
                }
            });
        })
    };
    let make_link = {
        let (path, link) = (path.clone(), link.clone());
        Callback::from(move |_: MouseEvent| {
            let (path, link) = (path.clone(), link.clone());
            wasm_bindgen_futures::spawn_local(async move {
                link.set(Some(api::post::<_, ResidentLink>(&format!("{path}/link"), &serde_json::json!({})).await));
            });
        })
    };
    let who = |actor: &Option<String>| actor.as_ref().map(|a| names.get(a).cloned().unwrap_or_else(|| a.clone()));
    let name_of = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let s = &c.card;
    html! {
        <section class="card-detail" data-testid="card-detail" data-card-id={s.id.clone()} data-status={s.status.as_str()}>
            <h1>{ &s.name }</h1>
            <p>
                <span class={classes!("badge", s.status.as_str())} data-testid="card-status">{ status_label(l, s.status) }</span>
                { format!(" NIK {} · {}, RT {}/RW {}, {}, {}", s.nik, s.address, s.rt.clone().unwrap_or_default(), s.rw.clone().unwrap_or_default(), s.kelurahan, s.kecamatan) }
            </p>
            <p class="muted">
                { format!("{}: {} · {}: {}", t(l, T::FailedAttempts), s.failed_attempts, t(l, T::Batch), s.batch.clone().unwrap_or_default()) }
                if let Some(answer) = s.resident {
                    { format!(" · {}: {}", t(l, T::ResidentAnswer), if answer == antar_shared::custody::ResidentAnswer::Confirmed { t(l, T::Confirmed) } else { t(l, T::Disputed) }) }
                }
            </p>
            if !c.missing_media.is_empty() {
                <p class="error">{ format!("{} ({})", t(l, T::ProofMissing), c.missing_media.len()) }</p>
            }
            <div class="card">
                <h2>{ t(l, T::StaffActions) }</h2>
                <div class="actions">
                    <button class="secondary" data-testid="card-collected" onclick={act("collected", None)}>{ t(l, T::ActCollected) }</button>
                    <button class="secondary" data-testid="card-held" onclick={act("held_for_pickup", None)}>{ t(l, T::ActHeld) }</button>
                    <select ref={void_reason.clone()} data-testid="card-void-reason" aria-label={t(l, T::VoidReason)}>
                        <option value="" selected=true>{ format!("{}…", t(l, T::VoidReason)) }</option>
                        <option value="reprinted">{ t(l, T::VoidReprinted) }</option>
                        <option value="damaged">{ t(l, T::VoidDamaged) }</option>
                        <option value="deceased">{ t(l, T::VoidDeceased) }</option>
                        <option value="other">{ t(l, T::VoidOther) }</option>
                    </select>
                    <button class="secondary" data-testid="card-void" onclick={act("void", Some(void_reason))}>{ t(l, T::ActVoid) }</button>
                    <span class="grow"></span>
                    <button class="primary" data-testid="card-link" onclick={make_link}>{ t(l, T::MakeLink) }</button>
                </div>
                if let Some(e) = &*action_failed { <Failure lang={l} error={e.clone()} /> }
                { match &*link {
                    None => html! {},
                    Some(Err(e)) => html! { <Failure lang={l} error={e.clone()} /> },
                    Some(Ok(r)) => html! {
                        <p class="saved" data-testid="card-link-made">
                            <a href={r.url.clone()} target="_blank" rel="noopener">{ &r.url }</a>
                            { format!(" · {} {}", t(l, T::ValidUntil), crate::time::stamp(r.expires_at)) }
                            if let Some(wa) = &r.whatsapp_url {
                                <a class="button primary" data-testid="card-whatsapp" href={wa.clone()} target="_blank" rel="noopener">{ t(l, T::SendWhatsApp) }</a>
                            } else {
                                <span class="muted">{ format!(" · {}", t(l, T::NoPhone)) }</span>
                            }
                        </p>
                    },
                } }
            </div>
            <div class="card">
                <h2>{ t(l, T::Log) }</h2>
                <div class="scroll">
                    <table data-testid="card-log">
                        <thead><tr>
                            <th>{ t(l, T::What) }</th><th>{ t(l, T::Who) }</th><th>{ t(l, T::PhoneTime) }</th>
                            <th>{ t(l, T::ServerTime) }</th><th>{ t(l, T::Skew) }</th><th>{ t(l, T::Proof) }</th>
                        </tr></thead>
                        <tbody>
                            { for c.events.iter().map(|ev| event_row(l, ev, who(&ev.actor), &name_of)) }
                        </tbody>
                    </table>
                </div>
            </div>
        </section>
    }
}

/// What the courier (or staff) wrote with an event, line by line, in the
/// console's language: who took the card and how they are related, the NIK
/// check, the old card, why a delivery failed, the note, the landmark, a
/// void's reason, the courier a card was received from or handed to.
pub fn details(l: Lang, ev: &EventView, name_of: &dyn Fn(&str) -> String) -> Vec<(&'static str, String)> {
    use antar_shared::payload::{FailureReason, Relation, NIK_VERIFIED};
    let text = |key: &str| ev.payload.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    let flag = |key: &str| ev.payload.get(key).and_then(Value::as_bool);
    let pick = |id: &'static str, en: &'static str| if l == Lang::Id { id } else { en };
    let mut out = Vec::new();
    if let Some(name) = text("recipient_name") {
        let relation = text("recipient_relation")
            .and_then(|r| serde_json::from_value::<Relation>(Value::String(r.to_owned())).ok())
            .map(|r| if l == Lang::Id { r.label_id() } else { r.label_en() });
        let how = match (relation, text("relationship")) {
            (Some(r), Some(rel)) => format!(" ({r}: {rel})"),
            (Some(r), None) => format!(" ({r})"),
            (None, _) => String::new(),
        };
        out.push(("card-event-recipient", format!("{}: {name}{how}", pick("Penerima", "Recipient"))));
    }
    match (flag(NIK_VERIFIED), text("id_check")) {
        (Some(true), _) => {
            out.push(("card-event-nik", pick("NIK dicek: cocok dengan kartu", "NIK checked: the card's").to_owned()))
        }
        (Some(false), _) => out.push((
            "card-event-nik",
            pick("NIK dicek: TIDAK cocok dengan kartu", "NIK checked: NOT the card's").to_owned(),
        )),
        (None, Some(_)) => {
            out.push(("card-event-nik", pick("NIK dicek di HP: cocok", "NIK checked on the phone: matched").to_owned()))
        }
        (None, None) if ev.kind == EventKind::Delivered => {
            out.push(("card-event-nik", pick("NIK tidak dicek", "NIK not checked").to_owned()))
        }
        _ => {}
    }
    if let Some(back) = flag("old_card_returned") {
        let yes = if back { pick("ya", "yes") } else { pick("tidak", "no") };
        out.push((
            "card-event-old-card",
            format!("{}: {yes}", pick("Kartu lama diambil kembali", "Old card taken back")),
        ));
    }
    if let Some(reason) = text("reason") {
        let why = match ev.kind {
            EventKind::Void => void_reason(l, reason).to_owned(),
            _ => FailureReason::parse(reason)
                .map_or(reason.to_owned(), |r| if l == Lang::Id { r.label_id() } else { r.label_en() }.to_owned()),
        };
        out.push(("card-event-reason", format!("{}: {why}", pick("Alasan", "Reason"))));
    }
    if let Some(note) = text("note") {
        out.push(("card-event-note", format!("{}: {note}", pick("Catatan", "Note"))));
    }
    if let Some(landmark) = text("landmark") {
        out.push(("card-event-landmark", format!("{}: {landmark}", pick("Patokan", "Landmark"))));
    }
    if let Some(from) = text("received_from") {
        out.push((
            "card-event-courier",
            format!("{}: {}", pick("Diterima dari kurir", "Received from courier"), name_of(from)),
        ));
    }
    if let Some(to) = text("handed_to") {
        out.push((
            "card-event-courier",
            format!("{}: {}", pick("Diserahkan ke kurir", "Handed to courier"), name_of(to)),
        ));
    }
    out
}

fn void_reason(l: Lang, code: &str) -> &str {
    match code {
        "reprinted" => t(l, T::VoidReprinted),
        "damaged" => t(l, T::VoidDamaged),
        "deceased" => t(l, T::VoidDeceased),
        "other" => t(l, T::VoidOther),
        other => other,
    }
}

fn event_row(l: Lang, ev: &EventView, who: Option<String>, name_of: &dyn Fn(&str) -> String) -> Html {
    let flag = ev.flag.as_deref().map(|f| code_text(f).map_or(f.to_owned(), |c| t(l, c).to_owned()));
    let media = |key: &str| ev.payload.get(key).and_then(Value::as_str).map(str::to_owned);
    let when = crate::time::stamp;
    html! {
        <tr data-testid="card-event" data-kind={ev.kind.as_str()} class={classes!(ev.flag.is_some().then_some("flagged"))}>
            <td>
                { kind_text(l, ev.kind) }
                if let Some(f) = flag { <div class="error" data-testid="card-event-flag">{ f }</div> }
                { for details(l, ev, name_of).into_iter().map(|(testid, line)| html! { <div class="muted" data-testid={testid}>{ line }</div> }) }
            </td>
            <td>{ who.unwrap_or_default() }</td>
            <td>{ ev.device_time.map(when).unwrap_or_default() }</td>
            <td title={format!("{} {}", t(l, T::Received), when(ev.received_at))}>{ when(ev.occurred_at) }</td>
            <td data-testid="card-event-skew">{ skew_text(ev) }</td>
            <td class="proof">
                if let Some(sha) = media("photo_sha256") { <Media sha={sha} alt={t(l, T::Photo)} testid="card-photo" /> }
                if let Some(sha) = media("signature_sha256") { <Media sha={sha} alt={t(l, T::Signature)} testid="card-signature" /> }
                if let Some(fix) = pin(ev) {
                    <a href={map_url(fix)} target="_blank" rel="noopener" data-testid="card-pin">
                        { format!("{:.5}, {:.5}", fix.0, fix.1) }
                    </a>
                }
            </td>
        </tr>
    }
}

fn kind_text(l: Lang, kind: EventKind) -> &'static str {
    match l {
        Lang::Id => kind.label_id(),
        Lang::En => kind.label_en(),
    }
}

#[derive(Properties, PartialEq)]
struct MediaProps {
    sha: String,
    alt: &'static str,
    testid: &'static str,
}

/// A proof image: staff-only, so fetched with the session's token and shown
/// from an object URL.
#[component]
fn Media(p: &MediaProps) -> Html {
    let url = use_state(|| None::<String>);
    {
        let url = url.clone();
        use_effect_with(p.sha.clone(), move |sha| {
            let path = format!("/api/v1/media/{sha}");
            crate::net::load(async move {
                if let Ok((bytes, kind)) = api::get_bytes(&path).await {
                    url.set(crate::net::object_url(&bytes, &kind));
                }
            })
        });
    }
    match &*url {
        Some(src) => {
            html! { <a href={src.clone()} target="_blank"><img src={src.clone()} alt={p.alt} data-testid={p.testid} /></a> }
        }
        None => html! { <span class="muted">{ "…" }</span> },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(device_offset_s: Option<i64>, payload: Value) -> EventView {
        let at = chrono::DateTime::from_timestamp(1_764_000_000, 0).unwrap();
        EventView {
            id: "e".into(),
            kind: EventKind::Delivered,
            occurred_at: at,
            received_at: at,
            actor: None,
            payload,
            flag: None,
            device_time: device_offset_s.map(|s| at - chrono::Duration::seconds(s)),
        }
    }

    #[test]
    fn the_skew_reads_as_minutes_and_seconds_with_its_sign() {
        assert_eq!(skew_text(&ev(None, Value::Null)), "");
        assert_eq!(skew_text(&ev(Some(0), Value::Null)), "0 s");
        assert_eq!(skew_text(&ev(Some(125), Value::Null)), "+2 min 5 s");
        assert_eq!(skew_text(&ev(Some(-40), Value::Null)), "-40 s");
        assert_eq!(skew_text(&ev(Some(3600), Value::Null)), "+60 min");
    }

    #[test]
    fn what_the_courier_wrote_reads_in_indonesian_line_by_line() {
        let name_of = |id: &str| if id == "k1" { "Kurir Satu".to_owned() } else { id.to_owned() };
        let mut delivered = ev(
            None,
            serde_json::json!({
                "recipient_name": "Siti", "recipient_relation": "family", "relationship": "istri",
                "nik_verified": false, "old_card_returned": true, "note": "  di warung  ", "landmark": "depan masjid",
            }),
        );
        let lines: Vec<String> = details(Lang::Id, &delivered, &name_of).into_iter().map(|(_, l)| l).collect();
        assert_eq!(
            lines,
            [
                "Penerima: Siti (keluarga: istri)",
                "NIK dicek: TIDAK cocok dengan kartu",
                "Kartu lama diambil kembali: ya",
                "Catatan: di warung",
                "Patokan: depan masjid",
            ]
        );
        delivered.payload = serde_json::json!({"recipient_name": "Budi", "recipient_relation": "self"});
        let lines: Vec<String> = details(Lang::En, &delivered, &name_of).into_iter().map(|(_, l)| l).collect();
        assert_eq!(lines, ["Recipient: Budi (the holder)", "NIK not checked"]);
        let mut failed = ev(None, serde_json::json!({"reason": "address_not_found", "note": "rumah kosong"}));
        failed.kind = EventKind::AttemptFailed;
        let lines: Vec<String> = details(Lang::Id, &failed, &name_of).into_iter().map(|(_, l)| l).collect();
        assert_eq!(lines, ["Alasan: alamat tidak ditemukan", "Catatan: rumah kosong"]);
        let mut back = ev(None, serde_json::json!({"received_from": "k1", "route_id": "r"}));
        back.kind = EventKind::ReturnedToOffice;
        assert_eq!(
            details(Lang::Id, &back, &name_of),
            [("card-event-courier", "Diterima dari kurir: Kurir Satu".to_owned())]
        );
        let mut void = ev(None, serde_json::json!({"reason": "damaged"}));
        void.kind = EventKind::Void;
        assert_eq!(details(Lang::Id, &void, &name_of)[0].1, format!("Alasan: {}", t(Lang::Id, T::VoidDamaged)));
    }

    #[test]
    fn a_fix_links_to_the_map_at_that_point() {
        let e = ev(None, serde_json::json!({"lat": -5.3971, "lon": 105.2668}));
        assert_eq!(pin(&e), Some((-5.3971, 105.2668)));
        assert_eq!(
            map_url(pin(&e).unwrap()),
            "https://www.openstreetmap.org/?mlat=-5.397100&mlon=105.266800#map=18/-5.397100/105.266800"
        );
        assert_eq!(pin(&ev(None, serde_json::json!({"lat": -5.3}))), None);
    }
}
