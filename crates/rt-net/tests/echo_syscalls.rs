//! Syscalls per TCP echo round trip: the measurement that chose edge-triggered
//! registration with a readiness cache over oneshot re-arming.
//!
//! Ignored by default. Run it under strace for two round counts and take the
//! difference, once per mode (`RT_REACTOR_POLL_MODE=oneshot` forces oneshot):
//!
//! ```text
//! cargo test -p rt-reactor --release --test echo_syscalls --no-run
//! for mode in edge oneshot; do for rounds in 1000 11000; do
//!   RT_REACTOR_POLL_MODE=$mode ROUNDS=$rounds strace -c -f -o /tmp/$mode-$rounds.txt \
//!     target/release/deps/echo_syscalls-<hash> --ignored --exact echo_round_trips
//! done; done
//! ```
//!
//! The server and the client are two threads (two "tasks") of one process,
//! each in `block_on`; a third thread turns the reactor.

#[path = "../../rt-reactor/tests/support/mod.rs"]
mod support;

use std::time::Instant;

use futures_lite::future;
use rt_io::{AsyncReadExt, AsyncWriteExt};
use rt_net::{TcpListener, TcpStream};
use support::Driver;

/// Message size, as in README.md's echo figures.
const MESSAGE: usize = 64;

#[test]
#[ignore = "a measurement: run under strace, see the file's docs"]
fn echo_round_trips() {
    let rounds: usize = std::env::var("ROUNDS").map_or(10_000, |r| r.parse().expect("ROUNDS"));
    let driver = Driver::new();
    let listener = driver.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = driver.spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = [0; MESSAGE];
        loop {
            let n = stream.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            stream.write_all(&buf[..n]).await.unwrap();
        }
    });
    let started = Instant::now();
    driver.block_on(async {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        let msg = [7; MESSAGE];
        let mut back = [0; MESSAGE];
        for _ in 0..rounds {
            stream.write_all(&msg).await.unwrap();
            stream.read_exact(&mut back).await.unwrap();
        }
        future::yield_now().await;
    });
    let elapsed = started.elapsed();
    server.join().unwrap();
    eprintln!(
        "{rounds} round trips in {elapsed:?}: {:?} each",
        elapsed / rounds as u32
    );
}
