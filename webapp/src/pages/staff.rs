//! The office desk: the card list and the print-batch import.

use super::value_of;
use crate::api::{self, ApiError};
use crate::i18n::{status_label, t, Lang, T};
use antar_shared::import::Problem;
use antar_shared::wire::{CardSummary, ImportReport, Page};
use antar_shared::Status;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
}

const PER_PAGE: i64 = 50;

#[component]
pub fn StaffHome(props: &Props) -> Html {
    let l = props.lang;
    let page = use_state(|| 1i64);
    let status = use_state(String::new);
    let query = use_state(String::new);
    let reload = use_state(|| 0u32);
    let cards = use_state(|| None::<Result<Page<CardSummary>, ApiError>>);
    {
        let cards = cards.clone();
        use_effect_with(((*page), (*status).clone(), (*query).clone(), *reload), move |(page, status, query, _)| {
            let mut path = format!("/api/v1/cards?page={page}&per_page={PER_PAGE}");
            if !status.is_empty() {
                path.push_str(&format!("&status={}", crate::api::encode_query(status)));
            }
            if !query.is_empty() {
                path.push_str(&format!("&q={}", crate::api::encode_query(query)));
            }
            wasm_bindgen_futures::spawn_local(async move { cards.set(Some(api::get(&path).await)) });
        });
    }
    let search = use_node_ref();
    let on_search = {
        let (search, query, page) = (search.clone(), query.clone(), page.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            query.set(value_of(&search).trim().to_owned());
            page.set(1);
        })
    };
    let on_status = {
        let (status, page) = (status.clone(), page.clone());
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
                status.set(sel.value());
                page.set(1);
            }
        })
    };
    let list = match &*cards {
        None => html! { <p>{ t(l, T::Loading) }</p> },
        Some(Err(_)) => html! { <p class="error">{ t(l, T::LoadFailed) }</p> },
        Some(Ok(p)) => {
            let pages = (p.total + PER_PAGE - 1) / PER_PAGE;
            html! {
                <>
                    <p>{ format!("{}: {}", t(l, T::Total), p.total) }</p>
                    <div class="scroll">
                        <table data-testid="card-table">
                            <thead><tr><th>{ "NIK" }</th><th>{ t(l, T::Name) }</th><th>{ t(l, T::Address) }</th><th>{ t(l, T::Status) }</th><th>{ t(l, T::FailedAttempts) }</th><th>{ t(l, T::Courier) }</th><th>{ t(l, T::Review) }</th></tr></thead>
                            <tbody>
                                { for p.items.iter().map(|c| html! {
                                    <tr data-testid="card-row" data-card-id={c.id.clone()}>
                                        <td>{ &c.nik }</td>
                                        <td>{ &c.name }</td>
                                        <td>{ format!("{}, {}, {}", c.address, c.kelurahan, c.kecamatan) }</td>
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
    html! {
        <section>
            <ImportForm lang={l} on_done={{ let reload = reload.clone(); Callback::from(move |_| reload.set(*reload + 1)) }} />
            <h1>{ t(l, T::Cards) }</h1>
            <form class="filters" onsubmit={on_search}>
                <input ref={search} type="search" placeholder={t(l, T::Search)} aria-label={t(l, T::Search)} />
                <select onchange={on_status} aria-label={t(l, T::Status)} data-testid="card-status-filter">
                    <option value="" selected=true>{ t(l, T::AllStatuses) }</option>
                    { for Status::ALL.iter().map(|s| html! { <option value={s.as_str()}>{ status_label(l, *s) }</option> }) }
                </select>
                <button type="submit" class="secondary">{ t(l, T::Search) }</button>
            </form>
            { list }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ImportProps {
    lang: Lang,
    on_done: Callback<()>,
}

#[component]
fn ImportForm(p: &ImportProps) -> Html {
    let l = p.lang;
    let file = use_node_ref();
    let dry = use_node_ref();
    let report = use_state(|| None::<Result<ImportReport, ApiError>>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (file, dry, report, busy, on_done) =
            (file.clone(), dry.clone(), report.clone(), busy.clone(), p.on_done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = file.cast::<web_sys::HtmlInputElement>() else { return };
            let Some(f) = input.files().and_then(|list| list.get(0)) else { return };
            let dry_run = dry.cast::<web_sys::HtmlInputElement>().is_some_and(|c| c.checked());
            let (report, busy, on_done) = (report.clone(), busy.clone(), on_done.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(f.text())
                    .await
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default();
                let path = if dry_run { "/api/v1/cards/import?dry_run=true" } else { "/api/v1/cards/import" };
                report.set(Some(api::post_csv(path, &text).await));
                busy.set(false);
                on_done.emit(());
            });
        })
    };
    let problems = |title: T, list: &[Problem]| {
        if list.is_empty() {
            return html! {};
        }
        html! {
            <details open=true>
                <summary>{ format!("{} ({})", t(l, title), list.len()) }</summary>
                <div class="scroll"><table>
                    <thead><tr><th>{ t(l, T::Line) }</th><th>{ t(l, T::Column) }</th><th>{ t(l, T::Message) }</th></tr></thead>
                    <tbody>{ for list.iter().map(|e| html! {
                        <tr data-testid="import-problem"><td>{ e.line }</td><td>{ &e.column }</td><td>{ if l == Lang::En { &e.message_en } else { &e.message } }</td></tr>
                    }) }</tbody>
                </table></div>
            </details>
        }
    };
    html! {
        <form class="card" {onsubmit}>
            <h2>{ t(l, T::Import) }</h2>
            <input ref={file} type="file" accept=".csv,text/csv" data-testid="import-file" aria-label={t(l, T::Import)} required=true />
            <label class="check"><input ref={dry} type="checkbox" data-testid="import-dry-run" />{ t(l, T::DryRun) }</label>
            <button type="submit" class="primary" data-testid="import-submit" disabled={*busy}>{ t(l, T::Upload) }</button>
            { match &*report {
                None => html! {},
                Some(Err(ApiError::Problem(pd))) => html! { <p class="error" role="alert">{ &pd.detail }</p> },
                Some(Err(_)) => html! { <p class="error" role="alert">{ t(l, T::LoadFailed) }</p> },
                Some(Ok(r)) => html! {
                    <div data-testid="import-report">
                        <p><strong>{ format!("{} {} · {} {} · {} {}", r.imported, t(l, if r.dry_run { T::WouldImport } else { T::Imported }), r.duplicates, t(l, T::Duplicates), r.rejected, t(l, T::RejectedRows)) }</strong></p>
                        { problems(T::Errors, &r.errors) }
                        { problems(T::Warnings, &r.warnings) }
                    </div>
                },
            } }
        </form>
    }
}
