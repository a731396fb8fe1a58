//! The echo server out of file descriptors: `accept` fails with `EMFILE`,
//! the server backs off instead of spinning, keeps serving the connections
//! it has, and accepts again once descriptors are free.
//!
//! One test in this file, on purpose: it lowers the process's soft
//! `RLIMIT_NOFILE` and fills the descriptor table, which would break any
//! test running beside it.
//!
//! (An executable of its own, not a module of tests/suite: it lowers
//! RLIMIT_NOFILE for the whole process; other tests would fail with EMFILE.)

#[path = "suite/echo_support/mod.rs"]
mod echo_support;

use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use echo_support::{connect, pattern, wait_until, watchdog, Server, IO_TIMEOUT};
use rlimit::Resource;
use socket2::{Domain, Protocol, Socket, Type};

/// Only catches hangs: the test takes about a second alone.
const LIMIT: Duration = Duration::from_secs(180);
/// Descriptors left free above those in use when the limit drops; filled
/// with `/dev/null` right after, so the number only bounds the filling.
const HEADROOM: u64 = 64;
/// How long the server stays out of descriptors in the test.
const STARVED: Duration = Duration::from_secs(1);
/// Accept attempts the back-off allows in `STARVED` (10, 20, 40, 80 ms, then
/// every 100 ms: about 14), with room for a slow machine; a loop that
/// retried at once would make tens of thousands.
const MAX_ATTEMPTS: u64 = 40;

#[test]
fn server_survives_running_out_of_descriptors() {
    watchdog(LIMIT, || {
        let server = Server::start();
        let mut served = connect(server.addr);
        round_trip(&mut served, 1);
        // Sockets made now, connected once no descriptor is left: connecting
        // needs none, but the server's accept does.
        let waiting = [new_socket(), new_socket()];

        let (soft, hard) = rlimit::getrlimit(Resource::NOFILE).unwrap();
        rlimit::setrlimit(Resource::NOFILE, lowest_free_fd() + HEADROOM, hard).unwrap();
        let filler = fill_descriptor_table();
        let errors_before = server.totals().accept_errors;
        let accepted_before = server.totals().accepted;

        let addr: socket2::SockAddr = server.addr.into();
        for socket in &waiting {
            socket
                .connect(&addr)
                .expect("connect completes in the backlog");
        }
        wait_until(IO_TIMEOUT, "accept fails with EMFILE", || {
            server.totals().accept_errors > errors_before
        });
        let starved_at = Instant::now();
        // Out of descriptors, the server still serves what it has.
        let mut round = 2;
        while starved_at.elapsed() < STARVED {
            round_trip(&mut served, round);
            round += 1;
        }
        let attempts = server.totals().accept_errors - errors_before;
        assert!(
            attempts <= MAX_ATTEMPTS,
            "{attempts} failed accepts in {STARVED:?}: the accept loop spins"
        );
        assert_eq!(server.totals().accepted, accepted_before);

        drop(filler);
        rlimit::setrlimit(Resource::NOFILE, soft, hard).unwrap();
        // The waiting connections are accepted and served now ...
        for (i, socket) in waiting.into_iter().enumerate() {
            let mut stream = TcpStream::from(socket);
            stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
            round_trip(&mut stream, 100 + i as u64);
        }
        assert_eq!(server.totals().accepted, accepted_before + 2);
        // ... and so are new ones.
        round_trip(&mut connect(server.addr), 200);
        round_trip(&mut served, round);

        drop(served);
        wait_until(IO_TIMEOUT, "every connection is closed", || {
            server.open() == 0
        });
        let totals = server.stop();
        assert!(totals.accept_errors >= 1);
        assert_eq!(totals.connection_errors, 0);
    });
}

/// One message and its echo, checked.
fn round_trip(stream: &mut TcpStream, seed: u64) {
    let message = pattern(seed, 1000);
    stream.write_all(&message).unwrap();
    let mut echo = vec![0; message.len()];
    stream.read_exact(&mut echo).unwrap();
    assert!(echo == message, "echo {seed} differs");
}

/// An unconnected blocking TCP socket.
fn new_socket() -> Socket {
    Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap()
}

/// The lowest free descriptor number: the next one `open` would return.
fn lowest_free_fd() -> u64 {
    use std::os::fd::AsRawFd;
    File::open("/dev/null").unwrap().as_raw_fd() as u64
}

/// Opens `/dev/null` until the process is out of descriptors; returns the
/// files, which give the descriptors back when dropped.
fn fill_descriptor_table() -> Vec<File> {
    let mut files = Vec::new();
    loop {
        match File::open("/dev/null") {
            Ok(file) => files.push(file),
            Err(err) if err.raw_os_error() == Some(libc::EMFILE) => return files,
            Err(err) => panic!("opening /dev/null: {err}"),
        }
        assert!(files.len() < 100_000, "the descriptor table never filled");
    }
}
