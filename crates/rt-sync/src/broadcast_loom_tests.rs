//! loom models of the broadcast channel's protocol (`broadcast.rs`, module
//! docs, "Design"): a send racing a receive of the slot it writes, a send
//! racing a receiver parking its waker (a lost wake-up makes loom's
//! `block_on` report a deadlock), an overwrite racing a lagging receiver
//! reading the slot, and a receiver dropping while a value is sent. The
//! values are loom `Arc`s, so each model also checks that every value is
//! dropped once all receivers have read or skipped it (a leaked one is
//! reported at the end of the execution). Run with
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p rt-sync --release --lib broadcast`.

use loom::future::block_on;
use loom::thread;
use rt_core::loom::Arc;

use crate::broadcast::{self, error::RecvError, error::TryRecvError};

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(2);
    }
    builder.check(f);
}

/// A value that says which send it came from and whose copies loom counts.
#[derive(Clone)]
struct Value {
    id: u8,
    _counted: Arc<()>,
}

fn value(id: u8, counted: Arc<()>) -> Value {
    Value {
        id,
        _counted: counted,
    }
}

/// Two receivers read the slot a send is writing: both get the value (the
/// one that parked first is woken), and the last reader drops the kept
/// value: afterwards only the probe holds the `Arc`.
#[test]
fn broadcast_send_races_recv_of_the_same_slot() {
    model(|| {
        let probe = Arc::new(());
        let (tx, mut a) = broadcast::channel(2);
        let mut b = tx.subscribe();
        let other = thread::spawn(move || {
            let got = block_on(b.recv()).ok().map(|v: Value| v.id);
            assert_eq!(got, Some(7));
        });
        let sent = value(7, probe.clone());
        let sender = thread::spawn(move || {
            tx.send(sent).ok().unwrap();
            tx
        });
        let got = block_on(a.recv()).ok().map(|v| v.id);
        assert_eq!(got, Some(7));
        other.join().unwrap();
        let tx = sender.join().unwrap();
        assert_eq!(Arc::strong_count(&probe), 1, "the kept value was dropped");
        assert!(tx.is_empty());
    });
}

/// A receiver parking its waker races a send and then the last sender's
/// drop: it sees the value, then `Closed`; never a lost wake-up.
#[test]
fn broadcast_send_and_close_race_a_parking_receiver() {
    model(|| {
        let (tx, mut rx) = broadcast::channel(1);
        let sender = thread::spawn(move || {
            tx.send(5u8).unwrap();
            drop(tx);
        });
        assert_eq!(block_on(rx.recv()), Ok(5));
        assert_eq!(block_on(rx.recv()), Err(RecvError::Closed));
        sender.join().unwrap();
    });
}

/// A ring of one slot holding value 1, which a lagging receiver reads
/// while a send overwrites it with value 2: the receiver gets 1 (read
/// before the overwrite) or `Lagged(1)`, then 2, and never a torn or
/// freed value. Value 1 is dropped either by its last reader or by the
/// overwrite, exactly once (loom reports a double drop or a leak).
#[test]
fn broadcast_overwrite_races_a_lagging_reader() {
    model(|| {
        let (tx, mut rx) = broadcast::channel(1);
        tx.send(value(1, Arc::new(()))).ok().unwrap();
        let sender = thread::spawn(move || {
            tx.send(value(2, Arc::new(()))).ok().unwrap();
            tx
        });
        let first = rx.try_recv().map(|v| v.id);
        let tx = sender.join().unwrap();
        match first {
            Ok(1) => assert_eq!(rx.try_recv().map(|v| v.id), Ok(2)),
            Err(TryRecvError::Lagged(1)) => assert_eq!(rx.try_recv().map(|v| v.id), Ok(2)),
            other => panic!("unexpected {:?}", other.map(|_| ())),
        }
        assert_eq!(rx.try_recv().map(|v| v.id), Err(TryRecvError::Empty));
        assert!(tx.is_empty());
    });
}

/// One receiver drops while a value is sent and the other reads it: the
/// kept value is dropped once both have given it up, whichever of the
/// read and the drop comes last (or at once, if the drop came before the
/// send and the read is the only one).
#[test]
fn broadcast_receiver_drop_races_a_send() {
    model(|| {
        let probe = Arc::new(());
        let (tx, mut a) = broadcast::channel(2);
        let b = tx.subscribe();
        let dropper = thread::spawn(move || drop(b));
        tx.send(value(3, probe.clone())).ok().unwrap();
        assert_eq!(a.try_recv().map(|v| v.id), Ok(3));
        dropper.join().unwrap();
        assert_eq!(Arc::strong_count(&probe), 1, "nobody needs the value");
        assert_eq!(tx.len(), 0);
        assert_eq!(tx.receiver_count(), 1);
    });
}
