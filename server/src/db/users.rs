//! Users of an office: admins, staff and couriers.

use super::schema::users;
use super::DbConnection;
use antar_shared::wire::{self, Role};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub office_id: String,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub display_name: String,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    /// Bumped whenever the user's sessions must end (a new password or
    /// role, disabled): access tokens of an earlier epoch are refused.
    pub session_epoch: i32,
}

impl UserRow {
    pub fn role(&self) -> Role {
        // The column's CHECK constraint admits only the three roles.
        Role::parse(&self.role).unwrap_or(Role::Courier)
    }

    pub fn to_wire(&self) -> wire::User {
        wire::User {
            id: self.id.clone(),
            username: self.username.clone(),
            role: self.role(),
            display_name: self.display_name.clone(),
            disabled: self.disabled,
        }
    }
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// The user with this username, whatever its case (a unique index on the
/// lower-cased name keeps it one person).
pub fn by_username(conn: &mut DbConnection, username: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(lower(users::username).eq(username.to_lowercase()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn by_id(conn: &mut DbConnection, id: &str) -> QueryResult<Option<UserRow>> {
    users::table.find(id).select(UserRow::as_select()).first(conn).optional()
}

/// A user of the given office, or none (never another office's).
pub fn in_office(conn: &mut DbConnection, office_id: &str, id: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::id.eq(id).and(users::office_id.eq(office_id)))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// Display names of these users, by id.
pub fn names(conn: &mut DbConnection, ids: &[String]) -> QueryResult<std::collections::HashMap<String, String>> {
    let rows: Vec<(String, String)> =
        users::table.filter(users::id.eq_any(ids)).select((users::id, users::display_name)).load(conn)?;
    Ok(rows.into_iter().collect())
}

pub fn insert(conn: &mut DbConnection, user: &UserRow) -> QueryResult<()> {
    diesel::insert_into(users::table).values(user).execute(conn).map(drop)
}

pub fn list(conn: &mut DbConnection, office_id: &str, role: Option<Role>) -> QueryResult<Vec<UserRow>> {
    let mut q = users::table.filter(users::office_id.eq(office_id)).into_boxed();
    if let Some(role) = role {
        q = q.filter(users::role.eq(role.as_str()));
    }
    q.order(users::username.asc()).select(UserRow::as_select()).load(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

/// An admin's change to a user: the new state of each field given (a
/// password as its hash).
#[derive(Debug, Default)]
pub struct Change<'a> {
    pub disabled: Option<bool>,
    pub display_name: Option<&'a str>,
    pub password_hash: Option<&'a str>,
    pub role: Option<Role>,
}

impl Change<'_> {
    /// Whether the change ends the user's sessions: anything that changes
    /// what the user may do or how they prove who they are.
    pub fn ends_sessions(&self) -> bool {
        self.disabled == Some(true) || self.password_hash.is_some() || self.role.is_some()
    }
}

/// Applies an admin's change to a user; one that ends the user's sessions
/// moves them to a new epoch, so their access tokens are refused from the
/// next call on.
pub fn update(conn: &mut DbConnection, id: &str, change: &Change<'_>) -> QueryResult<()> {
    let target = users::table.find(id);
    if let Some(d) = change.disabled {
        diesel::update(target).set(users::disabled.eq(d)).execute(conn)?;
    }
    if let Some(name) = change.display_name {
        diesel::update(target).set(users::display_name.eq(name)).execute(conn)?;
    }
    if let Some(hash) = change.password_hash {
        diesel::update(target).set(users::password_hash.eq(hash)).execute(conn)?;
    }
    if let Some(role) = change.role {
        diesel::update(target).set(users::role.eq(role.as_str())).execute(conn)?;
    }
    if change.ends_sessions() {
        diesel::update(target).set(users::session_epoch.eq(users::session_epoch + 1)).execute(conn)?;
    }
    Ok(())
}
