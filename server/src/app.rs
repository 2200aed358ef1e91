//! Application state, the HTTP app and the server's lifecycle.

use crate::api;
use crate::auth::Keys;
use crate::config::Config;
use crate::db::{self, Backend, DbConnection, Pool};
use crate::web_assets;
use actix_web::{middleware, web, App, HttpServer};
use std::sync::Arc;

pub struct AppState {
    pub pool: Pool,
    pub backend: Backend,
    pub keys: Keys,
    pub config: Arc<Config>,
    pub limits: crate::limits::Limits,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// SQLite's log checkpoints, while the app runs.
    pub checkpointer: Option<db::Checkpointer>,
    /// Sends residents' messages from the outbox, while the app runs.
    pub dispatcher: Option<crate::notify::dispatch::Dispatcher>,
}

impl AppState {
    /// Runs blocking database work off the async executor.
    pub async fn db<T, F>(&self, f: F) -> Result<T, api::error::ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, api::error::ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let metrics = self.metrics.clone();
        web::block(move || {
            let waited = std::time::Instant::now();
            let mut conn = pool.get().map_err(db::DbError::from)?;
            metrics.pool_wait_seconds.observe(waited.elapsed().as_secs_f64());
            f(&mut conn)
        })
        .await?
    }

    /// Runs blocking database work with the caller's office loaded first.
    pub async fn office_db<T, F>(&self, office_id: String, f: F) -> Result<T, api::error::ApiError>
    where
        F: FnOnce(&mut DbConnection, &db::offices::Office) -> Result<T, api::error::ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.db(move |conn| {
            let office = db::offices::get(conn, &office_id)?;
            f(conn, &office)
        })
        .await
    }

    /// Runs a staff or admin action with the caller's office loaded, and
    /// appends its audit record (`describe` gives the target and details
    /// from the outcome) in the same transaction: the record exists exactly
    /// when the action happened.
    pub async fn audited<T, F, D>(
        &self,
        who: &crate::auth::AuthUser,
        action: &'static str,
        f: F,
        describe: D,
    ) -> Result<T, api::error::ApiError>
    where
        F: FnOnce(&mut DbConnection, &db::offices::Office) -> Result<T, api::error::ApiError> + Send + 'static,
        D: FnOnce(&T) -> (String, serde_json::Value) + Send + 'static,
        T: Send + 'static,
    {
        let actor = who.id.clone();
        self.office_db(who.office_id.clone(), move |conn, office| {
            db::write_tx(conn, |conn| {
                let out = f(conn, office)?;
                let (target, detail) = describe(&out);
                let entry = db::audit::Entry { office_id: &office.id, actor_id: &actor, action, target, detail };
                db::audit::append(conn, &entry)?;
                Ok(out)
            })
        })
        .await
    }

    pub fn client_addr(&self, req: &actix_web::HttpRequest) -> String {
        crate::limits::client_addr(req, self.config.trust_proxy)
    }

    /// Counts a resident-link request from this client.
    pub fn resident_request(&self, req: &actix_web::HttpRequest) -> Result<(), api::error::ApiError> {
        self.limits.resident_addr.hit(&self.client_addr(req)).map_err(too_many)
    }

    /// The base of resident links.
    pub fn public_url(&self) -> String {
        self.config.public_url()
    }
}

/// Opens the database, migrates, makes the first office and admin, seeds
/// demo data when asked, and returns the state the app runs on.
pub fn prepare(config: Config) -> anyhow::Result<web::Data<AppState>> {
    crate::private_files::dir(&config.data_dir)
        .map_err(|e| anyhow::anyhow!("cannot create data dir {}: {e}", config.data_dir.display()))?;
    let (pool, backend) = db::connect(&config.database_url())?;
    let secret = crate::bootstrap::jwt_secret(&config)?;
    let mut conn = pool.get().map_err(db::DbError::from)?;
    crate::bootstrap::first_start(&mut conn, &config)?;
    if config.demo {
        let mut writer = pool.get().map_err(db::DbError::from)?;
        crate::demo::seed(&mut conn, &mut writer, &config)?;
    }
    drop(conn);
    let checkpointer = db::Checkpointer::start(&pool, &backend);
    let metrics = Arc::new(crate::metrics::Metrics::default());
    let dispatcher = crate::notify::dispatch::start(
        pool.clone(),
        crate::notify::dispatch::Settings {
            metrics: metrics.clone(),
            public_url: config.public_url(),
            poll: std::time::Duration::from_millis(config.notify_poll_ms.max(10)),
            first_retry: chrono::Duration::milliseconds(i64::try_from(config.notify_retry_ms).unwrap_or(30_000)),
            lease: std::time::Duration::from_millis(config.notify_lease_ms.max(100)),
        },
    );
    Ok(web::Data::new(AppState {
        backend,
        keys: Keys::new(&secret).map_err(|e| anyhow::anyhow!(e))?,
        config: Arc::new(config),
        limits: crate::limits::Limits::default(),
        metrics,
        checkpointer,
        dispatcher,
        pool,
    }))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(api::error::json_config())
        .app_data(api::error::query_config())
        .app_data(api::error::path_config())
        .configure(api::configure)
        .configure(web_assets::configure);
}

/// Binds and runs until SIGTERM/SIGINT; in-flight requests finish first.
pub fn server(state: web::Data<AppState>) -> anyhow::Result<(actix_web::dev::Server, Vec<std::net::SocketAddr>)> {
    let config = state.config.clone();
    let factory = move || {
        App::new()
            .app_data(state.clone())
            .wrap(middleware::Compress::default())
            // No answer is ever to be read as another type than it says.
            .wrap(middleware::DefaultHeaders::new().add((actix_web::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff")))
            .wrap(middleware::from_fn(crate::access_log::log_request))
            .configure(configure)
    };
    let mut builder = HttpServer::new(factory).shutdown_timeout(10);
    if let Some(n) = config.workers {
        builder = builder.workers(n.max(1));
    }
    let bound = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => builder.bind_rustls_0_23(&config.bind, crate::tls::server_config(cert, key)?),
        _ => builder.bind(&config.bind),
    }
    .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.bind))?;
    let addrs = bound.addrs();
    Ok((bound.run(), addrs))
}

pub fn too_many(retry_after_secs: u64) -> api::error::ApiError {
    api::error::ApiError::TooManyRequests {
        detail: format!("terlalu banyak percobaan, coba lagi dalam {retry_after_secs} detik / too many attempts, retry in {retry_after_secs} s"),
        retry_after_secs,
    }
}
