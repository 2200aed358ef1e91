//! Proof of delivery: what the courier entered at the door, checked against
//! the office's rules before it is recorded. Pure, so tested natively.

use antar_shared::doorstep::NikCheck;
use antar_shared::wire::ProofRules;
use serde_json::{json, Value};

/// The identity check as typed at the door.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdCheck {
    NotTyped,
    Matches,
    /// A NIK was typed and is not the card's: a typo or the wrong person.
    DoesNotMatch,
}

impl IdCheck {
    /// Checks a NIK typed from the recipient's KK or old card.
    pub fn of(typed: &str, check: &NikCheck) -> IdCheck {
        if typed.trim().is_empty() {
            IdCheck::NotTyped
        } else if check.matches(typed) {
            IdCheck::Matches
        } else {
            IdCheck::DoesNotMatch
        }
    }
}

/// A delivery as entered on the form.
/// A delivery form half filled in, kept on the phone (IndexedDB, beside
/// the outbox) as it is typed, so a reload or a closed tab does not lose
/// it. Never the NIK typed at the door, and not the signature: those are
/// asked again.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FormDraft {
    pub card_id: String,
    pub recipient_name: String,
    /// `self`, `family` or `other`.
    pub relation: String,
    pub relationship: String,
    pub photo_sha256: Option<String>,
    pub landmark: String,
}

impl FormDraft {
    /// Whether anything was typed or taken: an empty form keeps no draft.
    pub fn is_blank(&self) -> bool {
        self.recipient_name.trim().is_empty()
            && self.relationship.trim().is_empty()
            && self.landmark.trim().is_empty()
            && self.photo_sha256.is_none()
            && matches!(self.relation.as_str(), "" | "self")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub recipient_name: String,
    /// `self`, `family` or `other`.
    pub relation: String,
    /// For a family member: how they are related (istri, anak, …).
    pub relationship: String,
    pub id_check: IdCheck,
    pub photo_sha256: Option<String>,
    pub signature_sha256: Option<String>,
    pub has_gps: bool,
    /// Asked only for a replacement card: was the old card taken back?
    pub old_card_returned: Option<bool>,
}

/// Why a delivery cannot be recorded yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    RecipientName,
    Relationship,
    /// The typed NIK is not the card's.
    IdMismatch,
    IdCheck,
    Photo,
    Signature,
    Gps,
}

/// What keeps the draft from being recorded, in form order; empty when it
/// can be saved.
pub fn missing(rules: &ProofRules, d: &Draft) -> Vec<Missing> {
    let mut out = Vec::new();
    if d.recipient_name.trim().is_empty() {
        out.push(Missing::RecipientName);
    }
    if d.relation == "family" && d.relationship.trim().is_empty() {
        out.push(Missing::Relationship);
    }
    match d.id_check {
        IdCheck::DoesNotMatch => out.push(Missing::IdMismatch),
        IdCheck::NotTyped if rules.require_id_check => out.push(Missing::IdCheck),
        _ => {}
    }
    if rules.require_photo && d.photo_sha256.is_none() {
        out.push(Missing::Photo);
    }
    if rules.require_signature && d.signature_sha256.is_none() {
        out.push(Missing::Signature);
    }
    if rules.require_gps && !d.has_gps {
        out.push(Missing::Gps);
    }
    out
}

/// The `delivered` payload (GPS and landmark are added by the form).
pub fn payload(d: &Draft) -> Value {
    let mut p = json!({
        "recipient_name": d.recipient_name.trim(),
        "recipient_relation": d.relation,
    });
    if d.relation == "family" {
        p["relationship"] = json!(d.relationship.trim());
    }
    if d.id_check == IdCheck::Matches {
        p["id_check"] = json!("match");
    }
    if let Some(sha) = &d.photo_sha256 {
        p["photo_sha256"] = json!(sha);
    }
    if let Some(sha) = &d.signature_sha256 {
        p["signature_sha256"] = json!(sha);
    }
    if let Some(returned) = d.old_card_returned {
        p["old_card_returned"] = json!(returned);
    }
    p
}

/// A map link: to the pin remembered from an earlier visit, or else a
/// search for the address.
pub fn navigation_url(stop: &antar_shared::wire::DoorstepStop) -> String {
    match (stop.pin_lat, stop.pin_lon) {
        (Some(lat), Some(lon)) => format!("https://www.google.com/maps/dir/?api=1&destination={lat},{lon}"),
        _ => {
            let mut place = stop.address.clone();
            if let (Some(rt), Some(rw)) = (&stop.rt, &stop.rw) {
                place.push_str(&format!(" RT {rt}/RW {rw}"));
            }
            place.push_str(&format!(", {}, {}", stop.kelurahan, stop.kecamatan));
            let query = antar_web::api::encode_query(&place);
            format!("https://www.google.com/maps/search/?api=1&query={query}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_untouched_delivery_form_keeps_no_draft() {
        let blank = FormDraft { card_id: "c".into(), relation: "self".into(), ..FormDraft::default() };
        assert!(blank.is_blank());
        for typed in [
            FormDraft { recipient_name: "Siti".into(), ..blank.clone() },
            FormDraft { relation: "family".into(), ..blank.clone() },
            FormDraft { landmark: "depan masjid".into(), ..blank.clone() },
            FormDraft { photo_sha256: Some("ab".into()), ..blank.clone() },
        ] {
            assert!(!typed.is_blank(), "{typed:?}");
        }
        assert!(FormDraft { recipient_name: "   ".into(), ..blank }.is_blank(), "spaces are not a name");
    }

    fn draft() -> Draft {
        Draft {
            recipient_name: "Siti".into(),
            relation: "self".into(),
            relationship: String::new(),
            id_check: IdCheck::NotTyped,
            photo_sha256: None,
            signature_sha256: None,
            has_gps: false,
            old_card_returned: None,
        }
    }

    #[test]
    fn by_default_only_the_recipient_is_required() {
        let rules = ProofRules::default();
        assert!(missing(&rules, &draft()).is_empty());
        assert_eq!(missing(&rules, &Draft { recipient_name: "  ".into(), ..draft() }), [Missing::RecipientName]);
        assert_eq!(
            missing(&rules, &Draft { relation: "family".into(), ..draft() }),
            [Missing::Relationship],
            "a family member says how they are related"
        );
    }

    #[test]
    fn each_required_proof_is_asked_for_when_the_office_sets_it() {
        let all =
            ProofRules { require_photo: true, require_signature: true, require_id_check: true, require_gps: true };
        assert_eq!(missing(&all, &draft()), [Missing::IdCheck, Missing::Photo, Missing::Signature, Missing::Gps]);
        let complete = Draft {
            id_check: IdCheck::Matches,
            photo_sha256: Some("a".repeat(64)),
            signature_sha256: Some("b".repeat(64)),
            has_gps: true,
            ..draft()
        };
        assert!(missing(&all, &complete).is_empty());
    }

    #[test]
    fn a_wrong_nik_blocks_the_delivery_even_when_the_check_is_optional() {
        let rules = ProofRules::default();
        assert_eq!(missing(&rules, &Draft { id_check: IdCheck::DoesNotMatch, ..draft() }), [Missing::IdMismatch]);
    }

    #[test]
    fn the_identity_check_uses_the_cards_tag_not_the_nik() {
        let check = NikCheck::new(b"card-key-0123456789abcdef0123456", "1871110211750001", "");
        assert_eq!(IdCheck::of("", &check), IdCheck::NotTyped);
        assert_eq!(IdCheck::of("1871 1102 1175 0001", &check), IdCheck::Matches);
        assert_eq!(IdCheck::of("1871110211750002", &check), IdCheck::DoesNotMatch);
    }

    #[test]
    fn the_payload_carries_only_what_was_given() {
        assert_eq!(payload(&draft()), json!({"recipient_name": "Siti", "recipient_relation": "self"}));
        let full = Draft {
            relation: "family".into(),
            relationship: " istri ".into(),
            id_check: IdCheck::Matches,
            photo_sha256: Some("a".repeat(64)),
            signature_sha256: Some("b".repeat(64)),
            old_card_returned: Some(false),
            ..draft()
        };
        assert_eq!(
            payload(&full),
            json!({"recipient_name": "Siti", "recipient_relation": "family", "relationship": "istri", "id_check": "match",
                   "photo_sha256": "a".repeat(64), "signature_sha256": "b".repeat(64), "old_card_returned": false})
        );
    }

    #[test]
    fn navigation_goes_to_the_pin_or_searches_the_address() {
        let mut stop = crate::stops::tests::stop("ANI", "JL. MAWAR NO. 5", Some("007"));
        assert_eq!(
            navigation_url(&stop),
            "https://www.google.com/maps/search/?api=1&query=JL.%20MAWAR%20NO.%205%20RT%20007%2FRW%20002%2C%20K%2C%20C"
        );
        stop.pin_lat = Some(-5.37);
        stop.pin_lon = Some(105.24);
        assert_eq!(navigation_url(&stop), "https://www.google.com/maps/dir/?api=1&destination=-5.37,105.24");
    }
}
