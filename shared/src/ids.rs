//! Ids made on the phone.
//!
//! An event's id is made where the event happens (so a resend is the same
//! event) and is the key of the server's event log. Random ids (UUID v4)
//! land anywhere in that key's index: every event of a sync rewrote its own
//! index page, most of the pages a sync commit writes. Ids that begin with
//! the time (UUID v7, RFC 9562) land at the index's end, together.

/// A UUID v7 from the time (milliseconds since 1970, by the phone's clock)
/// and a random UUID v4, whose last ten random bytes it keeps. `None` when
/// `random` is not a UUID.
pub fn time_ordered(unix_ms: u64, random: &str) -> Option<String> {
    let bytes = uuid::Uuid::try_parse(random).ok()?.into_bytes();
    let mut tail = [0u8; 10];
    tail.copy_from_slice(&bytes[6..]);
    Some(uuid::Builder::from_unix_timestamp_millis(unix_ms, &tail).into_uuid().hyphenated().to_string())
}

#[cfg(test)]
mod tests {
    use super::time_ordered;

    #[test]
    fn an_id_is_a_uuid_v7_that_reads_back_its_time() {
        let id = time_ordered(1_764_806_400_123, "0f8fad5b-d9cb-469f-a165-70867728950e").expect("id");
        let parsed = uuid::Uuid::parse_str(&id).expect("a UUID");
        assert_eq!(parsed.get_version_num(), 7);
        assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122);
        let (secs, nanos) = parsed.get_timestamp().expect("a time").to_unix();
        assert_eq!((secs, nanos / 1_000_000), (1_764_806_400, 123));
        assert!(id.ends_with("-70867728950e"), "keeps the random bits: {id}");
    }

    #[test]
    fn later_ids_sort_after_earlier_ones_whatever_their_random_bits() {
        let early = time_ordered(1_000, "ffffffff-ffff-4fff-bfff-ffffffffffff").expect("early");
        let late = time_ordered(1_001, "00000000-0000-4000-8000-000000000000").expect("late");
        assert!(early < late, "{early} < {late}");
    }

    #[test]
    fn what_is_not_a_uuid_is_refused() {
        for bad in ["", "not-a-uuid", "0f8fad5b-d9cb-469f-a165-70867728950", "0f8fad5b-d9cb-469f-a165-70867728950e0"] {
            assert_eq!(time_ordered(1, bad), None, "{bad}");
        }
    }
}
