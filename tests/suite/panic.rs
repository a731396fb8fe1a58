//! A panicking task reports the panic through its `JoinHandle` (with the
//! payload) and takes nothing else down: the worker that polled it keeps
//! running other tasks, even when it is the runtime's only worker.

use crate::support;

use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::Duration;

use rt::runtime::{Builder, Runtime};
use support::{watchdog, Counted, Counter};

/// Tasks run after the panic to show the runtime still works.
const AFTER: usize = 100;
/// Bound on each test.
const LIMIT: Duration = Duration::from_secs(30);

fn runtime(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .expect("build the runtime")
}

/// Spawn `AFTER` tasks and check they all complete with their outputs.
async fn others_still_run() {
    let handles: Vec<_> = (0..AFTER)
        .map(|i| rt::spawn(async move { i * 2 }))
        .collect();
    for (i, h) in handles.into_iter().enumerate() {
        assert_eq!(h.await.expect("a task after the panic completes"), i * 2);
    }
}

#[test]
fn a_panic_reaches_the_join_handle_with_its_static_str_payload() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let (polls, drops) = (Counter::new(), Counter::new());
        let handle = rt.spawn(Counted::new(
            async {
                panic!("boom: static payload");
            },
            &polls,
            &drops,
        ));
        let err = rt.block_on(handle).expect_err("the task panicked");
        assert!(err.is_panic(), "expected a panic, got {err:?}");
        assert!(!err.is_cancelled());
        let payload = err.into_panic();
        assert_eq!(
            payload.downcast_ref::<&'static str>().copied(),
            Some("boom: static payload")
        );
        assert_eq!(polls.get(), 1);
        assert_eq!(drops.get(), 1, "the panicked future was dropped once");
    });
}

#[test]
fn a_panic_reaches_the_join_handle_with_its_formatted_payload() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let n = 7;
        let handle = rt.spawn(async move {
            if n > 0 {
                panic!("boom number {n}");
            }
            n
        });
        let err = rt.block_on(handle).expect_err("the task panicked");
        assert!(err.is_panic(), "expected a panic, got {err:?}");
        let payload = err.into_panic();
        assert_eq!(
            payload.downcast_ref::<String>().map(String::as_str),
            Some("boom number 7")
        );
    });
}

#[test]
fn the_only_worker_survives_a_panic_and_runs_other_tasks() {
    watchdog(LIMIT, || {
        let starts = Counter::new();
        let s = starts.clone();
        let rt = Builder::new_multi_thread()
            .worker_threads(1)
            .on_thread_start(move || {
                s.incr();
            })
            .build()
            .expect("build the runtime");
        let worker_of = |rt: &Runtime| -> ThreadId {
            rt.block_on(rt.spawn(async { std::thread::current().id() }))
                .unwrap()
        };
        let before = worker_of(&rt);

        let err = rt
            .block_on(rt.spawn(async {
                panic!("the only worker's task panics");
            }))
            .expect_err("the task panicked");
        assert!(err.is_panic());

        rt.block_on(others_still_run());
        assert_eq!(
            worker_of(&rt),
            before,
            "the same worker thread runs tasks after the panic"
        );
        assert_eq!(
            starts.get(),
            1,
            "no worker thread was started to replace it"
        );
    });
}

#[test]
fn a_detached_panicking_task_does_not_stop_the_runtime() {
    watchdog(LIMIT, || {
        let rt = runtime(1);
        let drops = Counter::new();
        let seen = Arc::new(Mutex::new(Vec::new()));
        for i in 0..10 {
            let guard = drops.drop_guard();
            let seen = seen.clone();
            // Handles dropped at once: nobody will look at these panics.
            drop(rt.spawn(async move {
                let _guard = guard;
                seen.lock().unwrap().push(i);
                panic!("detached panic {i}");
            }));
        }
        rt.block_on(others_still_run());
        assert!(
            support::wait_until(Duration::from_secs(10), || drops.get() == 10),
            "every panicked future was dropped ({} of 10)",
            drops.get()
        );
        let mut seen = seen.lock().unwrap().clone();
        seen.sort();
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
    });
}

/// The future of a task whose poll panics is dropped while that panic
/// unwinds (as under tokio): its `Drop` sees `std::thread::panicking()`,
/// on both flavors. (Dropped after the panic was caught, it would not.)
#[test]
fn a_panicking_future_is_dropped_during_the_unwind() {
    struct Boom(Option<std::sync::mpsc::Sender<bool>>);
    impl std::future::Future for Boom {
        type Output = ();
        fn poll(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<()> {
            panic!("boom in poll");
        }
    }
    impl Drop for Boom {
        fn drop(&mut self) {
            let _ = self.0.take().unwrap().send(std::thread::panicking());
        }
    }
    watchdog(LIMIT, || {
        for rt in [runtime(2), Builder::new_current_thread().build().unwrap()] {
            let (tx, rx) = std::sync::mpsc::channel();
            let handle = rt.spawn(Boom(Some(tx)));
            assert!(rt.block_on(handle).unwrap_err().is_panic());
            let panicking = rx.recv().expect("the future was dropped");
            assert!(panicking, "dropped while its panic unwound");
        }
    });
}
