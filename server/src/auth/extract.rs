//! The logged-in user as an extractor, and one extractor per role.

use super::Claims;
use crate::api::error::ApiError;
use crate::app::AppState;
use crate::db::users;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use antar_shared::wire::Role;
use futures_util::future::LocalBoxFuture;

#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: String,
    pub office_id: String,
    pub role: Role,
}

impl From<Claims> for AuthUser {
    fn from(c: Claims) -> Self {
        AuthUser { id: c.sub, office_id: c.office, role: c.role }
    }
}

/// Checks the bearer token, then the account as it stands now: a user
/// disabled, moved, given another role or a new password since the token
/// was issued is refused (the token's session epoch is behind the
/// account's), not treated as the token remembers (one primary key look-up
/// per call; see BENCHMARKS.md).
async fn authenticate(req: HttpRequest) -> Result<AuthUser, ApiError> {
    let state =
        req.app_data::<web::Data<AppState>>().ok_or_else(|| ApiError::Internal("application state missing".into()))?;
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::Unauthorized("missing bearer token".into()))?;
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .ok_or_else(|| ApiError::Unauthorized("expected a bearer token".into()))?;
    let claims =
        state.keys.verify(token.trim()).map_err(|_| ApiError::Unauthorized("invalid or expired token".into()))?;
    let id = claims.sub.clone();
    let user = state.db(move |conn| Ok(users::by_id(conn, &id)?)).await?;
    match user {
        Some(u) if !u.disabled && u.office_id == claims.office && u.session_epoch == claims.sep => {
            Ok(AuthUser { role: u.role(), ..AuthUser::from(claims) })
        }
        _ => Err(ApiError::Unauthorized("this session has ended or the account is disabled or gone".into())),
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

macro_rules! role_extractor {
    ($name:ident, $allowed:expr, $what:literal) => {
        #[doc = concat!("A logged-in user allowed to act as ", $what, ".")]
        #[derive(Debug, Clone)]
        pub struct $name(pub AuthUser);

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let allowed: fn(Role) -> bool = $allowed;
                let req = req.clone();
                Box::pin(async move {
                    let u = authenticate(req).await?;
                    if allowed(u.role) {
                        Ok($name(u))
                    } else {
                        Err(ApiError::Forbidden(concat!("this call is for ", $what).into()))
                    }
                })
            }
        }

        impl std::ops::Deref for $name {
            type Target = AuthUser;
            fn deref(&self) -> &AuthUser {
                &self.0
            }
        }
    };
}

role_extractor!(Admin, |r| r == Role::Admin, "admins");
role_extractor!(Staff, Role::is_staff, "office staff");
role_extractor!(Courier, |r| r == Role::Courier, "couriers");
