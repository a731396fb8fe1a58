//! `rt::sync::Notify`: `notify_one` with nobody waiting is stored (once),
//! `notify_waiters` is not stored but reaches every `Notified` that exists
//! at the call (even one not polled yet), waiters are woken oldest first
//! (`notify_last`: newest first), and a dropped `Notified` passes a
//! `notify_one` it was given on (`notified_owned` alike).

use crate::support;
use crate::sync_support;

use std::sync::Arc;
use std::time::Duration;

use rt::sync::Notify;
use support::{runtime, watchdog};
use sync_support::Manual;

/// Bound on each test that runs a runtime.
const LIMIT: Duration = Duration::from_secs(30);

#[test]
fn notify_one_with_nobody_waiting_is_stored_once() {
    let notify = Notify::new();
    notify.notify_one();
    notify.notify_one(); // still one permit
    Manual::new(notify.notified()).ready();
    let mut second = Manual::new(notify.notified());
    second.pending();
    notify.notify_one();
    assert_eq!(second.wakes(), 1);
    second.ready();
}

#[test]
fn notify_waiters_is_not_stored() {
    let notify = Notify::new();
    notify.notify_waiters();
    let mut later = Manual::new(notify.notified());
    later.pending();
    assert_eq!(later.wakes(), 0);
}

#[test]
fn notify_waiters_reaches_every_notified_that_exists_at_the_call() {
    let notify = Notify::new();
    let mut created = Manual::new(notify.notified()); // never polled before
    let mut enabled = Manual::new(notify.notified());
    assert!(!enabled.pinned().enable());
    let mut polled = Manual::new(notify.notified());
    polled.pending();
    notify.notify_waiters();
    assert_eq!(polled.wakes(), 1);
    created.ready();
    enabled.ready();
    polled.ready();
    let mut after = Manual::new(notify.notified());
    after.pending();
}

#[test]
fn notify_one_wakes_the_oldest_waiter_and_notify_last_the_newest() {
    let notify = Notify::new();
    let mut waiters: Vec<_> = (0..3).map(|_| Manual::new(notify.notified())).collect();
    for waiter in &mut waiters {
        waiter.pending();
    }
    notify.notify_one();
    assert_eq!(
        waiters.iter().map(Manual::wakes).collect::<Vec<_>>(),
        [1, 0, 0]
    );
    notify.notify_last();
    assert_eq!(
        waiters.iter().map(Manual::wakes).collect::<Vec<_>>(),
        [1, 0, 1]
    );
    waiters[0].ready();
    waiters[2].ready();
    waiters[1].pending();
}

#[test]
fn an_enabled_notified_takes_notify_one_instead_of_storing_it() {
    let notify = Notify::new();
    let mut enabled = Manual::new(notify.notified());
    assert!(!enabled.pinned().enable());
    notify.notify_one();
    let mut other = Manual::new(notify.notified());
    other.pending(); // nothing was stored
    enabled.ready();
}

#[test]
fn a_dropped_notified_passes_its_notify_one_on() {
    let notify = Notify::new();
    let mut first = Manual::new(notify.notified());
    first.pending();
    let mut second = Manual::new(notify.notified());
    second.pending();
    notify.notify_one();
    assert_eq!((first.wakes(), second.wakes()), (1, 0));
    drop(first); // notified, never returned Ready
    assert_eq!(second.wakes(), 1);
    second.ready();

    // With nobody else waiting, it is stored again.
    let mut only = Manual::new(notify.notified());
    only.pending();
    notify.notify_one();
    drop(only);
    Manual::new(notify.notified()).ready();
}

#[test]
fn a_dropped_waiter_does_not_take_a_later_notification() {
    let notify = Notify::new();
    let mut gone = Manual::new(notify.notified());
    gone.pending();
    drop(gone);
    notify.notify_one();
    Manual::new(notify.notified()).ready(); // stored, not lost on `gone`
}

#[test]
fn tasks_on_a_runtime_are_woken_by_another_thread() {
    const TASKS: usize = 4;
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let notify = Arc::new(Notify::new());
        let started = Arc::new(rt::sync::Barrier::new(TASKS + 1));
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let (notify, started) = (notify.clone(), started.clone());
                rt.spawn(async move {
                    let notified = notify.notified(); // exists before the barrier
                    started.wait().await;
                    notified.await;
                })
            })
            .collect();
        rt.block_on(started.wait());
        let notifier = std::thread::spawn(move || notify.notify_waiters());
        notifier.join().unwrap();
        rt.block_on(async {
            for task in tasks {
                task.await.unwrap();
            }
        });
    });
}

#[test]
fn owned_notified_behaves_like_notified() {
    let notify = Arc::new(Notify::new());
    let mut created = Manual::new(notify.clone().notified_owned());
    let mut first = Manual::new(notify.clone().notified_owned());
    first.pending();
    let mut second = Manual::new(notify.clone().notified_owned());
    second.pending();
    notify.notify_one();
    drop(first); // passes its notification on
    assert_eq!(second.wakes(), 1);
    second.ready();
    notify.notify_waiters();
    created.ready();
}
