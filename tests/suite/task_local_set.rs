//! `LocalSet` and `spawn_local`: `!Send` futures run on the thread that
//! drives the set, are woken from any thread, and are dropped on that
//! thread when the set is; `spawn_local` targets the set that runs (or was
//! entered) and panics outside one.

use crate::support;

use std::cell::{Cell, RefCell};
use std::future::{pending, poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread::{self, ThreadId};
use std::time::Duration;

use rt::task::{JoinSet, LocalSet};
use support::{panic_message, runtime, watchdog};

/// Bound on each test (they take milliseconds when the set is right).
const LIMIT: Duration = Duration::from_secs(30);
/// Tasks spawned by the fairness and drop tests.
const TASKS: usize = 200;

/// Records the thread it is dropped on.
struct DropOn(Arc<Mutex<Vec<ThreadId>>>);

impl Drop for DropOn {
    fn drop(&mut self) {
        self.0.lock().unwrap().push(thread::current().id());
    }
}

/// A future pending until woken through the waker it publishes in `slot`
/// (then ready): the test decides on which thread the wake happens.
fn wait_for_wake(slot: Arc<Mutex<Option<Waker>>>) -> impl Future<Output = ()> {
    let mut published = false;
    poll_fn(move |cx| {
        if published && slot.lock().unwrap().is_none() {
            return Poll::Ready(());
        }
        *slot.lock().unwrap() = Some(cx.waker().clone());
        published = true;
        Poll::Pending
    })
}

/// Wakes the waker published in `slot` from a new thread, once there is one.
fn wake_from_another_thread(slot: Arc<Mutex<Option<Waker>>>) -> thread::JoinHandle<()> {
    thread::spawn(move || loop {
        if let Some(waker) = slot.lock().unwrap().take() {
            waker.wake();
            return;
        }
        thread::sleep(Duration::from_millis(1));
    })
}

#[test]
fn a_future_holding_an_rc_runs_on_the_driving_thread() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let local = LocalSet::new();
        let here = thread::current().id();
        let value = Rc::new(RefCell::new(Vec::new()));
        let v = value.clone();
        let ran_on = local.block_on(&rt, async move {
            rt::task::spawn_local(async move {
                rt::task::yield_now().await;
                v.borrow_mut().push(1);
                thread::current().id()
            })
            .await
            .unwrap()
        });
        assert_eq!(ran_on, here);
        assert_eq!(*value.borrow(), [1]);
    });
}

#[test]
fn a_wake_from_another_thread_runs_the_local_task() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let local = LocalSet::new();
        let slot = Arc::new(Mutex::new(None));
        let marker = Rc::new(Cell::new(false));
        let m = marker.clone();
        let task = local.spawn_local({
            let slot = slot.clone();
            async move {
                wait_for_wake(slot).await;
                m.set(true);
                thread::current().id()
            }
        });
        let waker_thread = wake_from_another_thread(slot);
        let ran_on = local.block_on(&rt, task).unwrap();
        waker_thread.join().unwrap();
        assert!(marker.get());
        assert_eq!(
            ran_on,
            thread::current().id(),
            "polled on the waker's thread"
        );
    });
}

#[test]
fn a_set_awaited_as_a_future_is_woken_from_another_thread() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let local = LocalSet::new();
        let slot = Arc::new(Mutex::new(None));
        let done = Rc::new(Cell::new(false));
        let d = done.clone();
        local.spawn_local({
            let slot = slot.clone();
            async move {
                wait_for_wake(slot).await;
                d.set(true);
            }
        });
        let waker_thread = wake_from_another_thread(slot);
        rt.block_on(local); // completes once its one task has
        waker_thread.join().unwrap();
        assert!(done.get());
    });
}

#[test]
fn a_channel_fed_by_a_spawned_send_task_wakes_a_local_task() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let local = LocalSet::new();
        let got = local.block_on(&rt, async {
            let (tx, mut rx) = rt::sync::mpsc::channel::<u32>(1);
            let sum = Rc::new(Cell::new(0));
            let s = sum.clone();
            let receiver = rt::task::spawn_local(async move {
                while let Some(n) = rx.recv().await {
                    s.set(s.get() + n);
                }
            });
            rt::spawn(async move {
                for n in 1..=10 {
                    rt::time::sleep(Duration::from_millis(1)).await;
                    tx.send(n).await.unwrap();
                }
            });
            receiver.await.unwrap();
            sum.get()
        });
        assert_eq!(got, 55);
    });
}

#[test]
fn dropping_the_set_drops_every_future_on_its_thread() {
    watchdog(LIMIT, || {
        let drops = Arc::new(Mutex::new(Vec::new()));
        let slot = Arc::new(Mutex::new(None::<Waker>));
        // The set lives on its own thread; the wakers go to this one.
        let owner = thread::spawn({
            let drops = drops.clone();
            let slot = slot.clone();
            move || {
                let rt = runtime(1);
                let local = LocalSet::new();
                for _ in 0..TASKS {
                    let guard = (Rc::new(()), DropOn(drops.clone()));
                    let slot = slot.clone();
                    local.spawn_local(async move {
                        let _guard = guard;
                        // Park with the waker handed to the other thread.
                        poll_fn(|cx| {
                            *slot.lock().unwrap() = Some(cx.waker().clone());
                            Poll::<()>::Pending
                        })
                        .await;
                    });
                }
                // Poll each task once, then leave them pending.
                local.block_on(&rt, rt::task::yield_now());
                local.block_on(&rt, rt::task::yield_now());
                drop(local);
                thread::current().id()
            }
        });
        let owner_id = owner.join().unwrap();
        // The last waker, held here, is dropped and woken after the set.
        if let Some(waker) = slot.lock().unwrap().take() {
            waker.wake();
        }
        let drops = drops.lock().unwrap();
        assert_eq!(drops.len(), TASKS, "every future is dropped with the set");
        assert!(
            drops.iter().all(|&id| id == owner_id),
            "a future was dropped on another thread than the set's"
        );
    });
}

#[test]
fn run_until_returns_while_spawned_tasks_remain() {
    watchdog(LIMIT, || {
        let rt = runtime(1);
        let local = LocalSet::new();
        let (tx, rx) = rt::sync::oneshot::channel::<u32>();
        let waiting = local.spawn_local(async move { rx.await.unwrap() });
        let out = local.block_on(&rt, async { 5 });
        assert_eq!(out, 5);
        assert!(!waiting.is_finished(), "the task stays in the set");
        tx.send(9).unwrap();
        // Driven again, the set runs the task it kept.
        assert_eq!(local.block_on(&rt, waiting).unwrap(), 9);
    });
}

#[test]
fn spawn_local_targets_the_entered_and_the_innermost_running_set() {
    watchdog(LIMIT, || {
        let rt = runtime(1);
        let outer = LocalSet::new();

        // `enter` makes the set the target without running it.
        let entered = {
            let _guard = outer.enter();
            rt::task::spawn_local(async { "entered" })
        };
        assert!(!entered.is_finished());

        outer.block_on(&rt, async {
            assert_eq!(entered.await.unwrap(), "entered");
            let inner = LocalSet::new();
            let left_in_inner = inner
                .run_until(async {
                    let handle = rt::task::spawn_local(pending::<()>());
                    rt::task::yield_now().await; // the inner set polls it once
                    Some(handle) // boxed in an Option: returned, not awaited
                })
                .await;
            // Back in the outer set: spawns go to it again.
            assert_eq!(rt::task::spawn_local(async { 2 }).await.unwrap(), 2);
            // The pending task was the inner set's: dropping that set
            // cancels it (it would not be, had it gone to the outer set).
            drop(inner);
            let left_in_inner = left_in_inner.unwrap();
            assert!(left_in_inner.await.unwrap_err().is_cancelled());
        });
    });
}

#[test]
fn spawn_local_outside_a_set_panics() {
    let panic = std::panic::catch_unwind(|| rt::task::spawn_local(async {})).unwrap_err();
    let message = panic_message(panic);
    assert!(message.contains("LocalSet"), "unclear panic: {message}");

    // Leaving a set (or its enter guard) ends its context.
    let local = LocalSet::new();
    drop(local.enter());
    assert!(std::panic::catch_unwind(|| rt::task::spawn_local(async {})).is_err());
}

#[test]
fn aborting_a_local_task_from_another_thread_drops_it_on_the_owner() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let local = LocalSet::new();
        let drops = Arc::new(Mutex::new(Vec::new()));
        let guard = (Rc::new(()), DropOn(drops.clone()));
        let task = local.spawn_local(async move {
            let _guard = guard;
            pending::<()>().await
        });
        let abort = task.abort_handle();
        let err = local.block_on(&rt, async move {
            rt::task::yield_now().await; // the task is pending now
            thread::spawn(move || abort.abort()).join().unwrap();
            task.await.unwrap_err()
        });
        assert!(err.is_cancelled());
        assert_eq!(*drops.lock().unwrap(), [thread::current().id()]);
    });
}

#[test]
fn a_set_awaited_completes_when_all_its_tasks_have() {
    watchdog(LIMIT, || {
        let rt = runtime(1);
        let local = LocalSet::new();
        let (tx, rx) = rt::sync::oneshot::channel::<()>();
        let count = Rc::new(Cell::new(0));
        for _ in 0..3 {
            let c = count.clone();
            local.spawn_local(async move { c.set(c.get() + 1) });
        }
        let c = count.clone();
        local.spawn_local(async move {
            rx.await.unwrap();
            c.set(c.get() + 1);
        });
        let mut local = pin!(local);
        let noop = Waker::noop();
        let mut cx = Context::from_waker(noop);
        assert!(local.as_mut().poll(&mut cx).is_pending(), "a task is left");
        assert_eq!(count.get(), 3);
        tx.send(()).unwrap();
        rt.block_on(local);
        assert_eq!(count.get(), 4);
    });
}

#[test]
fn a_set_polled_as_a_future_yields_after_a_bounded_number_of_tasks() {
    let local = LocalSet::new();
    let ran = Rc::new(Cell::new(0));
    for _ in 0..TASKS {
        let ran = ran.clone();
        local.spawn_local(async move { ran.set(ran.get() + 1) });
    }
    let mut local = pin!(local);
    let (tx, rx) = mpsc::channel();
    let waker = Waker::from(Arc::new(WakeCount(Mutex::new(tx))));
    let mut cx = Context::from_waker(&waker);
    assert!(local.as_mut().poll(&mut cx).is_pending());
    let first = ran.get();
    assert!(
        first > 0 && first < TASKS,
        "one poll ran {first} of {TASKS}"
    );
    assert!(rx.try_recv().is_ok(), "the set asked to be polled again");
    while local.as_mut().poll(&mut cx).is_pending() {}
    assert_eq!(ran.get(), TASKS);
}

struct WakeCount(Mutex<mpsc::Sender<()>>);

impl std::task::Wake for WakeCount {
    fn wake(self: Arc<Self>) {
        let _ = self.0.lock().unwrap().send(());
    }
}

#[test]
fn join_set_spawns_local_tasks_into_the_current_or_a_given_set() {
    watchdog(LIMIT, || {
        let rt = runtime(1);
        let local = LocalSet::new();
        let mut set = JoinSet::new();
        let word = Rc::new("on");
        set.spawn_local_on(async move { word.len() }, &local);
        let total = local.block_on(&rt, async move {
            let shared = Rc::new(10);
            set.spawn_local(async move { *shared });
            let mut total = 0;
            while let Some(out) = set.join_next().await {
                total += out.unwrap();
            }
            total
        });
        assert_eq!(total, 12);
    });
}

#[test]
fn a_spawn_under_enter_wakes_the_idle_set() {
    let local = LocalSet::new();
    local.spawn_local(pending::<()>());
    let mut local = pin!(local);
    let (tx, rx) = mpsc::channel();
    let waker = Waker::from(Arc::new(WakeCount(Mutex::new(tx))));
    let mut cx = Context::from_waker(&waker);
    // The set runs out of work and waits, its waker registered.
    assert!(local.as_mut().poll(&mut cx).is_pending());
    assert!(rx.try_recv().is_err(), "an idle set does not ask to run");
    // On this thread but outside the set's run loop, a task is spawned
    // into it: whatever polls the set must be told.
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    let guard = local.enter();
    rt::task::spawn_local(async move { r.set(true) });
    drop(guard);
    assert!(rx.try_recv().is_ok(), "the spawn woke the set's driver");
    assert!(local.as_mut().poll(&mut cx).is_pending());
    assert!(ran.get());
}

#[test]
fn remote_wakes_are_not_starved_by_a_busy_local_queue() {
    watchdog(LIMIT, || {
        let rt = runtime(1);
        let local = LocalSet::new();
        // A task that is always ready again: the local queue never empties.
        local.spawn_local(async {
            loop {
                rt::task::yield_now().await;
            }
        });
        let slot = Arc::new(Mutex::new(None));
        let woken = local.spawn_local(wait_for_wake(slot.clone()));
        let waker_thread = wake_from_another_thread(slot);
        local.block_on(&rt, woken).unwrap();
        waker_thread.join().unwrap();
    });
}
