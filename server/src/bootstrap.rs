//! First start: the server secret, the first office and its `admin`.

use crate::auth::password;
use crate::config::{zone_offset_hours, Config};
use crate::db::{self, offices, users, DbConnection};

/// The configured secret, or one generated once and kept in the data dir.
pub fn jwt_secret(config: &Config) -> anyhow::Result<Vec<u8>> {
    if let Some(s) = config.jwt_secret.as_deref().filter(|s| !s.is_empty()) {
        if s.len() < 32 {
            anyhow::bail!("ANTAR_JWT_SECRET must be at least 32 characters");
        }
        return Ok(s.as_bytes().to_vec());
    }
    let path = config.data_dir.join("jwt-secret");
    match std::fs::read_to_string(&path) {
        Ok(s) if s.trim().len() >= 32 => Ok(s.trim().as_bytes().to_vec()),
        _ => {
            use rand::RngCore;
            let mut bytes = [0u8; 32];
            rand::rng().fill_bytes(&mut bytes);
            let secret = hex::encode(bytes);
            write_private(&path, &secret)?;
            Ok(secret.into_bytes())
        }
    }
}

fn write_private(path: &std::path::Path, contents: &str) -> anyhow::Result<()> {
    crate::private_files::write(path, contents.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))
}

/// With an empty database: one office from settings and the `admin` user.
pub fn first_start(conn: &mut DbConnection, config: &Config) -> anyhow::Result<()> {
    if zone_offset_hours(&config.office_time_zone).is_none() {
        anyhow::bail!(
            "unknown office time zone '{}': use Asia/Jakarta, Asia/Makassar or Asia/Jayapura",
            config.office_time_zone
        );
    }
    let office = match offices::first(conn)? {
        Some(o) => o,
        None => {
            let o = offices::Office::new(&config.office_regency, &config.office_name, &config.office_time_zone);
            offices::insert(conn, &o)?;
            tracing::info!(office = %o.name, "created the first office");
            o
        }
    };
    if users::count(conn)? == 0 {
        let (pass, generated) = match config.admin_password.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => (p.to_owned(), false),
            None => (password::generate(), true),
        };
        create_user(conn, &office.id, "admin", &pass, "admin", "Administrator")?;
        if generated {
            // Printed once, on standard output, not through the log.
            println!("Created user 'admin' with password: {pass}\nKeep it now: it is not shown again.");
        } else {
            tracing::info!("created user 'admin' with the password from ANTAR_ADMIN_PASSWORD");
        }
    }
    Ok(())
}

pub fn create_user(
    conn: &mut DbConnection,
    office_id: &str,
    username: &str,
    pass: &str,
    role: &str,
    display_name: &str,
) -> anyhow::Result<users::UserRow> {
    let row = users::UserRow {
        id: db::new_id(),
        office_id: office_id.to_owned(),
        // Usernames are one person whatever the case: kept lower-cased.
        username: username.trim().to_lowercase(),
        password_hash: password::hash(pass).map_err(|e| anyhow::anyhow!("hashing password: {e}"))?,
        role: role.to_owned(),
        display_name: display_name.to_owned(),
        disabled: false,
        created_at: db::now(),
        session_epoch: 0,
    };
    users::insert(conn, &row)?;
    Ok(row)
}
