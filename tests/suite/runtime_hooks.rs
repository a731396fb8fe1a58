//! The `Builder` hooks: `on_thread_park`/`on_thread_unpark` around each
//! park of a runtime thread (work the park hook makes runs before the
//! thread blocks), and the task hooks — spawn, before/after each poll,
//! terminate — each told the task's id, on both flavors.

use crate::support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Context, Waker};
use std::time::Duration;

use rt::runtime::Builder;
use rt::task::Id;
use support::watchdog;

const LIMIT: Duration = Duration::from_secs(30);

/// Both flavors' builders, each set up by `configure`; build each in turn
/// (a runtime's threads park as soon as it is built).
fn both(configure: impl Fn(&mut Builder)) -> Vec<(&'static str, Builder)> {
    let mut current = Builder::new_current_thread();
    configure(&mut current);
    let mut multi = Builder::new_multi_thread();
    multi.worker_threads(2);
    configure(&mut multi);
    vec![("current_thread", current), ("multi_thread", multi)]
}

#[test]
fn park_and_unpark_hooks_run_on_the_runtime_threads() {
    watchdog(LIMIT, || {
        let parks = Arc::new(AtomicUsize::new(0));
        let unparks = Arc::new(AtomicUsize::new(0));
        let (p, u) = (parks.clone(), unparks.clone());
        for (flavor, mut builder) in both(move |b| {
            let (p, u) = (p.clone(), u.clone());
            b.on_thread_park(move || {
                p.fetch_add(1, SeqCst);
            })
            .on_thread_unpark(move || {
                u.fetch_add(1, SeqCst);
            });
        }) {
            parks.store(0, SeqCst);
            unparks.store(0, SeqCst);
            let rt = builder.build().unwrap();
            // A task that waits for a timer: its thread parks, and wakes.
            let task = rt.spawn(async { rt::time::sleep(Duration::from_millis(20)).await });
            rt.block_on(task).unwrap();
            assert!(parks.load(SeqCst) >= 1, "{flavor}: no park hook");
            assert!(unparks.load(SeqCst) >= 1, "{flavor}: no unpark hook");
        }
    });
}

#[test]
fn a_yield_polled_by_the_park_hook_runs_before_the_thread_blocks() {
    // As tokio's rt_basic: the hook polls a `yield_now` with a foreign
    // waker; that wake is deferred, and must be delivered without any
    // other event (on a worker too, where a deferred wake is no queued
    // task).
    watchdog(LIMIT, || {
        let notify = Arc::new(rt::sync::Notify::new());
        let done = Arc::new(AtomicBool::new(false));
        let (n, d) = (notify.clone(), done.clone());
        for (flavor, mut builder) in both(move |b| {
            let waker = Waker::from(Arc::new(NotifyOne(n.clone())));
            let d = d.clone();
            // One worker: no sibling's periodic look at the driver ends
            // its park.
            b.worker_threads(1).on_thread_park(move || {
                if !d.swap(true, SeqCst) {
                    let mut cx = Context::from_waker(&waker);
                    let yielding = std::pin::pin!(rt::task::yield_now());
                    let _ = std::future::Future::poll(yielding, &mut cx);
                }
            });
        }) {
            done.store(false, SeqCst);
            let rt = builder.build().unwrap();
            rt.block_on(notify.notified());
            assert!(done.load(SeqCst), "{flavor}");
        }
    });
}

struct NotifyOne(Arc<rt::sync::Notify>);

impl std::task::Wake for NotifyOne {
    fn wake(self: Arc<Self>) {
        self.0.notify_one();
    }
}

#[test]
fn a_task_spawned_by_the_park_hook_runs() {
    watchdog(LIMIT, || {
        for one_worker in [false, true] {
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            let tx = Mutex::new(Some(tx));
            let mut builder = if one_worker {
                let mut b = Builder::new_multi_thread();
                b.worker_threads(1);
                b
            } else {
                Builder::new_current_thread()
            };
            let rt = builder
                .on_thread_park(move || {
                    if let Some(tx) = tx.lock().unwrap().take() {
                        rt::spawn(async move { tx.send(()).unwrap() });
                    }
                })
                .build()
                .unwrap();
            // The workers park once idle; the task their hook spawns runs
            // without any other wake-up.
            if one_worker {
                rx.recv_timeout(Duration::from_secs(10)).unwrap();
            } else {
                rt.block_on(async {
                    rt::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(10)))
                        .await
                        .unwrap()
                        .unwrap()
                });
            }
        }
    });
}

/// What the task hooks saw, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    Spawn(Id),
    Before(Id),
    Poll(Id),
    After(Id),
    Terminate(Id),
}

type Log = Arc<Mutex<Vec<Event>>>;

fn logging(log: &Log) -> impl Fn(&mut Builder) + use<> {
    let log = log.clone();
    move |b: &mut Builder| {
        let (l1, l2, l3, l4) = (log.clone(), log.clone(), log.clone(), log.clone());
        b.on_task_spawn(move |m| l1.lock().unwrap().push(Event::Spawn(m.id())))
            .on_before_task_poll(move |m| l2.lock().unwrap().push(Event::Before(m.id())))
            .on_after_task_poll(move |m| l3.lock().unwrap().push(Event::After(m.id())))
            .on_task_terminate(move |m| l4.lock().unwrap().push(Event::Terminate(m.id())));
    }
}

fn events_of(log: &Log, id: Id) -> Vec<Event> {
    let of = |e: &Event| match *e {
        Event::Spawn(i) | Event::Before(i) | Event::Poll(i) | Event::After(i) => i == id,
        Event::Terminate(i) => i == id,
    };
    log.lock().unwrap().iter().copied().filter(of).collect()
}

#[test]
fn task_hooks_see_spawn_each_poll_and_termination_in_order() {
    watchdog(LIMIT, || {
        let log: Log = Arc::default();
        for (flavor, mut builder) in both(logging(&log)) {
            let rt = builder.build().unwrap();
            log.lock().unwrap().clear();
            let l = log.clone();
            let task = rt.spawn(async move {
                for _ in 0..2 {
                    l.lock().unwrap().push(Event::Poll(rt::task::id()));
                    rt::task::yield_now().await;
                }
                l.lock().unwrap().push(Event::Poll(rt::task::id()));
            });
            let id = task.id();
            rt.block_on(task).unwrap();
            drop(rt); // the last after-poll hook has run once the workers are gone
            use Event::*;
            // The last poll completes the task: it terminates inside it.
            let expected = [
                Spawn(id),
                Before(id),
                Poll(id),
                After(id),
                Before(id),
                Poll(id),
                After(id),
                Before(id),
                Poll(id),
                Terminate(id),
                After(id),
            ];
            assert_eq!(events_of(&log, id), expected, "{flavor}");
        }
    });
}

#[test]
fn terminate_runs_for_panicked_aborted_and_shut_down_tasks() {
    watchdog(LIMIT, || {
        let log: Log = Arc::default();
        for (flavor, mut builder) in both(logging(&log)) {
            let rt = builder.build().unwrap();
            log.lock().unwrap().clear();
            let panicked = rt.spawn(async { panic!("boom") });
            let aborted = rt.spawn(std::future::pending::<()>());
            let dropped = rt.spawn(std::future::pending::<()>());
            let ids = [panicked.id(), aborted.id(), dropped.id()];
            assert!(rt.block_on(panicked).unwrap_err().is_panic());
            aborted.abort();
            assert!(rt.block_on(aborted).unwrap_err().is_cancelled());
            drop(rt);
            for id in ids {
                let events = events_of(&log, id);
                assert_eq!(events.first(), Some(&Event::Spawn(id)), "{flavor}");
                let ends = events.iter().filter(|e| **e == Event::Terminate(id));
                assert_eq!(ends.count(), 1, "{flavor}: {events:?}");
            }
        }
    });
}

#[test]
fn a_panicking_hook_does_not_stop_the_runtime() {
    watchdog(LIMIT, || {
        for (flavor, mut builder) in both(|b| {
            b.on_before_task_poll(|_| panic!("hook panics"))
                .on_thread_park(|| panic!("park hook panics"));
        }) {
            let rt = builder.build().unwrap();
            let sum = rt.block_on(async {
                let mut sum = 0;
                for i in 0..10u32 {
                    sum += rt::spawn(async move { i }).await.unwrap();
                }
                sum
            });
            assert_eq!(sum, 45, "{flavor}");
        }
    });
}

#[test]
fn a_local_runtimes_local_tasks_see_the_task_hooks() {
    watchdog(LIMIT, || {
        let log: Log = Arc::default();
        let mut builder = Builder::new_current_thread();
        logging(&log)(&mut builder);
        let rt = builder
            .build_local(rt::runtime::LocalOptions::default())
            .unwrap();
        let l = log.clone();
        let not_send = std::rc::Rc::new(());
        let task = rt.spawn_local(async move {
            let _keep = not_send;
            l.lock().unwrap().push(Event::Poll(rt::task::id()));
        });
        let id = task.id();
        rt.block_on(task).unwrap();
        use Event::*;
        let expected = [Spawn(id), Before(id), Poll(id), Terminate(id), After(id)];
        assert_eq!(events_of(&log, id), expected);
    });
}
