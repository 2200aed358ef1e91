//! Sessions: login, and refresh-token rotation with reuse detection.
//!
//! Every refresh spends the presented token and makes a successor in the same
//! family. A spent token presented again within [`REUSE_GRACE_SECS`] gets the
//! same successor back (the phone lost the answer on a flaky link); later, it
//! is taken as stolen and the whole family is revoked.

use super::{password, Keys, ACCESS_TTL_SECS, REFRESH_TTL_DAYS};
use crate::api::error::ApiError;
use crate::db::{self, tokens, users, DbConnection};
use antar_shared::wire::TokenPair;

pub const REUSE_GRACE_SECS: i64 = 60;

fn unauthorized() -> ApiError {
    ApiError::Unauthorized("invalid username or password".into())
}

pub fn login(conn: &mut DbConnection, keys: &Keys, username: &str, pass: &str) -> Result<TokenPair, ApiError> {
    let Some(user) = users::by_username(conn, username.trim())? else {
        password::verify_dummy(pass);
        return Err(unauthorized());
    };
    if !password::verify(pass, &user.password_hash) || user.disabled {
        return Err(unauthorized());
    }
    // Queued with the server's other writers (`write_tx`): on SQLite a lone
    // insert waits on the busy timeout's polling, and while others write
    // back to back it starved past the timeout (logins under load got 503).
    let id = db::write_tx(conn, |conn| issue(conn, keys, &user.id, &db::new_id(), db::now()))?;
    pair(keys, &user, &id)
}

/// Stores a new refresh token of the family (only its hash); returns its id.
fn issue(
    conn: &mut DbConnection,
    keys: &Keys,
    user_id: &str,
    family_id: &str,
    now: chrono::NaiveDateTime,
) -> Result<String, ApiError> {
    let id = db::new_id();
    tokens::insert(
        conn,
        &tokens::RefreshRow {
            id: id.clone(),
            user_id: user_id.to_owned(),
            family_id: family_id.to_owned(),
            token_hash: super::sha256_hex(keys.refresh_token(&id).as_bytes()),
            created_at: now,
            expires_at: now + chrono::Duration::days(REFRESH_TTL_DAYS),
            spent_at: None,
            successor_id: None,
            revoked: false,
        },
    )?;
    Ok(id)
}

fn pair(keys: &Keys, user: &users::UserRow, refresh_id: &str) -> Result<TokenPair, ApiError> {
    let access = keys
        .access_token(&user.id, &user.office_id, user.role(), user.session_epoch)
        .map_err(|e| ApiError::Internal(format!("signing token: {e}")))?;
    Ok(TokenPair {
        access_token: access,
        refresh_token: keys.refresh_token(refresh_id),
        expires_in: ACCESS_TTL_SECS,
        user: user.to_wire(),
    })
}

/// Whether `presented` is a refresh token this server made (its MAC
/// checks). Compared as hashes, so the comparison's timing tells nothing of
/// the MAC.
fn genuine(keys: &Keys, presented: &str) -> bool {
    presented.split_once('.').is_some_and(|(id, _)| {
        super::sha256_hex(keys.refresh_token(id).as_bytes()) == super::sha256_hex(presented.as_bytes())
    })
}

/// Ends the session `presented` belongs to: its family is revoked. A token
/// that is not genuine, unknown or already revoked ends nothing.
pub fn logout(conn: &mut DbConnection, keys: &Keys, presented: &str) -> Result<(), ApiError> {
    let presented = presented.trim();
    if !genuine(keys, presented) {
        return Ok(());
    }
    db::write_tx(conn, |conn| {
        if let Some(row) = tokens::by_hash(conn, &super::sha256_hex(presented.as_bytes()))? {
            tokens::revoke_family(conn, &row.family_id)?;
        }
        Ok(())
    })
}

pub fn refresh(conn: &mut DbConnection, keys: &Keys, presented: &str) -> Result<TokenPair, ApiError> {
    let invalid = || ApiError::Unauthorized("invalid or expired refresh token".into());
    let presented = presented.trim();
    if !genuine(keys, presented) {
        return Err(invalid());
    }
    // A reuse must commit the revocation and still answer 401, so the
    // transaction returns `None` for it rather than an error (which would
    // roll the revocation back).
    let issued = db::write_tx(conn, |conn| {
        let row = tokens::by_hash(conn, &super::sha256_hex(presented.as_bytes()))?.ok_or_else(invalid)?;
        let now = db::now();
        if row.revoked || row.expires_at < now {
            return Err(invalid());
        }
        let user = users::by_id(conn, &row.user_id)?.filter(|u| !u.disabled).ok_or_else(invalid)?;
        if let Some(spent_at) = row.spent_at {
            let within_grace = (now - spent_at).num_seconds() <= REUSE_GRACE_SECS;
            return match (&row.successor_id, within_grace) {
                (Some(successor), true) => pair(keys, &user, successor).map(Some),
                _ => {
                    tracing::warn!(user = %user.id, family = %row.family_id, "spent refresh token reused: family revoked");
                    tokens::revoke_family(conn, &row.family_id)?;
                    Ok(None)
                }
            };
        }
        let successor = issue(conn, keys, &user.id, &row.family_id, now)?;
        tokens::spend(conn, &row.id, now, &successor)?;
        pair(keys, &user, &successor).map(Some)
    })?;
    issued.ok_or_else(invalid)
}
