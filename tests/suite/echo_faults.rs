//! The echo server with misbehaving clients: resets mid-message, half-close,
//! connect-and-vanish, and clients that never read. The server under test
//! is `rt_suite::echo::serve`, the code `examples/echo_server.rs` runs, on
//! an rt runtime in this process; the clients are blocking std sockets on
//! threads. Every well-behaved client must get back exactly the bytes it
//! sent, while the others misbehave.

use crate::echo_support;

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown as Direction, TcpStream};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use echo_support::{
    connect, pattern, reset_mid_message, send_then_half_close, wait_until, watchdog, well_behaved,
    Server,
};
use rt_suite::echo::BUFFER_SIZE;

/// Per-test time limit: only catches hangs; each test takes seconds alone,
/// but the machine is shared and `cargo test` runs many tests at once.
const LIMIT: Duration = Duration::from_secs(180);
/// How long to wait for the server to notice a client went away.
const NOTICE: Duration = Duration::from_secs(10);
/// Well-behaved clients in the mixed test, and their round trips each.
const GOOD_CLIENTS: u64 = 16;
const ROUNDS: usize = 100;
/// A client that never reads may get this much into the kernel's buffers
/// (its send buffer and the server's receive and send buffers, autotuned
/// on loopback to a few MB each) before its writes block.
const MAX_UNREAD: usize = 64 << 20;

#[test]
fn half_close_still_gets_every_byte_back() {
    watchdog(LIMIT, || {
        let server = Server::start();
        for (seed, len) in [(1, 1), (2, 4096), (3, 4097), (4, 3 << 20)] {
            let data = pattern(seed, len);
            let echoed = send_then_half_close(server.addr, data.clone());
            assert_eq!(echoed.len(), data.len(), "half-close after {len} bytes");
            assert!(echoed == data, "half-close after {len} bytes: bytes differ");
        }
        wait_until(NOTICE, "the server closes its ends", || server.open() == 0);
        let totals = server.stop();
        assert_eq!(totals.accepted, 4);
        assert_eq!(totals.connection_errors, 0);
    });
}

#[test]
fn reset_mid_message_leaves_the_server_serving() {
    watchdog(LIMIT, || {
        let server = Server::start();
        for len in [1, 100, BUFFER_SIZE + 1, 1 << 20] {
            reset_mid_message(server.addr, len);
        }
        wait_until(NOTICE, "the reset connections are closed", || {
            server.open() == 0
        });
        assert!(well_behaved(server.addr, 1, 20).unwrap() > 0);
        // A connection reset while queued may or may not be accepted.
        assert!(server.stop().accepted >= 1);
    });
}

#[test]
fn connect_and_vanish_costs_nothing_lasting() {
    watchdog(LIMIT, || {
        let server = Server::start();
        // Gone before or after the accept, without a byte: FIN ...
        for _ in 0..50 {
            drop(connect(server.addr));
        }
        // ... or RST.
        for _ in 0..50 {
            reset_mid_message(server.addr, 0);
        }
        // Connected and silent, forever: held, and nothing else waits on them.
        let idle: Vec<TcpStream> = (0..20).map(|_| connect(server.addr)).collect();
        // Accepts are in order, so once this one is served, all the above were.
        assert!(well_behaved(server.addr, 2, 20).unwrap() > 0);
        wait_until(NOTICE, "only the idle connections are open", || {
            server.open() == 20
        });
        assert!(server.totals().accepted >= 71);
        drop(idle);
        wait_until(NOTICE, "every connection is closed", || server.open() == 0);
        server.stop();
    });
}

#[test]
fn a_client_that_never_reads_is_not_read_either() {
    watchdog(LIMIT, || {
        let server = Server::start();
        let mut rogue = connect(server.addr);
        let written = fill_until_blocked(&mut rogue);
        assert!(
            written < MAX_UNREAD,
            "the server kept reading from a client that never reads: {written} bytes taken"
        );

        // It holds at most one buffer for it, and reads no more from it ...
        let in_flight = server.counters.in_flight();
        assert!(in_flight <= BUFFER_SIZE as u64, "{in_flight} bytes held");
        let read = server.totals().bytes_read;
        // ... while it serves everyone else.
        let good: Vec<_> = (0..4)
            .map(|seed| {
                let addr = server.addr;
                thread::spawn(move || well_behaved(addr, seed, ROUNDS).unwrap())
            })
            .collect();
        let good_bytes: u64 = good.into_iter().map(|t| t.join().unwrap()).sum();
        assert_eq!(
            server.totals().bytes_read,
            read + good_bytes,
            "the server read from the client that never reads"
        );

        // When it finally reads, every byte it sent comes back, in order.
        let echoed = drain(rogue, written);
        assert!(
            echoed == pattern(0xB0B, written),
            "the stalled echo differs"
        );
        wait_until(NOTICE, "every connection is closed", || server.open() == 0);
        server.stop();
    });
}

#[test]
fn misbehaving_clients_do_not_disturb_well_behaved_ones() {
    watchdog(LIMIT, || {
        let server = Server::start();
        let addr = server.addr;
        let stop_at = Instant::now() + Duration::from_secs(2);
        let mut rogues = Vec::new();
        for i in 0..4u64 {
            // Reset mid-message, again and again.
            rogues.push(thread::spawn(move || {
                while Instant::now() < stop_at {
                    reset_mid_message(addr, 1 + (i as usize * 3001) % 20_000);
                }
            }));
            // Connect and vanish.
            rogues.push(thread::spawn(move || {
                while Instant::now() < stop_at {
                    drop(connect(addr));
                }
            }));
            // Half-close, checking the echo.
            rogues.push(thread::spawn(move || {
                let mut round = 0;
                while Instant::now() < stop_at {
                    let data = pattern(i << 32 | round, 10_000);
                    assert!(send_then_half_close(addr, data.clone()) == data);
                    round += 1;
                }
            }));
        }
        // Never read, for the whole run.
        let never_read: Vec<TcpStream> = (0..2)
            .map(|_| {
                let mut stream = connect(addr);
                fill_until_blocked(&mut stream);
                stream
            })
            .collect();

        let good: Vec<_> = (0..GOOD_CLIENTS)
            .map(|seed| thread::spawn(move || well_behaved(addr, 100 + seed, ROUNDS)))
            .collect();
        for (seed, client) in good.into_iter().enumerate() {
            let echoed = client.join().expect("a well-behaved client panicked");
            assert!(echoed.is_ok(), "well-behaved client {seed}: {echoed:?}");
        }
        for rogue in rogues {
            rogue
                .join()
                .expect("a misbehaving client's thread panicked");
        }
        wait_until(NOTICE, "only the two that never read are open", || {
            server.open() == 2
        });
        let in_flight = server.counters.in_flight();
        assert!(
            in_flight <= 2 * BUFFER_SIZE as u64,
            "{in_flight} bytes held for two clients that never read"
        );
        drop(never_read);
        wait_until(NOTICE, "every connection is closed", || server.open() == 0);
        let totals = server.stop();
        assert_eq!(totals.accept_errors, 0);
    });
}

#[test]
fn shutdown_stops_accepting_and_returns_the_totals() {
    watchdog(LIMIT, || {
        let server = Server::start();
        let addr = server.addr;
        let echoed = well_behaved(addr, 7, 10).unwrap();
        wait_until(NOTICE, "the client's connection is closed", || {
            server.open() == 0
        });
        let totals = server.stop();
        assert_eq!(totals.accepted, 1);
        assert_eq!(totals.bytes_echoed, echoed);
        assert_eq!(totals.bytes_read, echoed);
        let refused = TcpStream::connect(addr).unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);
    });
}

/// Writes `unread_pattern()` without reading until writes have blocked for
/// half a second; returns how many bytes went out.
fn fill_until_blocked(stream: &mut TcpStream) -> usize {
    const CHUNK: usize = 64 << 10;
    let data = unread_pattern();
    stream.set_nonblocking(true).unwrap();
    let mut written = 0;
    let mut blocked_since = None;
    while written < data.len() {
        let end = (written + CHUNK).min(data.len());
        match stream.write(&data[written..end]) {
            Ok(n) => {
                written += n;
                blocked_since = None;
            }
            Err(err) if err.kind() == ErrorKind::WouldBlock => {
                let since = *blocked_since.get_or_insert_with(Instant::now);
                if since.elapsed() > Duration::from_millis(500) {
                    break;
                }
                thread::sleep(Duration::from_millis(10));
            }
            Err(err) => panic!("writing to the server: {err}"),
        }
    }
    stream.set_nonblocking(false).unwrap();
    eprintln!("a client that never reads got {written} bytes out before blocking");
    written
}

/// What clients that never read send: made once, it is large.
fn unread_pattern() -> &'static [u8] {
    static PATTERN: OnceLock<Vec<u8>> = OnceLock::new();
    PATTERN.get_or_init(|| pattern(0xB0B, MAX_UNREAD))
}

/// Half-closes `stream` and reads everything the server echoes back,
/// expecting `len` bytes.
fn drain(mut stream: TcpStream, len: usize) -> Vec<u8> {
    stream.shutdown(Direction::Write).unwrap();
    let mut echoed = Vec::with_capacity(len);
    stream
        .read_to_end(&mut echoed)
        .expect("read to end-of-file");
    echoed
}
