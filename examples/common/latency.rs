//! Latency histograms, one pair per thread that records, merged at the end.
//!
//! Shared by the load generators (`echo_client`, `http_client`), each of
//! which includes it with `#[path]`.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hdrhistogram::Histogram;

/// Highest latency the histograms hold: one hour, in µs (higher values are
/// recorded as this).
const MAX_LATENCY_US: u64 = 3_600_000_000;

/// One thread's histograms, in µs: the round trips' latency, and in
/// fixed-rate mode how late each send started after its scheduled time
/// (the client's own lag: timers, scheduling; part of the latency).
pub(super) struct Shard {
    pub(super) latency: Histogram<u64>,
    pub(super) send_lag: Histogram<u64>,
}

/// Every thread's shard, to merge at the end. Each one's lock is only
/// ever taken by its own thread until then, so it is uncontended.
static SHARDS: Mutex<Vec<Arc<Mutex<Shard>>>> = Mutex::new(Vec::new());

thread_local! {
    static SHARD: RefCell<Option<Arc<Mutex<Shard>>>> = const { RefCell::new(None) };
}

fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, MAX_LATENCY_US, 3).expect("valid histogram bounds")
}

fn new_shard() -> Shard {
    Shard {
        latency: new_histogram(),
        send_lag: new_histogram(),
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
}

/// Records one round trip in this thread's shard.
pub(super) fn record(latency: Duration, send_lag: Option<Duration>) {
    SHARD.with(|shard| {
        let mut shard = shard.borrow_mut();
        let shard = shard.get_or_insert_with(|| {
            let shard = Arc::new(Mutex::new(new_shard()));
            SHARDS.lock().unwrap().push(shard.clone());
            shard
        });
        let mut shard = shard.lock().unwrap();
        shard.latency.saturating_record(micros(latency));
        if let Some(lag) = send_lag {
            shard.send_lag.saturating_record(micros(lag));
        }
    });
}

/// All threads' shards added together.
pub(super) fn merged() -> Shard {
    let mut all = new_shard();
    for shard in SHARDS.lock().unwrap().iter() {
        let shard = shard.lock().unwrap();
        all.latency
            .add(&shard.latency)
            .expect("histograms with the same bounds add");
        all.send_lag
            .add(&shard.send_lag)
            .expect("histograms with the same bounds add");
    }
    all
}
