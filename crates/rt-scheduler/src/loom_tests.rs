//! loom model of the injector's closed state (`gate`): a push racing a
//! close is either drained by the close or refused, never left behind.
//! Run with `RUSTFLAGS="--cfg loom" cargo test -p rt-scheduler --release --lib`.

use loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use loom::sync::{Arc, Mutex};
use loom::thread;

use crate::gate::Gate;

#[test]
fn a_push_racing_a_close_is_drained_or_refused() {
    loom::model(|| {
        let gate = Arc::new(Gate::new());
        // The injector, in miniature.
        let queue = Arc::new(Mutex::new(0usize));
        let refused = Arc::new(AtomicUsize::new(0));
        let pushers: Vec<_> = (0..2)
            .map(|_| {
                let (gate, queue, refused) = (gate.clone(), queue.clone(), refused.clone());
                thread::spawn(move || match gate.enter() {
                    Some(_entry) => *queue.lock().unwrap() += 1,
                    None => {
                        refused.fetch_add(1, SeqCst);
                    }
                })
            })
            .collect();
        gate.close();
        let drained = std::mem::take(&mut *queue.lock().unwrap());
        for p in pushers {
            p.join().unwrap();
        }
        assert_eq!(drained + refused.load(SeqCst), 2, "a push was lost");
        assert_eq!(*queue.lock().unwrap(), 0, "a push got in after the close");
    });
}

/// The LIFO slot (`lifo`): the owner puts two tasks in turn and takes
/// back what it can while another worker takes from the slot. Every task
/// is run exactly once, by whoever's swap moved it out, and nothing is
/// leaked (loom's `Arc` under the task cell reports a count left behind).
#[test]
fn a_slotted_task_is_taken_once_by_the_owner_or_a_rescuer() {
    use crate::lifo::Remote;

    #[derive(Clone)]
    struct Noop;
    impl rt_task::Schedule for Noop {
        fn schedule(&self, _: rt_task::Task, _: bool) {}
    }

    loom::model(|| {
        let runs = Arc::new(AtomicUsize::new(0));
        let task = |runs: &Arc<AtomicUsize>| {
            let runs = runs.clone();
            rt_task::unowned(
                async move {
                    runs.fetch_add(1, SeqCst);
                },
                Noop,
            )
            .0
        };
        let slot = Arc::new(Remote::new());
        let (first, second) = (task(&runs), task(&runs));
        let rescuer = {
            let slot = slot.clone();
            thread::spawn(move || {
                if let Some(task) = slot.take() {
                    task.run();
                }
            })
        };
        // The owner: a task displaced by the next put goes to its deque
        // (here: run at once), then it takes what is left.
        slot.put(first);
        if let Some(displaced) = slot.put(second) {
            displaced.run();
        }
        if let Some(task) = slot.take() {
            task.run();
        }
        rescuer.join().unwrap();
        assert_eq!(runs.load(SeqCst), 2, "a task was lost or run twice");
    });
}
