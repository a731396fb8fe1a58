//! Host names are looked up on the runtime's blocking pool, so lookups are
//! bounded by its thread limit instead of costing a new OS thread each.

use crate::support;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use rt::net::TcpListener;
use rt::runtime::Builder;
use support::{wait_until, watchdog};

const WORKERS: usize = 2;
/// Lookups in flight at once.
const LOOKUPS: usize = 32;

#[test]
fn lookups_run_on_the_blocking_pool_within_its_limit() {
    watchdog(Duration::from_secs(60), || {
        let started = Arc::new(AtomicUsize::new(0));
        let counter = started.clone();
        let rt = Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .max_blocking_threads(1)
            .on_thread_start(move || {
                counter.fetch_add(1, SeqCst);
            })
            .build()
            .unwrap();
        rt.block_on(async {
            let lookups: Vec<_> = (0..LOOKUPS)
                .map(|_| rt::spawn(TcpListener::bind("localhost:0")))
                .collect();
            for lookup in lookups {
                let listener = lookup.await.unwrap().expect("localhost resolves");
                assert!(listener.local_addr().unwrap().ip().is_loopback());
            }
        });
        // The workers (one may still be starting: the other can have done
        // all the work), and the one blocking thread the lookups shared.
        wait_until(Duration::from_secs(30), || started.load(SeqCst) > WORKERS);
        assert_eq!(started.load(SeqCst), WORKERS + 1);
    });
}
