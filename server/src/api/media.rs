//! `PUT /api/v1/media/{sha256}` (courier): a proof image, content-addressed.
//! `GET /api/v1/media/{sha256}` (staff): view it.

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::{Courier, Staff};
use crate::db::{self, media as rows};
use crate::domain::media::{self, MAX_BYTES};
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use antar_shared::wire::ProblemDetails;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

#[utoipa::path(put, path = "/api/v1/media/{sha256}", tag = "courier", security(("bearer" = [])), params(("sha256" = String, Path, pattern = "^[0-9a-f]{64}$")), request_body(content = Vec<u8>, content_type = "image/jpeg"), responses((status = 201, description = "stored"), (status = 200, description = "already stored"), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 413, description = "body too large", body = ProblemDetails, content_type = "application/problem+json"), (status = 422, description = "unprocessable content", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn put(
    state: web::Data<AppState>,
    courier: Courier,
    sha: web::Path<String>,
    mut body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let sha = sha.into_inner();
    if !media::is_sha256(&sha) {
        return Err(ApiError::field("sha256", "64 lowercase hex digits"));
    }
    let mut bytes = Vec::new();
    let mut hasher = Sha256::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest(format!("reading the upload: {e}")))?;
        if bytes.len() + chunk.len() > MAX_BYTES {
            return Err(ApiError::PayloadTooLarge(format!("images up to {} MB", MAX_BYTES / 1024 / 1024)));
        }
        hasher.update(&chunk);
        bytes.extend_from_slice(&chunk);
    }
    if hex::encode(hasher.finalize()) != sha {
        return Err(ApiError::Unprocessable {
            code: "hash_mismatch",
            detail: "the body's SHA-256 is not the one in the path (a broken upload?)".into(),
            errors: vec![],
        });
    }
    let (content_type, bytes) = web::block(move || (media::check_image(&bytes), bytes)).await?;
    let content_type =
        content_type.map_err(|detail| ApiError::Unprocessable { code: "unsupported_media", detail, errors: vec![] })?;
    let target = media::path(&state.config.media_dir(), &courier.office_id, &sha);
    let created = state
        .db(move |conn| {
            if rows::get(conn, &courier.office_id, &sha)?.is_some() {
                return Ok(false);
            }
            media::store(&target, &bytes).map_err(|e| ApiError::Internal(format!("storing media: {e}")))?;
            // Queued with the other writers (see `db::write_tx`). The same
            // photo stored at once through another server is a unique
            // violation: theirs is ours, byte for byte.
            let stored = db::write_tx(conn, |conn| {
                rows::insert(
                    conn,
                    &rows::MediaRow {
                        office_id: courier.office_id.clone(),
                        sha256: sha,
                        content_type: content_type.to_owned(),
                        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                        uploaded_by: courier.id.clone(),
                        created_at: db::now(),
                    },
                )
            });
            match stored {
                Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
                    Ok(false)
                }
                other => other.map(|_| true).map_err(ApiError::from),
            }
        })
        .await?;
    Ok(if created { HttpResponse::Created() } else { HttpResponse::Ok() }.json(serde_json::json!({ "stored": true })))
}

#[utoipa::path(get, path = "/api/v1/media/{sha256}", tag = "cards", security(("bearer" = [])), params(("sha256" = String, Path, pattern = "^[0-9a-f]{64}$")), responses((status = 200, description = "the image", content_type = "image/jpeg"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 404, description = "not found (or another office's)", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn get(state: web::Data<AppState>, staff: Staff, sha: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let sha = sha.into_inner();
    if !media::is_sha256(&sha) {
        return Err(ApiError::not_found("media"));
    }
    let office = staff.office_id.clone();
    let (s, o) = (sha.clone(), office.clone());
    let row = state.db(move |conn| Ok(rows::get(conn, &o, &s)?)).await?.ok_or_else(|| ApiError::not_found("media"))?;
    let bytes = web::block({
        let path = media::path(&state.config.media_dir(), &office, &sha);
        move || std::fs::read(path)
    })
    .await?
    .map_err(|e| ApiError::Internal(format!("reading media: {e}")))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, row.content_type))
        // Shown as an image or not at all: never run as a page.
        .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=31536000, immutable"))
        .body(bytes))
}
