//! The review queue: deliveries without the proof the office requires,
//! events the custody rules flagged, events the server refused, residents'
//! reports and early confirmations — filtered by kind and courier, each
//! resolved with a note (the server keeps who and when).

use crate::i18n::{code_text, t, Lang, T};
use crate::net::Failure;
use crate::Screen;
use antar_shared::codes::sync::MISSING_PROOF;
use antar_shared::wire::{Items, ResidentItemKind, ResolveReview, ReviewCard, ReviewQueue, User};
use antar_web::api::{self, ApiError};
use antar_web::forms::{event_value, value_of};
use yew::prelude::*;
use yew_router::prelude::Link;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    /// Told when an item is resolved, so the navigation's count follows.
    pub on_change: Callback<()>,
}

/// One item of the queue, whatever its source.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub kind: Kind,
    /// The id its resolve call takes.
    pub id: String,
    pub card_id: Option<String>,
    /// The card as staff know it: the resident's name, the label number.
    pub card: Option<ReviewCard>,
    pub courier_id: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The code behind it (a flag or a refusal), if any.
    pub code: Option<String>,
    /// The server's or the resident's words.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    MissingProof,
    Flagged,
    Rejected,
    Report,
    EarlyConfirmation,
    Request,
}

impl Kind {
    pub const ALL: [Kind; 6] =
        [Kind::MissingProof, Kind::Flagged, Kind::Rejected, Kind::Report, Kind::EarlyConfirmation, Kind::Request];

    pub fn code(self) -> &'static str {
        match self {
            Kind::MissingProof => "missing_proof",
            Kind::Flagged => "flagged",
            Kind::Rejected => "rejected",
            Kind::Report => "report",
            Kind::EarlyConfirmation => "early_confirmation",
            Kind::Request => "request",
        }
    }

    fn label(self) -> T {
        match self {
            Kind::MissingProof => T::KindMissingProof,
            Kind::Flagged => T::KindFlagged,
            Kind::Rejected => T::KindRejected,
            Kind::Report => T::KindReport,
            Kind::EarlyConfirmation => T::KindEarly,
            Kind::Request => T::KindRequest,
        }
    }

    /// The resolve call's path segment.
    fn source(self) -> &'static str {
        match self {
            Kind::MissingProof | Kind::Flagged => "flagged",
            Kind::Rejected => "rejected",
            Kind::Report | Kind::EarlyConfirmation | Kind::Request => "resident",
        }
    }
}

/// Every item of the queue, oldest first.
pub fn items(q: &ReviewQueue) -> Vec<Item> {
    let mut all: Vec<Item> = Vec::new();
    all.extend(q.flagged.iter().map(|f| Item {
        kind: if f.event.flag.as_deref() == Some(MISSING_PROOF) { Kind::MissingProof } else { Kind::Flagged },
        id: f.event.id.clone(),
        card_id: Some(f.card_id.clone()),
        card: None,
        courier_id: f.event.actor.clone(),
        at: f.event.received_at,
        code: f.event.flag.clone(),
        text: f.event.kind.as_str().to_owned(),
    }));
    all.extend(q.rejected.iter().map(|r| Item {
        kind: Kind::Rejected,
        id: r.id.clone(),
        card_id: r.card_id.clone(),
        card: None,
        courier_id: Some(r.actor.clone()),
        at: r.received_at,
        code: Some(r.code.clone()),
        text: r.message.clone(),
    }));
    all.extend(q.resident.iter().map(|r| Item {
        kind: match r.kind {
            ResidentItemKind::Report => Kind::Report,
            ResidentItemKind::EarlyConfirmation => Kind::EarlyConfirmation,
            ResidentItemKind::Request => Kind::Request,
        },
        id: r.id.clone(),
        card_id: Some(r.card_id.clone()),
        card: None,
        courier_id: r.courier_id.clone(),
        at: r.created_at,
        code: None,
        text: r.message.clone(),
    }));
    for item in &mut all {
        item.card = item.card_id.as_ref().and_then(|id| q.cards.iter().find(|c| &c.id == id)).cloned();
    }
    all.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
    all
}

/// How an item names its card: the resident and the label number, else
/// the id's start.
pub fn card_name(l: Lang, item: &Item) -> Option<String> {
    match (&item.card, &item.card_id) {
        (Some(c), _) => Some(match c.seq {
            Some(n) => format!("{} (#{n}, {})", c.name, c.kelurahan),
            None => format!("{} ({})", c.name, c.kelurahan),
        }),
        (None, Some(id)) => Some(format!("{} {}", t(l, T::Card), &id[..id.len().min(8)])),
        (None, None) => None,
    }
}

/// The items a filter keeps: a kind code (or all), a courier id (or all).
pub fn filtered<'a>(items: &'a [Item], kind: &str, courier: &str) -> Vec<&'a Item> {
    items
        .iter()
        .filter(|i| kind.is_empty() || i.kind.code() == kind)
        .filter(|i| courier.is_empty() || i.courier_id.as_deref() == Some(courier))
        .collect()
}

#[component]
pub fn ReviewScreen(p: &Props) -> Html {
    let l = p.lang;
    let reload = use_state(|| 0u32);
    let queue = use_state(|| None::<Result<Vec<Item>, ApiError>>);
    let couriers = use_state(Vec::<User>::new);
    let kind = use_state(String::new);
    let courier = use_state(String::new);
    {
        let (queue, couriers) = (queue.clone(), couriers.clone());
        use_effect_with(*reload, move |_| {
            crate::net::load(async move {
                if let Ok(list) = api::get::<Items<User>>("/api/v1/users?role=courier").await {
                    couriers.set(list.items);
                }
                queue.set(Some(api::get::<ReviewQueue>("/api/v1/review").await.map(|q| items(&q))));
            })
        });
    }
    let retry = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let on_resolved = {
        let (reload, on_change) = (reload.clone(), p.on_change.clone());
        Callback::from(move |_| {
            reload.set(*reload + 1);
            on_change.emit(());
        })
    };
    let name_of = |id: &Option<String>| {
        id.as_ref().map(|id| couriers.iter().find(|u| &u.id == id).map_or(id.clone(), |u| u.display_name.clone()))
    };
    let list = match &*queue {
        None => html! { <p>{ t(l, antar_web::i18n::C::Loading) }</p> },
        Some(Err(e)) => html! { <Failure lang={l} error={e.clone()} on_retry={retry} /> },
        Some(Ok(all)) => {
            let shown = filtered(all, &kind, &courier);
            if shown.is_empty() {
                html! { <p class="card" data-testid="review-empty">{ t(l, T::ReviewEmpty) }</p> }
            } else {
                html! {
                    <ul class="review">
                        { for shown.into_iter().map(|item| html! {
                            <ReviewRow lang={l} item={item.clone()} courier={name_of(&item.courier_id)} on_resolved={on_resolved.clone()} />
                        }) }
                    </ul>
                }
            }
        }
    };
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| kind.set(event_value(&e)))
    };
    let on_courier = {
        let courier = courier.clone();
        Callback::from(move |e: Event| courier.set(event_value(&e)))
    };
    html! {
        <section>
            <h1>{ t(l, T::ReviewTitle) }</h1>
            <div class="filters">
                <select data-testid="review-kind" onchange={on_kind} aria-label={t(l, T::AllKinds)}>
                    <option value="" selected={kind.is_empty()}>{ t(l, T::AllKinds) }</option>
                    { for Kind::ALL.iter().map(|k| html! {
                        <option value={k.code()} selected={*kind == k.code()}>{ t(l, k.label()) }</option>
                    }) }
                </select>
                <select data-testid="review-courier" onchange={on_courier} aria-label={t(l, T::AllCouriers)}>
                    <option value="" selected={courier.is_empty()}>{ t(l, T::AllCouriers) }</option>
                    { for couriers.iter().map(|u| html! {
                        <option value={u.id.clone()} selected={*courier == u.id}>{ &u.display_name }</option>
                    }) }
                </select>
            </div>
            { list }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    lang: Lang,
    item: Item,
    courier: Option<String>,
    on_resolved: Callback<()>,
}

#[component]
fn ReviewRow(p: &RowProps) -> Html {
    let l = p.lang;
    let item = &p.item;
    let note = use_node_ref();
    let failed = use_state(|| None::<ApiError>);
    let on_submit = {
        let (note, failed, on_resolved) = (note.clone(), failed.clone(), p.on_resolved.clone());
        let path = format!("/api/v1/review/{}/{}/resolve", item.kind.source(), item.id);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = ResolveReview { note: Some(value_of(&note)) };
            let (path, failed, on_resolved) = (path.clone(), failed.clone(), on_resolved.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::post::<_, serde_json::Value>(&path, &body).await {
                    Ok(_) => on_resolved.emit(()),
                    Err(e) => failed.set(Some(e)),
                }
            });
        })
    };
    let reason = item.code.as_deref().and_then(code_text).map(|c| t(l, c).to_owned());
    html! {
        <li class="card review-item" data-testid="review-item" data-kind={item.kind.code()} data-id={item.id.clone()}
            data-card-id={item.card_id.clone().unwrap_or_default()}>
            <div class="review-head">
                <span class={classes!("badge", item.kind.code())}>{ t(l, item.kind.label()) }</span>
                <span class="muted">{ crate::time::stamp(item.at) }</span>
                if let Some(c) = &p.courier { <span>{ format!("{}: {c}", t(l, T::Courier)) }</span> }
                if let (Some(card), Some(name)) = (&item.card_id, card_name(l, item)) {
                    <span data-testid="review-card"><Link<Screen> to={Screen::Card { id: card.clone() }}>{ name }</Link<Screen>></span>
                }
            </div>
            if let Some(r) = reason { <p>{ r }</p> }
            if !item.text.is_empty() { <p class="muted">{ &item.text }</p> }
            <form class="actions" onsubmit={on_submit}>
                <input ref={note} type="text" maxlength="1000" data-testid="review-note" placeholder={t(l, T::Note)} aria-label={t(l, T::Note)} />
                <button class="primary" data-testid="review-resolve">{ t(l, T::Resolve) }</button>
            </form>
            if let Some(e) = &*failed { <Failure lang={l} error={e.clone()} /> }
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use antar_shared::wire::{EventView, FlaggedEvent, RejectedEvent, ResidentItem};
    use antar_shared::EventKind;

    fn at(s: u32) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(1_764_000_000 + i64::from(s), 0).unwrap()
    }

    fn flagged(id: &str, flag: &str, s: u32) -> FlaggedEvent {
        FlaggedEvent {
            card_id: format!("card-{id}"),
            event: EventView {
                id: id.into(),
                kind: EventKind::Delivered,
                occurred_at: at(s),
                received_at: at(s),
                actor: Some("kurir-a".into()),
                payload: serde_json::Value::Null,
                flag: Some(flag.into()),
                device_time: None,
            },
        }
    }

    #[test]
    fn every_source_becomes_one_list_of_kinds_oldest_first_and_filters_by_kind_and_courier() {
        let q = ReviewQueue {
            flagged: vec![flagged("f1", MISSING_PROOF, 30), flagged("f2", "not_allowed", 10)],
            rejected: vec![RejectedEvent {
                id: "r1".into(),
                event_id: "e".into(),
                card_id: None,
                actor: "kurir-b".into(),
                device_id: None,
                code: "not_assigned".into(),
                message: "m".into(),
                body: serde_json::Value::Null,
                received_at: at(20),
            }],
            resident: vec![ResidentItem {
                id: "p1".into(),
                card_id: "c".into(),
                kind: ResidentItemKind::EarlyConfirmation,
                message: String::new(),
                created_at: at(40),
                courier_id: Some("kurir-b".into()),
            }],
            cards: vec![ReviewCard {
                id: "card-f1".into(),
                name: "SITI".into(),
                kelurahan: "RAJABASA".into(),
                seq: Some(7),
            }],
        };
        let all = items(&q);
        let named: Vec<Option<String>> = all.iter().map(|i| card_name(Lang::Id, i)).collect();
        assert_eq!(
            named,
            [Some("Kartu card-f2".into()), None, Some("SITI (#7, RAJABASA)".into()), Some("Kartu c".into())],
            "the resident and the label number where the server named the card"
        );
        let kinds: Vec<Kind> = all.iter().map(|i| i.kind).collect();
        assert_eq!(kinds, [Kind::Flagged, Kind::Rejected, Kind::MissingProof, Kind::EarlyConfirmation]);
        assert_eq!(filtered(&all, "missing_proof", "").len(), 1);
        let of_b: Vec<&str> = filtered(&all, "", "kurir-b").iter().map(|i| i.id.as_str()).collect();
        assert_eq!(of_b, ["r1", "p1"]);
        assert_eq!(filtered(&all, "rejected", "kurir-a").len(), 0);
        assert_eq!(all[1].kind.source(), "rejected");
        assert_eq!(all[3].kind.source(), "resident");
        assert_eq!(all[2].kind.source(), "flagged");
    }
}
