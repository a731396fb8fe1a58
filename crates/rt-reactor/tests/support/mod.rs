//! Test harness: a reactor (with a timer driver stacked on it, as the
//! runtime stacks them) driven by a background thread, and `block_on` on
//! the test thread inside `enter`. It stands in for the runtime (rt-pool)
//! below it in the crate graph, and keeps the driver's turns in view.

#![allow(dead_code)] // reason: each test binary uses a part of the harness

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rt_reactor::{enter, Reactor};
use rt_time::Timers;

/// A test that takes longer than this has hung: abort with a message.
const WATCHDOG: Duration = Duration::from_secs(60);

/// A reactor plus the thread that turns it.
pub(crate) struct Driver {
    reactor: Arc<Reactor>,
    timers: Arc<Timers>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    watchdog: Option<mpsc::Sender<()>>,
}

impl Driver {
    /// Starts a reactor turned by a background thread (`turn(5 ms)` in a loop).
    pub(crate) fn new() -> Driver {
        let reactor = Arc::new(Reactor::new().expect("reactor"));
        let timers = {
            let reactor = reactor.clone();
            Arc::new(Timers::new(move || reactor.notify()))
        };
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (reactor, timers) = (reactor.clone(), timers.clone());
            let stop = stop.clone();
            thread::Builder::new()
                .name("reactor".into())
                .spawn(move || {
                    while !stop.load(Ordering::Acquire) {
                        if let Some(mut lock) = reactor.try_lock() {
                            let timer = timers.next_timeout().unwrap_or(Duration::MAX);
                            lock.turn(Some(timer.min(Duration::from_millis(5))));
                            timers.process_and_wake();
                        }
                    }
                })
                .expect("spawn the reactor thread")
        };
        let (tx, rx) = mpsc::channel::<()>();
        thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(WATCHDOG) {
                eprintln!("test hung for {WATCHDOG:?}: aborting");
                std::process::abort();
            }
        });
        Driver {
            reactor,
            timers,
            stop,
            thread: Some(thread),
            watchdog: Some(tx),
        }
    }

    /// The reactor.
    pub(crate) fn reactor(&self) -> &Arc<Reactor> {
        &self.reactor
    }

    /// Runs `future` to completion on this thread, with the reactor entered.
    pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _guard = enter(&self.reactor);
        let _timers = rt_time::enter(&self.timers);
        futures_lite::future::block_on(future)
    }

    /// Runs `future` on a new thread (a stand-in for a spawned task).
    pub(crate) fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (reactor, timers) = (self.reactor.clone(), self.timers.clone());
        thread::spawn(move || {
            let _guard = enter(&reactor);
            let _timers = rt_time::enter(&timers);
            futures_lite::future::block_on(future)
        })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        self.reactor.notify();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        if let Some(watchdog) = self.watchdog.take() {
            let _ = watchdog.send(());
        }
    }
}

/// Open file descriptors of this process.
pub(crate) fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .count()
}

/// How many sources the reactor holds, from its `Debug` output.
pub(crate) fn registered_sources(reactor: &Reactor) -> usize {
    loop {
        // `Debug` prints `sources: None` while the owner holds the slab lock.
        let debug = format!("{reactor:?}");
        let field = debug
            .split("sources: ")
            .nth(1)
            .expect("Debug of Reactor prints its sources");
        if let Some(rest) = field.strip_prefix("Some(") {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            return digits.parse().expect("a count");
        }
        thread::yield_now();
    }
}
