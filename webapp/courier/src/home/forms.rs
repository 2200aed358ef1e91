//! The forms at the door: a delivery with its proof, a failed attempt, a
//! card left at the village office.

use super::Action;
use crate::device;
use crate::gps::{self, use_gps, Gps};
use crate::i18n::{t, Lang, C, T};
use crate::proof::{self, Draft, FormDraft, IdCheck, Missing};
use crate::storage::idb;
use antar_shared::wire::{DoorstepStop, ProofRules};
use antar_web::forms::value_of;
use sha2::{Digest, Sha256};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// Photos are shrunk on the phone to about this size before storing.
const PHOTO_MAX_BYTES: u32 = 300 * 1024;

#[derive(Properties, PartialEq)]
pub struct DeliverProps {
    pub lang: Lang,
    pub stop: DoorstepStop,
    pub proof: ProofRules,
    /// What was typed into this form before a reload, to fill it in again.
    #[prop_or_default]
    pub draft: Option<FormDraft>,
    pub on_cancel: Callback<MouseEvent>,
    pub on_record: Callback<Action>,
}

#[derive(Debug, Clone, PartialEq)]
enum Photo {
    None,
    Working,
    /// `preview`: an object URL of the shrunk photo, for the courier to check.
    Ready {
        sha: String,
        kb: usize,
        preview: String,
    },
    Failed,
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Stores an image for upload; its hash names it.
async fn keep_image(bytes: Vec<u8>, content_type: &str) -> Result<String, String> {
    let sha = sha256_hex(&bytes);
    idb::save_media(&sha, &bytes, content_type).await.map_err(|e| e.0)?;
    Ok(sha)
}

/// Shrinks the chosen photo and keeps it; its hash goes in the event.
async fn take_photo(file: web_sys::File) -> Photo {
    let Ok(shrunk) = JsFuture::from(device::shrink_photo(&file, PHOTO_MAX_BYTES)).await else { return Photo::Failed };
    let Ok(bytes) = js_sys::Reflect::get(&shrunk, &"bytes".into()) else { return Photo::Failed };
    let bytes = bytes.unchecked_into::<js_sys::Uint8Array>().to_vec();
    let kb = bytes.len().div_ceil(1024);
    let preview = js_sys::Reflect::get(&shrunk, &"url".into()).ok().and_then(|u| u.as_string()).unwrap_or_default();
    match keep_image(bytes, "image/jpeg").await {
        Ok(sha) => Photo::Ready { sha, kb, preview },
        Err(_) => Photo::Failed,
    }
}

fn missing_text(l: Lang, m: Missing) -> &'static str {
    t(
        l,
        match m {
            Missing::RecipientName => T::MissingName,
            Missing::Relationship => T::MissingRelationship,
            Missing::IdMismatch => T::IdMismatch,
            Missing::IdCheck => T::MissingIdCheck,
            Missing::Photo => T::MissingPhoto,
            Missing::Signature => T::MissingSignature,
            Missing::Gps => T::MissingGps,
        },
    )
}

fn required(l: Lang, yes: bool) -> String {
    if yes {
        format!(" {}", t(l, T::RequiredMark))
    } else {
        String::new()
    }
}

#[component]
pub fn DeliverForm(p: &DeliverProps) -> Html {
    let l = p.lang;
    let rules = p.proof;
    let relation = use_state(|| "self".to_owned());
    let relationship = use_node_ref();
    let name = use_node_ref();
    let id_check = use_state(|| IdCheck::NotTyped);
    let nik_input = use_node_ref();
    let photo = use_state(|| Photo::None);
    let canvas = use_node_ref();
    let pad = use_mut_ref(|| None::<device::SignaturePad>);
    let old_card = use_node_ref();
    let problems = use_state(Vec::<Missing>::new);
    let saving = use_state(|| false);
    // The signature could not be kept on the phone: nothing was recorded.
    let unsaved = use_state(|| false);
    let gps = use_gps();
    let landmark = use_node_ref();
    let relation_select = use_node_ref();

    // What the form holds now, kept on the phone as it is typed.
    let keep_draft = {
        let (name, relationship, landmark, relation_select, card) =
            (name.clone(), relationship.clone(), landmark.clone(), relation_select.clone(), p.stop.card_id.clone());
        Callback::from(move |photo_sha256: Option<String>| {
            let relation =
                relation_select.cast::<web_sys::HtmlSelectElement>().map_or_else(|| "self".to_owned(), |s| s.value());
            let draft = FormDraft {
                card_id: card.clone(),
                recipient_name: value_of(&name),
                relation,
                relationship: value_of(&relationship),
                photo_sha256,
                landmark: value_of(&landmark),
            };
            wasm_bindgen_futures::spawn_local(async move {
                // A draft the phone cannot keep only costs the retyping.
                drop(idb::save_draft(&draft).await);
            });
        })
    };
    let photo_sha = |photo: &Photo| match photo {
        Photo::Ready { sha, .. } => Some(sha.clone()),
        _ => None,
    };
    let on_edit = {
        let (keep_draft, photo) = (keep_draft.clone(), photo.clone());
        Callback::from(move |_: Event| keep_draft.emit(photo_sha(&photo)))
    };
    let on_typed = {
        let (keep_draft, photo) = (keep_draft.clone(), photo.clone());
        Callback::from(move |_: InputEvent| keep_draft.emit(photo_sha(&photo)))
    };
    // Filled in again from the draft kept before a reload.
    {
        let (name, relationship, landmark, relation, photo, draft) =
            (name.clone(), relationship.clone(), landmark.clone(), relation.clone(), photo.clone(), p.draft.clone());
        use_effect_with((), move |_| {
            if let Some(d) = draft {
                for (node, text) in
                    [(&name, &d.recipient_name), (&relationship, &d.relationship), (&landmark, &d.landmark)]
                {
                    if let Some(input) = node.cast::<web_sys::HtmlInputElement>() {
                        input.set_value(text);
                    }
                }
                if !d.relation.is_empty() {
                    relation.set(d.relation.clone());
                }
                if let Some(sha) = d.photo_sha256 {
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Ok(Some((bytes, _))) = idb::media(&sha).await {
                            photo.set(Photo::Ready {
                                sha,
                                kb: (bytes.length() as usize).div_ceil(1024),
                                preview: String::new(),
                            });
                        }
                    });
                }
            }
        });
    }
    let on_cancel = {
        let cancel = p.on_cancel.clone();
        Callback::from(move |e: MouseEvent| {
            wasm_bindgen_futures::spawn_local(async move {
                drop(idb::clear_draft().await);
            });
            cancel.emit(e);
        })
    };

    {
        let (canvas, pad) = (canvas.clone(), pad.clone());
        use_effect_with((), move |_| {
            if let Some(c) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                *pad.borrow_mut() = Some(device::signature_pad(&c));
            }
        });
    }

    let on_id = {
        let (id_check, check) = (id_check.clone(), p.stop.nik_check.clone());
        Callback::from(move |e: InputEvent| id_check.set(IdCheck::of(&super::event_value(&e), &check)))
    };
    let on_photo = {
        let (photo, keep_draft) = (photo.clone(), keep_draft.clone());
        Callback::from(move |e: Event| {
            let file = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|input| input.files())
                .and_then(|files| files.get(0));
            let Some(file) = file else { return };
            photo.set(Photo::Working);
            let (photo, keep_draft) = (photo.clone(), keep_draft.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let taken = take_photo(file).await;
                keep_draft.emit(photo_sha(&taken));
                photo.set(taken);
            });
        })
    };
    let clear_signature = {
        let pad = pad.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(pad) = &*pad.borrow() {
                pad.clear();
            }
        })
    };
    let onsubmit = {
        let (relation, relationship, name, id_check, photo, pad, old_card, problems, saving, unsaved, gps, landmark) = (
            relation.clone(),
            relationship.clone(),
            name.clone(),
            id_check.clone(),
            photo.clone(),
            pad.clone(),
            old_card.clone(),
            problems.clone(),
            saving.clone(),
            unsaved.clone(),
            *gps,
            landmark.clone(),
        );
        let (on_record, card, replacement) = (p.on_record.clone(), p.stop.card_id.clone(), p.stop.replacement);
        let (nik_input, seal_key) = (nik_input.clone(), p.stop.nik_check.seal.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *saving {
                return;
            }
            let signed = pad.borrow().as_ref().is_some_and(|p| !p.is_empty());
            let mut draft = Draft {
                recipient_name: value_of(&name),
                relation: (*relation).clone(),
                relationship: value_of(&relationship),
                id_check: *id_check,
                photo_sha256: match &*photo {
                    Photo::Ready { sha, .. } => Some(sha.clone()),
                    _ => None,
                },
                // Filled in below once the drawing is stored.
                signature_sha256: signed.then(String::new),
                has_gps: matches!(gps, Gps::Found(_)),
                old_card_returned: replacement
                    .then(|| old_card.cast::<web_sys::HtmlInputElement>().is_some_and(|c| c.checked())),
            };
            let found = proof::missing(&rules, &draft);
            problems.set(found.clone());
            if !found.is_empty() {
                return;
            }
            saving.set(true);
            unsaved.set(false);
            let (pad, saving, unsaved, on_record, card, landmark) =
                (pad.clone(), saving.clone(), unsaved.clone(), on_record.clone(), card.clone(), landmark.clone());
            // Only a NIK that passed the short tag is sealed for the server's full check.
            let typed: String = value_of(&nik_input).chars().filter(char::is_ascii_digit).collect();
            let to_seal =
                (draft.id_check == IdCheck::Matches && !seal_key.is_empty()).then(|| (seal_key.clone(), typed));
            wasm_bindgen_futures::spawn_local(async move {
                if signed {
                    let png = pad.borrow().as_ref().map(device::SignaturePad::png);
                    let bytes = match png {
                        Some(promise) => JsFuture::from(promise).await.ok(),
                        None => None,
                    };
                    let kept = match bytes {
                        Some(b) => {
                            keep_image(b.unchecked_into::<js_sys::Uint8Array>().to_vec(), "image/png").await.ok()
                        }
                        None => None,
                    };
                    let Some(sha) = kept else {
                        saving.set(false);
                        unsaved.set(true);
                        return;
                    };
                    draft.signature_sha256 = Some(sha);
                }
                let mut payload = proof::payload(&draft);
                if let Some((key, nik)) = to_seal {
                    // A browser that cannot seal still delivers: the server
                    // then has the phone's tag check alone.
                    let sealed = JsFuture::from(device::seal_nik(&key, &card, &nik)).await.ok();
                    if let Some(v) = sealed.and_then(|v| v.as_string()).and_then(|s| serde_json::from_str(&s).ok()) {
                        payload[antar_shared::payload::NIK_SEALED] = v;
                    }
                }
                gps.add_to(&mut payload);
                add_landmark(&landmark, &mut payload);
                saving.set(false);
                on_record.emit((card, "delivered", payload));
            });
        })
    };
    let photo_line = match &*photo {
        Photo::None => ("none", String::new()),
        Photo::Working => ("working", t(l, T::PhotoWorking).to_owned()),
        Photo::Ready { kb, .. } => ("ready", format!("{} ({kb} KB)", t(l, T::PhotoReady))),
        Photo::Failed => ("failed", t(l, T::PhotoFailed).to_owned()),
    };
    let (id_state, id_text) = match *id_check {
        IdCheck::NotTyped => ("none", String::new()),
        IdCheck::Matches => ("match", format!("✓ {}", t(l, T::IdMatches))),
        IdCheck::DoesNotMatch => ("mismatch", format!("✗ {}", t(l, T::IdMismatch))),
    };
    html! {
        <form class="panel" {onsubmit} novalidate=true data-testid="delivery-form" onchange={on_edit} oninput={on_typed}>
            <label for="relation">{ t(l, T::Recipient) }</label>
            <select id="relation" ref={relation_select} data-testid="recipient-relation"
                onchange={{ let relation = relation.clone(); Callback::from(move |e: Event| relation.set(super::event_value(&e))) }}>
                <option value="self" selected={*relation == "self"}>{ t(l, T::RelSelf) }</option>
                <option value="family" selected={*relation == "family"}>{ t(l, T::RelFamily) }</option>
                <option value="other" selected={*relation == "other"}>{ t(l, T::RelOther) }</option>
            </select>
            // Shown or hidden, never added or removed: the fields below keep
            // their place (and what was typed in them).
            <div hidden={*relation != "family"}>
                <label for="relationship">{ t(l, T::Relationship) }</label>
                <input id="relationship" ref={relationship} data-testid="recipient-relationship" autocomplete="off" />
            </div>
            <label for="recipient">{ t(l, T::RecipientName) }</label>
            <input id="recipient" ref={name} data-testid="recipient-name" autocomplete="off"
                aria-invalid={problems.contains(&Missing::RecipientName).to_string()} />
            <label for="id-check">{ format!("{}{}", t(l, T::IdCheckLabel), required(l, rules.require_id_check)) }</label>
            <input id="id-check" ref={nik_input.clone()} data-testid="id-check" inputmode="numeric" autocomplete="off" maxlength="19" oninput={on_id}
                aria-invalid={(*id_check == IdCheck::DoesNotMatch).to_string()} />
            <p class={if *id_check == IdCheck::DoesNotMatch { "error" } else { "muted" }} data-testid="id-check-result" data-state={id_state} role="status">{ id_text }</p>
            <p class="field-title">{ format!("{}{}", t(l, T::Photo), required(l, rules.require_photo)) }</p>
            // The camera opens from a big button in the app's language; the
            // browser's own file picker stays hidden behind it.
            <input id="photo" class="visually-hidden" type="file" accept="image/*" capture="environment" data-testid="photo-input" onchange={on_photo} />
            <label for="photo" class="button secondary">{ t(l, if matches!(*photo, Photo::Ready { .. }) { T::PhotoRetake } else { T::PhotoTake }) }</label>
            <p class="muted" data-testid="photo-status" data-state={photo_line.0} role="status">{ photo_line.1 }</p>
            <div>
                if let Photo::Ready { preview, .. } = &*photo {
                    if !preview.is_empty() {
                        <img class="thumb" src={preview.clone()} alt={t(l, T::PhotoReady)} data-testid="photo-preview" />
                    }
                }
            </div>
            <label>{ format!("{}{}", t(l, T::Signature), required(l, rules.require_signature)) }</label>
            <canvas ref={canvas} class="signature" data-testid="signature-pad" aria-label={t(l, T::Signature)}></canvas>
            <button type="button" class="link" data-testid="signature-clear" onclick={clear_signature}>{ t(l, T::Clear) }</button>
            if p.stop.replacement {
                <label class="check"><input type="checkbox" ref={old_card} data-testid="old-card-returned" />{ t(l, T::OldCardReturned) }</label>
            }
            <GpsLine lang={l} gps={gps.clone()} required={rules.require_gps} />
            <LandmarkInput lang={l} node={landmark} />
            <div role="alert">
                { for problems.iter().map(|m| html! { <p class="error" data-testid="delivery-problem">{ missing_text(l, *m) }</p> }) }
                if *unsaved {
                    <p class="error" data-testid="delivery-problem">{ t(l, T::StoreFailed) }</p>
                }
            </div>
            <div class="actions">
                <button type="submit" class="primary" data-testid="delivery-submit" disabled={*saving}>{ t(l, T::Save) }</button>
                <button type="button" class="secondary" data-testid="delivery-cancel" onclick={on_cancel}>{ t(l, T::Cancel) }</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct FormProps {
    pub lang: Lang,
    pub card_id: String,
    pub on_cancel: Callback<MouseEvent>,
    pub on_record: Callback<Action>,
}

#[component]
pub fn FailedForm(p: &FormProps) -> Html {
    let l = p.lang;
    let reason = use_node_ref();
    let note = use_node_ref();
    let gps = use_gps();
    let landmark = use_node_ref();
    let onsubmit = {
        let (reason, note, on_record, card, gps, landmark) =
            (reason.clone(), note.clone(), p.on_record.clone(), p.card_id.clone(), *gps, landmark.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut payload = serde_json::json!({ "reason": value_of(&reason) });
            add_note(&note, &mut payload);
            gps.add_to(&mut payload);
            add_landmark(&landmark, &mut payload);
            on_record.emit((card.clone(), "attempt_failed", payload));
        })
    };
    // Yew inserts children last to first, so browsers would pick the last
    // option by default: the first is marked selected explicitly.
    let reasons = [
        ("not_home", T::NotHome),
        ("moved", T::Moved),
        ("address_not_found", T::AddressNotFound),
        ("refused", T::Refused),
        ("deceased", T::Deceased),
        ("other", T::Other),
    ];
    html! {
        <form class="panel" {onsubmit}>
            <label for="reason">{ t(l, T::Reason) }</label>
            <select id="reason" ref={reason} data-testid="failed-reason">
                { for reasons.iter().enumerate().map(|(i, (code, text))| html! { <option value={*code} selected={i == 0}>{ t(l, *text) }</option> }) }
            </select>
            <label for="note">{ t(l, T::Note) }</label>
            <textarea id="note" ref={note} data-testid="failed-note" />
            <GpsLine lang={l} gps={gps.clone()} required=false />
            <LandmarkInput lang={l} node={landmark} />
            <div class="actions">
                <button type="submit" class="primary" data-testid="failed-submit">{ t(l, T::Save) }</button>
                <button type="button" class="secondary" onclick={p.on_cancel.clone()}>{ t(l, T::Cancel) }</button>
            </div>
        </form>
    }
}

/// The card is left at the kelurahan office for the resident to collect.
#[component]
pub fn VillageForm(p: &FormProps) -> Html {
    let l = p.lang;
    let note = use_node_ref();
    let gps = use_gps();
    let onsubmit = {
        let (note, on_record, card, gps) = (note.clone(), p.on_record.clone(), p.card_id.clone(), *gps);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut payload = serde_json::json!({});
            add_note(&note, &mut payload);
            gps.add_to(&mut payload);
            on_record.emit((card.clone(), "left_at_village_office", payload));
        })
    };
    html! {
        <form class="panel" {onsubmit}>
            <p>{ t(l, T::LeaveAtVillageHint) }</p>
            <label for="village-note">{ t(l, T::Note) }</label>
            <textarea id="village-note" ref={note} data-testid="village-note" />
            <GpsLine lang={l} gps={gps.clone()} required=false />
            <div class="actions">
                <button type="submit" class="primary" data-testid="village-submit">{ t(l, T::Save) }</button>
                <button type="button" class="secondary" onclick={p.on_cancel.clone()}>{ t(l, T::Cancel) }</button>
            </div>
        </form>
    }
}

fn add_note(node: &NodeRef, payload: &mut serde_json::Value) {
    let note = value_of(node).trim().to_owned();
    if !note.is_empty() {
        payload["note"] = serde_json::Value::String(note);
    }
}

/// A landmark the courier typed, for the next visit.
fn add_landmark(node: &NodeRef, payload: &mut serde_json::Value) {
    let text = value_of(node).trim().chars().take(200).collect::<String>();
    if !text.is_empty() {
        payload["landmark"] = serde_json::Value::String(text);
    }
}

#[derive(Properties, PartialEq)]
struct LandmarkProps {
    lang: Lang,
    node: NodeRef,
}

#[component]
fn LandmarkInput(p: &LandmarkProps) -> Html {
    html! {
        <label>{ t(p.lang, T::LandmarkNote) }
            <input ref={p.node.clone()} data-testid="landmark" maxlength="200" autocomplete="off" />
        </label>
    }
}

#[derive(Properties, PartialEq)]
struct GpsProps {
    lang: Lang,
    gps: UseStateHandle<Gps>,
    required: bool,
}

/// Whether the form will carry a position, and how good it is; a retry
/// when there is none.
#[component]
fn GpsLine(p: &GpsProps) -> Html {
    let l = p.lang;
    let (state, text) = match *p.gps {
        Gps::Searching => ("searching", t(l, T::GpsSearching).to_owned()),
        // Whole metres: a phone's fix is never finer than that.
        Gps::Found(fix) => ("found", format!("{}{} m", t(l, T::GpsFound), fix.accuracy_m.round() as i64)),
        Gps::Unavailable if p.required => ("unavailable", t(l, T::MissingGps).to_owned()),
        Gps::Unavailable => ("unavailable", t(l, T::GpsUnavailable).to_owned()),
    };
    let retry = {
        let gps = p.gps.clone();
        Callback::from(move |_: MouseEvent| gps::retry(gps.clone()))
    };
    html! {
        <p class="muted" data-testid="gps-status" data-state={state} role="status">
            { text }
            if *p.gps == Gps::Unavailable {
                <button type="button" class="link" data-testid="gps-retry" onclick={retry}>{ t(l, C::TryAgain) }</button>
            }
        </p>
    }
}
