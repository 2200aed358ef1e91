//! The one error type of the HTTP API, answered as `application/problem+json`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use antar_shared::codes::problem as code;
use antar_shared::wire::{FieldError, ProblemDetails};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{detail}")]
    Validation { detail: String, errors: Vec<FieldError> },
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Gone(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{detail}")]
    TooManyRequests { detail: String, retry_after_secs: u64 },
    #[error("{detail}")]
    Unprocessable { code: &'static str, detail: String, errors: Vec<FieldError> },
    #[error("{0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn field(field: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError::Validation {
            detail: format!("{field}: {message}"),
            errors: vec![FieldError { field: field.into(), message }],
        }
    }

    /// A well-formed request the server cannot act on (an unknown courier,
    /// a reason a void needs): 422 naming the field. 400 is kept for what
    /// the OpenAPI schema itself rules out.
    pub fn unprocessable(field: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError::Unprocessable {
            code: code::UNPROCESSABLE,
            detail: format!("{field}: {message}"),
            errors: vec![FieldError { field: field.into(), message }],
        }
    }

    pub fn not_found(what: &str) -> ApiError {
        ApiError::NotFound(format!("{what} not found"))
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            ApiError::Validation { .. } | ApiError::BadRequest(_) => {
                (StatusCode::BAD_REQUEST, code::VALIDATION, "Invalid request")
            }
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, code::UNAUTHORIZED, "Unauthorized"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, code::FORBIDDEN, "Forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, code::NOT_FOUND, "Not found"),
            ApiError::MethodNotAllowed(_) => {
                (StatusCode::METHOD_NOT_ALLOWED, code::METHOD_NOT_ALLOWED, "Method not allowed")
            }
            ApiError::Conflict(_) => (StatusCode::CONFLICT, code::CONFLICT, "Conflict"),
            ApiError::Gone(_) => (StatusCode::GONE, code::GONE, "Gone"),
            ApiError::PayloadTooLarge(_) => {
                (StatusCode::PAYLOAD_TOO_LARGE, code::PAYLOAD_TOO_LARGE, "Payload too large")
            }
            ApiError::TooManyRequests { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, code::TOO_MANY_REQUESTS, "Too many requests")
            }
            ApiError::Unprocessable { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, code, "Unprocessable content"),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, code::UNAVAILABLE, "Service unavailable"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, code::INTERNAL, "Internal server error"),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, code, title) = self.parts();
        let detail = match self {
            // The cause goes to the log, not to the client.
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                "something went wrong on the server".to_owned()
            }
            other => other.to_string(),
        };
        let errors = match self {
            ApiError::Validation { errors, .. } | ApiError::Unprocessable { errors, .. } => errors.clone(),
            _ => Vec::new(),
        };
        let body = ProblemDetails {
            type_: format!("https://antar.invalid/problems/{code}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            code: code.to_owned(),
            errors,
        };
        let mut res = HttpResponse::build(status);
        res.content_type("application/problem+json");
        match self {
            ApiError::TooManyRequests { retry_after_secs, .. } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::Unavailable(_) => {
                res.insert_header((header::RETRY_AFTER, RETRY_AFTER_UNAVAILABLE.to_string()));
            }
            _ => {}
        }
        if status == StatusCode::UNAUTHORIZED {
            res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        res.json(body)
    }
}

/// Seconds a client should wait before retrying while the database is away.
pub const RETRY_AFTER_UNAVAILABLE: u64 = 5;

/// Whether a database error means the database is away for now (restarting,
/// the connection cut, SQLite busy) rather than a fault in the request.
fn database_away(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind as K, Error};
    match e {
        Error::DatabaseError(K::ClosedConnection | K::UnableToSendCommand, _) => true,
        Error::DatabaseError(_, info) => {
            let m = info.message();
            [
                "terminating connection",
                "the database system is",
                "not currently accepting connections",
                "server closed the connection",
                "database is locked",
            ]
            .iter()
            .any(|s| m.contains(s))
        }
        _ => false,
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => ApiError::NotFound("not found".into()),
            other if database_away(&other) => ApiError::Unavailable(format!(
                "database unavailable, retry shortly / basis data sedang tidak tersedia: {other}"
            )),
            other => ApiError::Internal(format!("database: {other}")),
        }
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(e: crate::db::DbError) -> Self {
        match e {
            crate::db::DbError::Pool(p) => ApiError::Unavailable(format!("database busy or unreachable: {p}")),
            crate::db::DbError::Query(q) => q.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::Internal(format!("blocking task: {e}"))
    }
}

/// Turns serde's message into the field it names, for problem+json.
pub fn field_from_serde(message: &str) -> String {
    let between = |open: char, close: char| {
        let start = message.find(open)? + open.len_utf8();
        let end = message[start..].find(close)? + start;
        Some(message[start..end].to_owned())
    };
    if message.contains("missing field") || message.contains("unknown field") || message.contains("unknown variant") {
        if let Some(f) = between('`', '`') {
            return f;
        }
    }
    "body".to_owned()
}

/// 405 for a method a path does not take, naming the ones it does.
pub async fn method_not_allowed(allow: &'static [&'static str]) -> actix_web::HttpResponse {
    let allowed: Vec<String> = allow.iter().map(|m| m.to_ascii_uppercase()).collect();
    let mut res = ApiError::MethodNotAllowed(format!("this path takes {}", allowed.join(", "))).error_response();
    if let Ok(value) = header::HeaderValue::from_str(&allowed.join(", ")) {
        res.headers_mut().insert(header::ALLOW, value);
    }
    res
}

/// A JSON body that may be left out: empty means the type's default.
pub fn optional_json<T: serde::de::DeserializeOwned + Default>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) || body.trim_ascii() == b"null" {
        return Ok(T::default());
    }
    object_json(body)
}

/// A JSON object body. serde would also take a struct written as an array
/// of its fields (`[null, null]`), which the schema does not allow.
pub fn object_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if !body.trim_ascii_start().starts_with(b"{") {
        return Err(ApiError::field("body", "must be a JSON object"));
    }
    serde_json::from_slice(body).map_err(|e| {
        let msg = e.to_string();
        ApiError::field(&field_from_serde(&msg), msg)
    })
}

/// Error handlers so malformed JSON, queries and paths answer problem+json.
pub fn json_config() -> actix_web::web::JsonConfig {
    actix_web::web::JsonConfig::default().limit(2 * 1024 * 1024).error_handler(|err, _req| {
        use actix_web::error::JsonPayloadError;
        let api = match &err {
            JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
                ApiError::PayloadTooLarge(err.to_string())
            }
            JsonPayloadError::ContentType => ApiError::field("content-type", "expected application/json"),
            JsonPayloadError::Deserialize(de) => {
                let msg = de.to_string();
                ApiError::field(&field_from_serde(&msg), msg)
            }
            other => ApiError::BadRequest(other.to_string()),
        };
        api.into()
    })
}

pub fn query_config() -> actix_web::web::QueryConfig {
    actix_web::web::QueryConfig::default().error_handler(|err, _req| {
        let msg = err.to_string();
        ApiError::field(&field_from_serde(&msg), msg).into()
    })
}

pub fn path_config() -> actix_web::web::PathConfig {
    actix_web::web::PathConfig::default().error_handler(|err, _req| ApiError::NotFound(err.to_string()).into())
}

/// A page number and size from a query, checked: pages 1–100,000 of 1–100.
pub fn paging(page: Option<i64>, per_page: Option<i64>) -> Result<(i64, i64), ApiError> {
    let (page, per_page) = (page.unwrap_or(1), per_page.unwrap_or(50));
    if !(1..=100_000).contains(&page) {
        return Err(ApiError::field("page", "between 1 and 100000"));
    }
    if !(1..=100).contains(&per_page) {
        return Err(ApiError::field("per_page", "between 1 and 100"));
    }
    Ok((page, per_page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_database_connection_answers_503_with_retry_after() {
        use diesel::result::{DatabaseErrorKind, Error};
        let cut = Error::DatabaseError(DatabaseErrorKind::ClosedConnection, Box::new("server closed".to_owned()));
        let restarting = Error::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("terminating connection due to administrator command".to_owned()),
        );
        for e in [cut, restarting] {
            let res = ApiError::from(e).error_response();
            assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(res.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()), Some("5"));
        }
        let bug = Error::DatabaseError(DatabaseErrorKind::Unknown, Box::new("syntax error".to_owned()));
        assert_eq!(ApiError::from(bug).status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn serde_messages_name_the_field() {
        assert_eq!(field_from_serde("missing field `username` at line 1 column 2"), "username");
        assert_eq!(field_from_serde("expected value at line 1 column 1"), "body");
    }
}
