//! loom models of the channels' protocols: the oneshot state word
//! (`oneshot.rs`, module docs), the bounded mpsc channel's slots and the
//! receiver's batch (`mpsc/mod.rs`, "Slots"), and the watch receivers'
//! parking against the drain counts of their shards (`watch.rs`,
//! `RxPlace`). Run with
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p rt-sync --release --lib`.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use loom::future::block_on;
use loom::thread;

use crate::mpsc;
use crate::oneshot;
use crate::watch;

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(2);
    }
    builder.check(f);
}

#[test]
fn oneshot_send_races_recv() {
    model(|| {
        let (tx, rx) = oneshot::channel();
        let sender = thread::spawn(move || tx.send(1).unwrap());
        assert_eq!(block_on(rx), Ok(1));
        sender.join().unwrap();
    });
}

#[test]
fn oneshot_sender_drop_races_recv() {
    model(|| {
        let (tx, rx) = oneshot::channel::<u8>();
        let sender = thread::spawn(move || drop(tx));
        assert!(block_on(rx).is_err());
        sender.join().unwrap();
    });
}

#[test]
fn oneshot_receiver_changes_its_waker_while_the_value_is_sent() {
    model(|| {
        let (tx, mut rx) = oneshot::channel();
        let sender = thread::spawn(move || tx.send(7).unwrap());
        // First poll with one waker, then wait with another: the second
        // poll takes the waker cell back (or finds the value).
        let first = pin!(&mut rx).poll(&mut Context::from_waker(Waker::noop()));
        match first {
            Poll::Ready(v) => assert_eq!(v, Ok(7)),
            Poll::Pending => assert_eq!(block_on(&mut rx), Ok(7)),
        }
        sender.join().unwrap();
    });
}

#[test]
fn oneshot_close_races_send_and_the_value_is_never_lost() {
    model(|| {
        let (tx, mut rx) = oneshot::channel();
        let sender = thread::spawn(move || tx.send(3));
        rx.close();
        let sent = sender.join().unwrap();
        match (sent, rx.try_recv()) {
            // Sent before the close: still received.
            (Ok(()), Ok(3)) => {}
            // Refused: the value came back to the sender.
            (Err(3), Err(oneshot::error::TryRecvError::Closed)) => {}
            (sent, got) => panic!("inconsistent: send {sent:?}, try_recv {got:?}"),
        }
    });
}

#[test]
fn oneshot_closed_wakes_when_the_receiver_drops() {
    model(|| {
        let (mut tx, rx) = oneshot::channel::<u8>();
        let receiver = thread::spawn(move || drop(rx));
        block_on(poll_fn(|cx| tx.poll_closed(cx)));
        assert!(tx.is_closed());
        receiver.join().unwrap();
    });
}

#[test]
fn mpsc_waiting_sender_freed_slot_and_cancelled_sender() {
    model(|| {
        let (tx, mut rx) = mpsc::channel(2);
        tx.try_send(0).unwrap();
        tx.try_send(1).unwrap(); // full
        let waiting = {
            let tx = tx.clone();
            thread::spawn(move || block_on(tx.send(2)).unwrap())
        };
        let cancelled = {
            let tx = tx.clone();
            thread::spawn(move || {
                // Poll once (it may wait, hold one slot of two, or even be
                // granted both), then give up: whatever it held must pass
                // on.
                let mut reserve = pin!(tx.reserve_many(2));
                let cx = &mut Context::from_waker(Waker::noop());
                if let Poll::Ready(Ok(permits)) = reserve.as_mut().poll(cx) {
                    drop(permits);
                }
            })
        };
        drop(tx);
        assert_eq!(block_on(rx.recv()), Some(0));
        assert_eq!(block_on(rx.recv()), Some(1));
        assert_eq!(block_on(rx.recv()), Some(2));
        waiting.join().unwrap();
        cancelled.join().unwrap();
        assert_eq!(block_on(rx.recv()), None);
        assert_eq!(rx.capacity(), 2, "no slot lost");
    });
}

#[test]
fn mpsc_close_races_a_waiting_sender() {
    model(|| {
        let (tx, mut rx) = mpsc::channel(1);
        tx.try_send(0).unwrap();
        let waiting = thread::spawn(move || block_on(tx.send(1)).is_ok());
        rx.close();
        assert_eq!(block_on(rx.recv()), Some(0));
        let sent = waiting.join().unwrap();
        let last = block_on(rx.recv());
        assert_eq!(last.is_some(), sent, "a send that succeeded is received");
        assert_eq!(block_on(rx.recv()), None);
    });
}

#[test]
fn watch_send_races_changed() {
    model(|| {
        let (tx, mut rx) = watch::channel(0);
        let sender = thread::spawn(move || {
            tx.send(1).unwrap();
            tx
        });
        block_on(rx.changed()).unwrap();
        assert_eq!(*rx.borrow_and_update(), 1);
        drop(sender.join().unwrap());
    });
}

#[test]
fn watch_a_drained_receiver_leaves_no_waker_behind() {
    model(|| {
        let (tx, mut rx) = watch::channel(0);
        let sender = thread::spawn(move || {
            tx.send(1).unwrap();
            tx
        });
        {
            // Parks (or finds the change), then either completes or is
            // dropped while the send drains the wakers: both must take this
            // receiver's waker out of the set, with or without the lock.
            let mut changed = pin!(rx.changed());
            let first = changed
                .as_mut()
                .poll(&mut Context::from_waker(Waker::noop()));
            if first.is_pending() {
                let _ = changed
                    .as_mut()
                    .poll(&mut Context::from_waker(Waker::noop()));
            }
        }
        let tx = sender.join().unwrap();
        assert_eq!(rx.parked_receivers(), 0);
        drop(tx);
    });
}

#[test]
fn watch_send_wakes_receivers_parked_in_different_shards() {
    model(|| {
        let (tx, rx) = watch::channel(0);
        // Two "workers": each receiver parks in the shard of its index.
        let receivers: Vec<_> = (0..2)
            .map(|index| {
                let mut rx = rx.clone();
                thread::spawn(move || {
                    rt_core::context::set_worker_index(Some(index));
                    block_on(rx.changed()).unwrap();
                    assert_eq!(*rx.borrow_and_update(), 1);
                })
            })
            .collect();
        tx.send(1).unwrap();
        for receiver in receivers {
            receiver.join().unwrap();
        }
        assert_eq!(rx.parked_receivers(), 0);
    });
}

#[test]
fn watch_a_receiver_polled_again_in_another_shard_stays_in_its_first() {
    model(|| {
        let (tx, mut rx) = watch::channel(0);
        let sender = thread::spawn(move || {
            tx.send(1).unwrap();
            tx
        });
        {
            // Parks as worker 0, then is polled again as worker 1 (a task
            // stolen meanwhile), while the send drains the shards: however
            // they interleave, nothing stays parked. (That the second park
            // replaces the waker in shard 0 is a sequential matter, tested
            // in the suite's sync_watch.)
            let mut changed = pin!(rx.changed());
            rt_core::context::set_worker_index(Some(0));
            let first = changed
                .as_mut()
                .poll(&mut Context::from_waker(Waker::noop()));
            rt_core::context::set_worker_index(Some(1));
            if first.is_pending() {
                let _ = changed
                    .as_mut()
                    .poll(&mut Context::from_waker(Waker::noop()));
            }
        }
        let tx = sender.join().unwrap();
        assert_eq!(rx.parked_receivers(), 0);
        drop(tx);
    });
}

#[test]
fn mpsc_batched_receive_frees_slots_for_a_waiting_sender() {
    model(|| {
        let (tx, mut rx) = mpsc::channel(1);
        let sender = thread::spawn(move || {
            for i in 0..3 {
                block_on(tx.send(i)).unwrap();
            }
        });
        for i in 0..3 {
            assert_eq!(block_on(rx.recv()), Some(i));
        }
        assert_eq!(block_on(rx.recv()), None);
        sender.join().unwrap();
        assert_eq!(rx.capacity(), 1, "no slot lost");
    });
}

#[test]
fn mpsc_closed_receiver_waits_for_a_dropped_permit() {
    model(|| {
        let (tx, mut rx) = mpsc::channel::<u8>(1);
        // A sender stays, so only the slot coming back can end the channel.
        let stays = tx.clone();
        let permit = tx.try_reserve_owned().unwrap();
        let holder = thread::spawn(move || drop(permit));
        rx.close();
        // Ends only once the slot is back: woken by the permit's drop.
        assert_eq!(block_on(rx.recv()), None);
        holder.join().unwrap();
        assert_eq!(rx.capacity(), 1);
        drop(stays);
    });
}

#[test]
fn mpsc_closed_receiver_receives_what_a_permit_sends() {
    model(|| {
        let (tx, mut rx) = mpsc::channel::<u8>(1);
        let stays = tx.clone();
        let permit = tx.try_reserve_owned().unwrap();
        let holder = thread::spawn(move || drop(permit.send(5)));
        rx.close();
        assert_eq!(block_on(rx.recv()), Some(5));
        assert_eq!(block_on(rx.recv()), None);
        holder.join().unwrap();
        drop(stays);
    });
}
