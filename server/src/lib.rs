//! Antar's server: the HTTP API over SQLite or PostgreSQL, and the host of
//! the web app. `main.rs` is only the command line around [`run`].

pub mod access_log;
pub mod api;
pub mod app;
pub mod auth;
pub mod backup;
pub mod bootstrap;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod limits;
pub mod metrics;
pub mod notify;
pub mod print;
pub mod private_files;
pub mod tls;
pub mod web_assets;

pub use app::{prepare, server, AppState};
pub use config::{Cli, Command, Config};

/// Starts logging on standard error: human-readable lines, or with
/// `format` `json` one JSON object a line.
pub fn init_logging(filter: &str, format: &str) {
    let filter =
        tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let log = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if format == "json" {
        log.json().try_init()
    } else {
        log.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())).try_init()
    };
}

/// Runs a parsed command line to completion.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let state = actix_web::rt::task::spawn_blocking(move || prepare(config)).await??;
            let (server, addrs) = server(state.clone())?;
            let scheme = if state.config.tls_cert.is_some() { "https" } else { "http" };
            for addr in addrs {
                tracing::info!(backend = state.backend.name(), "Antar listening on {scheme}://{addr}");
            }
            server.await?;
            tracing::info!("stopped");
            Ok(())
        }
        Command::Migrate => {
            actix_web::rt::task::spawn_blocking(move || {
                let (_pool, backend) = db::connect(&config.database_url())?;
                tracing::info!(backend = backend.name(), "migrations are up to date");
                Ok(())
            })
            .await?
        }
        Command::CreateUser { username, role, display_name, password } => {
            actix_web::rt::task::spawn_blocking(move || {
                let (pool, _) = db::connect(&config.database_url())?;
                let mut conn = pool.get().map_err(db::DbError::from)?;
                bootstrap::first_start(&mut conn, &config)?;
                let office = db::offices::first(&mut conn)?.ok_or_else(|| anyhow::anyhow!("no office"))?;
                let (pass, generated) = match password {
                    Some(p) => (p, false),
                    None => (auth::password::generate(), true),
                };
                bootstrap::create_user(&mut conn, &office.id, &username, &pass, &role, &display_name)?;
                println!("Created {role} '{username}'.");
                if generated {
                    println!("Password: {pass}");
                }
                Ok(())
            })
            .await?
        }
        Command::Backup { dir } => {
            let summary = actix_web::rt::task::spawn_blocking(move || backup::backup(&config, &dir)).await??;
            println!("Backed up {summary}.");
            Ok(())
        }
        Command::Restore { dir, force } => {
            let summary = actix_web::rt::task::spawn_blocking(move || backup::restore(&config, &dir, force)).await??;
            println!("Restored {summary}. Start the server.");
            Ok(())
        }
        Command::Audit { command: config::AuditCommand::Verify } => {
            actix_web::rt::task::spawn_blocking(move || {
                let (pool, _) = db::connect(&config.database_url())?;
                let mut conn = pool.get().map_err(db::DbError::from)?;
                let mut broken = 0;
                for (id, name) in db::audit::offices(&mut conn)? {
                    match db::audit::verify(&mut conn, &id)? {
                        Ok(n) => println!("{name} ({id}): {n} records, the chain is intact"),
                        Err(b) => {
                            broken += 1;
                            println!("{name} ({id}): BROKEN: {b}");
                        }
                    }
                }
                if broken > 0 {
                    anyhow::bail!("the audit chain of {broken} office(s) is broken");
                }
                Ok(())
            })
            .await?
        }
    }
}
