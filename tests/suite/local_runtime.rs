//! `LocalRuntime`: a current-thread runtime where `!Send` tasks run with no
//! `LocalSet`. `spawn_local` reaches it inside `block_on` (from its local
//! tasks and its `Send` tasks alike) and after `enter` on its thread; it
//! panics on another thread; every future is dropped on the runtime's
//! thread, inside its context.

use crate::support;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::{mpsc, Arc, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

use rt::runtime::{Builder, Handle, LocalOptions, LocalRuntime};
use rt::task::JoinSet;
use support::{panic_message, watchdog};

const LIMIT: Duration = Duration::from_secs(30);

fn local_rt() -> LocalRuntime {
    Builder::new_current_thread()
        .enable_all()
        .build_local(LocalOptions::default())
        .unwrap()
}

#[test]
fn spawn_local_runs_not_send_tasks_on_the_block_on_thread() {
    watchdog(LIMIT, || {
        let rt = local_rt();
        let here = thread::current().id();
        let log = Rc::new(RefCell::new(Vec::new()));
        let l = log.clone();
        let ran_on = rt.block_on(async move {
            let task = rt::task::spawn_local(async move {
                rt::task::yield_now().await;
                l.borrow_mut().push("local");
                thread::current().id()
            });
            task.await.unwrap()
        });
        assert_eq!(ran_on, here);
        assert_eq!(*log.borrow(), ["local"]);
    });
}

#[test]
fn send_tasks_run_on_the_same_thread_and_reach_the_set() {
    watchdog(LIMIT, || {
        let rt = local_rt();
        let here = thread::current().id();
        let (ran_on, local_ran_on) = rt.block_on(async {
            // A `Send` task of the runtime, spawning a local task: the
            // runtime's set is found from there too.
            rt::spawn(async {
                let local = rt::task::spawn_local(async { thread::current().id() });
                (thread::current().id(), local.await.unwrap())
            })
            .await
            .unwrap()
        });
        assert_eq!(ran_on, here);
        assert_eq!(local_ran_on, here);
    });
}

#[test]
fn spawn_local_on_the_runtime_runs_in_the_next_block_on() {
    watchdog(LIMIT, || {
        let rt = local_rt();
        let hits = Rc::new(Cell::new(0));
        let h = hits.clone();
        let task = rt.spawn_local(async move {
            rt::task::yield_now().await;
            h.set(h.get() + 1);
        });
        assert_eq!(hits.get(), 0, "nothing runs outside block_on");
        rt.block_on(task).unwrap();
        assert_eq!(hits.get(), 1);
    });
}

#[test]
fn spawn_local_after_enter_and_handle_enter() {
    watchdog(LIMIT, || {
        let rt = local_rt();
        let first = {
            let _guard = rt.enter();
            rt::task::spawn_local(async { Rc::new(1) })
        };
        let handle = rt.handle().clone();
        let second = {
            let _guard = handle.enter();
            rt::task::spawn_local(async { Rc::new(2) })
        };
        let sum = rt.block_on(async { *first.await.unwrap() + *second.await.unwrap() });
        assert_eq!(sum, 3);
    });
}

#[test]
fn spawn_local_through_the_handle_on_another_thread_panics() {
    watchdog(LIMIT, || {
        let rt = local_rt();
        let handle = rt.handle().clone();
        let panic = thread::spawn(move || {
            let _guard = handle.enter();
            // `rt::spawn` works there (a `Send` task)...
            drop(rt::spawn(async {}));
            // ... a local task cannot be made off the runtime's thread.
            drop(rt::task::spawn_local(async {}));
        })
        .join()
        .unwrap_err();
        let message = panic_message(panic);
        assert!(
            message.contains("from the thread the runtime was created on"),
            "{message}"
        );
        drop(rt);
    });
}

#[test]
fn spawn_local_outside_a_local_runtime_panics() {
    watchdog(LIMIT, || {
        let rt = Builder::new_current_thread().build().unwrap();
        let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rt.block_on(async { drop(rt::task::spawn_local(async {})) })
        }))
        .unwrap_err();
        let message = panic_message(panic);
        assert!(
            message.contains("outside of a `task::LocalSet` or `runtime::LocalRuntime`"),
            "{message}"
        );
    });
}

#[test]
fn a_local_task_is_woken_from_another_thread() {
    watchdog(LIMIT, || {
        let rt = local_rt();
        let (tx, rx) = rt::sync::oneshot::channel::<u32>();
        let out = rt.block_on(async move {
            let marker = Rc::new(());
            let task = rt::task::spawn_local(async move {
                let _not_send = marker;
                rx.await.unwrap()
            });
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(10));
                tx.send(7).unwrap();
            });
            task.await.unwrap()
        });
        assert_eq!(out, 7);
    });
}

#[test]
fn handle_spawn_from_another_thread_runs_on_the_runtime_thread() {
    watchdog(LIMIT, || {
        let rt = local_rt();
        let here = thread::current().id();
        let handle = rt.handle().clone();
        let (tx, rx) = rt::sync::oneshot::channel();
        thread::spawn(move || {
            handle.spawn(async move { tx.send(thread::current().id()).unwrap() });
        })
        .join()
        .unwrap();
        assert_eq!(rt.block_on(rx).unwrap(), here);
    });
}

/// Records, when dropped, its thread and whether a runtime was current.
struct DropProbe {
    _not_send: Rc<()>,
    drops: Arc<Mutex<Vec<(ThreadId, bool)>>>,
}

impl Drop for DropProbe {
    fn drop(&mut self) {
        let in_runtime = Handle::try_current().is_ok();
        self.drops
            .lock()
            .unwrap()
            .push((thread::current().id(), in_runtime));
    }
}

#[test]
fn dropping_the_runtime_drops_local_futures_on_its_thread_in_its_context() {
    watchdog(LIMIT, || {
        let drops = Arc::new(Mutex::new(Vec::new()));
        for shutdown in [false, true] {
            drops.lock().unwrap().clear();
            let rt = local_rt();
            let probe = DropProbe {
                _not_send: Rc::new(()),
                drops: drops.clone(),
            };
            rt.spawn_local(async move {
                let _probe = probe;
                std::future::pending::<()>().await;
            });
            let probe = DropProbe {
                _not_send: Rc::new(()),
                drops: drops.clone(),
            };
            rt.block_on(async move {
                rt::task::spawn_local(async move {
                    let _probe = probe;
                    std::future::pending::<()>().await;
                });
                rt::task::yield_now().await;
            });
            if shutdown {
                rt.shutdown_timeout(Duration::from_secs(10));
            } else {
                drop(rt);
            }
            let here = thread::current().id();
            assert_eq!(*drops.lock().unwrap(), [(here, true), (here, true)]);
        }
    });
}

#[test]
fn join_set_spawn_local_inside() {
    watchdog(LIMIT, || {
        let rt = local_rt();
        let total = rt.block_on(async {
            let mut set = JoinSet::new();
            for i in 0..8u32 {
                let value = Rc::new(i);
                set.spawn_local(async move { *value });
            }
            let mut total = 0;
            while let Some(out) = set.join_next().await {
                total += out.unwrap();
            }
            total
        });
        assert_eq!(total, 28);
    });
}

#[rt::test(flavor = "local")]
async fn the_test_attribute_builds_a_local_runtime() {
    let value = Rc::new(5);
    let task = rt::task::spawn_local(async move { *value * 2 });
    assert_eq!(task.await.unwrap(), 10);
}

#[test]
fn build_local_refuses_the_multi_thread_flavor() {
    let panic = std::panic::catch_unwind(|| {
        let _ = Builder::new_multi_thread().build_local(LocalOptions::default());
    })
    .unwrap_err();
    assert!(panic_message(panic).contains("new_current_thread"));
}

#[test]
fn metrics_and_blocking_pool() {
    watchdog(LIMIT, || {
        let rt = LocalRuntime::new().unwrap();
        assert_eq!(rt.metrics().num_workers(), 1);
        let (tx, rx) = mpsc::channel();
        let task = rt.spawn_blocking(move || tx.send(thread::current().id()).unwrap());
        rt.block_on(task).unwrap();
        assert_ne!(rx.recv().unwrap(), thread::current().id());
    });
}
