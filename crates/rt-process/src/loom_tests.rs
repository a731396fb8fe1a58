//! loom models of the orphan's gate (`orphan.rs`, "One poll at a time,
//! never waited for"): the job never runs on two threads at once, nobody
//! waits, and no request is lost — every request is followed by a run that
//! begins after it.
//!
//! ```text
//! RUSTFLAGS="--cfg loom" cargo test -p rt-process --release --lib
//! ```

use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use loom::sync::Arc;
use loom::thread;

use crate::orphan::Gate;

/// What the job sees and what the model checks.
struct Job {
    gate: Gate,
    /// Requests made so far (each one counted before its `enter`).
    requests: AtomicUsize,
    /// The most requests a run has seen at its start.
    handled: AtomicUsize,
    /// Set while a run is in progress: two at once is the bug.
    running: AtomicBool,
    runs: AtomicUsize,
}

impl Job {
    fn new() -> Job {
        Job {
            gate: Gate::new(),
            requests: AtomicUsize::new(0),
            handled: AtomicUsize::new(0),
            running: AtomicBool::new(false),
            runs: AtomicUsize::new(0),
        }
    }

    /// What `Orphan::poll` does, with `run` as the job.
    fn request(&self, run: &dyn Fn(&Job)) {
        self.requests.fetch_add(1, SeqCst);
        if self.gate.enter() {
            loop {
                assert!(!self.running.swap(true, SeqCst), "two runs at once");
                self.handled.fetch_max(self.requests.load(SeqCst), SeqCst);
                self.runs.fetch_add(1, SeqCst);
                run(self);
                self.running.store(false, SeqCst);
                if self.gate.leave() {
                    return;
                }
            }
        }
    }
}

/// Three threads request at once (the reactor's turn, a signal delivery,
/// a drop): one runs at a time, and the last run began after the last
/// request.
#[test]
fn concurrent_requests_are_never_lost() {
    loom::model(|| {
        let job = Arc::new(Job::new());
        let others: Vec<_> = (0..2)
            .map(|_| {
                let job = job.clone();
                thread::spawn(move || job.request(&|_| {}))
            })
            .collect();
        job.request(&|_| {});
        for t in others {
            t.join().unwrap();
        }
        assert_eq!(
            job.handled.load(SeqCst),
            3,
            "a request with no run after it"
        );
    });
}

/// A request made from inside the run (the job's poll wakes its own waker)
/// returns at once and makes the holder run again; a concurrent one on
/// another thread is not lost either.
#[test]
fn a_request_from_inside_the_run_runs_it_again() {
    loom::model(|| {
        let job = Arc::new(Job::new());
        let other = {
            let job = job.clone();
            thread::spawn(move || job.request(&|_| {}))
        };
        let first = AtomicBool::new(true);
        job.request(&|job| {
            if first.swap(false, SeqCst) {
                // Would deadlock if a request waited for the holder.
                job.request(&|_| unreachable!("a nested request ran the job"));
            }
        });
        other.join().unwrap();
        // The other thread may have held the gate when this one asked:
        // then this run (and its nested request) never happened.
        let nested = !first.load(SeqCst);
        let requests = job.requests.load(SeqCst);
        assert_eq!(requests, if nested { 3 } else { 2 });
        assert_eq!(
            job.handled.load(SeqCst),
            requests,
            "a request with no run after it"
        );
        if nested {
            assert!(
                job.runs.load(SeqCst) >= 2,
                "the nested request's run is missing"
            );
        }
    });
}
