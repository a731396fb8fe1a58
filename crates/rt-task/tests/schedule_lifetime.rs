//! A scheduler may run the task it is handed before `schedule` returns, and
//! still use itself afterwards: the task's cell (which owns the scheduler)
//! must outlive the call. Seen as a heap-use-after-free under
//! AddressSanitizer when a wake by value moved the only reference into
//! `schedule`; here the scheduler's destructor records whether it ran
//! inside its own `schedule`, so the defect fails the test without ASan.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use rt_task::{Schedule, Task};

/// Runs every task inline, then reads its own field.
struct Inline {
    /// Set while `schedule` runs (a shared cell, read without `self`).
    in_schedule: Arc<AtomicBool>,
    /// Set if this scheduler was dropped while its `schedule` ran.
    dropped_in_call: Arc<AtomicBool>,
    calls: AtomicUsize,
}

impl Schedule for Inline {
    fn schedule(&self, task: Task, _yielded: bool) {
        self.in_schedule.store(true, SeqCst);
        task.run();
        self.in_schedule.store(false, SeqCst);
        self.calls.fetch_add(1, SeqCst);
    }
}

impl Drop for Inline {
    fn drop(&mut self) {
        if self.in_schedule.load(SeqCst) {
            self.dropped_in_call.store(true, SeqCst);
        }
    }
}

/// Pending until a waker is handed out, then ready.
struct OnceWoken {
    waker: Arc<Mutex<Option<Waker>>>,
    polled: bool,
}

impl Future for OnceWoken {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.polled {
            return Poll::Ready(());
        }
        self.polled = true;
        *self.waker.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }
}

fn detached_task_woken(by_value: bool) -> bool {
    let in_schedule = Arc::new(AtomicBool::new(false));
    let dropped_in_call = Arc::new(AtomicBool::new(false));
    let waker_slot = Arc::new(Mutex::new(None));
    let scheduler = Inline {
        in_schedule: in_schedule.clone(),
        dropped_in_call: dropped_in_call.clone(),
        calls: AtomicUsize::new(0),
    };
    let future = OnceWoken {
        waker: waker_slot.clone(),
        polled: false,
    };
    let (task, handle) = rt_task::unowned(future, scheduler);
    drop(handle); // detached
    task.run(); // first poll: pending, leaves its waker
    let waker = waker_slot.lock().unwrap().take().expect("waker stored");
    // The waker is now the only reference to the task.
    if by_value {
        waker.wake();
    } else {
        waker.wake_by_ref();
        drop(waker);
    }
    dropped_in_call.load(SeqCst)
}

#[test]
fn wake_by_value_keeps_the_scheduler_alive_through_schedule() {
    assert!(
        !detached_task_woken(true),
        "the task's cell (and its scheduler) was freed inside Schedule::schedule"
    );
}

#[test]
fn wake_by_ref_keeps_the_scheduler_alive_through_schedule() {
    assert!(
        !detached_task_woken(false),
        "the task's cell (and its scheduler) was freed inside Schedule::schedule"
    );
}
