//! Cancelling a pending read leaks nothing: when a task waiting to read
//! from a socket that never sends is aborted, or its read is dropped by a
//! `timeout`, or its runtime is dropped, the socket is deregistered (the
//! reactor drops the waker it held for the read) and its descriptor is
//! closed. Checked by counting `/proc/self/fd` and the live wakers handed to
//! the reads.
//!
//! Both tests count process-wide descriptors, so they run one at a time.
//!
//! (An executable of its own, not a module of tests/suite: it compares this
//! process's open descriptors (/proc/self/fd) before and after; any other
//! test's socket or file would change them.)

#[path = "suite/io_support/mod.rs"]
mod io_support;
#[path = "suite/support/mod.rs"]
mod support;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use io_support::{new_fds, open_fds, runtime, serial, tcp_pair, wait_until, watchdog};
use rt::io::AsyncReadExt;
use rt::net::{TcpListener, UdpSocket, UnixStream};
use rt::task::JoinHandle;
use rt::time::timeout;

/// Rounds of the cancel-every-kind-of-pending-read loop.
const ROUNDS: usize = 200;
/// Runtimes built and dropped with reads pending.
const RUNTIMES: usize = 20;
/// How long the runtime may take to drop cancelled futures and close their
/// descriptors (it is asynchronous: an abort is carried out by a worker).
const SETTLE: Duration = Duration::from_secs(5);
/// Bound on each test.
const LIMIT: Duration = Duration::from_secs(120);

#[test]
fn aborted_or_timed_out_reads_close_their_descriptors_and_drop_their_wakers() {
    watchdog(LIMIT, || {
        let _serial = serial();
        let rt = runtime(2);
        let wakers = Wakers::default();
        // A first round creates whatever the runtime opens lazily; the
        // descriptors counted from then on must come back to that figure.
        rt.block_on(cancel_every_kind_of_read(&wakers));
        assert!(
            wait_until(SETTLE, || wakers.live() == 0),
            "warm-up: {} wakers still held",
            wakers.live()
        );
        std::thread::sleep(Duration::from_millis(100));
        let before = open_fds();

        for _ in 0..ROUNDS {
            rt.block_on(cancel_every_kind_of_read(&wakers));
        }

        let settled = wait_until(SETTLE, || wakers.live() == 0 && open_fds() == before);
        let after = open_fds();
        assert_eq!(
            wakers.live(),
            0,
            "the reactor still holds wakers of cancelled reads (sources not deregistered?)"
        );
        assert!(
            settled,
            "{} descriptors before, {} after {ROUNDS} rounds; new: {:?}",
            before.len(),
            after.len(),
            new_fds(&before, &after)
        );
        println!(
            "{ROUNDS} rounds, {} wakers handed out, {} descriptors before and after",
            wakers.created(),
            before.len()
        );
    });
}

#[test]
fn dropping_a_runtime_with_pending_reads_closes_every_descriptor() {
    watchdog(LIMIT, || {
        let _serial = serial();
        let wakers = Wakers::default();
        let before = open_fds();
        for _ in 0..RUNTIMES {
            let rt = runtime(2);
            rt.block_on(async {
                let (client, server) = tcp_pair().await;
                let (a, b) = UnixStream::pair().unwrap();
                let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                let tasks = [
                    spawn_tracked(&wakers, async move {
                        let mut client = client;
                        let _ = client.read(&mut [0; 16]).await;
                    }),
                    spawn_tracked(&wakers, async move {
                        let mut a = a;
                        let _ = a.read(&mut [0; 16]).await;
                    }),
                    spawn_tracked(&wakers, async move {
                        let _ = udp.recv_from(&mut [0; 16]).await;
                    }),
                    spawn_tracked(&wakers, async move {
                        let _ = listener.accept().await;
                    }),
                ];
                wait_polled(&wakers, 4).await;
                // The peers stay open in other tasks: only the runtime's
                // shutdown ends the reads.
                rt::spawn(async move {
                    let _keep = (server, b);
                    std::future::pending::<()>().await;
                });
                drop(tasks); // detached, not cancelled
            });
            drop(rt);
        }
        let settled = wait_until(SETTLE, || wakers.live() == 0 && open_fds() == before);
        let after = open_fds();
        assert_eq!(
            wakers.live(),
            0,
            "wakers of pending reads outlived their runtime"
        );
        assert!(
            settled,
            "{} descriptors before {RUNTIMES} runtimes, {} after; new: {:?}",
            before.len(),
            after.len(),
            new_fds(&before, &after)
        );
    });
}

/// One round: a read of each kind is left pending, then cancelled, by
/// `abort` or by a `timeout`.
async fn cancel_every_kind_of_read(wakers: &Wakers) {
    let polls = wakers.created();

    // TCP read, aborted.
    let (client, server_tcp) = tcp_pair().await;
    let tcp = spawn_tracked(wakers, async move {
        let mut client = client;
        let _ = client.read(&mut [0; 16]).await;
    });

    // The read half of a split TCP stream, aborted (the write half stays).
    let (client, server_split) = tcp_pair().await;
    let (mut read_half, write_half) = client.into_split();
    let split = spawn_tracked(wakers, async move {
        let _ = read_half.read(&mut [0; 16]).await;
    });

    // Unix stream read, aborted.
    let (mut a, b) = UnixStream::pair().unwrap();
    let unix = spawn_tracked(wakers, async move {
        let _ = a.read(&mut [0; 16]).await;
    });

    // UDP receive, aborted.
    let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let udp = spawn_tracked(wakers, async move {
        let _ = udp.recv_from(&mut [0; 16]).await;
    });

    // Accept, aborted.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let accept = spawn_tracked(wakers, async move {
        let _ = listener.accept().await;
    });

    wait_polled(wakers, polls + 5).await;
    for task in [tcp, split, unix, udp, accept] {
        task.abort();
        let err = task.await.expect_err("an aborted read has no output");
        assert!(err.is_cancelled(), "expected a cancellation, got {err:?}");
    }
    drop((server_tcp, server_split, write_half, b));

    // TCP read dropped by a timeout, in a task and in `block_on`.
    let (client, server) = tcp_pair().await;
    let tracked = wakers.clone();
    rt::spawn(async move {
        let (mut client, mut buf) = (client, [0; 16]);
        let read = Tracked::new(client.read(&mut buf), &tracked);
        assert!(timeout(Duration::from_millis(1), read).await.is_err());
    })
    .await
    .unwrap();
    let (mut a, _b) = UnixStream::pair().unwrap();
    let mut buf = [0; 16];
    let read = Tracked::new(a.read(&mut buf), wakers);
    assert!(timeout(Duration::from_millis(1), read).await.is_err());
    drop(server);
}

/// Spawns `future` with its polls seeing a tracked waker.
fn spawn_tracked<F>(wakers: &Wakers, future: F) -> JoinHandle<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    rt::spawn(Tracked::new(future, wakers))
}

/// Waits until `wakers` has handed out `n` wakers in all (each tracked
/// future's first poll hands out one).
async fn wait_polled(wakers: &Wakers, n: usize) {
    for _ in 0..10_000 {
        if wakers.created() >= n {
            return;
        }
        rt::time::sleep(Duration::from_millis(1)).await;
    }
    panic!("the reads were never polled");
}

/// Counts the wakers handed to tracked futures and how many are alive.
#[derive(Clone, Default)]
struct Wakers(Arc<(AtomicUsize, AtomicUsize)>);

impl Wakers {
    fn created(&self) -> usize {
        self.0 .0.load(SeqCst)
    }

    fn live(&self) -> usize {
        self.0 .1.load(SeqCst)
    }
}

/// A waker that forwards to the task's waker and counts itself alive until
/// its last clone is dropped: whoever keeps it (the reactor, for a read that
/// would block) is seen.
struct TrackedWaker {
    inner: Waker,
    wakers: Wakers,
}

impl Wake for TrackedWaker {
    fn wake(self: Arc<Self>) {
        self.inner.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.inner.wake_by_ref();
    }
}

impl Drop for TrackedWaker {
    fn drop(&mut self) {
        self.wakers.0 .1.fetch_sub(1, SeqCst);
    }
}

/// Polls its future with a new tracked waker at each poll.
struct Tracked<F> {
    future: Pin<Box<F>>,
    wakers: Wakers,
}

impl<F> Tracked<F> {
    fn new(future: F, wakers: &Wakers) -> Tracked<F> {
        Tracked {
            future: Box::pin(future),
            wakers: wakers.clone(),
        }
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SeqCst: test counters, read by other threads while they settle.
        self.wakers.0 .1.fetch_add(1, SeqCst);
        self.wakers.0 .0.fetch_add(1, SeqCst);
        let waker = Waker::from(Arc::new(TrackedWaker {
            inner: cx.waker().clone(),
            wakers: self.wakers.clone(),
        }));
        self.future.as_mut().poll(&mut Context::from_waker(&waker))
    }
}
