//! Stable machine-readable error and warning codes. Clients match on these;
//! the human text next to them may change.

/// Codes carried by problem+json answers and per-item results.
pub mod problem {
    pub const VALIDATION: &str = "validation";
    pub const UNAUTHORIZED: &str = "unauthorized";
    pub const FORBIDDEN: &str = "forbidden";
    pub const NOT_FOUND: &str = "not_found";
    pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
    pub const CONFLICT: &str = "conflict";
    /// Well-formed, but not something the server can act on.
    pub const UNPROCESSABLE: &str = "unprocessable";
    pub const GONE: &str = "gone";
    pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
    pub const TOO_MANY_REQUESTS: &str = "too_many_requests";
    pub const INTERNAL: &str = "internal";
    pub const UNAVAILABLE: &str = "unavailable";
    pub const MISSING_COLUMN: &str = "missing_column";
    pub const ALL: &[&str] = &[
        VALIDATION,
        UNAUTHORIZED,
        FORBIDDEN,
        NOT_FOUND,
        METHOD_NOT_ALLOWED,
        CONFLICT,
        UNPROCESSABLE,
        GONE,
        PAYLOAD_TOO_LARGE,
        TOO_MANY_REQUESTS,
        INTERNAL,
        UNAVAILABLE,
        MISSING_COLUMN,
    ];
}

/// Codes of per-event sync results.
pub mod sync {
    pub const ID_CONFLICT: &str = "id_conflict";
    pub const NOT_ASSIGNED: &str = "not_assigned";
    pub const FLAGGED: &str = "flagged";
    /// The flag of a delivery without proof the office requires.
    pub const MISSING_PROOF: &str = "missing_proof";
    /// The flag of a delivery whose NIK, typed at the door and sealed, is
    /// not the card's.
    pub const NIK_MISMATCH: &str = "nik_mismatch";
    pub const INVALID_PAYLOAD: &str = "invalid_payload";
    pub const UNKNOWN_KIND: &str = "unknown_kind";
    /// An event said to happen after its batch was sent (by the phone's own
    /// clock, beyond a minute's slack): a clock cannot run backwards.
    pub const OCCURRED_AFTER_SENT: &str = "occurred_after_sent";
    /// The custody rules refused the event: its kind cannot happen in the
    /// card's state at that moment (a flag, `Refusal::code`).
    pub const NOT_ALLOWED: &str = "not_allowed";
    /// The custody rules refused the event: the card was not assigned to
    /// this courier at that time (a flag).
    pub const NOT_CARRIER: &str = "not_carrier";
    /// Every code a sync result or an event's flag can carry.
    pub const ALL: &[&str] = &[
        ID_CONFLICT,
        NOT_ASSIGNED,
        FLAGGED,
        MISSING_PROOF,
        NIK_MISMATCH,
        INVALID_PAYLOAD,
        UNKNOWN_KIND,
        OCCURRED_AFTER_SENT,
        NOT_ALLOWED,
        NOT_CARRIER,
    ];
}

/// Codes of per-row import problems.
pub mod import {
    pub const NIK_INVALID: &str = "nik_invalid";
    pub const NIK_SCIENTIFIC: &str = "nik_scientific_notation";
    pub const NIK_PROVINCE: &str = "nik_unknown_province";
    pub const NIK_DAY: &str = "nik_impossible_day";
    pub const NIK_MONTH: &str = "nik_impossible_month";
    pub const NIK_OTHER_REGENCY: &str = "nik_other_regency";
    pub const REQUIRED: &str = "required";
    pub const DUPLICATE_NIK: &str = "duplicate_nik";
    pub const BIRTH_DATE_MISMATCH: &str = "birth_date_mismatch";
    pub const BAD_VALUE: &str = "bad_value";
    pub const FIELD_COUNT: &str = "field_count";
    pub const MALFORMED: &str = "malformed_row";
    pub const TOO_LONG: &str = "too_long";
}

/// Why a planned card is on no route (`unassigned[].reason` of a plan).
pub mod unplanned {
    /// Its RT alone has more cards than a courier may carry.
    pub const RT_OVER_CAP: &str = "rt_over_cap";
    /// Every courier is full.
    pub const NO_CAPACITY: &str = "no_capacity";
    /// No courier works the day.
    pub const NO_COURIER: &str = "no_courier";
    pub const NOT_FOUND: &str = "not_found";
    /// Delivered, void, with a courier…
    pub const NOT_PLANNABLE: &str = "not_plannable";
    pub const ON_OPEN_ROUTE: &str = "on_open_route";
    pub const ALL: &[&str] = &[RT_OVER_CAP, NO_CAPACITY, NO_COURIER, NOT_FOUND, NOT_PLANNABLE, ON_OPEN_ROUTE];
}
