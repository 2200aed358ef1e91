//! The phone's position at a door. Asked for as soon as a form opens, so a
//! fix is usually there by the time the courier saves; a form never waits
//! for it, and saving without one is allowed.

use yew::prelude::*;

/// A position and how far off it may be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Gps {
    Searching,
    Found(Fix),
    /// No geolocation here, permission refused, or no fix in time.
    Unavailable,
}

impl Gps {
    /// Adds the fix, when there is one, to an event's payload.
    pub fn add_to(self, payload: &mut serde_json::Value) {
        if let (Gps::Found(fix), Some(map)) = (self, payload.as_object_mut()) {
            map.insert("lat".into(), fix.lat.into());
            map.insert("lon".into(), fix.lon.into());
            map.insert("accuracy_m".into(), fix.accuracy_m.round().into());
        }
    }
}

/// The position, asked for once when the calling component mounts.
#[hook]
pub fn use_gps() -> UseStateHandle<Gps> {
    let gps = use_state(|| Gps::Searching);
    {
        let gps = gps.clone();
        use_effect_with((), move |_| {
            request(move |found| gps.set(found));
        });
    }
    gps
}

/// Asks again (after no fix, or for a better one).
pub fn retry(gps: UseStateHandle<Gps>) {
    gps.set(Gps::Searching);
    request(move |found| gps.set(found));
}

/// Asks the browser for one position; `done` is called once either way.
fn request(done: impl FnOnce(Gps) + 'static) {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};

    let done = Rc::new(RefCell::new(Some(done)));
    let finish = {
        let done = done.clone();
        move |gps: Gps| {
            if let Some(f) = done.borrow_mut().take() {
                f(gps);
            }
        }
    };
    let Some(geolocation) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        finish(Gps::Unavailable);
        return;
    };
    let on_fix = {
        let finish = finish.clone();
        Closure::once_into_js(move |pos: JsValue| {
            let coords = pos.unchecked_into::<web_sys::Position>().coords();
            finish(Gps::Found(Fix { lat: coords.latitude(), lon: coords.longitude(), accuracy_m: coords.accuracy() }));
        })
    };
    let on_error = {
        let finish = finish.clone();
        Closure::once_into_js(move |_: JsValue| finish(Gps::Unavailable))
    };
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(20_000);
    options.set_maximum_age(60_000);
    if geolocation
        .get_current_position_with_error_callback_and_options(
            on_fix.unchecked_ref(),
            Some(on_error.unchecked_ref()),
            &options,
        )
        .is_err()
    {
        finish(Gps::Unavailable);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fix_goes_into_the_payload_and_no_fix_adds_nothing() {
        let mut payload = serde_json::json!({"reason": "not_home"});
        Gps::Found(Fix { lat: -5.37, lon: 105.24, accuracy_m: 12.4 }).add_to(&mut payload);
        assert_eq!(payload, serde_json::json!({"reason": "not_home", "lat": -5.37, "lon": 105.24, "accuracy_m": 12.0}));
        let mut none = serde_json::json!({"reason": "moved"});
        Gps::Unavailable.add_to(&mut none);
        Gps::Searching.add_to(&mut none);
        assert_eq!(none, serde_json::json!({"reason": "moved"}));
    }
}
