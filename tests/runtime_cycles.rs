//! Building and dropping runtimes with work in flight leaks nothing: after
//! `CYCLES` runtimes, each dropped with sockets mid-read, a listener
//! mid-accept, timers pending (1 h and short ones), a `spawn_blocking` job
//! running, the process has the descriptors and threads it had after the
//! warm-up, its resident memory has grown by at most `RSS_GROWTH`, and every
//! spawned future was dropped with its runtime.
//!
//! The test counts process-wide descriptors, threads and memory: it is the
//! only test of this file.
//!
//! (An executable of its own, not a module of tests/suite: it bounds this
//! process's resident memory, thread count and open descriptors over 900
//! runtimes; ASan runs it with its own options.)

#[path = "suite/io_support/mod.rs"]
mod io_support;
#[path = "suite/support/mod.rs"]
mod support;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::{Duration, Instant};

use io_support::{new_fds, open_fds, wait_until, watchdog};
use rt::io::AsyncReadExt;
use rt::net::{TcpListener, TcpStream, UnixStream};
use rt::time::sleep;

/// Runtimes built and dropped.
const CYCLES: usize = 1_000;
/// Cycles run before the baseline is taken: whatever the process allocates
/// or opens once (the allocator's arenas, libtest's threads) is in it.
const WARM_UP: usize = 100;
/// How much resident memory may grow from the end of the warm-up to the
/// last cycle: allocator noise, far below one runtime's worth per cycle.
const RSS_GROWTH: usize = 8 << 20;
/// Timers left pending for an hour in each runtime.
const LONG_SLEEPS: usize = 8;
/// Timers of a few milliseconds in each runtime: some fire, some are
/// pending at the drop.
const SHORT_SLEEPS: usize = 8;
/// How long descriptors and threads may take to come back after the last
/// drop (a runtime's drop joins its threads: nothing should be left).
const SETTLE: Duration = Duration::from_secs(5);
/// Bound on the whole test.
const LIMIT: Duration = Duration::from_secs(120);

#[test]
fn dropping_runtimes_with_work_in_flight_leaves_descriptors_threads_and_memory_flat() {
    watchdog(LIMIT, || {
        let started = Instant::now();
        let mut baseline = None;
        let mut slowest_drop = Duration::ZERO;
        let mut blocking_in_flight = 0;
        for cycle in 0..CYCLES {
            if cycle == WARM_UP {
                baseline = Some((open_fds(), thread_count(), rss()));
            }
            let (took, in_flight) = one_cycle(cycle);
            slowest_drop = slowest_drop.max(took);
            blocking_in_flight += usize::from(in_flight);
        }
        let (fds, threads, rss_before) = baseline.expect("CYCLES > WARM_UP");

        let settled = wait_until(SETTLE, || thread_count() == threads && open_fds() == fds);
        let (fds_after, threads_after, rss_after) = (open_fds(), thread_count(), rss());
        let new = new_fds(&fds, &fds_after);
        assert!(
            settled,
            "after {} more runtimes: {} descriptors (was {}), new: {:?}{}; {threads_after} \
             threads (was {threads})",
            CYCLES - WARM_UP,
            fds_after.len(),
            fds.len(),
            &new[..new.len().min(12)],
            if new.len() > 12 { " ..." } else { "" },
        );
        let growth = rss_after.saturating_sub(rss_before);
        assert!(
            growth <= RSS_GROWTH,
            "resident memory grew by {} KiB over {} runtimes ({} KiB to {} KiB)",
            growth >> 10,
            CYCLES - WARM_UP,
            rss_before >> 10,
            rss_after >> 10
        );
        println!(
            "{CYCLES} runtimes in {:?} (slowest drop {slowest_drop:?}, {blocking_in_flight} \
             dropped with the blocking job running); {} descriptors, {threads} threads; \
             RSS {} KiB -> {} KiB",
            started.elapsed(),
            fds.len(),
            rss_before >> 10,
            rss_after >> 10
        );
    });
}

/// Builds a 2-worker runtime, leaves work of every kind in flight on it,
/// drops it, checks that every spawned future was dropped, and returns how
/// long the drop took and whether the blocking job was still running.
fn one_cycle(cycle: usize) -> (Duration, bool) {
    let rt = rt::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("build the runtime");
    let started = Counter::new();
    let dropped = Counter::new();
    let blocking_done = Counter::new();
    let spawned = rt.block_on(spawn_work(&started, &dropped, &blocking_done));
    assert_eq!(started.get(), spawned, "cycle {cycle}: not every task ran");

    let in_flight = blocking_done.get() == 0;
    let drop_started = Instant::now();
    drop(rt);
    let took = drop_started.elapsed();
    assert_eq!(
        dropped.get(),
        spawned,
        "cycle {cycle}: the runtime's drop left spawned futures alive"
    );
    (took, in_flight)
}

/// Spawns the cycle's work and returns once every task has started (been
/// polled once), with how many tasks it spawned. Every task holds a guard
/// of `dropped`; the blocking job counts `blocking_done` when it ends.
async fn spawn_work(started: &Counter, dropped: &Counter, blocking_done: &Counter) -> usize {
    let mut spawned = 0;
    let mut spawn = |future: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>| {
        let (started, guard) = (started.clone(), dropped.drop_guard());
        rt::spawn(async move {
            let _guard = guard;
            started.incr();
            future.await;
        });
        spawned += 1;
    };

    // A listener mid-accept, and a client it accepted, mid-read (its peer
    // stays open in another task, so only the drop ends the read).
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let client = TcpStream::connect(listener.local_addr().expect("local_addr"))
        .await
        .expect("connect");
    let (server, _) = listener.accept().await.expect("accept");
    spawn(Box::pin(async move {
        let _ = listener.accept().await;
    }));
    spawn(Box::pin(async move {
        let mut client = client;
        let _ = client.read(&mut [0; 64]).await;
    }));

    // A Unix stream pair, one end mid-read.
    let (mut a, b) = UnixStream::pair().expect("socketpair");
    spawn(Box::pin(async move {
        let _ = a.read(&mut [0; 64]).await;
    }));
    spawn(Box::pin(async move {
        let _peers = (server, b);
        std::future::pending::<()>().await;
    }));

    // Timers: an hour away, and a few milliseconds (some fire before the
    // drop, some after; one task re-arms every millisecond).
    for _ in 0..LONG_SLEEPS {
        spawn(Box::pin(sleep(Duration::from_secs(3600))));
    }
    for i in 0..SHORT_SLEEPS as u64 {
        spawn(Box::pin(sleep(Duration::from_millis(i % 4))));
    }
    spawn(Box::pin(async {
        loop {
            sleep(Duration::from_millis(1)).await;
        }
    }));

    // A blocking job, running (or queued) at the drop.
    let done = blocking_done.clone();
    drop(rt::task::spawn_blocking(move || {
        std::thread::sleep(Duration::from_millis(2));
        done.incr();
    }));

    // Bounded: a task never polled fails the cycle's assertion instead.
    for _ in 0..5_000 {
        if started.get() >= spawned {
            break;
        }
        sleep(Duration::from_millis(1)).await;
    }
    spawned
}

/// This process's resident memory, in bytes (`/proc/self/statm`'s second
/// field, in pages).
fn rss() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("read /proc/self/statm");
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .expect("statm's resident field");
    // SAFETY: sysconf has no preconditions; it reads a system constant.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    pages * usize::try_from(page).expect("a positive page size")
}

/// How many threads this process has (entries of `/proc/self/task`).
fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("read /proc/self/task")
        .count()
}

/// A count shared between the test and its tasks. (`support::Counter`
/// lives in a module `io_support` already loads: clippy refuses the second
/// copy.)
#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

impl Counter {
    fn new() -> Counter {
        Counter::default()
    }

    fn get(&self) -> usize {
        // SeqCst: test counters, read by the test thread after the tasks
        // that bump them ran on workers; clarity beats speed.
        self.0.load(SeqCst)
    }

    fn incr(&self) {
        self.0.fetch_add(1, SeqCst);
    }

    /// Bumps this count when dropped: moved into a task, it tells that the
    /// task's future was dropped.
    fn drop_guard(&self) -> DropGuard {
        DropGuard(self.clone())
    }
}

/// See [`Counter::drop_guard`].
struct DropGuard(Counter);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.incr();
    }
}
