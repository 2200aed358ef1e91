//! Rate limits, in memory per process: fixed windows keyed by username or
//! client address. Several server processes each keep their own counts,
//! which multiplies the allowance by the process count: acceptable for
//! slowing guessing, and it needs no shared store.

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

/// The limits the server enforces.
#[derive(Debug)]
pub struct Limits {
    /// Failed logins per username.
    pub login_user: Limiter,
    /// Failed logins per address: looser, since a whole office may share one.
    pub login_addr: Limiter,
    /// Failed logins made with one device cookie: past it, the cookie no
    /// longer vouches for its browser.
    pub login_device: Limiter,
    /// Resident-link requests per address.
    pub resident_addr: Limiter,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            login_user: Limiter::new(10, Duration::from_secs(15 * 60)),
            login_addr: Limiter::new(100, Duration::from_secs(15 * 60)),
            login_device: Limiter::new(10, Duration::from_secs(15 * 60)),
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
