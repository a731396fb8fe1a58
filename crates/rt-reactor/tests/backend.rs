//! The poller backend: `RT_REACTOR_BACKEND` selects it (read once, by
//! `Reactor::new`), `Reactor::backend` and the `Debug` output name it, and
//! on each backend, in each poll mode, data with the peer's FIN behind it
//! reads to end-of-file through `Async::poll_read_stream` (whose short
//! reads clear read readiness where the backend reports the FIN).
//!
//! The environment is the process's, so each case runs in a child: this
//! test binary again, running only `child` with the variables set.

mod support;

use std::future::poll_fn;
use std::io::Write;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Command;
use std::thread;
use std::time::Duration;

use rt_reactor::{Async, Reactor};
use support::Driver;

/// Set in a child's environment: the backend it must find.
const EXPECT: &str = "RT_REACTOR_TEST_EXPECT_BACKEND";
/// The backend `Reactor::new` picks with no (or an unknown) `RT_REACTOR_BACKEND`.
const DEFAULT: &str = if cfg!(target_os = "linux") {
    "epoll"
} else {
    "polling"
};
/// Rounds of the end-of-file check in each child.
const ROUNDS: usize = 10;
/// How long a read that should see end-of-file may take before the test
/// calls the FIN lost.
const EOF_DEADLINE: Duration = Duration::from_secs(5);

/// Runs `child` in a new process with `RT_REACTOR_BACKEND` set to `backend`
/// (removed if `None`) and `RT_REACTOR_POLL_MODE` to `mode`, expecting it
/// to find `expect`.
fn run_child(backend: Option<&str>, mode: &str, expect: &str) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["child", "--exact", "--nocapture", "--test-threads=1"])
        .env(EXPECT, expect)
        .env("RT_REACTOR_POLL_MODE", mode);
    match backend {
        Some(backend) => command.env("RT_REACTOR_BACKEND", backend),
        None => command.env_remove("RT_REACTOR_BACKEND"),
    };
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains(&format!("backend={expect}\n")),
        "RT_REACTOR_BACKEND={backend:?} RT_REACTOR_POLL_MODE={mode}: {}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr),
    );
}

#[test]
fn the_environment_selects_the_backend() {
    run_child(None, "edge", DEFAULT);
    run_child(Some("polling"), "edge", "polling");
    run_child(Some("epoll"), "edge", DEFAULT);
    run_child(Some("no-such-backend"), "edge", DEFAULT);
}

#[test]
fn fin_with_data_is_end_of_file_on_each_backend_and_mode() {
    for backend in ["epoll", "polling"] {
        for mode in ["edge", "oneshot"] {
            let expect = if backend == "epoll" { DEFAULT } else { backend };
            run_child(Some(backend), mode, expect);
        }
    }
}

/// The child's side: a no-op unless run by `run_child`.
#[test]
fn child() {
    let Ok(expect) = std::env::var(EXPECT) else {
        return;
    };
    let reactor = Reactor::new().unwrap();
    assert_eq!(reactor.backend(), expect);
    assert!(format!("{reactor:?}").contains(&format!("backend: {expect:?}")));
    println!("backend={}", reactor.backend());
    fin_with_data_reads_to_end_of_file();
}

/// Ten bytes and the FIN behind them arrive while the reader waits, most
/// often under one edge; the read comes back short (10 of 64 bytes), and
/// the next must find the end-of-file rather than wait for an event that
/// will not come. Every other round the reader first finds them queued.
fn fin_with_data_reads_to_end_of_file() {
    let driver = Driver::new();
    for round in 0..ROUNDS {
        driver.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
            let server = Async::new(listener.accept().unwrap().0).unwrap();
            let writer = thread::spawn(move || {
                let mut client = client;
                if round % 2 == 0 {
                    thread::sleep(Duration::from_millis(10));
                }
                client.write_all(b"0123456789").unwrap();
                client.shutdown(Shutdown::Write).unwrap();
                client
            });
            if round % 2 == 1 {
                thread::sleep(Duration::from_millis(10));
            }
            assert_eq!(read_to_end(&server).await, b"0123456789");
            drop(writer.join().unwrap());
        });
    }
}

/// Reads `stream` to its end-of-file, or panics if the end does not come
/// within `EOF_DEADLINE` (a lost FIN).
async fn read_to_end(stream: &Async<TcpStream>) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0; 64];
    loop {
        let read = poll_fn(|cx| stream.poll_read_stream(cx, &mut buf));
        let n = rt_time::timeout(EOF_DEADLINE, read)
            .await
            .expect("end-of-file lost: read still pending")
            .unwrap();
        if n == 0 {
            return got;
        }
        got.extend_from_slice(&buf[..n]);
    }
}
