//! The audit chain's rules, as pure functions: how a record is hashed, and
//! how a chain is checked. Each record's hash covers the previous record's
//! hash and its own content; `seq` counts from 1 without gaps; the head
//! kept beside the chain names the last record.

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

/// The hash the first record of an office follows.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One record's content, as hashed.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub id: String,
    pub seq: i64,
    pub at: NaiveDateTime,
    pub actor_id: String,
    pub action: String,
    pub target: String,
    /// JSON text, hashed exactly as stored.
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of a record's content after `prev`: SHA-256 of the JSON array
/// of the fields (unambiguous whatever the fields hold).
pub fn hash(prev: &str, seq: i64, at: NaiveDateTime, actor: &str, action: &str, target: &str, detail: &str) -> String {
    let at = at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string();
    let content = serde_json::json!([prev, seq, at, actor, action, target, detail]).to_string();
    hex::encode(Sha256::digest(content.as_bytes()))
}

impl Record {
    fn expected_hash(&self) -> String {
        hash(&self.prev_hash, self.seq, self.at, &self.actor_id, &self.action, &self.target, &self.detail)
    }
}

/// Where and how a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The record's content no longer gives its hash: it was edited.
    Edited { seq: i64, id: String },
    /// The record does not follow the one before it (its `prev_hash` is not
    /// that record's hash): one was replaced or re-chained.
    Unlinked { seq: i64, id: String },
    /// `seq` jumps: the records between were deleted.
    Missing { from: i64, to: i64 },
    /// The chain ends before (or beyond) the head kept beside it: records
    /// were cut from its end (or added around the server).
    Head { head_seq: i64, last_seq: i64 },
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Break::Edited { seq, id } => {
                write!(f, "record {seq} ({id}) was edited: its content does not give its hash")
            }
            Break::Unlinked { seq, id } => {
                write!(f, "record {seq} ({id}) does not follow record {}: the chain was altered", seq - 1)
            }
            Break::Missing { from, to } if from == to => write!(f, "record {from} is missing: it was deleted"),
            Break::Missing { from, to } => write!(f, "records {from} to {to} are missing: they were deleted"),
            Break::Head { head_seq, last_seq } => {
                write!(
                    f,
                    "the chain ends at record {last_seq} but its head says {head_seq}: records were cut from its end"
                )
            }
        }
    }
}

/// Checks records (in `seq` order) against each other and the head; the
/// number of records when intact, else the first break.
pub fn check(records: &[Record], head: Option<(i64, &str)>) -> Result<usize, Break> {
    let mut prev_hash = GENESIS.to_owned();
    let mut expected_seq = 1;
    for r in records {
        if r.seq != expected_seq {
            return Err(Break::Missing { from: expected_seq, to: r.seq - 1 });
        }
        if r.expected_hash() != r.hash {
            return Err(Break::Edited { seq: r.seq, id: r.id.clone() });
        }
        if r.prev_hash != prev_hash {
            return Err(Break::Unlinked { seq: r.seq, id: r.id.clone() });
        }
        prev_hash = r.hash.clone();
        expected_seq += 1;
    }
    let last_seq = expected_seq - 1;
    let (head_seq, head_hash) = head.unwrap_or((0, GENESIS));
    if head_seq != last_seq || (last_seq > 0 && head_hash != prev_hash) {
        return Err(Break::Head { head_seq, last_seq });
    }
    Ok(records.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Record> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let at = chrono::DateTime::from_timestamp(1_764_000_000 + seq, 123_456_000).unwrap().naive_utc();
                let detail = format!("{{\"n\":{seq}}}");
                let h = hash(&prev, seq, at, "admin", "user.create", &format!("user:{seq}"), &detail);
                let r = Record {
                    id: format!("id{seq}"),
                    seq,
                    at,
                    actor_id: "admin".into(),
                    action: "user.create".into(),
                    target: format!("user:{seq}"),
                    detail,
                    prev_hash: prev.clone(),
                    hash: h.clone(),
                };
                prev = h;
                r
            })
            .collect()
    }

    fn head(records: &[Record]) -> Option<(i64, &str)> {
        records.last().map(|r| (r.seq, r.hash.as_str()))
    }

    #[test]
    fn an_untouched_chain_is_intact() {
        let c = chain(5);
        assert_eq!(check(&c, head(&c)), Ok(5));
        assert_eq!(check(&[], None), Ok(0));
    }

    #[test]
    fn an_edited_record_breaks_the_chain_at_that_record() {
        let mut c = chain(5);
        let h = head(&c).map(|(s, h)| (s, h.to_owned()));
        c[2].detail = "{\"n\":99}".into();
        assert_eq!(
            check(&c, h.as_ref().map(|(s, h)| (*s, h.as_str()))),
            Err(Break::Edited { seq: 3, id: "id3".into() })
        );
        let mut c = chain(5);
        c[1].actor_id = "petugas".into();
        assert!(matches!(check(&c, None), Err(Break::Edited { seq: 2, .. })));
    }

    #[test]
    fn a_record_rehashed_after_an_edit_no_longer_follows_the_next() {
        let mut c = chain(4);
        let h = (4, c[3].hash.clone());
        c[1].target = "user:forged".into();
        c[1].hash = hash(&c[1].prev_hash, 2, c[1].at, "admin", "user.create", "user:forged", &c[1].detail);
        assert_eq!(check(&c, Some((h.0, &h.1))), Err(Break::Unlinked { seq: 3, id: "id3".into() }));
    }

    #[test]
    fn deleted_records_leave_a_gap_or_a_short_head() {
        let c = chain(6);
        let h = (6, c[5].hash.clone());
        let gap: Vec<Record> = c.iter().filter(|r| r.seq != 3 && r.seq != 4).cloned().collect();
        assert_eq!(check(&gap, Some((h.0, &h.1))), Err(Break::Missing { from: 3, to: 4 }));
        let cut = &c[..4];
        assert_eq!(check(cut, Some((h.0, &h.1))), Err(Break::Head { head_seq: 6, last_seq: 4 }));
        assert_eq!(check(&c[..0], Some((h.0, &h.1))), Err(Break::Head { head_seq: 6, last_seq: 0 }));
        let first_gone = &c[1..];
        assert_eq!(check(first_gone, Some((h.0, &h.1))), Err(Break::Missing { from: 1, to: 1 }));
        assert_eq!(Break::Missing { from: 3, to: 4 }.to_string(), "records 3 to 4 are missing: they were deleted");
    }
}
