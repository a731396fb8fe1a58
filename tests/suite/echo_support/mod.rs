//! Helpers for the echo server's tests: the real server (`rt_suite::echo::
//! serve`) on an rt runtime in this process, blocking std clients that
//! check every byte, and a watchdog so a bug fails a test instead of
//! hanging it.

// The suite (tests/suite) and the separate test files of tests/ that include
// it (`#[path]`) each use a part of it.
#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::{Shutdown as Direction, SocketAddr, TcpStream};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use rt_suite::echo::{serve, Counters, Options, Shutdown, Totals};

/// Worker threads of the server's runtime: 2, like the demo machine.
pub const WORKERS: usize = 2;
/// Longest a socket read or write may block in these tests.
pub const IO_TIMEOUT: Duration = Duration::from_secs(20);

/// The echo server, serving on a runtime of its own.
pub struct Server {
    pub addr: SocketAddr,
    pub counters: Arc<Counters>,
    shutdown: Shutdown,
    task: rt::task::JoinHandle<Totals>,
    runtime: rt::Runtime,
}

impl Server {
    /// Binds 127.0.0.1:0 and serves with the default options.
    pub fn start() -> Server {
        let runtime = rt::runtime::Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(rt::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().unwrap();
        let counters = Arc::new(Counters::new());
        let shutdown = Shutdown::new();
        let task = runtime.spawn(serve(
            listener,
            Options::default(),
            counters.clone(),
            shutdown.wait(),
        ));
        Server {
            addr,
            counters,
            shutdown,
            task,
            runtime,
        }
    }

    /// Triggers the shutdown and returns what `serve` returned.
    pub fn stop(self) -> Totals {
        self.shutdown.trigger();
        let totals = self.runtime.block_on(self.task).expect("serve panicked");
        self.runtime.shutdown_timeout(Duration::from_secs(5));
        totals
    }

    /// Connections the server has open now.
    pub fn open(&self) -> u64 {
        self.counters.open()
    }

    pub fn totals(&self) -> Totals {
        self.counters.totals()
    }
}

/// Runs `test` on a thread and fails if it takes longer than `limit`;
/// a panic in `test` fails the calling test with the same message.
pub fn watchdog<F: FnOnce() + Send + 'static>(limit: Duration, test: F) {
    let (done, finished) = mpsc::channel();
    let runner = thread::spawn(move || {
        test();
        let _ = done.send(());
    });
    match finished.recv_timeout(limit) {
        Ok(()) => runner.join().unwrap(),
        // The sender was dropped without sending: the test panicked.
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(panic) = runner.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("the test did not finish within {limit:?} (hung?)")
        }
    }
}

/// Waits until `condition` holds, checking every 5 ms; panics with `what`
/// after `limit`.
pub fn wait_until(limit: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        thread::sleep(Duration::from_millis(5));
    }
}

/// A connection with timeouts, so a lost echo fails instead of hanging.
pub fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    stream.set_nodelay(true).unwrap();
    stream
}

/// `len` bytes of a pattern particular to `seed` (xorshift64, 8 bytes a
/// step, so tens of MB are quick even unoptimized).
pub fn pattern(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut bytes = vec![0; len];
    for chunk in bytes.chunks_mut(8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        chunk.copy_from_slice(&state.to_le_bytes()[..chunk.len()]);
    }
    bytes
}

/// A well-behaved client: `rounds` messages of varied sizes (up to 10 KB,
/// so some span several server reads), each read back in full and compared.
pub fn well_behaved(addr: SocketAddr, seed: u64, rounds: usize) -> io::Result<u64> {
    let mut stream = connect(addr);
    let mut echoed = 0;
    for round in 0..rounds {
        let len = 1 + (seed as usize * 7919 + round * 104_729) % 10_000;
        let message = pattern(seed << 20 | round as u64, len);
        stream.write_all(&message)?;
        let mut echo = vec![0; len];
        stream.read_exact(&mut echo)?;
        assert!(
            echo == message,
            "client {seed}: echo of round {round} differs"
        );
        echoed += len as u64;
    }
    Ok(echoed)
}

/// Sends `data` from a second thread while reading the echo on this one,
/// then half-closes and reads to end-of-file: returns all that came back.
pub fn send_then_half_close(addr: SocketAddr, data: Vec<u8>) -> Vec<u8> {
    let mut stream = connect(addr);
    let mut writer = stream.try_clone().unwrap();
    let sender = thread::spawn(move || {
        writer.write_all(&data).unwrap();
        writer.shutdown(Direction::Write).unwrap();
    });
    let mut echoed = Vec::new();
    stream
        .read_to_end(&mut echoed)
        .expect("read to end-of-file");
    sender.join().unwrap();
    echoed
}

/// Sends `len` bytes, possibly in the middle of the server's echo, then
/// resets the connection (`SO_LINGER` 0, then close: RST, not FIN).
pub fn reset_mid_message(addr: SocketAddr, len: usize) {
    let mut stream = connect(addr);
    let _ = stream.write_all(&pattern(len as u64, len));
    socket2::SockRef::from(&stream)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(stream);
}
