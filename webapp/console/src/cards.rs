//! The card list: every card of the office, filtered by kecamatan,
//! kelurahan, status and print batch, or found by name or NIK.

use crate::i18n::{status_label, t, Lang, T};
use crate::net::Failure;
use crate::Screen;
use antar_shared::wire::{Areas, CardSummary, Page};
use antar_shared::Status;
use antar_web::api::{self, encode_query, ApiError};
use antar_web::forms::{event_value, value_of};
use yew::prelude::*;
use yew_router::prelude::Link;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
}

const PER_PAGE: i64 = 50;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    pub status: String,
    pub kecamatan: String,
    pub kelurahan: String,
    pub batch: String,
    pub q: String,
}

impl Filters {
    /// The list call for a page of cards under these filters.
    pub fn path(&self, page: i64) -> String {
        let mut path = format!("/api/v1/cards?page={page}&per_page={PER_PAGE}");
        for (name, value) in [
            ("status", &self.status),
            ("kecamatan", &self.kecamatan),
            ("kelurahan", &self.kelurahan),
            ("batch", &self.batch),
            ("q", &self.q),
        ] {
            if !value.is_empty() {
                path.push_str(&format!("&{name}={}", encode_query(value)));
            }
        }
        path
    }
}

#[component]
pub fn CardList(props: &Props) -> Html {
    let l = props.lang;
    let page = use_state(|| 1i64);
    let filters = use_state(Filters::default);
    let reload = use_state(|| 0u32);
    let areas = use_state(Areas::default);
    let cards = use_state(|| None::<Result<Page<CardSummary>, ApiError>>);
    {
        let areas = areas.clone();
        use_effect_with(*reload, move |_| {
            crate::net::load(async move {
                if let Ok(a) = api::get::<Areas>("/api/v1/cards/areas").await {
                    areas.set(a);
                }
            })
        });
    }
    {
        let cards = cards.clone();
        use_effect_with(((*page), (*filters).clone(), *reload), move |(page, filters, _)| {
            let path = filters.path(*page);
            crate::net::load(async move { cards.set(Some(api::get(&path).await)) })
        });
    }
    let set = |f: fn(&mut Filters, String)| {
        let (filters, page) = (filters.clone(), page.clone());
        Callback::from(move |e: Event| {
            let mut next = (*filters).clone();
            f(&mut next, event_value(&e));
            filters.set(next);
            page.set(1);
        })
    };
    let search = use_node_ref();
    let on_search = {
        let (search, filters, page) = (search.clone(), filters.clone(), page.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            filters.set(Filters { q: value_of(&search).trim().to_owned(), ..(*filters).clone() });
            page.set(1);
        })
    };
    let retry = {
        let reload = reload.clone();
        Callback::from(move |_| reload.set(*reload + 1))
    };
    let list = match &*cards {
        None => html! { <p>{ t(l, antar_web::i18n::C::Loading) }</p> },
        Some(Err(e)) => html! { <Failure lang={l} error={e.clone()} on_retry={retry} /> },
        Some(Ok(p)) => {
            let pages = (p.total + PER_PAGE - 1) / PER_PAGE;
            html! {
                <>
                    <p data-testid="card-total">{ format!("{}: {}", t(l, T::Total), p.total) }</p>
                    <div class="scroll">
                        <table data-testid="card-table">
                            <thead><tr><th>{ "NIK" }</th><th>{ t(l, T::Name) }</th><th>{ t(l, T::Address) }</th><th>{ t(l, T::Batch) }</th><th>{ t(l, T::Status) }</th><th>{ t(l, T::FailedAttempts) }</th><th>{ t(l, T::Courier) }</th><th>{ t(l, T::Review) }</th></tr></thead>
                            <tbody>
                                { for p.items.iter().map(|c| html! {
                                    <tr data-testid="card-row" data-card-id={c.id.clone()}>
                                        <td>{ &c.nik }</td>
                                        <td><Link<Screen> to={Screen::Card { id: c.id.clone() }} classes="card-link">{ &c.name }</Link<Screen>></td>
                                        <td>{ format!("{}, {}, {}", c.address, c.kelurahan, c.kecamatan) }</td>
                                        <td>{ c.batch.clone().unwrap_or_default() }</td>
                                        <td><span class={classes!("badge", c.status.as_str())}>{ status_label(l, c.status) }</span></td>
                                        <td data-testid="card-failed">{ if c.failed_attempts > 0 { c.failed_attempts.to_string() } else { String::new() } }</td>
                                        <td data-testid="card-courier">{ c.courier_name.clone().unwrap_or_default() }</td>
                                        <td data-testid="card-flag">{ if c.needs_review { t(l, T::Flagged) } else { "" } }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                    <div class="actions">
                        <button class="secondary" disabled={*page <= 1} onclick={{ let page = page.clone(); Callback::from(move |_| page.set(*page - 1)) }}>{ t(l, T::Previous) }</button>
                        <span>{ format!("{} / {}", *page, pages.max(1)) }</span>
                        <button class="secondary" disabled={*page >= pages} onclick={{ let page = page.clone(); Callback::from(move |_| page.set(*page + 1)) }}>{ t(l, T::Next) }</button>
                    </div>
                </>
            }
        }
    };
    let kelurahan_options: Vec<String> = areas
        .kecamatan
        .iter()
        .filter(|k| filters.kecamatan.is_empty() || k.name == filters.kecamatan)
        .flat_map(|k| k.kelurahan.clone())
        .collect();
    html! {
        <section>
            <crate::import::ImportForm lang={l} on_done={{ let reload = reload.clone(); Callback::from(move |_| reload.set(*reload + 1)) }} />
            <h1>{ t(l, T::Cards) }</h1>
            <form class="filters" onsubmit={on_search}>
                <input ref={search} type="search" placeholder={t(l, T::Search)} aria-label={t(l, T::Search)} />
                <select onchange={set(|f, v| { f.kecamatan = v; f.kelurahan.clear(); })} aria-label={t(l, T::Kecamatan)} data-testid="card-kecamatan-filter">
                    <option value="" selected={filters.kecamatan.is_empty()}>{ t(l, T::AllKecamatan) }</option>
                    { for areas.kecamatan.iter().map(|k| html! { <option value={k.name.clone()} selected={filters.kecamatan == k.name}>{ &k.name }</option> }) }
                </select>
                <select onchange={set(|f, v| f.kelurahan = v)} aria-label={t(l, T::Kelurahan)} data-testid="card-kelurahan-filter">
                    <option value="" selected={filters.kelurahan.is_empty()}>{ t(l, T::AllKelurahan) }</option>
                    { for kelurahan_options.iter().map(|k| html! { <option value={k.clone()} selected={filters.kelurahan == *k}>{ k }</option> }) }
                </select>
                <select onchange={set(|f, v| f.status = v)} aria-label={t(l, T::Status)} data-testid="card-status-filter">
                    <option value="" selected=true>{ t(l, T::AllStatuses) }</option>
                    <optgroup label={t(l, T::StatusGroups)}>
                        { for antar_shared::tally::Group::ALL.iter().map(|g| html! { <option value={g.as_str()}>{ group_label(l, *g) }</option> }) }
                    </optgroup>
                    <optgroup label={t(l, T::Status)}>
                        { for Status::ALL.iter().map(|s| html! { <option value={s.as_str()}>{ status_label(l, *s) }</option> }) }
                    </optgroup>
                </select>
                <select onchange={set(|f, v| f.batch = v)} aria-label={t(l, T::Batch)} data-testid="card-batch-filter">
                    <option value="" selected={filters.batch.is_empty()}>{ t(l, T::AllBatches) }</option>
                    { for areas.batches.iter().map(|b| html! { <option value={b.clone()} selected={filters.batch == *b}>{ b }</option> }) }
                </select>
                <button type="submit" class="secondary">{ t(l, T::Search) }</button>
            </form>
            { list }
        </section>
    }
}

/// A group of states as the backlog and the dashboard name it.
fn group_label(l: Lang, g: antar_shared::tally::Group) -> &'static str {
    use antar_shared::tally::Group;
    t(
        l,
        match g {
            Group::Waiting => T::GroupWaiting,
            Group::OnItsWay => T::GroupOnItsWay,
            Group::Backlog => T::GroupBacklog,
            Group::ToCollect => T::GroupToCollect,
            Group::Returned => T::GroupReturned,
            Group::WithResident => T::GroupWithResident,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::Filters;

    #[test]
    fn the_list_call_carries_only_the_filters_set_and_encodes_them() {
        assert_eq!(Filters::default().path(2), "/api/v1/cards?page=2&per_page=50");
        let f = Filters { kecamatan: "Tanjung Karang".into(), batch: "B-01/12".into(), ..Filters::default() };
        assert_eq!(f.path(1), "/api/v1/cards?page=1&per_page=50&kecamatan=Tanjung%20Karang&batch=B-01%2F12");
    }
}
