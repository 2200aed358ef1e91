//! Rate limits: fixed windows keyed by username, client address or device.
//!
//! Failed logins are counted in the database ([`SharedLimiter`]), so every
//! server sharing it counts against one allowance: with several servers a
//! guesser spread over them gets no more tries than with one. The resident
//! link's per-address brake stays in memory ([`Limiter`]): it only slows a
//! flood, each server's share is enough for that, and a write per page view
//! would cost more than it saves.

use crate::db::DbConnection;
use diesel::QueryResult;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Beyond this many keys, expired windows are dropped on the next use.
const PRUNE_AT: usize = 10_000;

#[derive(Debug)]
pub struct Limiter {
    max: u32,
    period: Duration,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Limiter {
    pub fn new(max: u32, period: Duration) -> Limiter {
        Limiter { max, period, windows: Mutex::new(HashMap::new()) }
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, (Instant, u32)>) -> T) -> T {
        // A poisoned lock only means another request panicked mid-count.
        let mut map = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() > PRUNE_AT {
            let period = self.period;
            map.retain(|_, (start, _)| start.elapsed() < period);
        }
        f(&mut map)
    }

    /// `Err(seconds to wait)` when the key has used its allowance.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        self.with(|map| match map.get(key) {
            Some((start, n)) if start.elapsed() < self.period && *n >= self.max => {
                Err(self.period.saturating_sub(start.elapsed()).as_secs().max(1))
            }
            _ => Ok(()),
        })
    }

    /// Counts one use; `Err(seconds to wait)` when it is over the allowance.
    pub fn hit(&self, key: &str) -> Result<(), u64> {
        self.with(|map| {
            let entry = map.entry(key.to_owned()).or_insert((Instant::now(), 0));
            if entry.0.elapsed() >= self.period {
                *entry = (Instant::now(), 0);
            }
            entry.1 += 1;
            if entry.1 > self.max {
                Err(self.period.saturating_sub(entry.0.elapsed()).as_secs().max(1))
            } else {
                Ok(())
            }
        })
    }

    pub fn reset(&self, key: &str) {
        self.with(|map| map.remove(key));
    }
}

/// A limit whose counts live in the database (`db::limits`), under a hash
/// of the limit's name and the key: no username or address is stored.
#[derive(Debug)]
pub struct SharedLimiter {
    name: &'static str,
    max: u32,
    period: Duration,
}

/// Windows older than this are pruned now and then (longer than any
/// shared limit's period).
const PRUNE_AFTER: chrono::TimeDelta = chrono::TimeDelta::hours(1);

impl SharedLimiter {
    pub fn new(name: &'static str, max: u32, period: Duration) -> SharedLimiter {
        SharedLimiter { name, max, period }
    }

    fn key(&self, key: &str) -> String {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::new().chain_update(self.name).chain_update([0]).chain_update(key).finalize())
    }

    fn period(&self) -> chrono::TimeDelta {
        chrono::TimeDelta::from_std(self.period).unwrap_or(PRUNE_AFTER)
    }

    /// `Err(seconds to wait)` when the key has used its allowance.
    pub fn check(&self, conn: &mut DbConnection, key: &str) -> QueryResult<Result<(), u64>> {
        let now = crate::db::now();
        Ok(match crate::db::limits::get(conn, &self.key(key))? {
            Some((start, hits)) if now - start < self.period() && hits >= self.max as i32 => {
                Err((self.period() - (now - start)).num_seconds().max(1) as u64)
            }
            _ => Ok(()),
        })
    }

    /// Counts one use. Writes go through `write_tx`, queued with the
    /// server's other writers: on SQLite a lone write would wait on the
    /// busy timeout's polling, and under load it can starve.
    pub fn hit(&self, conn: &mut DbConnection, key: &str) -> QueryResult<()> {
        hit_all(conn, &[(self, key)])
    }

    /// Forgets the key's count; a write only when there is one (a good
    /// login usually has none to clear).
    pub fn reset(&self, conn: &mut DbConnection, key: &str) -> QueryResult<()> {
        let key = self.key(key);
        if crate::db::limits::get(conn, &key)?.is_none() {
            return Ok(());
        }
        crate::db::write_tx(conn, |conn| crate::db::limits::clear(conn, &key))
    }
}

/// Counts one use against each limiter's key, in one transaction (a failed
/// login counts against the username and the address at once).
pub fn hit_all(conn: &mut DbConnection, hits: &[(&SharedLimiter, &str)]) -> QueryResult<()> {
    let now = crate::db::now();
    crate::db::write_tx(conn, |conn| {
        for (limiter, key) in hits {
            crate::db::limits::hit(conn, &limiter.key(key), now, now - limiter.period())?;
        }
        if rand::random::<u8>() < 4 {
            crate::db::limits::prune(conn, now - PRUNE_AFTER)?;
        }
        Ok(())
    })
}

/// The limits the server enforces.
#[derive(Debug)]
pub struct Limits {
    /// Failed logins per username.
    pub login_user: SharedLimiter,
    /// Failed logins per address: looser, since a whole office may share one.
    pub login_addr: SharedLimiter,
    /// Failed logins made with one device cookie: past it, the cookie no
    /// longer vouches for its browser.
    pub login_device: SharedLimiter,
    /// Resident-link requests per address.
    pub resident_addr: Limiter,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            login_user: SharedLimiter::new("login_user", 10, Duration::from_secs(15 * 60)),
            login_addr: SharedLimiter::new("login_addr", 100, Duration::from_secs(15 * 60)),
            login_device: SharedLimiter::new("login_device", 10, Duration::from_secs(15 * 60)),
            resident_addr: Limiter::new(60, Duration::from_secs(60)),
        }
    }
}

/// The client's address: the peer, or with `--trust-proxy` the address the
/// reverse proxy reports (never trusted otherwise: clients could forge it).
pub fn client_addr(req: &actix_web::HttpRequest, trust_proxy: bool) -> String {
    if trust_proxy {
        if let Some(ip) = req.connection_info().realip_remote_addr() {
            return ip.to_owned();
        }
    }
    req.peer_addr().map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowance_runs_out_then_comes_back_after_the_period() {
        let l = Limiter::new(2, Duration::from_millis(50));
        assert!(l.hit("a").is_ok() && l.hit("a").is_ok());
        assert!(l.check("a").is_err());
        assert!(l.hit("a").is_err());
        assert!(l.check("b").is_ok(), "keys are separate");
        std::thread::sleep(Duration::from_millis(60));
        assert!(l.check("a").is_ok());
        assert!(l.hit("a").is_ok());
        l.reset("a");
        assert!(l.hit("a").is_ok() && l.hit("a").is_ok());
    }
}
