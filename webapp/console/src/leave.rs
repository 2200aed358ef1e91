//! Unsaved work on a screen (a plan not saved, a settings form changed): the
//! browser asks before the tab is closed or reloaded, and the console's own
//! navigation asks before it leaves the screen.
//!
//! The mark is a flag, not component state: setting it must not re-render a
//! form, whose inputs yew would then set back to their rendered values.

use std::cell::Cell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

thread_local! {
    /// Whether the screen shown holds work that would be lost.
    static UNSAVED: Cell<bool> = const { Cell::new(false) };
}

/// Marks the screen's work saved (`false`) or not (`true`).
pub fn mark_unsaved(unsaved: bool) {
    UNSAVED.with(|u| u.set(unsaved));
}

/// While the screen is shown, the browser asks before leaving it with work
/// marked unsaved; leaving the screen clears the mark.
#[hook]
pub fn use_leave_guard() {
    use_effect_with((), |_| {
        let ask = Closure::<dyn Fn(web_sys::Event)>::new(|e: web_sys::Event| {
            if UNSAVED.with(Cell::get) {
                // The browser's own "leave site?" question; its words are its own.
                e.prevent_default();
                let _ = js_sys::Reflect::set(&e, &"returnValue".into(), &"".into());
            }
        });
        let window = web_sys::window();
        if let Some(w) = &window {
            let _ = w.add_event_listener_with_callback("beforeunload", ask.as_ref().unchecked_ref());
        }
        move || {
            mark_unsaved(false);
            if let Some(w) = window {
                let _ = w.remove_event_listener_with_callback("beforeunload", ask.as_ref().unchecked_ref());
            }
        }
    });
}

/// Whether the console may leave the screen: nothing unsaved, or the person
/// says so when asked `question`.
pub fn may_leave(question: &str) -> bool {
    !UNSAVED.with(Cell::get) || web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(true)
}
