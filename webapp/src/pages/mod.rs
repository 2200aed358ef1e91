//! One module per screen.

pub mod courier;
pub mod login;
pub mod staff;

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The current value of an input, select or text area. (`NodeRef::cast`
/// does not check the element's type, so this checks with `dyn_ref`.)
pub fn value_of(node: &NodeRef) -> String {
    use wasm_bindgen::JsCast;
    let Some(n) = node.get() else { return String::new() };
    if let Some(s) = n.dyn_ref::<HtmlSelectElement>() {
        return s.value();
    }
    if let Some(t) = n.dyn_ref::<HtmlTextAreaElement>() {
        return t.value();
    }
    n.dyn_ref::<HtmlInputElement>().map(HtmlInputElement::value).unwrap_or_default()
}
