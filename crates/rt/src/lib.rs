//! rt: a multi-threaded, work-stealing async runtime.
//!
//! `#[rt::main] async fn main()` gives you what tokio gives you — tasks,
//! timers, TCP/UDP/Unix sockets, a blocking pool, `JoinSet` — under tokio's
//! names, so a tokio user switches by changing imports.
//!
//! A *task* is a future given to [`spawn`]: the runtime polls it on one of
//! its worker threads (one per CPU by default) until it completes, and the
//! [`JoinHandle`](task::JoinHandle) that `spawn` returns yields its output.
//! A task waiting for a socket or a timer costs no thread: the reactor
//! wakes it when the operating system reports the socket ready or the
//! deadline passes, and an idle worker steals tasks from busy ones.
//!
//! Scheduling is cooperative, as in tokio: a task runs until it returns
//! `Pending`. So that a task whose sockets are always ready cannot keep its
//! worker, each poll has a budget of 128 ready operations (socket I/O,
//! timers, joins), after which the task yields to the tasks behind it and
//! to the reactor ([`task::coop`]; [`task::unconstrained`] opts out). Code
//! that blocks — file I/O, a C library, a long computation — belongs on the
//! blocking pool ([`task::spawn_blocking`]), never on a worker.
//!
//! This crate is the facade: it only re-exports. The parts live in their
//! own crates — `rt-task` (the task and its `JoinHandle`), `rt-scheduler`
//! (queues and the order tasks run in), `rt-pool` (workers, parking, the
//! blocking pool, [`Runtime`]), `rt-reactor` (the I/O driver and
//! [`io::Async`]), `rt-time` ([`time`]), `rt-io` (the [`io`] traits),
//! `rt-net` ([`net`]), `rt-fs` ([`fs`]), `rt-process` ([`process`]),
//! `rt-signal` ([`signal`]), `rt-futures` ([`select!`], [`join!`],
//! [`try_join!`], [`pin!`], [`task_local!`]), `rt-hyper` (`hyper`, with the feature of that
//! name), `rt-core` (what they share, [`task::coop`]) and
//! `rt-macros` ([`main`], [`test`]); ARCHITECTURE.md at the repository root shows
//! how they layer.
//!
//! # Examples
//!
//! Tasks: spawn, await, abort.
//!
//! ```
//! #[rt::main(worker_threads = 2)]
//! async fn main() {
//!     let task = rt::spawn(async { 40 + 2 });
//!     assert_eq!(task.await.unwrap(), 42);
//!
//!     let stuck = rt::spawn(std::future::pending::<()>());
//!     stuck.abort();
//!     assert!(stuck.await.unwrap_err().is_cancelled());
//! }
//! ```
//!
//! An echo server and a client, with a timeout:
//!
//! ```
//! use rt::io::{AsyncReadExt, AsyncWriteExt};
//! use rt::net::{TcpListener, TcpStream};
//! use rt::time::{timeout, Duration};
//!
//! #[rt::main]
//! async fn main() -> std::io::Result<()> {
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     rt::spawn(async move {
//!         // One task per connection.
//!         while let Ok((mut stream, _peer)) = listener.accept().await {
//!             rt::spawn(async move {
//!                 let mut buf = [0; 1024];
//!                 while let Ok(n @ 1..) = stream.read(&mut buf).await {
//!                     if stream.write_all(&buf[..n]).await.is_err() {
//!                         break;
//!                     }
//!                 }
//!             });
//!         }
//!     });
//!
//!     let mut client = TcpStream::connect(addr).await?;
//!     client.write_all(b"hello").await?;
//!     let mut reply = [0; 5];
//!     timeout(Duration::from_secs(5), client.read_exact(&mut reply)).await??;
//!     assert_eq!(&reply, b"hello");
//!     Ok(())
//! }
//! ```
//!
//! A runtime built by hand, many tasks joined as they finish, and blocking
//! work off the workers:
//!
//! ```
//! use rt::runtime::Builder;
//! use rt::task::JoinSet;
//!
//! let runtime = Builder::new_multi_thread().worker_threads(2).build()?;
//! let total = runtime.block_on(async {
//!     let mut set = JoinSet::new();
//!     for i in 1..=10u64 {
//!         set.spawn(async move { i * i });
//!     }
//!     let mut total = 0;
//!     while let Some(square) = set.join_next().await {
//!         total += square?;
//!     }
//!     let checked = rt::task::spawn_blocking(move || total == (1..=10u64).map(|i| i * i).sum());
//!     assert!(checked.await?);
//!     Ok::<u64, rt::task::JoinError>(total)
//! })?;
//! assert_eq!(total, 385);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

pub use rt_fs as fs;
pub use rt_futures::{join, pin, select, task_local, try_join};
pub use rt_macros::{main, test};
pub use rt_net as net;
pub use rt_pool::{spawn, Runtime};
pub use rt_process as process;
pub use rt_signal as signal;
pub use rt_sync as sync;

/// Time: sleeping, timeouts and intervals, tokio's `time` API on rt's
/// timer wheel (`rt-time`).
///
/// A [`Sleep`](time::Sleep) completes no earlier than its deadline and
/// usually within a few milliseconds after (the wheel's tick is 1 ms).
/// [`Instant`](time::Instant) is rt's own, a reading of the runtime's
/// clock, which a test may pause ([`pause`](time::pause),
/// [`advance`](time::advance), [`resume`](time::resume),
/// `Builder::start_paused`); [`Duration`](time::Duration) is
/// `std::time`'s. Timers need a runtime: making one outside a runtime
/// panics, and polling one after its runtime shut down panics.
///
/// # Examples
///
/// ```
/// use rt::time::{interval, sleep, timeout, Duration, Instant};
///
/// # rt::Runtime::new().unwrap().block_on(async {
/// let start = Instant::now();
/// sleep(Duration::from_millis(10)).await;
/// assert!(start.elapsed() >= Duration::from_millis(10));
///
/// let slow = sleep(Duration::from_secs(3600));
/// assert!(timeout(Duration::from_millis(10), slow).await.is_err());
///
/// let mut ticks = interval(Duration::from_millis(5));
/// let first = ticks.tick().await; // at once
/// let second = ticks.tick().await;
/// assert_eq!(second - first, Duration::from_millis(5));
/// # });
/// ```
pub mod time {
    pub use rt_time::{
        advance, interval, interval_at, pause, resume, sleep, sleep_until, timeout, timeout_at,
        Duration, Elapsed, Instant, Interval, MissedTickBehavior, Sleep, Timeout,
    };

    /// Time's errors: [`Elapsed`], returned by a
    /// [`Timeout`] whose deadline passed first.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::time::error::Elapsed;
    /// use rt::time::{sleep, timeout, Duration};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let late: Result<(), Elapsed> =
    ///     timeout(Duration::from_millis(1), sleep(Duration::from_secs(3600))).await;
    /// assert!(late.is_err());
    /// # });
    /// # std::io::Result::Ok(())
    /// ```
    pub mod error {
        pub use rt_time::Elapsed;
    }
}

/// Asynchronous I/O: tokio's io traits, their extension traits and
/// utilities, and [`Async`](io::Async), which makes any file descriptor
/// awaitable.
///
/// The traits and extensions are `rt-io`'s (tokio's own traits, so crates
/// written against `tokio::io` take rt's streams); `Async` is the reactor's.
/// rt's streams also implement futures-io's traits, for the smol
/// ecosystem. (The cargo feature `tokio-io` is kept for compatibility and
/// does nothing.)
///
/// # Examples
///
/// ```
/// use rt::io::{AsyncReadExt, AsyncWriteExt};
///
/// # rt::Runtime::new()?.block_on(async {
/// let (mut a, mut b) = rt::net::UnixStream::pair()?;
/// a.write_all(b"hello").await?;
/// a.shutdown().await?; // end of file for `b`
/// let mut text = String::new();
/// b.read_to_string(&mut text).await?;
/// assert_eq!(text, "hello");
///
/// // Any file descriptor, made awaitable.
/// let (c, d) = std::os::unix::net::UnixDatagram::pair()?;
/// let (c, d) = (rt::io::Async::new(c)?, rt::io::Async::new(d)?);
/// c.write_with(|c| c.send(b"datagram")).await?;
/// let mut buf = [0; 16];
/// let n = d.read_with(|d| d.recv(&mut buf)).await?;
/// assert_eq!(&buf[..n], b"datagram");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub mod io {
    pub use rt_io::*;
    pub use rt_reactor::{Async, Interest, Ready};

    /// Unix-only readiness: [`AsyncFd`](unix::AsyncFd), any file
    /// descriptor registered with the reactor, for code that does its own
    /// non-blocking I/O (tokio's `io::unix`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::net::UnixStream;
    /// use rt::io::unix::AsyncFd;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = UnixStream::pair()?;
    /// let a = AsyncFd::new(a)?;
    /// assert!(a.writable().await?.ready().is_writable());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub mod unix {
        pub use rt_reactor::unix::{
            AsyncFd, AsyncFdReadyGuard, AsyncFdReadyMutGuard, AsyncFdRegisterError,
            AsyncFdTryNewError, TryIoError,
        };
    }
}

/// The runtime, its builder and handle.
///
/// A [`Runtime`] owns the worker threads, the reactor and
/// the blocking pool; dropping it shuts them down. `#[rt::main]` builds one
/// with the defaults and blocks on `main`; [`Builder`](runtime::Builder)
/// changes the settings (each documents its default), and a
/// [`Handle`](runtime::Handle) reaches the runtime from other threads.
/// [`RuntimeMetrics`](runtime::RuntimeMetrics) reports what the workers
/// did (polls, steals, parks, busy time, queue depths); each runtime has
/// an [`Id`](runtime::Id) and, if its builder gave one, a name.
///
/// # Examples
///
/// ```
/// use rt::runtime::{Builder, Handle};
///
/// let runtime = Builder::new_multi_thread()
///     .worker_threads(2)
///     .thread_name("my-app")
///     .build()?;
///
/// // From inside: the current runtime.
/// let handle: Handle = runtime.block_on(async { Handle::current() });
///
/// // From another thread: spawn through the handle.
/// let task = std::thread::spawn(move || handle.spawn(async { "hi" }))
///     .join()
///     .unwrap();
/// assert_eq!(runtime.block_on(task)?, "hi");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub mod runtime {
    pub use rt_pool::{
        worker_index, Builder, EnterGuard, Handle, Runtime, RuntimeFlavor, RuntimeId as Id,
        RuntimeMetrics, TryCurrentError,
    };
    pub use rt_pool::{LocalOptions, LocalRuntime, TaskMeta};
    pub use rt_reactor::is_shutdown_error as is_rt_shutdown_err;
}

/// Tasks: spawning, joining, aborting, yielding, and the cooperative
/// budget.
///
/// [`spawn`] runs a future as a task on a worker;
/// [`spawn_blocking`](task::spawn_blocking) runs a closure that may block on
/// the blocking pool. Both return a [`JoinHandle`](task::JoinHandle) that
/// yields the output, or a [`JoinError`](task::JoinError) if the task
/// panicked or was aborted. A [`JoinSet`](task::JoinSet) holds many tasks
/// and yields their outputs in the order they finish.
///
/// # Examples
///
/// ```
/// use rt::task::{self, JoinSet};
///
/// # rt::Runtime::new()?.block_on(async {
/// let mut set = JoinSet::new();
/// for i in 0..3u64 {
///     set.spawn(async move {
///         task::yield_now().await; // let the others run
///         i
///     });
/// }
/// let mut sum = 0;
/// while let Some(output) = set.join_next().await {
///     sum += output?;
/// }
/// assert_eq!(sum, 3);
///
/// # std::panic::set_hook(Box::new(|_| {}));
/// let failed = task::spawn(async { panic!("oops") }).await.unwrap_err();
/// assert!(failed.is_panic());
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub mod task {
    pub use rt_core::coop::{consume_budget, unconstrained, Unconstrained};
    pub use rt_futures::{AccessError, LocalKey};
    pub use rt_pool::block_in_place;
    pub use rt_pool::{
        id, spawn, spawn_blocking, try_id, yield_now, AbortHandle, Id, JoinError, JoinHandle,
        JoinSet, YieldNow,
    };
    pub use rt_pool::{spawn_local, LocalEnterGuard, LocalSet};

    /// Task-related futures: [`TaskLocalFuture`](futures::TaskLocalFuture),
    /// returned by [`LocalKey::scope`](LocalKey::scope).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::task::futures::TaskLocalFuture;
    ///
    /// rt::task_local! {
    ///     static ID: u32;
    /// }
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let scoped: TaskLocalFuture<u32, _> = ID.scope(7, async { ID.get() });
    /// assert_eq!(rt::spawn(scoped).await?, 7);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub mod futures {
        pub use rt_futures::TaskLocalFuture;
    }

    /// Cooperative scheduling: each poll of a task on a worker has a budget
    /// of 128 units; sockets, timers and `JoinHandle`s consume one when they
    /// return `Ready`, and with none left they return `Pending` and the task
    /// runs again after the worker's other tasks and a turn of the reactor.
    /// `Runtime::block_on`'s own future is not budgeted.
    ///
    /// [`consume_budget`] makes a loop that
    /// touches no such resource take its turn too;
    /// [`poll_proceed`](coop::poll_proceed) is how a resource of
    /// your own takes part; [`unconstrained`]
    /// opts a future out.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::task::coop;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let sum = rt::spawn(async {
    ///     let mut sum = 0u64;
    ///     for i in 0..10_000u64 {
    ///         sum += i;
    ///         coop::consume_budget().await; // yields every 128 rounds
    ///     }
    ///     sum
    /// });
    /// assert_eq!(sum.await?, 49_995_000);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub mod coop {
        pub use rt_core::coop::{
            consume_budget, has_budget_remaining, poll_proceed, unconstrained, RestoreOnPending,
            Unconstrained,
        };
    }
}

/// hyper 1.x on rt (cargo feature `hyper`): what hyper needs from a
/// runtime, so a user serves HTTP/1 and HTTP/2 with no glue of their own.
///
/// - [`Executor`](hyper::Executor): hyper's `rt::Executor`, spawning on the
///   current runtime (HTTP/2 needs one).
/// - [`Timer`](hyper::Timer): hyper's `rt::Timer` on rt's timer wheel
///   (header-read timeouts, HTTP/2 keep-alive).
/// - The I/O: with this feature [`net::TcpStream`] and [`net::UnixStream`]
///   implement hyper's `rt::Read` and `rt::Write` themselves. Reads go
///   straight into hyper's buffer (no zeroing, no copy); writes are
///   vectored.
///
/// # Examples
///
/// An HTTP/1.1 server with a header-read timeout, and a client sending
/// two requests on one keep-alive connection:
///
/// ```
/// use bytes::Bytes;
/// use http_body_util::{BodyExt, Full};
/// use hyper::body::Incoming;
/// use hyper::service::service_fn;
/// use hyper::{Request, Response};
/// use rt::net::{TcpListener, TcpStream};
/// use rt::time::Duration;
///
/// async fn echo(request: Request<Incoming>) -> hyper::Result<Response<Full<Bytes>>> {
///     let body = request.into_body().collect().await?.to_bytes();
///     Ok(Response::new(Full::new(body)))
/// }
///
/// # rt::Runtime::new()?.block_on(async {
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let addr = listener.local_addr()?;
/// rt::spawn(async move {
///     while let Ok((stream, _peer)) = listener.accept().await {
///         rt::spawn(async move {
///             let _ = hyper::server::conn::http1::Builder::new()
///                 .timer(rt::hyper::Timer)
///                 .header_read_timeout(Duration::from_secs(5))
///                 .serve_connection(stream, service_fn(echo))
///                 .await;
///         });
///     }
/// });
///
/// let stream = TcpStream::connect(addr).await?;
/// let (mut sender, connection) = hyper::client::conn::http1::handshake(stream).await.unwrap();
/// rt::spawn(connection);
/// for text in ["one", "two"] {
///     let request = Request::post("/").body(Full::new(Bytes::from(text))).unwrap();
///     // The connection takes the next request once the last one is done.
///     sender.ready().await.unwrap();
///     let response = sender.send_request(request).await.unwrap();
///     assert_eq!(response.into_body().collect().await.unwrap().to_bytes(), text);
/// }
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[cfg(feature = "hyper")]
pub mod hyper {
    pub use rt_hyper::{Executor, Timer};
}

/// The README's examples, compiled and run as doctests. They include the
/// hyper example, so they need the `hyper` feature: `cargo test --workspace`
/// (the README's test command) turns it on through the root package.
#[cfg(all(doctest, feature = "hyper"))]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
