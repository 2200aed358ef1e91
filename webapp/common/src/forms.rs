//! Reading form values without trusting `NodeRef::cast`.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The current value of an input, select or text area. (`NodeRef::cast`
/// does not check the element's type, so this checks with `dyn_ref`.)
pub fn value_of(node: &NodeRef) -> String {
    node.get().map(|n| target_value(&n)).unwrap_or_default()
}

/// The value of the input, select or text area an event came from.
pub fn event_value(e: &impl AsRef<web_sys::Event>) -> String {
    e.as_ref().target().map(|t| target_value(&t)).unwrap_or_default()
}

fn target_value(n: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    if let Some(s) = n.dyn_ref::<HtmlSelectElement>() {
        return s.value();
    }
    if let Some(t) = n.dyn_ref::<HtmlTextAreaElement>() {
        return t.value();
    }
    n.dyn_ref::<HtmlInputElement>().map(HtmlInputElement::value).unwrap_or_default()
}
