//! `POST /api/v1/cards/import[?dry_run=true]`: a raw CSV body, streamed.

use super::error::ApiError;
use crate::app::AppState;
use crate::auth::Staff;
use crate::db::{self, offices};
use crate::domain::import::{self, ChannelReader};
use actix_web::web::{self, Json};
use antar_shared::wire::ImportReport;
use antar_shared::wire::ProblemDetails;
use futures_util::StreamExt;
use serde::Deserialize;

/// Far above the largest real batch (100,000 rows is ~15 MB).
const MAX_BODY: usize = 256 * 1024 * 1024;

#[derive(Debug, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
pub struct ImportQuery {
    #[serde(default)]
    pub dry_run: bool,
}

#[utoipa::path(post, path = "/api/v1/cards/import", tag = "cards", security(("bearer" = [])), params(ImportQuery), request_body(content = String, content_type = "text/csv", description = "the print batch, streamed"), responses((status = 200, body = ImportReport), (status = 400, description = "invalid request (the field and the reason)", body = ProblemDetails, content_type = "application/problem+json"), (status = 401, description = "no valid token", body = ProblemDetails, content_type = "application/problem+json"), (status = 403, description = "not allowed for this role", body = ProblemDetails, content_type = "application/problem+json"), (status = 413, description = "body too large", body = ProblemDetails, content_type = "application/problem+json"), (status = 422, description = "unprocessable content", body = ProblemDetails, content_type = "application/problem+json")))]
pub async fn import(
    state: web::Data<AppState>,
    staff: Staff,
    q: web::Query<ImportQuery>,
    mut body: web::Payload,
) -> Result<Json<ImportReport>, ApiError> {
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    let dry_run = q.dry_run;
    let pool = state.pool.clone();
    let office_id = staff.office_id.clone();
    let worker = web::block(move || {
        let mut conn = pool.get().map_err(db::DbError::from)?;
        let mut writer = pool.get().map_err(db::DbError::from)?;
        let office = offices::get(&mut conn, &office_id)?;
        import::import(&mut conn, &mut writer, &office, ChannelReader::new(rx), dry_run)
    });
    let mut received = 0usize;
    let mut too_large = false;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| e.to_string());
        if let Ok(c) = &chunk {
            received += c.len();
            if received > MAX_BODY {
                too_large = true;
                let _ = tx.send(Err("body too large".into())).await;
                break;
            }
        }
        if tx.send(chunk).await.is_err() {
            // The worker stopped early (a missing column): its answer says why.
            break;
        }
    }
    drop(tx);
    let report = worker.await?;
    if too_large {
        return Err(ApiError::PayloadTooLarge(format!("the file is over {} MB", MAX_BODY / 1024 / 1024)));
    }
    let report = report?;
    if !dry_run {
        use crate::metrics::Metrics;
        Metrics::count(&state.metrics.import_rows, "imported", report.imported);
        Metrics::count(&state.metrics.import_rows, "duplicate", report.duplicates);
        Metrics::count(&state.metrics.import_rows, "rejected", report.rejected);
        // The rows are written batch by batch as they stream in, each batch
        // its own transaction; the import's record follows its last one.
        let detail = serde_json::json!({
            "imported": report.imported, "duplicates": report.duplicates, "rejected": report.rejected,
        });
        let (office_id, actor) = (staff.office_id.clone(), staff.id.clone());
        state
            .db(move |conn| {
                let entry = db::audit::Entry {
                    office_id: &office_id,
                    actor_id: &actor,
                    action: "cards.import",
                    target: "print_batch".into(),
                    detail,
                };
                Ok(db::audit::append(conn, &entry)?)
            })
            .await?;
    }
    Ok(Json(report))
}
