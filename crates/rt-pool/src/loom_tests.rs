//! loom models of the park/notify protocol (`park`) and of the idle set
//! (`idle`): no wake-up is lost. A lost wake-up leaves a worker parked
//! forever, which loom reports as a deadlock. Run with
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p rt-pool --release --lib`.

use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use loom::sync::Arc;
use loom::thread;

use crate::idle::Idle;
use crate::park::Parker;

#[test]
fn unpark_before_or_during_park_is_never_lost() {
    loom::model(|| {
        let parker = Arc::new(Parker::new(None));
        let p = parker.clone();
        let t = thread::spawn(move || p.unpark());
        parker.park();
        t.join().unwrap();
    });
}

#[test]
fn two_unparks_two_parks() {
    loom::model(|| {
        let parker = Arc::new(Parker::new(None));
        let flag = Arc::new(AtomicUsize::new(0));
        let (p, f) = (parker.clone(), flag.clone());
        let t = thread::spawn(move || {
            f.store(1, SeqCst);
            p.unpark();
            f.store(2, SeqCst);
            p.unpark();
        });
        while flag.load(SeqCst) < 2 {
            parker.park();
        }
        t.join().unwrap();
    });
}

/// The runtime in miniature: `workers` workers, a queue of task counts,
/// one producer. Each worker runs the real idle-set transitions in the
/// worker loop's order; the worker that takes the last task stops the rest.
struct Mini {
    idle: Idle,
    parkers: Vec<Parker>,
    queue: AtomicUsize,
    done: AtomicBool,
}

impl Mini {
    fn new(workers: usize) -> Arc<Mini> {
        Arc::new(Mini {
            idle: Idle::new(workers),
            parkers: (0..workers).map(|_| Parker::new(None)).collect(),
            queue: AtomicUsize::new(0),
            done: AtomicBool::new(false),
        })
    }

    fn notify(&self) {
        if let Some(w) = self.idle.worker_to_notify(|s| s.len().checked_sub(1)) {
            self.parkers[w].unpark();
        }
    }

    fn take(&self) -> bool {
        self.queue
            .fetch_update(SeqCst, SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }

    fn worker(&self, me: usize, tasks: usize) {
        let mut searching = false;
        while !self.done.load(SeqCst) {
            // The injector is checked whether or not the worker searches
            // (as `next_task` does); only stealing needs the searcher slot.
            if !searching {
                searching = self.idle.transition_worker_to_searching();
            }
            if self.take() {
                if std::mem::take(&mut searching) && self.idle.transition_worker_from_searching() {
                    self.notify();
                }
                // Ran the last task: stop everyone.
                if self.queue.load(SeqCst) == 0 && tasks == 1 {
                    self.done.store(true, SeqCst);
                    for p in &self.parkers {
                        p.unpark();
                    }
                }
                continue;
            }
            let was_last = self.idle.transition_worker_to_parked(me, searching);
            searching = false;
            if was_last && self.queue.load(SeqCst) > 0 {
                self.notify();
            }
            if !self.done.load(SeqCst) {
                self.parkers[me].park();
            }
            if !self.idle.unpark_worker_by_id(me) {
                searching = true;
            }
        }
    }
}

#[test]
fn one_worker_one_task_no_lost_wakeup() {
    loom::model(|| {
        let mini = Mini::new(1);
        let m = mini.clone();
        let producer = thread::spawn(move || {
            m.queue.fetch_add(1, SeqCst);
            m.notify();
        });
        mini.worker(0, 1);
        producer.join().unwrap();
        assert_eq!(mini.queue.load(SeqCst), 0);
    });
}

#[test]
fn two_workers_one_remote_task_no_lost_wakeup() {
    loom::model(|| {
        let mini = Mini::new(2);
        let m = mini.clone();
        let other = thread::spawn(move || m.worker(1, 1));
        let m = mini.clone();
        let producer = thread::spawn(move || {
            m.queue.fetch_add(1, SeqCst);
            m.notify();
        });
        mini.worker(0, 1);
        producer.join().unwrap();
        other.join().unwrap();
        assert_eq!(mini.queue.load(SeqCst), 0);
    });
}
