//! What a runtime leaves behind fails promptly once it is shut down: its
//! timers panic when polled (as tokio's do) and its sockets return an error,
//! whether they are used from `Handle::block_on` after the drop, from a
//! thread blocked on them while the runtime drops, or from another runtime;
//! nothing waits forever for a reactor that no thread drives any more. The
//! `try_*` operations, which never wait, still make their system call.

use crate::support;

use std::future::pending;
use std::io::ErrorKind;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpListener, TcpStream};
use rt::runtime::{Handle, Runtime};
use support::{panic_message, runtime, wait_until, watchdog};

/// Bound on each test: a hang fails it instead.
const LIMIT: Duration = Duration::from_secs(30);

/// A connected pair of streams and the listener, made on `rt`.
fn pair(rt: &Runtime) -> (TcpListener, TcpStream, TcpStream) {
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        (listener, client, server)
    })
}

#[test]
fn sleep_on_the_handle_of_a_dropped_runtime_panics() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let handle: Handle = rt.handle().clone();
        drop(rt);
        let panic = catch_unwind(AssertUnwindSafe(|| {
            handle.block_on(async { rt::time::sleep(Duration::from_millis(50)).await })
        }))
        .expect_err("a timer of a dropped runtime can never fire");
        assert!(panic_message(panic).contains("shut down"));
    });
}

#[test]
fn timeout_on_the_handle_of_a_dropped_runtime_panics() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let handle = rt.handle().clone();
        drop(rt);
        let panic = catch_unwind(AssertUnwindSafe(|| {
            handle.block_on(async {
                rt::time::timeout(Duration::from_millis(100), pending::<()>()).await
            })
        }))
        .expect_err("a timeout of a dropped runtime can never fire");
        assert!(panic_message(panic).contains("shut down"));
    });
}

/// A thread blocked on a sleep of `duration` while the runtime drops.
fn sleep_armed_before_the_drop(duration: Duration) {
    watchdog(LIMIT, move || {
        let rt = runtime(2);
        let handle = rt.handle().clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let sleeper = std::thread::spawn(move || {
            catch_unwind(AssertUnwindSafe(|| {
                handle.block_on(async {
                    let sleep = rt::time::sleep(duration);
                    tx.send(()).unwrap();
                    sleep.await
                })
            }))
            .map_err(panic_message)
        });
        rx.recv().unwrap();
        // Give the thread time to arm the timer (either way it must fail).
        std::thread::sleep(Duration::from_millis(20));
        drop(rt);
        let out = sleeper.join().unwrap();
        assert!(out
            .expect_err("woken by the shutdown")
            .contains("shut down"));
    });
}

#[test]
fn a_sleep_armed_before_the_drop_panics_when_polled_after_it() {
    sleep_armed_before_the_drop(Duration::from_secs(3600));
}

#[test]
fn a_sleep_beyond_the_wheel_armed_before_the_drop_panics_too() {
    // Due decades from now: on the wheel's overflow list.
    sleep_armed_before_the_drop(Duration::MAX);
}

#[test]
fn a_thread_blocked_reading_gets_an_error_when_the_runtime_drops() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let (_listener, mut client, _server) = pair(&rt);
        let handle = rt.handle().clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            handle.block_on(async {
                tx.send(()).unwrap();
                let mut buf = [0u8; 16];
                client.read(&mut buf).await
            })
        });
        rx.recv().unwrap();
        std::thread::sleep(Duration::from_millis(20));
        drop(rt);
        let err = reader.join().unwrap().expect_err("no data ever comes");
        assert_eq!(err.kind(), ErrorKind::Other);
        assert!(err.to_string().contains("shut down"), "{err}");
    });
}

#[test]
fn sockets_of_a_dropped_runtime_fail_on_another_runtime() {
    watchdog(LIMIT, || {
        let first = runtime(2);
        let (listener, mut client, _server) = pair(&first);
        drop(first);
        let second = runtime(2);
        second.block_on(async {
            let mut buf = [0u8; 16];
            let err = client.read(&mut buf).await.expect_err("dead reactor");
            assert!(err.to_string().contains("shut down"), "{err}");
            let err = client.write_all(b"x").await.expect_err("dead reactor");
            assert!(err.to_string().contains("shut down"), "{err}");
            let err = listener.accept().await.expect_err("dead reactor");
            assert!(err.to_string().contains("shut down"), "{err}");
        });
        // Used from a task too (the error reaches the task, not the worker).
        let task = second.spawn(async move {
            let mut buf = [0u8; 16];
            client.read(&mut buf).await
        });
        assert!(second.block_on(task).unwrap().is_err());
    });
}

#[test]
fn try_read_after_the_drop_still_takes_what_is_queued_then_reads_fail() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let (_listener, mut client, server) = pair(&rt);
        rt.block_on(client.write_all(b"queued")).unwrap();
        drop(rt);
        // No reactor any more: the `try_*` calls, which never wait, still
        // make their system call (as tokio's), so the bytes are there to
        // take once loopback delivered them.
        let mut buf = [0u8; 16];
        let mut got = None;
        assert!(wait_until(LIMIT, || match server.try_read(&mut buf) {
            Ok(n) => {
                got = Some(n);
                true
            }
            Err(err) if err.kind() == ErrorKind::WouldBlock => false,
            Err(err) => panic!("try_read after the drop: {err}"),
        }));
        assert_eq!(&buf[..got.unwrap()], b"queued");
        // Nothing more queued: WouldBlock, and a read that would wait fails
        // with the shutdown error rather than hang.
        let err = server.try_read(&mut buf).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WouldBlock);
        let mut server = server;
        let err = runtime(1)
            .block_on(server.read(&mut buf))
            .expect_err("no reactor drives the socket");
        assert!(rt::runtime::is_rt_shutdown_err(&err), "{err:?}");
    });
}

#[test]
fn registering_a_socket_with_a_dropped_runtime_fails() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let handle = rt.handle().clone();
        drop(rt);
        let err = handle
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect_err("nothing would drive it");
        assert!(err.to_string().contains("shut down"), "{err}");
    });
}

#[test]
fn an_accept_in_flight_fails_when_the_runtime_drops() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let handle = rt.handle().clone();
        let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let accepting = std::thread::spawn(move || handle.block_on(listener.accept()).map(drop));
        std::thread::sleep(Duration::from_millis(20));
        drop(rt);
        assert!(wait_until(LIMIT, || accepting.is_finished()));
        assert!(accepting.join().unwrap().is_err());
    });
}

/// Spawns through `rt::spawn` (the thread's current runtime) when dropped,
/// and records what the spawn gave back.
struct SpawnsOnDrop(std::sync::mpsc::Sender<bool>);

impl Drop for SpawnsOnDrop {
    fn drop(&mut self) {
        let join = rt::spawn(async {});
        // Cancelled at once: the runtime is shutting down.
        let cancelled = futures_lite::future::block_on(join).is_err_and(|e| e.is_cancelled());
        let _ = self.0.send(cancelled);
    }
}

#[test]
fn rt_spawn_in_a_destructor_run_at_shutdown_gives_a_cancelled_task() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let (tx, rx) = std::sync::mpsc::channel();
        let holder = SpawnsOnDrop(tx);
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        drop(rt.spawn(async move {
            let _holder = holder;
            started_tx.send(()).unwrap();
            pending::<()>().await;
        }));
        started_rx.recv().unwrap();
        // The task's future, and so the holder, is dropped by the drop.
        drop(rt);
        assert!(rx.recv().expect("the destructor ran without panicking"));
    });
}
