//! `serve`: the accept loop and the per-connection echo task, on rt.

use std::future::{poll_fn, Future};
use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpListener, TcpStream};
use rt::time::{sleep, Instant};

use super::{AcceptErrors, ConnectionGuard, Counters, Totals};

/// Per-connection buffer: one read's worth, echoed in full before the next
/// read, so a connection never holds more than this in user space.
pub const BUFFER_SIZE: usize = 4096;
/// How long [`serve`] waits, after shutdown, for open connections to close.
pub const GRACE: Duration = Duration::from_secs(1);
/// How often the grace period checks the count of open connections.
const GRACE_POLL: Duration = Duration::from_millis(10);

/// How the echo server behaves.
#[derive(Clone, Debug)]
pub struct Options {
    /// Bytes of buffer per connection. Default: [`BUFFER_SIZE`] (4 KiB).
    pub buffer_size: usize,
    /// Set `TCP_NODELAY` on accepted connections. Default: `true` (small
    /// echoes leave at once instead of waiting for Nagle's algorithm).
    pub nodelay: bool,
    /// After shutdown, how long to let open connections finish before
    /// returning. Default: [`GRACE`] (1 s).
    pub grace: Duration,
    /// Prefix of the server's log lines. Default: `"echo_server"`.
    pub name: &'static str,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            buffer_size: BUFFER_SIZE,
            nodelay: true,
            grace: GRACE,
            name: "echo_server",
        }
    }
}

/// Serves echo connections from `listener` until `shutdown` completes,
/// then returns the totals.
///
/// One task per connection, each with one `buffer_size` buffer: it reads
/// into it, writes all of it back, and only then reads again. A client
/// that stops reading therefore stops being read: its echo write waits for
/// room in the socket, the kernel's buffers fill, and its own writes block
/// (backpressure, with nothing buffered beyond the one buffer).
///
/// Accept errors are counted and logged, at most a line a second; after a
/// resource error such as `EMFILE` the loop pauses 10 ms, doubling to
/// 100 ms while it lasts (see [`AcceptErrors`]), and serves the open
/// connections meanwhile.
///
/// On shutdown the listener is closed at once; open connections get
/// `options.grace` to finish, and those still open after that are left
/// to the caller (they end when the runtime is dropped). `counters` is
/// updated live, for callers that watch the server as it runs.
///
/// # Panics
///
/// Outside an rt runtime (connections are spawned with [`rt::spawn`]).
pub async fn serve<S>(
    listener: TcpListener,
    options: Options,
    counters: Arc<Counters>,
    shutdown: S,
) -> Totals
where
    S: Future<Output = ()>,
{
    let mut shutdown = pin!(shutdown);
    let mut errors = AcceptErrors::new(options.name);
    loop {
        let accepted = match first(listener.accept(), shutdown.as_mut()).await {
            Either::Left(accepted) => accepted,
            Either::Right(()) => break,
        };
        match accepted {
            Ok((stream, _peer)) => {
                errors.accepted();
                let guard = counters.open_connection();
                // Failing to set it only costs latency; the echo still works.
                let _ = stream.set_nodelay(options.nodelay);
                rt::spawn(echo(stream, options.buffer_size, guard));
            }
            Err(err) => {
                counters.accept_error();
                if let Some(pause) = errors.failed(&err)
                    && let Either::Right(()) = first(sleep(pause), shutdown.as_mut()).await
                {
                    break;
                }
            }
        }
    }
    drop(listener);
    let deadline = Instant::now() + options.grace;
    while counters.open() > 0 && Instant::now() < deadline {
        sleep(GRACE_POLL).await;
    }
    counters.totals()
}

/// One connection: read, write it all back, repeat until end-of-file or an
/// error. The guard keeps it counted as open until the task ends.
async fn echo(mut stream: TcpStream, buffer_size: usize, guard: ConnectionGuard) {
    let counters = guard.counters();
    let mut buf = vec![0; buffer_size];
    // Bytes read and not yet echoed, dropped if the connection fails.
    let mut pending = 0;
    let result: io::Result<()> = async {
        loop {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                return Ok(());
            }
            counters.read(n);
            pending = n;
            stream.write_all(&buf[..n]).await?;
            counters.echoed(n);
            pending = 0;
        }
    }
    .await;
    if result.is_err() {
        counters.dropped(pending);
        counters.connection_error();
    }
}

/// The output of [`first`]: which future finished.
enum Either<A, B> {
    Left(A),
    Right(B),
}

/// Polls both futures and returns the output of the first to finish
/// (`a` first when both are ready); the other is dropped or, if borrowed,
/// left for later.
async fn first<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let (mut a, mut b) = (pin!(a), pin!(b));
    poll_fn(|cx| {
        if let Poll::Ready(out) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(out));
        }
        b.as_mut().poll(cx).map(Either::Right)
    })
    .await
}
