//! A server on two workers keeps many TCP connections apart: with
//! `CONNECTIONS` clients connected at once, each exchanging `MESSAGES`
//! echoed messages, every byte comes back on its own connection, in order.
//! Each message's length and content depend on (connection, sequence), so
//! a byte crossing to another connection, lost, duplicated or reordered
//! fails the comparison.

use crate::io_support;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::{Duration, Instant};

use io_support::{echo, pattern, runtime, watchdog, Gate};
use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpListener, TcpStream};

/// Connections open at the same time.
const CONNECTIONS: u32 = 1_000;
/// Echoed messages per connection (16 to 255 bytes each).
const MESSAGES: u32 = 100;
/// Worker threads of the runtime under test.
const WORKERS: usize = 2;
/// Bound on the test: it takes a few seconds in debug when rt is right.
const LIMIT: Duration = Duration::from_secs(120);

#[test]
fn every_byte_of_every_connection_comes_back_on_its_own_connection() {
    // Two descriptors per connection (client and server ends), plus slack
    // for the runtime and the test harness.
    let needed = u64::from(CONNECTIONS) * 2 + 256;
    let limit = rlimit::increase_nofile_limit(needed).expect("raise RLIMIT_NOFILE");
    assert!(
        limit >= needed,
        "RLIMIT_NOFILE is {limit}, the test needs {needed}: raise the hard limit"
    );

    watchdog(LIMIT, || {
        let rt = runtime(WORKERS);
        let started = Instant::now();
        let (bytes, connected_after) = rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = rt::spawn(async move {
                let mut echoes = Vec::with_capacity(CONNECTIONS as usize);
                for _ in 0..CONNECTIONS {
                    let (stream, _) = listener.accept().await.unwrap();
                    echoes.push(rt::spawn(echo(stream)));
                }
                let mut total = 0;
                for e in echoes {
                    total += e.await.unwrap().unwrap();
                }
                total
            });

            // Every client connects, then waits until all are connected,
            // so the exchanges really overlap.
            let connected = Arc::new(AtomicUsize::new(0));
            let all_connected = Gate::new();
            let clients: Vec<_> = (0..CONNECTIONS)
                .map(|conn| {
                    let (connected, all_connected) = (connected.clone(), all_connected.clone());
                    rt::spawn(async move {
                        let mut stream = TcpStream::connect(addr).await.unwrap();
                        if connected.fetch_add(1, SeqCst) + 1 == CONNECTIONS as usize {
                            all_connected.open();
                        }
                        all_connected.wait().await;
                        let mut sent = 0u64;
                        let mut back = Vec::new();
                        for seq in 0..MESSAGES {
                            let message = pattern(conn, seq);
                            stream.write_all(&message).await.unwrap();
                            back.resize(message.len(), 0);
                            stream.read_exact(&mut back).await.unwrap();
                            assert!(
                                back == message,
                                "connection {conn}, message {seq}: echo differs \
                                 (sent {:?}..., got {:?}...)",
                                &message[..8],
                                &back[..8]
                            );
                            sent += message.len() as u64;
                        }
                        stream.shutdown().await.unwrap();
                        let mut rest = Vec::new();
                        assert_eq!(stream.read_to_end(&mut rest).await.unwrap(), 0);
                        sent
                    })
                })
                .collect();
            all_connected.wait().await;
            let connected_after = started.elapsed();

            let mut sent = 0;
            for client in clients {
                sent += client.await.unwrap();
            }
            let echoed = server.await.unwrap();
            assert_eq!(echoed, sent, "the server echoed every byte exactly once");
            (sent, connected_after)
        });
        let elapsed = started.elapsed();
        let expected: u64 = (0..CONNECTIONS)
            .flat_map(|c| (0..MESSAGES).map(move |s| pattern(c, s).len() as u64))
            .sum();
        assert_eq!(bytes, expected, "every message was sent and verified");
        let round_trips = u64::from(CONNECTIONS * MESSAGES);
        println!(
            "{CONNECTIONS} connections x {MESSAGES} messages on {WORKERS} workers: \
             all connected after {connected_after:?}, done in {elapsed:?} \
             ({round_trips} round trips, {bytes} bytes each way, {:.0} round trips/s)",
            round_trips as f64 / elapsed.as_secs_f64()
        );
    });
}
