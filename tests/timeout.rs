//! `rt::time::timeout` gives up on time: around a read that never completes
//! it returns `Elapsed` no earlier than its deadline and not much later,
//! leaving the socket usable; around a future that completes first it
//! returns that future's output, without waiting for the deadline.
//!
//! The tests measure time, so they run one at a time.
//!
//! (An executable of its own, not a module of tests/suite: its lateness bounds
//! are timing-sensitive and held with a lock that only this file's tests take.)

#[path = "suite/io_support/mod.rs"]
mod io_support;
#[path = "suite/support/mod.rs"]
mod support;

use rt::time::Instant;
use std::io::ErrorKind;
use std::time::Duration;

use io_support::{runtime, serial, tcp_pair, watchdog, Canary};
use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::time::{sleep, timeout, timeout_at, Elapsed};

/// Time limits tried, each several times.
const DURATIONS: [Duration; 3] = [
    Duration::from_millis(10),
    Duration::from_millis(50),
    Duration::from_millis(200),
];
/// Repetitions of each duration.
const REPEATS: usize = 3;
/// How late past its deadline a timeout may report `Elapsed`: timers have
/// 1 ms ticks and fire within a few ms (measured: at most 2 to 5 ms late
/// over 18 timeouts); the rest is slack for a shared, noisy 2-core CI box.
/// The worst stall the `Canary` saw meanwhile is added: the VM sometimes
/// freezes every thread for 100 to 500 ms, and that is not rt's lateness.
const MARGIN: Duration = Duration::from_millis(150);
/// Bound on each test.
const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn a_read_that_never_completes_elapses_after_the_deadline_and_not_much_later() {
    watchdog(LIMIT, || {
        let _serial = serial();
        let rt = runtime(2);
        let canary = Canary::start();
        // On a worker (a spawned task) and on the `block_on` thread.
        let lateness = rt.block_on(async {
            let mut lateness = rt::spawn(read_timeouts()).await.unwrap();
            lateness.extend(read_timeouts().await);
            lateness
        });
        let machine = canary.stop();
        let worst = lateness.iter().map(|(_, late)| *late).max().unwrap();
        println!(
            "{} timeouts, latest {worst:?} after its deadline; canary {machine}",
            lateness.len()
        );
        let margin = MARGIN + machine.max;
        for (limit, late) in lateness {
            assert!(
                late <= margin,
                "a {limit:?} timeout elapsed {late:?} after its deadline (margin {margin:?})"
            );
        }
    });
}

/// Times out reads on a connection whose peer never writes, checking each
/// result; returns (limit, how late the `Elapsed` came) for each.
async fn read_timeouts() -> Vec<(Duration, Duration)> {
    let (mut client, mut server) = tcp_pair().await;
    let mut lateness = Vec::new();
    for (i, limit) in DURATIONS.iter().flat_map(|d| [*d; REPEATS]).enumerate() {
        let start = Instant::now();
        let mut buf = [0; 16];
        let read = timeout(limit, client.read(&mut buf));
        let deadline = read.deadline();
        assert!(deadline >= start + limit);
        let result = read.await;
        let now = Instant::now();
        let elapsed: Elapsed = result.expect_err("the read never completes");
        assert_eq!(elapsed.to_string(), "deadline has elapsed");
        assert!(
            now >= deadline,
            "a {limit:?} timeout elapsed {:?} before its deadline",
            deadline - now
        );
        lateness.push((limit, now - deadline));

        // The cancelled read lost nothing: the socket still reads what
        // the peer sends next.
        let message = [i as u8; 4];
        server.write_all(&message).await.unwrap();
        client.read_exact(&mut buf[..4]).await.unwrap();
        assert_eq!(buf[..4], message);
    }
    lateness
}

#[test]
fn a_future_that_completes_first_returns_ok_without_waiting_for_the_deadline() {
    watchdog(LIMIT, || {
        let _serial = serial();
        let rt = runtime(2);
        rt.block_on(async {
            let (mut client, mut server) = tcp_pair().await;
            let writer = rt::spawn(async move {
                sleep(Duration::from_millis(20)).await;
                server.write_all(b"ping").await.unwrap();
                server
            });
            let start = Instant::now();
            let mut buf = [0; 4];
            let result = timeout(Duration::from_secs(10), client.read_exact(&mut buf)).await;
            let took = start.elapsed();
            assert!(matches!(result, Ok(Ok(4))), "got {result:?}");
            assert_eq!(&buf, b"ping");
            assert!(
                took < Duration::from_secs(5),
                "returned after {took:?}: it waited for the timer, not the read"
            );
            drop(writer.await.unwrap());

            // Ready at once: Ok, even with a zero or past deadline.
            assert_eq!(timeout(Duration::ZERO, async { 7 }).await, Ok(7));
            let past = Instant::now() - Duration::from_millis(1);
            assert_eq!(timeout_at(past, async { 8 }).await, Ok(8));
            // A sleep shorter than the limit completes first.
            let short = timeout(Duration::from_secs(10), sleep(Duration::from_millis(5)));
            assert_eq!(short.await, Ok(()));
        });
    });
}

#[test]
fn elapsed_converts_to_a_timed_out_io_error() {
    watchdog(LIMIT, || {
        let rt = runtime(1);
        let err = rt.block_on(async {
            let never = std::future::pending::<()>();
            let result: std::io::Result<()> = async {
                timeout(Duration::from_millis(1), never).await?;
                Ok(())
            }
            .await;
            result.unwrap_err()
        });
        assert_eq!(err.kind(), ErrorKind::TimedOut);
        let _: &Elapsed = err.get_ref().unwrap().downcast_ref().unwrap();
    });
}
