//! The notification outbox and its attempts.

use super::schema::{notification_attempts, notifications};
use super::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: String,
    pub office_id: String,
    pub card_id: String,
    pub moment: String,
    /// The event or route behind the message: one per (card, moment, cause).
    pub cause: String,
    pub channel: String,
    pub status: String,
    /// Normalised (`628…`); `None` when the card has no usable number.
    pub phone: Option<String>,
    /// The resident link's token the message carries.
    pub link_token: Option<String>,
    /// JSON object: the template's values, fixed when the event happened.
    pub vars: String,
    pub message: Option<String>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = notification_attempts)]
pub struct AttemptRow {
    pub notification_id: String,
    pub attempt: i32,
    pub at: NaiveDateTime,
    pub http_status: Option<i32>,
    pub error: Option<String>,
}

/// Writes the messages, leaving out any whose (card, moment, cause) is
/// already queued: a resent sync or a re-fold never queues a second. One
/// look-up and one insert for the lot; the caller holds the cards' locks,
/// so the look-up cannot race.
pub fn insert_new(conn: &mut DbConnection, rows: Vec<NotificationRow>) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    let causes: Vec<&str> = rows.iter().map(|r| r.cause.as_str()).collect();
    let cards: Vec<&str> = rows.iter().map(|r| r.card_id.as_str()).collect();
    // By card first: the unique index (card_id, moment, cause) serves it.
    let existing: std::collections::HashSet<(String, String, String)> = notifications::table
        .filter(notifications::card_id.eq_any(&cards))
        .filter(notifications::cause.eq_any(&causes))
        .select((notifications::card_id, notifications::moment, notifications::cause))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .collect();
    let fresh: Vec<NotificationRow> = rows
        .into_iter()
        .filter(|r| !existing.contains(&(r.card_id.clone(), r.moment.clone(), r.cause.clone())))
        .collect();
    match conn {
        DbConnection::Postgres(c) => diesel::insert_into(notifications::table).values(&fresh).execute(c),
        DbConnection::Sqlite(c) => diesel::insert_into(notifications::table).values(&fresh).execute(c),
    }
}

/// The newest link token each card's messages carried.
pub fn last_link_tokens(
    conn: &mut DbConnection,
    card_ids: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    if card_ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(String, Option<String>)> = notifications::table
        .filter(notifications::card_id.eq_any(card_ids))
        .filter(notifications::link_token.is_not_null())
        .order(notifications::created_at.asc())
        .select((notifications::card_id, notifications::link_token))
        .load(conn)?;
    // Later rows overwrite earlier: the newest wins.
    Ok(rows.into_iter().filter_map(|(card, token)| Some((card, token?))).collect())
}

pub fn get(conn: &mut DbConnection, office_id: &str, id: &str) -> QueryResult<Option<NotificationRow>> {
    notifications::table
        .filter(notifications::office_id.eq(office_id))
        .filter(notifications::id.eq(id))
        .select(NotificationRow::as_select())
        .first(conn)
        .optional()
}

pub fn list(
    conn: &mut DbConnection,
    office_id: &str,
    status: Option<&str>,
    card_id: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<NotificationRow>, i64)> {
    let filtered = || {
        let mut q = notifications::table.filter(notifications::office_id.eq(office_id.to_owned())).into_boxed();
        if let Some(s) = status {
            q = q.filter(notifications::status.eq(s.to_owned()));
        }
        if let Some(c) = card_id {
            q = q.filter(notifications::card_id.eq(c.to_owned()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let items = filtered()
        .order((notifications::created_at.desc(), notifications::id.asc()))
        .limit(limit)
        .offset(offset)
        .select(NotificationRow::as_select())
        .load(conn)?;
    Ok((items, total))
}

/// Counts by status of the office's messages queued in [from, to).
pub fn counts(
    conn: &mut DbConnection,
    office_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(String, i64)>> {
    notifications::table
        .filter(notifications::office_id.eq(office_id))
        .filter(notifications::created_at.ge(from))
        .filter(notifications::created_at.lt(to))
        .group_by(notifications::status)
        .select((notifications::status, diesel::dsl::count_star()))
        .load(conn)
}

/// The messages the dispatcher should send now: pending, not `manual`,
/// due, and not held by a live claim.
#[diesel::dsl::auto_type]
fn due(now: NaiveDateTime) -> _ {
    let pending: &'static str = "pending";
    let manual: &'static str = "manual";
    notifications::table
        .filter(notifications::status.eq(pending))
        .filter(notifications::channel.ne(manual))
        .filter(notifications::next_attempt_at.le(now))
        .filter(notifications::claimed_until.is_null().or(notifications::claimed_until.le(now)))
}

/// Claims up to `limit` due messages for `lease`: each is taken by one
/// dispatcher, even with several servers on one PostgreSQL (`FOR UPDATE
/// SKIP LOCKED`: a row another server is claiming is passed over, not
/// waited on). A claim that outlives its lease (a server killed mid-send)
/// is due again — and is sent with the same id, which the gateway sees.
pub fn claim_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease: chrono::Duration,
    limit: i64,
) -> QueryResult<Vec<NotificationRow>> {
    // A plain read first: most rounds find nothing, and on SQLite a claim
    // takes the write lock.
    let any_due = due(now).select(notifications::id).first::<String>(conn).optional()?.is_some();
    if !any_due {
        return Ok(Vec::new());
    }
    super::write_tx(conn, |conn| {
        let first = || due(now).order(notifications::next_attempt_at.asc()).limit(limit);
        let rows: Vec<NotificationRow> = match conn {
            DbConnection::Postgres(pg) => {
                first().for_update().skip_locked().select(NotificationRow::as_select()).load(pg)?
            }
            DbConnection::Sqlite(lite) => first().select(NotificationRow::as_select()).load(lite)?,
        };
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        diesel::update(notifications::table.filter(notifications::id.eq_any(&ids)))
            .set(notifications::claimed_until.eq(Some(now + lease)))
            .execute(conn)?;
        Ok(rows)
    })
}

/// What one attempt came to.
pub enum Outcome<'a> {
    Sent { message: &'a str },
    Retry { error: &'a str, at: NaiveDateTime },
    Failed { error: &'a str },
}

/// Records an attempt and its outcome, releasing the claim.
pub fn record(
    conn: &mut DbConnection,
    row: &NotificationRow,
    http_status: Option<i32>,
    outcome: Outcome<'_>,
) -> QueryResult<()> {
    let now = super::now();
    super::write_tx(conn, |conn| {
        let attempt = row.attempts + 1;
        let error = match &outcome {
            Outcome::Sent { .. } => None,
            Outcome::Retry { error, .. } | Outcome::Failed { error } => Some((*error).to_owned()),
        };
        diesel::insert_into(notification_attempts::table)
            .values(&AttemptRow {
                notification_id: row.id.clone(),
                attempt,
                at: now,
                http_status,
                error: error.clone(),
            })
            .execute(conn)?;
        let target = notifications::table.find(&row.id);
        let common = (notifications::attempts.eq(attempt), notifications::claimed_until.eq(None::<NaiveDateTime>));
        match outcome {
            Outcome::Sent { message } => diesel::update(target)
                .set((
                    common,
                    notifications::status.eq("sent"),
                    notifications::message.eq(Some(message)),
                    notifications::sent_at.eq(Some(now)),
                    notifications::last_error.eq(None::<String>),
                ))
                .execute(conn)?,
            Outcome::Retry { at, .. } => diesel::update(target)
                .set((common, notifications::next_attempt_at.eq(at), notifications::last_error.eq(error)))
                .execute(conn)?,
            Outcome::Failed { .. } => diesel::update(target)
                .set((common, notifications::status.eq("failed"), notifications::last_error.eq(error)))
                .execute(conn)?,
        };
        Ok(())
    })
}

/// Puts a claimed message back until `at` (quiet hours), no attempt made.
pub fn postpone(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(notifications::table.find(id))
        .set((notifications::next_attempt_at.eq(at), notifications::claimed_until.eq(None::<NaiveDateTime>)))
        .execute(conn)
        .map(drop)
}

/// Staff send a failed message again: due now, its attempts kept.
pub fn retry(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::update(notifications::table.find(id).filter(notifications::status.eq("failed")))
        .set((
            notifications::status.eq("pending"),
            notifications::next_attempt_at.eq(super::now()),
            notifications::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(drop)
}

/// Marks a `manual` message sent by the person who tapped it.
pub fn mark_sent(conn: &mut DbConnection, id: &str, message: &str) -> QueryResult<()> {
    diesel::update(notifications::table.find(id).filter(notifications::status.eq("pending")))
        .set((
            notifications::status.eq("sent"),
            notifications::message.eq(Some(message)),
            notifications::sent_at.eq(Some(super::now())),
        ))
        .execute(conn)
        .map(drop)
}

pub fn attempts(conn: &mut DbConnection, id: &str) -> QueryResult<Vec<AttemptRow>> {
    notification_attempts::table
        .filter(notification_attempts::notification_id.eq(id))
        .order(notification_attempts::attempt.asc())
        .select(AttemptRow::as_select())
        .load(conn)
}

/// How many messages wait to go, over every office, and since when the
/// oldest has waited.
pub fn outbox_depth(conn: &mut DbConnection) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    use diesel::dsl::{count_star, min};
    notifications::table
        .filter(notifications::status.eq("pending"))
        .select((count_star(), min(notifications::created_at)))
        .first(conn)
}
