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
