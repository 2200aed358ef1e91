//! Prometheus metrics (`GET /metrics`, OpenMetrics text) through
//! `prometheus-client`: requests by route pattern — never by raw path, which
//! would carry ids and resident tokens — sync events by outcome, the
//! database pool, the residents' outbox, import rows.
//!
//! Counters live in the process; the outbox gauges are read from the
//! database at each scrape, so every server sharing it reports the same.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    /// The route's pattern (`/api/v1/cards/{id}`), or `other` for what no
    /// route matched (files of the apps, unknown paths).
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StateLabels {
    pub state: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// Request latencies: 1 ms to ~16 s.
fn latency() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// Waits for a pooled connection: 0.1 ms to ~3 s.
fn pool_wait() -> Histogram {
    Histogram::new(exponential_buckets(0.0001, 2.0, 15))
}

pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub request_seconds: HistogramFamily<RouteLabels>,
    /// `accepted`, `flagged` (accepted and kept for review), `duplicate`,
    /// `rejected`.
    pub sync_events: Family<OutcomeLabels, Counter>,
    pub sync_batches: Counter,
    pub pool_wait_seconds: Histogram,
    pub pool_connections: Family<StateLabels, Gauge>,
    /// `imported`, `duplicate`, `rejected`, `replacement`.
    pub import_rows: Family<OutcomeLabels, Counter>,
    /// By answer: `sent`, `retry`, `failed`.
    pub messages: Family<OutcomeLabels, Counter>,
    pub outbox_pending: Gauge,
    pub outbox_oldest_seconds: Gauge<f64, AtomicU64>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("antar");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered, by route pattern and status", requests.clone());
        let request_seconds: HistogramFamily<RouteLabels> = Family::new_with_constructor(latency);
        registry.register("http_request_duration_seconds", "Time to answer, by route pattern", request_seconds.clone());
        let sync_events = Family::<OutcomeLabels, Counter>::default();
        registry.register("sync_events", "Courier events received, by outcome", sync_events.clone());
        let sync_batches = Counter::default();
        registry.register("sync_batches", "Sync batches answered", sync_batches.clone());
        let pool_wait_seconds = pool_wait();
        registry.register("db_pool_wait_seconds", "Time waiting for a database connection", pool_wait_seconds.clone());
        let pool_connections = Family::<StateLabels, Gauge>::default();
        registry.register("db_pool_connections", "Database connections, idle or in use", pool_connections.clone());
        let import_rows = Family::<OutcomeLabels, Counter>::default();
        registry.register("import_rows", "Print-batch rows imported, by outcome", import_rows.clone());
        let messages = Family::<OutcomeLabels, Counter>::default();
        registry.register("messages", "Residents' message sends, by the gateway's answer", messages.clone());
        let outbox_pending = Gauge::default();
        registry.register("outbox_pending", "Residents' messages waiting to go (all servers)", outbox_pending.clone());
        let outbox_oldest_seconds = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "outbox_oldest_pending_seconds",
            "Age of the oldest message waiting to go (all servers)",
            outbox_oldest_seconds.clone(),
        );
        Metrics {
            registry,
            requests,
            request_seconds,
            sync_events,
            sync_batches,
            pool_wait_seconds,
            pool_connections,
            import_rows,
            messages,
            outbox_pending,
            outbox_oldest_seconds,
        }
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    /// Counts one answered request.
    pub fn request(&self, method: &str, route: Option<String>, status: u16, seconds: f64) {
        let route = route.unwrap_or_else(|| "other".to_owned());
        let method = method.to_owned();
        self.request_seconds
            .get_or_create(&RouteLabels { method: method.clone(), route: route.clone() })
            .observe(seconds);
        self.requests.get_or_create(&RequestLabels { method, route, status }).inc();
    }

    pub fn count(family: &Family<OutcomeLabels, Counter>, outcome: &'static str, n: u64) {
        if n > 0 {
            family.get_or_create(&OutcomeLabels { outcome }).inc_by(n);
        }
    }

    /// The text a scrape answers with.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}
