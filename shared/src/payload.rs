//! The payload of each courier event kind, typed: what the phone's forms
//! build and what the server accepts. Unknown keys are refused by name, and
//! every text has a limit, so nothing unbounded reaches the event log.

use crate::custody::EventKind;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Longest recipient name.
pub const MAX_NAME: usize = 200;
/// Longest free-text note.
pub const MAX_NOTE: usize = 1000;
/// Longest landmark note left for the next visit.
pub const MAX_LANDMARK: usize = 200;
/// Longest family relationship ("istri", "anak").
pub const MAX_RELATIONSHIP: usize = 100;

/// Who took the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    #[serde(rename = "self")]
    Holder,
    Family,
    Other,
}

/// Why a delivery did not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    NotHome,
    Moved,
    AddressNotFound,
    Refused,
    Deceased,
    Other,
}

impl Relation {
    /// How staff and reports name who took the card.
    pub fn label_id(self) -> &'static str {
        match self {
            Relation::Holder => "pemilik kartu",
            Relation::Family => "keluarga",
            Relation::Other => "orang lain",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Relation::Holder => "the holder",
            Relation::Family => "family",
            Relation::Other => "someone else",
        }
    }
}

impl FailureReason {
    pub const ALL: [FailureReason; 6] = [
        FailureReason::NotHome,
        FailureReason::Moved,
        FailureReason::AddressNotFound,
        FailureReason::Refused,
        FailureReason::Deceased,
        FailureReason::Other,
    ];

    /// The wire code (`not_home`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            FailureReason::NotHome => "not_home",
            FailureReason::Moved => "moved",
            FailureReason::AddressNotFound => "address_not_found",
            FailureReason::Refused => "refused",
            FailureReason::Deceased => "deceased",
            FailureReason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<FailureReason> {
        FailureReason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Why not, as staff, residents and the handover report read it.
    pub fn label_id(self) -> &'static str {
        match self {
            FailureReason::NotHome => "tidak ada orang di rumah",
            FailureReason::Moved => "sudah pindah",
            FailureReason::AddressNotFound => "alamat tidak ditemukan",
            FailureReason::Refused => "ditolak",
            FailureReason::Deceased => "pemilik meninggal dunia",
            FailureReason::Other => "lainnya",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            FailureReason::NotHome => "nobody at home",
            FailureReason::Moved => "moved away",
            FailureReason::AddressNotFound => "address not found",
            FailureReason::Refused => "refused",
            FailureReason::Deceased => "the holder died",
            FailureReason::Other => "other",
        }
    }
}

/// The identity check at the door: the typed NIK matched the card's tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdCheck {
    Match,
}

/// The NIK typed at the door, sealed on the phone to the server's public
/// key (ECIES on P-256; see the server's `auth::nik_seal`): the phone can
/// send it, not read it back. Base64url, no padding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedNik {
    /// The ephemeral public key, an uncompressed P-256 point.
    pub epk: String,
    /// AES-256-GCM ciphertext and tag.
    pub ct: String,
}

/// Payload key of the sealed NIK; the server never stores it.
pub const NIK_SEALED: &str = "nik_sealed";
/// Payload key the server stores instead: whether the sealed NIK was the card's.
pub const NIK_VERIFIED: &str = "nik_verified";

/// `delivered`: handed over with proof.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delivered {
    #[serde(default)]
    pub recipient_name: String,
    pub recipient_relation: Option<Relation>,
    /// For a family member: how they are related.
    pub relationship: Option<String>,
    pub photo_sha256: Option<String>,
    pub signature_sha256: Option<String>,
    pub id_check: Option<IdCheck>,
    pub nik_sealed: Option<SealedNik>,
    /// For a replacement card: whether the old card was taken back.
    pub old_card_returned: Option<bool>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_m: Option<f64>,
    pub landmark: Option<String>,
    pub note: Option<String>,
}

/// `attempt_failed`: why not, and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttemptFailed {
    pub reason: Option<FailureReason>,
    pub note: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_m: Option<f64>,
    pub landmark: Option<String>,
}

/// `picked_up`, `returned_to_office`, `left_at_village_office`: a note and
/// a position at most.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handover {
    pub note: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_m: Option<f64>,
    pub landmark: Option<String>,
}

/// What is wrong with a payload: the field (`payload.…`) and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadError {
    pub field: String,
    pub message: String,
}

fn err<T>(field: &str, message: &str) -> Result<T, PayloadError> {
    Err(PayloadError { field: format!("payload.{field}"), message: message.to_owned() })
}

/// Reads a payload as `T`, naming the field serde stopped at.
fn read<T: DeserializeOwned>(payload: &serde_json::Value) -> Result<T, PayloadError> {
    let value = if payload.is_null() { serde_json::json!({}) } else { payload.clone() };
    if !value.is_object() {
        return Err(PayloadError { field: "payload".into(), message: "must be an object".into() });
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let msg = e.inner().to_string();
        if msg.starts_with("unknown field") {
            let name = msg.split('`').nth(1).unwrap_or_default();
            return PayloadError { field: format!("payload.{name}"), message: "is not a field of this event".into() };
        }
        let path = e.path().to_string();
        let field = if path == "." || path.is_empty() { "payload".to_owned() } else { format!("payload.{path}") };
        PayloadError { field, message: msg }
    })
}

fn text(field: &str, value: Option<&str>, max: usize) -> Result<(), PayloadError> {
    match value {
        Some(v) if v.chars().count() > max => err(field, &format!("at most {max} characters")),
        _ => Ok(()),
    }
}

/// A SHA-256 as media are addressed: 64 lowercase hex digits.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn sha(field: &str, value: &Option<String>) -> Result<(), PayloadError> {
    match value {
        Some(v) if !is_sha256(v) => err(field, "must be a SHA-256, 64 lowercase hex digits"),
        _ => Ok(()),
    }
}

fn position(lat: Option<f64>, lon: Option<f64>, accuracy_m: Option<f64>) -> Result<(), PayloadError> {
    if lat.is_some_and(|x| !(-90.0..=90.0).contains(&x)) {
        return err("lat", "must be between -90 and 90");
    }
    if lon.is_some_and(|x| !(-180.0..=180.0).contains(&x)) {
        return err("lon", "must be between -180 and 180");
    }
    if accuracy_m.is_some_and(|x| !(0.0..=100_000.0).contains(&x)) {
        return err("accuracy_m", "must be between 0 and 100000 metres");
    }
    Ok(())
}

/// Checks a courier event's payload against its kind.
pub fn check(kind: EventKind, payload: &serde_json::Value) -> Result<(), PayloadError> {
    match kind {
        EventKind::Delivered => {
            let p: Delivered = read(payload)?;
            let name = p.recipient_name.trim();
            if name.is_empty() {
                return err("recipient_name", "is required");
            }
            text("recipient_name", Some(name), MAX_NAME)?;
            if p.recipient_relation.is_none() {
                return err("recipient_relation", "must be self, family or other");
            }
            text("relationship", p.relationship.as_deref(), MAX_RELATIONSHIP)?;
            sha("photo_sha256", &p.photo_sha256)?;
            sha("signature_sha256", &p.signature_sha256)?;
            if let Some(sealed) = &p.nik_sealed {
                text("nik_sealed.epk", Some(&sealed.epk), 100)?;
                text("nik_sealed.ct", Some(&sealed.ct), 100)?;
            }
            text("landmark", p.landmark.as_deref(), MAX_LANDMARK)?;
            text("note", p.note.as_deref(), MAX_NOTE)?;
            position(p.lat, p.lon, p.accuracy_m)
        }
        EventKind::AttemptFailed => {
            let p: AttemptFailed = read(payload)?;
            if p.reason.is_none() {
                return err("reason", "must be not_home, moved, address_not_found, refused, deceased or other");
            }
            text("note", p.note.as_deref(), MAX_NOTE)?;
            text("landmark", p.landmark.as_deref(), MAX_LANDMARK)?;
            position(p.lat, p.lon, p.accuracy_m)
        }
        _ => {
            let p: Handover = read(payload)?;
            text("note", p.note.as_deref(), MAX_NOTE)?;
            text("landmark", p.landmark.as_deref(), MAX_LANDMARK)?;
            position(p.lat, p.lon, p.accuracy_m)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_failure_reason_reads_back_as_its_code_and_has_both_labels() {
        for r in FailureReason::ALL {
            assert_eq!(FailureReason::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), serde_json::json!(r.as_str()), "the wire word");
            assert!(!r.label_id().is_empty() && r.label_id() != r.label_en());
        }
        assert_eq!(FailureReason::parse("NotHome"), None);
    }

    fn field(kind: EventKind, p: serde_json::Value) -> String {
        check(kind, &p).unwrap_err().field
    }

    #[test]
    fn a_payload_with_an_unknown_key_is_refused_naming_it() {
        let p = json!({"recipient_name": "Siti", "recipient_relation": "self", "blob": "x".repeat(900)});
        let e = check(EventKind::Delivered, &p).unwrap_err();
        assert_eq!((e.field.as_str(), e.message.as_str()), ("payload.blob", "is not a field of this event"));
        assert_eq!(field(EventKind::PickedUp, json!({"courier_id": "someone"})), "payload.courier_id");
        assert_eq!(field(EventKind::ReturnedToOffice, json!({"received_from": "x"})), "payload.received_from");
    }

    #[test]
    fn each_kind_checks_its_own_fields_and_limits() {
        assert!(check(EventKind::PickedUp, &serde_json::Value::Null).is_ok());
        assert!(check(EventKind::Delivered, &json!({"recipient_name": "Siti", "recipient_relation": "family", "relationship": "istri", "id_check": "match", "photo_sha256": "a".repeat(64), "old_card_returned": true, "lat": -5.4, "lon": 105.2, "accuracy_m": 8.0, "landmark": "depan masjid"})).is_ok());
        assert_eq!(field(EventKind::Delivered, json!({"recipient_relation": "self"})), "payload.recipient_name");
        assert_eq!(
            field(EventKind::Delivered, json!({"recipient_name": " ", "recipient_relation": "self"})),
            "payload.recipient_name"
        );
        assert_eq!(
            field(EventKind::Delivered, json!({"recipient_name": "S", "recipient_relation": "boss"})),
            "payload.recipient_relation"
        );
        assert_eq!(
            field(EventKind::Delivered, json!({"recipient_name": "S".repeat(201), "recipient_relation": "self"})),
            "payload.recipient_name"
        );
        assert_eq!(
            field(
                EventKind::Delivered,
                json!({"recipient_name": "S", "recipient_relation": "self", "photo_sha256": "ABC"})
            ),
            "payload.photo_sha256"
        );
        assert_eq!(field(EventKind::AttemptFailed, json!({"reason": "bored"})), "payload.reason");
        assert_eq!(field(EventKind::AttemptFailed, json!({})), "payload.reason");
        assert_eq!(field(EventKind::AttemptFailed, json!({"reason": "moved", "lat": 91.0})), "payload.lat");
        assert_eq!(field(EventKind::AttemptFailed, json!({"reason": "moved", "lon": "east"})), "payload.lon");
        assert_eq!(field(EventKind::LeftAtVillageOffice, json!({"note": "n".repeat(1001)})), "payload.note");
        assert_eq!(field(EventKind::PickedUp, json!({"landmark": "l".repeat(201)})), "payload.landmark");
        assert_eq!(field(EventKind::PickedUp, json!([1, 2])), "payload");
        let sealed = |extra: serde_json::Value| {
            let mut p =
                json!({"recipient_name": "S", "recipient_relation": "self", "nik_sealed": {"epk": "a", "ct": "b"}});
            p["nik_sealed"].as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            p
        };
        assert!(check(EventKind::Delivered, &sealed(json!({}))).is_ok());
        assert_eq!(field(EventKind::Delivered, sealed(json!({"nik": "1871"}))), "payload.nik");
        assert_eq!(field(EventKind::Delivered, sealed(json!({"ct": "c".repeat(101)}))), "payload.nik_sealed.ct");
    }
}
