//! `POST /api/v1/users` and `PATCH /api/v1/users/{id}` (admin: create,
//! disable and enable, rename, reset a password) and `GET /api/v1/users?role=`
//! (staff).

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::{Admin, Staff};
use crate::db::users;
use actix_web::web::{self, Json};
use actix_web::HttpResponse;
use antar_shared::wire::ProblemDetails;
use antar_shared::wire::{Items, NewUser, Role, User, UserChange};
use serde::Deserialize;

fn check_password(password: &str) -> Result<(), ApiError> {
    if password.chars().count() < 10 {
        return Err(ApiError::field("password", "at least 10 characters"));
    }
    Ok(())
}

fn check(body: &NewUser) -> Result<(), ApiError> {
    let name_ok = (3..=64).contains(&body.username.len())
        && body.username.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !name_ok {
        return Err(ApiError::field("username", "3–64 letters, digits, '.', '_' or '-'"));
    }
    check_password(&body.password)?;
    if body.display_name.trim().is_empty() {
        return Err(ApiError::field("display_name", "must not be blank"));
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", security(("bearer" = [])), request_body = NewUser, responses((status = 201, body = User), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 409, description = "conflicts with the card's custody or a route", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn create(state: web::Data<AppState>, admin: Admin, body: Json<NewUser>) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    check(&body)?;
    let user = state
        .audited(
            &admin,
            "user.create",
            move |conn, office| {
                if users::by_username(conn, &body.username)?.is_some() {
                    return Err(ApiError::Conflict(format!("username '{}' is taken", body.username)));
                }
                crate::bootstrap::create_user(
                    conn,
                    &office.id,
                    &body.username,
                    &body.password,
                    body.role.as_str(),
                    body.display_name.trim(),
                )
                .map_err(|e| ApiError::Internal(e.to_string()))
            },
            |u: &users::UserRow| {
                (format!("user:{}", u.id), serde_json::json!({"username": u.username, "role": u.role}))
            },
        )
        .await?;
    Ok(HttpResponse::Created().json(user.to_wire()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
pub struct ListQuery {
    pub role: Option<Role>,
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])), params(ListQuery), responses((status = 200, body = Items<User>), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn list(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<ListQuery>,
) -> Result<Json<Items<User>>, ApiError> {
    let role = q.role;
    let rows = state.db(move |conn| Ok(users::list(conn, &staff.office_id, role)?)).await?;
    Ok(Json(Items { items: rows.iter().map(users::UserRow::to_wire).collect() }))
}

/// Disables or enables a user, renames them, sets a new password or role.
/// Disabling, a new password and a new role end the user's sessions at
/// once: their access tokens are refused on their next call and their
/// refresh tokens are revoked. An admin cannot disable themselves or take
/// away their own admin role.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])), params(("id" = String, Path)), request_body = UserChange, responses((status = 200, body = User), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json"), (status = 422, description = "well-formed, but the server cannot act on it (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn change(
    state: web::Data<AppState>,
    admin: Admin,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<Json<User>, ApiError> {
    let (id, body) = (id.into_inner(), super::error::object_json::<UserChange>(&body)?);
    if let Some(p) = &body.password {
        check_password(p)?;
    }
    let name = body.display_name.as_deref().map(str::trim);
    if name.is_some_and(str::is_empty) {
        return Err(ApiError::field("display_name", "must not be blank"));
    }
    if body.disabled == Some(true) && id == admin.id {
        return Err(ApiError::unprocessable("disabled", "an admin cannot disable their own account"));
    }
    if body.role.is_some_and(|r| r != Role::Admin) && id == admin.id {
        return Err(ApiError::unprocessable("role", "an admin cannot take away their own admin role"));
    }
    let name = name.map(str::to_owned);
    // What changed, never the password itself.
    let detail = serde_json::json!({
        "disabled": body.disabled, "display_name": name, "password_reset": body.password.is_some(),
        "role": body.role,
    });
    // Hashing is slow on purpose: off the request threads, and before the
    // transaction so the write lock is not held meanwhile.
    let hash = match body.password.clone() {
        Some(p) => Some(web::block(move || crate::auth::password::hash(&p)).await?.map_err(ApiError::Internal)?),
        None => None,
    };
    let user = state
        .audited(
            &admin,
            "user.change",
            move |conn, office| {
                if users::in_office(conn, &office.id, &id)?.is_none() {
                    return Err(ApiError::not_found("user"));
                }
                let change = users::Change {
                    disabled: body.disabled,
                    display_name: name.as_deref(),
                    password_hash: hash.as_deref(),
                    role: body.role,
                };
                users::update(conn, &id, &change)?;
                if change.ends_sessions() {
                    crate::db::tokens::revoke_user(conn, &id)?;
                }
                users::in_office(conn, &office.id, &id)?.ok_or_else(|| ApiError::not_found("user"))
            },
            move |u: &users::UserRow| (format!("user:{}", u.id), detail),
        )
        .await?;
    Ok(Json(user.to_wire()))
}
