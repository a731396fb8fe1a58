//! Cooperative scheduling: a task whose resources are always ready yields
//! after 128 operations per poll (tokio's budget), so it cannot starve the
//! other tasks of its worker; the yield is deferred until the worker has
//! turned the reactor; `unconstrained` opts out; a yield forced by the
//! budget loses no data.
//!
//! Each starvation test runs on one worker: a task makes its resource
//! ready, yields once (so that its next poll starts with a full budget),
//! spawns a neighbour that sets a flag, then loops on the resource counting
//! operations until it sees the flag. The neighbour can only run when the
//! looping task returns `Pending`, and only the budget makes it do so: the
//! count is the budget plus the operation that yielded.

use crate::support;

use std::future::{poll_fn, Future};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpListener, TcpStream};
use rt::task::coop::{consume_budget, has_budget_remaining, unconstrained};
use rt::task::yield_now;
use rt::time::{sleep, timeout};
use support::{one_worker, watchdog, Counted, Counter};

/// Units per poll: tokio's value, `rt_core::coop::INITIAL_BUDGET`.
const BUDGET: usize = 128;
/// What a starvation loop counts when the budget works: the budget's
/// operations, then the one that yielded and saw the flag on its return.
const INTERRUPTED_AT: usize = BUDGET + 1;
/// Most iterations of a loop: far beyond the budget, so a loop that is not
/// interrupted runs out instead of hanging.
const CAP: usize = 1_000;
/// Bytes of the echo test, and the size of each write and read.
const ECHO_BYTES: usize = 1024 * 1024;
const CHUNK: usize = 64;
/// Bound on each test.
const LIMIT: Duration = Duration::from_secs(30);

/// Set by the neighbour task once it has run.
#[derive(Clone, Default)]
struct Flag(Arc<AtomicBool>);

impl Flag {
    fn is_set(&self) -> bool {
        self.0.load(SeqCst)
    }
}

/// Start of a starvation loop: yield once, so the next poll starts with a
/// full budget, then spawn the neighbour (it is queued behind this task).
async fn fresh_poll_and_neighbour() -> Flag {
    yield_now().await;
    let flag = Flag::default();
    let set = flag.clone();
    drop(rt::spawn(async move { set.0.store(true, SeqCst) }));
    flag
}

/// A loopback listener whose backlog holds `backlog` connections (std's
/// holds 128).
fn listen(backlog: usize) -> std::net::TcpListener {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket
        .bind(&std::net::SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .unwrap();
    socket.listen(backlog as i32).unwrap();
    socket.into()
}

/// A starvation loop ran `count` operations before it saw the flag.
#[track_caller]
fn assert_interrupted_at_the_budget(count: usize) {
    assert_eq!(
        count, INTERRUPTED_AT,
        "the loop ran {count} operations before its neighbour ran: not interrupted at the budget"
    );
}

/// Runs `body` as a task on a one-worker runtime, under the watchdog.
fn run_task<T, F>(limit: Duration, body: impl FnOnce() -> F + Send + 'static) -> T
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    watchdog(limit, move || {
        let rt = one_worker();
        let task = rt.spawn(body());
        rt.block_on(task).expect("the task completes")
    })
}

#[test]
fn a_consume_budget_loop_lets_its_neighbour_run_after_128() {
    let count = run_task(LIMIT, || async {
        let flag = fresh_poll_and_neighbour().await;
        let mut count = 0;
        while count < CAP && !flag.is_set() {
            consume_budget().await;
            count += 1;
        }
        count
    });
    assert_interrupted_at_the_budget(count);
}

#[test]
fn a_loop_joining_finished_tasks_lets_its_neighbour_run_after_128() {
    let count = run_task(LIMIT, || async {
        let done = Counter::new();
        let mut handles = Vec::with_capacity(CAP);
        for i in 0..CAP {
            let done = done.clone();
            handles.push(rt::spawn(async move {
                done.incr();
                i
            }));
        }
        while done.get() < CAP {
            yield_now().await; // they run before a yielding task
        }
        let flag = fresh_poll_and_neighbour().await;
        let mut count = 0;
        for handle in handles {
            if flag.is_set() {
                break;
            }
            assert_eq!(handle.await.unwrap(), count);
            count += 1;
        }
        count
    });
    assert_interrupted_at_the_budget(count);
}

#[test]
fn a_loop_of_elapsed_sleeps_lets_its_neighbour_run_after_128() {
    let count = run_task(LIMIT, || async {
        let flag = fresh_poll_and_neighbour().await;
        let mut count = 0;
        while count < CAP && !flag.is_set() {
            sleep(Duration::ZERO).await;
            count += 1;
        }
        count
    });
    assert_interrupted_at_the_budget(count);
}

#[test]
fn a_read_loop_that_always_finds_data_lets_its_neighbour_run_after_128() {
    // Queue more than the loop will read before it starts, from a plain
    // socket: every read finds a full buffer's worth.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    let queued = 2 * INTERRUPTED_AT;
    client.write_all(&vec![7; queued * CHUNK]).unwrap();
    let count = run_task(LIMIT, move || async move {
        let mut server = TcpStream::from_std(server).unwrap();
        let flag = fresh_poll_and_neighbour().await;
        let mut count = 0;
        let mut buf = [0; CHUNK];
        while count < queued && !flag.is_set() {
            assert_eq!(server.read(&mut buf).await.unwrap(), CHUNK);
            count += 1;
        }
        count
    });
    drop(client);
    assert_interrupted_at_the_budget(count);
}

#[test]
fn an_async_fd_read_loop_that_always_finds_data_lets_its_neighbour_run_after_128() {
    // The owned `Async<T>` path (`Registration::poll_io`), on a Unix
    // socket pair with more queued than the loop will read.
    let (reader, mut writer) = std::os::unix::net::UnixStream::pair().unwrap();
    let queued = 2 * INTERRUPTED_AT;
    writer.write_all(&vec![7; queued * CHUNK]).unwrap();
    let count = run_task(LIMIT, move || async move {
        let mut reader = rt::io::Async::new(reader).unwrap();
        let flag = fresh_poll_and_neighbour().await;
        let mut count = 0;
        let mut buf = [0; CHUNK];
        while count < queued && !flag.is_set() {
            assert_eq!(reader.read(&mut buf).await.unwrap(), CHUNK);
            count += 1;
        }
        count
    });
    drop(writer);
    assert_interrupted_at_the_budget(count);
}

#[test]
fn an_accept_loop_with_a_full_backlog_lets_its_neighbour_run_after_128() {
    // Connections the kernel has completed wait in the backlog: each
    // accept is ready at once (the waiter path of the reactor).
    let queued = 2 * INTERRUPTED_AT;
    let std_listener = listen(queued);
    let addr = std_listener.local_addr().unwrap();
    let clients: Vec<_> = (0..queued)
        .map(|_| std::net::TcpStream::connect(addr).unwrap())
        .collect();
    let count = run_task(LIMIT, move || async move {
        let listener = TcpListener::from_std(std_listener).unwrap();
        let flag = fresh_poll_and_neighbour().await;
        let mut count = 0;
        while count < queued && !flag.is_set() {
            drop(listener.accept().await.unwrap());
            count += 1;
        }
        count
    });
    drop(clients);
    assert_interrupted_at_the_budget(count);
}

#[test]
fn a_read_that_finds_the_readiness_stale_gives_its_unit_back() {
    // A new socket is registered as readable (the first read is tried at
    // once): with nothing to read, the read takes a unit for the cached
    // readiness, gets `WouldBlock`, and must give the unit back.
    const SOCKETS: usize = 8;
    let pairs: Vec<_> = (0..SOCKETS)
        .map(|_| {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
            (client, listener.accept().unwrap().0)
        })
        .collect();
    let polls = Counter::new();
    let (pending, left) = {
        let polls = polls.clone();
        run_task(LIMIT, move || {
            Counted::new(
                async move {
                    let mut servers: Vec<_> = pairs
                        .into_iter()
                        .map(|(client, server)| (client, TcpStream::from_std(server).unwrap()))
                        .collect();
                    yield_now().await; // a full budget from here on
                    let mut pending = 0;
                    for (_, server) in &mut servers {
                        let mut buf = [0; CHUNK];
                        let mut read = std::pin::pin!(server.read(&mut buf));
                        // Poll the read once (a timer would spend a unit).
                        if poll_fn(|cx| Poll::Ready(read.as_mut().poll(cx).is_pending())).await {
                            pending += 1;
                        }
                    }
                    for _ in 0..BUDGET - SOCKETS {
                        consume_budget().await;
                    }
                    (pending, has_budget_remaining())
                },
                &polls,
                &Counter::new(),
            )
        })
    };
    assert_eq!(pending, SOCKETS, "every read found nothing to read");
    assert!(left, "the reads that found nothing kept units of budget");
    assert_eq!(polls.get(), 2, "no yield after the first");
}

#[test]
fn an_exhausted_task_runs_again_only_after_a_reactor_turn() {
    // A task that keeps exhausting its budget, and a reader whose data
    // arrives while it does so. Deferred, the looping task runs again only
    // after the worker has turned the reactor, which queues the reader
    // first: the reader runs within a round or two of the data's arrival.
    // (Queued straight back, the looping task would run until the worker's
    // periodic reactor turn, up to 61 polls later.)
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    let polls = watchdog(LIMIT, move || {
        let rt = one_worker();
        let (spinning, polls, read) = (Flag::default(), Counter::new(), Flag::default());
        let reader = {
            let read = read.clone();
            rt.spawn(async move {
                let mut server = TcpStream::from_std(server).unwrap();
                let mut buf = [0; 1];
                server.read_exact(&mut buf).await.unwrap();
                read.0.store(true, SeqCst);
            })
        };
        let spinner = {
            let (spinning, read) = (spinning.clone(), read.clone());
            // Each poll spends the budget and ends in a deferred yield.
            rt.spawn(Counted::new(
                async move {
                    spinning.0.store(true, SeqCst);
                    while !read.is_set() {
                        consume_budget().await;
                    }
                },
                &polls,
                &Counter::new(),
            ))
        };
        assert!(support::wait_until(LIMIT, || spinning.is_set()));
        // Let the reader wait in the reactor, then send it its byte.
        std::thread::sleep(Duration::from_millis(20));
        client.write_all(&[1]).unwrap();
        let sent_at = polls.get();
        rt.block_on(async {
            reader.await.unwrap();
            spinner.await.unwrap();
        });
        polls.get() - sent_at
    });
    assert!(
        polls <= 2,
        "the looping task was polled {polls} times after the data arrived, before the \
         reader ran: its deferred wake-up did not wait for a reactor turn"
    );
}

#[test]
fn unconstrained_lets_a_loop_run_1000_iterations_without_yielding() {
    let (budget_loop, join_loop) = run_task(LIMIT, || async {
        let flag = fresh_poll_and_neighbour().await;
        let budget_loop = unconstrained(async {
            let mut count = 0;
            while count < CAP && !flag.is_set() {
                consume_budget().await;
                count += 1;
            }
            count
        })
        .await;

        let handles: Vec<_> = (0..CAP).map(|i| rt::spawn(async move { i })).collect();
        while !handles.iter().all(|h| h.is_finished()) {
            yield_now().await;
        }
        let flag = fresh_poll_and_neighbour().await;
        let join_loop = unconstrained(async {
            let mut count = 0;
            for handle in handles {
                if flag.is_set() {
                    break;
                }
                assert_eq!(handle.await.unwrap(), count);
                count += 1;
            }
            count
        })
        .await;
        (budget_loop, join_loop)
    });
    assert_eq!(
        budget_loop, CAP,
        "consume_budget yielded inside `unconstrained`"
    );
    assert_eq!(join_loop, CAP, "joining yielded inside `unconstrained`");
}

#[test]
fn has_budget_remaining_until_the_budget_is_spent_and_again_after_the_yield() {
    let polls = Counter::new();
    let (at_start, spent, after_yield) = {
        let polls = polls.clone();
        run_task(LIMIT, move || {
            Counted::new(
                async {
                    yield_now().await; // a poll of our own, from its start
                    let at_start = has_budget_remaining();
                    for _ in 0..BUDGET {
                        consume_budget().await; // none of these yields
                    }
                    let spent = !has_budget_remaining();
                    consume_budget().await; // yields, then takes a fresh unit
                    (at_start, spent, has_budget_remaining())
                },
                &polls,
                &Counter::new(),
            )
        })
    };
    assert!(at_start, "a task's poll starts with budget");
    assert!(spent, "128 units spent: no budget left");
    assert!(after_yield, "the poll after the yield has budget again");
    assert_eq!(
        polls.get(),
        3,
        "the first poll, after yield_now, after the budget's yield"
    );

    // Outside a worker's task poll the budget is unconstrained.
    let (in_block_on, in_unconstrained) = watchdog(LIMIT, || {
        let rt = one_worker();
        let in_block_on = rt.block_on(async {
            for _ in 0..CAP {
                consume_budget().await;
            }
            has_budget_remaining()
        });
        let task = rt.spawn(unconstrained(async {
            for _ in 0..CAP {
                consume_budget().await;
            }
            has_budget_remaining()
        }));
        (in_block_on, rt.block_on(task).unwrap())
    });
    assert!(in_block_on, "block_on's own future is not budgeted");
    assert!(in_unconstrained, "unconstrained is not budgeted");
    assert!(has_budget_remaining(), "no runtime: no budget");
}

#[test]
fn a_timeout_fires_even_if_its_future_always_spends_the_budget() {
    let out = run_task(Duration::from_secs(10), || async {
        let greedy = async {
            loop {
                consume_budget().await;
            }
        };
        timeout(Duration::from_millis(20), greedy).await
    });
    assert!(out.is_err(), "the timeout elapsed");
}

#[test]
fn a_budget_forced_yield_in_a_tight_read_loop_loses_no_data() {
    let (received, most_reads_per_poll) = run_task(LIMIT, || async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let echo = rt::spawn(async move {
            let (mut read, mut write) = server.into_split();
            let mut buf = [0; CHUNK];
            loop {
                let n = read.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                write.write_all(&buf[..n]).await.unwrap();
            }
        });
        let (mut from_echo, mut to_echo) = client.into_split();
        let writer = rt::spawn(async move {
            for chunk in 0..ECHO_BYTES / CHUNK {
                to_echo.write_all(&chunk_bytes(chunk)).await.unwrap();
            }
            drop(to_echo); // shuts the write half down: the echo ends too
        });
        // The reader: a tight loop of reads, counting the reads of each
        // of its polls.
        let polls = Counter::new();
        let reader = {
            let seen = polls.clone();
            rt::spawn(Counted::new(
                async move {
                    let mut received = Vec::with_capacity(ECHO_BYTES);
                    let mut buf = [0; CHUNK];
                    let (mut poll, mut reads, mut most) = (0, 0, 0);
                    loop {
                        let n = from_echo.read(&mut buf).await.unwrap();
                        if seen.get() != poll {
                            (poll, reads) = (seen.get(), 0);
                        }
                        reads += 1;
                        most = usize::max(most, reads);
                        if n == 0 {
                            break;
                        }
                        received.extend_from_slice(&buf[..n]);
                    }
                    (received, most)
                },
                &polls,
                &Counter::new(),
            ))
        };
        writer.await.unwrap();
        echo.await.unwrap();
        reader.await.unwrap()
    });
    assert_eq!(received.len(), ECHO_BYTES, "bytes lost or duplicated");
    let expected: Vec<u8> = (0..ECHO_BYTES / CHUNK).flat_map(chunk_bytes).collect();
    if let Some(at) = (0..ECHO_BYTES).find(|&i| received[i] != expected[i]) {
        panic!("the echoed bytes differ from offset {at} on");
    }
    assert!(
        most_reads_per_poll <= BUDGET,
        "{most_reads_per_poll} reads in one poll: the budget did not interrupt the loop"
    );
}

/// The bytes of write number `chunk`: its number, then a pattern, so that a
/// lost, repeated or reordered chunk shows.
fn chunk_bytes(chunk: usize) -> [u8; CHUNK] {
    let mut bytes = [0; CHUNK];
    bytes[..8].copy_from_slice(&(chunk as u64).to_le_bytes());
    for (i, byte) in bytes.iter_mut().enumerate().skip(8) {
        *byte = (chunk * 31 + i) as u8;
    }
    bytes
}

#[test]
fn a_udp_round_trip_loop_lets_its_neighbour_run_once_per_64_round_trips() {
    // Loopback UDP never blocks: a send puts the datagram in the peer's
    // buffer before it returns, so only the budget (two units per round
    // trip) and the first receive interrupt the loop. Neighbour runs: one
    // while the receiver's first `recv` waits for the reactor's first
    // report (a just-bound socket is not assumed readable, as in tokio),
    // then one per 128 units: 1 + 15 for 1,024 round trips, tokio's count.
    const ROUND_TRIPS: usize = 1024;
    let runs = watchdog(LIMIT, || {
        let rt = rt::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let tx = rt::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let rx = rt::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
            tx.connect(rx.local_addr().unwrap()).await.unwrap();
            rx.connect(tx.local_addr().unwrap()).await.unwrap();
            yield_now().await;
            let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let counter = runs.clone();
            drop(rt::spawn(async move {
                loop {
                    counter.fetch_add(1, SeqCst);
                    yield_now().await;
                }
            }));
            let mut buf = [0; 4];
            for i in 0..ROUND_TRIPS as u32 {
                tx.send(&i.to_be_bytes()).await.unwrap();
                assert_eq!(rx.recv(&mut buf).await.unwrap(), 4);
                assert_eq!(u32::from_be_bytes(buf), i, "datagrams in order");
            }
            runs.load(SeqCst)
        })
    });
    // The first wait comes after one unit (the first send), so 2,047
    // follow it in fresh budgets: a yield before units 129, 257, ...,
    // 1,921 of them (15).
    let forced = (ROUND_TRIPS * 2 - 1) / BUDGET;
    assert_eq!(runs, 1 + forced, "neighbour runs: 16 in tokio");
}
