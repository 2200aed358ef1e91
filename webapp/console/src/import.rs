//! The print-batch import. A batch of 25,000 rows is a few megabytes over
//! an office line, so the upload shows its progress (XMLHttpRequest's
//! upload events: `fetch` has none), then says the server is checking.

use crate::i18n::{t, Lang, T};
use antar_shared::import::Problem;
use antar_shared::wire::{ImportReport, ProblemDetails};
use antar_web::api::{self, ApiError};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Stage {
    Idle,
    /// Bytes sent of the whole.
    Uploading(f64, f64),
    Checking,
}

/// One POST of the CSV with upload progress; the status and the body.
async fn send(
    path: &str,
    token: &str,
    csv: &str,
    on_progress: Callback<(f64, f64)>,
) -> Result<(u16, String), ApiError> {
    let net = |_| ApiError::Network;
    let xhr = web_sys::XmlHttpRequest::new().map_err(net)?;
    xhr.open("POST", path).map_err(net)?;
    xhr.set_request_header("Authorization", &format!("Bearer {token}")).map_err(net)?;
    xhr.set_request_header("Content-Type", "text/csv").map_err(net)?;
    let progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
        on_progress.emit((e.loaded(), e.total()));
    });
    xhr.upload().map_err(net)?.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        xhr.set_onload(Some(&resolve));
        xhr.set_onerror(Some(&reject));
    });
    xhr.send_with_opt_str(Some(csv)).map_err(net)?;
    wasm_bindgen_futures::JsFuture::from(done).await.map_err(net)?;
    drop(progress);
    Ok((xhr.status().map_err(net)?, xhr.response_text().map_err(net)?.unwrap_or_default()))
}

async fn upload(path: &str, csv: &str, on_progress: Callback<(f64, f64)>) -> Result<ImportReport, ApiError> {
    let token = api::session().ok_or(ApiError::Unauthorized)?.access_token;
    let (mut status, mut body) = send(path, &token, csv, on_progress.clone()).await?;
    if status == 401 {
        let fresh = api::refresh().await?;
        (status, body) = send(path, &fresh.access_token, csv, on_progress).await?;
    }
    if (200..300).contains(&status) {
        return serde_json::from_str(&body).map_err(|_| ApiError::Other(status));
    }
    match serde_json::from_str::<ProblemDetails>(&body) {
        Ok(p) => Err(ApiError::Problem(Box::new(p))),
        Err(_) => Err(ApiError::Other(status)),
    }
}

#[derive(Properties, PartialEq)]
pub struct ImportProps {
    pub lang: Lang,
    pub on_done: Callback<()>,
}

#[component]
pub fn ImportForm(p: &ImportProps) -> Html {
    let l = p.lang;
    let file = use_node_ref();
    let dry = use_node_ref();
    let report = use_state(|| None::<Result<ImportReport, ApiError>>);
    let stage = use_state(|| Stage::Idle);
    let onsubmit = {
        let (file, dry, report, stage, on_done) =
            (file.clone(), dry.clone(), report.clone(), stage.clone(), p.on_done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = file.cast::<web_sys::HtmlInputElement>() else { return };
            let Some(f) = input.files().and_then(|list| list.get(0)) else { return };
            let dry_run = dry.cast::<web_sys::HtmlInputElement>().is_some_and(|c| c.checked());
            let (report, stage, on_done) = (report.clone(), stage.clone(), on_done.clone());
            stage.set(Stage::Uploading(0.0, f.size()));
            report.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(f.text())
                    .await
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default();
                let path = if dry_run { "/api/v1/cards/import?dry_run=true" } else { "/api/v1/cards/import" };
                let progress = {
                    let stage = stage.clone();
                    Callback::from(move |(sent, total): (f64, f64)| {
                        stage.set(if total > 0.0 && sent >= total {
                            Stage::Checking
                        } else {
                            Stage::Uploading(sent, total)
                        });
                    })
                };
                report.set(Some(upload(path, &text, progress).await));
                stage.set(Stage::Idle);
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
    let busy = *stage != Stage::Idle;
    html! {
        <form class="card" {onsubmit}>
            <h2>{ t(l, T::Import) }</h2>
            <input ref={file} type="file" accept=".csv,text/csv" data-testid="import-file" aria-label={t(l, T::Import)} required=true />
            <label class="check"><input ref={dry} type="checkbox" data-testid="import-dry-run" />{ t(l, T::DryRun) }</label>
            <button type="submit" class="primary" data-testid="import-submit" disabled={busy}>{ t(l, T::Upload) }</button>
            { match *stage {
                Stage::Idle => html! {},
                Stage::Uploading(sent, total) => {
                    let pct = if total > 0.0 { (sent / total * 100.0).round() } else { 0.0 };
                    html! {
                        <div data-testid="import-progress" role="status">
                            <progress max="100" value={pct.to_string()}></progress>
                            { format!(" {} {pct:.0}% ({:.1} / {:.1} MB)", t(l, T::Uploading), sent / 1e6, total / 1e6) }
                        </div>
                    }
                }
                Stage::Checking => html! { <div data-testid="import-progress" role="status"><progress></progress>{ " " }{ t(l, T::Checking) }</div> },
            } }
            { match &*report {
                None => html! {},
                Some(Err(e)) => html! { <crate::net::Failure lang={l} error={e.clone()} /> },
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
