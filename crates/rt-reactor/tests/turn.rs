//! The ownership protocol: `try_lock`, `turn`, `notify`, `enter`.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::{Duration, Instant};

use rt_io::AsyncReadExt;
use rt_reactor::Async;
use rt_reactor::{enter, Reactor};

/// How long a blocked `turn` is left alone before it is notified.
const BLOCK: Duration = Duration::from_millis(200);

/// A waker that counts its wakes.
#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn _assert_send_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Reactor>();
    send_sync::<rt_reactor::Async<std::net::TcpStream>>();
}

#[test]
fn turn_none_without_timers_blocks_until_notify() {
    let reactor = Arc::new(Reactor::new().unwrap());
    let owner = {
        let reactor = reactor.clone();
        thread::spawn(move || {
            let mut lock = reactor.try_lock().unwrap();
            let started = Instant::now();
            let woken = lock.turn(None);
            (started.elapsed(), woken)
        })
    };
    thread::sleep(BLOCK);
    reactor.notify();
    let (blocked, woken) = owner.join().unwrap();
    assert!(
        blocked >= BLOCK - Duration::from_millis(20),
        "returned after {blocked:?}"
    );
    assert_eq!(woken, 0);
}

#[test]
fn notify_before_turn_makes_the_next_turn_return_at_once() {
    let reactor = Reactor::new().unwrap();
    reactor.notify();
    let started = Instant::now();
    reactor.try_lock().unwrap().turn(None);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn zero_timeout_does_not_block() {
    let reactor = Reactor::new().unwrap();
    let started = Instant::now();
    assert_eq!(reactor.try_lock().unwrap().turn(Some(Duration::ZERO)), 0);
    assert!(started.elapsed() < Duration::from_millis(100));
    let started = Instant::now();
    reactor
        .try_lock()
        .unwrap()
        .turn(Some(Duration::from_millis(50)));
    assert!(started.elapsed() >= Duration::from_millis(45));
}

#[test]
fn only_one_owner_at_a_time() {
    let reactor = Reactor::new().unwrap();
    let lock = reactor.try_lock().unwrap();
    assert!(reactor.try_lock().is_none());
    thread::scope(|scope| {
        scope.spawn(|| assert!(reactor.try_lock().is_none()));
    });
    drop(lock);
    assert!(reactor.try_lock().is_some());
}

#[test]
fn turn_wakes_ready_sources_and_counts_them() {
    let reactor = Arc::new(Reactor::new().unwrap());
    let _guard = enter(&reactor);
    let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    let (mut a, b) = (Async::new(a).unwrap(), Async::new(b).unwrap());
    let counter = Arc::new(CountingWaker::default());
    let waker = Waker::from(counter.clone());
    let mut cx = Context::from_waker(&waker);

    let mut buf = [0; 4];
    let mut read = pin!(a.read(&mut buf));
    assert!(read.as_mut().poll(&mut cx).is_pending());
    // Nothing is ready: a turn wakes nobody.
    assert_eq!(reactor.try_lock().unwrap().turn(Some(Duration::ZERO)), 0);

    std::io::Write::write_all(
        &mut std::os::unix::net::UnixStream::from(
            // Write through a duplicate of `b`'s descriptor, outside the reactor.
            std::os::fd::AsFd::as_fd(&b).try_clone_to_owned().unwrap(),
        ),
        b"ping",
    )
    .unwrap();
    assert_eq!(
        reactor
            .try_lock()
            .unwrap()
            .turn(Some(Duration::from_secs(5))),
        1
    );
    assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    assert!(matches!(read.as_mut().poll(&mut cx), Poll::Ready(Ok(4))));
    assert_eq!(&buf, b"ping");
}

#[test]
fn enter_sets_and_restores_the_current_reactor() {
    assert!(Reactor::try_current().is_none());
    let outer = Arc::new(Reactor::new().unwrap());
    let inner = Arc::new(Reactor::new().unwrap());
    {
        let _outer = enter(&outer);
        assert!(Arc::ptr_eq(&Reactor::current(), &outer));
        {
            let _inner = enter(&inner);
            assert!(Arc::ptr_eq(&Reactor::current(), &inner));
        }
        assert!(Arc::ptr_eq(&Reactor::current(), &outer));
        // Other threads do not see it.
        thread::spawn(|| assert!(Reactor::try_current().is_none()))
            .join()
            .unwrap();
    }
    assert!(Reactor::try_current().is_none());
}

#[test]
fn current_outside_a_runtime_panics_with_a_clear_message() {
    let panic = std::panic::catch_unwind(Reactor::current).unwrap_err();
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .unwrap_or_else(|| panic.downcast_ref::<&str>().copied().unwrap_or_default());
    assert_eq!(
        message,
        "there is no reactor running, must be called from the context of an rt runtime"
    );
}
