//! The C10k echo server: the code `examples/echo_server.rs` runs and the
//! fault tests drive in-process.
//!
//! # Design
//!
//! **One task per connection, one 4 KiB buffer each.** The task reads into
//! its buffer, writes everything back, and only then reads again. Memory per
//! connection is therefore bounded (the task, the socket's registration and
//! the buffer), and backpressure is natural: a client that never reads makes
//! the echo write pend, so its connection stops being read and the kernel's
//! buffers, not the server's, absorb what it sends — until its own writes
//! block.
//!
//! **Accept errors do not stop the server.** Running out of descriptors
//! (`EMFILE`) leaves the pending connection queued and the listener
//! readable; the loop logs (rate-limited), pauses 10→100 ms so it does not
//! spin, and keeps serving the connections it has ([`AcceptErrors`]).
//!
//! **Shutdown** is a future passed to [`serve`] ([`Shutdown::wait`] in the
//! examples, triggered by SIGINT/SIGTERM): the listener closes at once,
//! open connections get a grace period, and [`serve`] returns the
//! [`Totals`]. [`Counters`] are live, so a test can watch the bytes the
//! server holds ([`Counters::in_flight`]) while it runs.
//!
//! The tokio twin (`examples/echo_server_tokio.rs`) mirrors [`serve`] line
//! for line on tokio and shares [`Counters`], [`AcceptErrors`] and
//! [`Shutdown`], so the C10k comparison measures the runtimes, not two
//! different servers.
//!
//! # Examples
//!
//! ```
//! use std::sync::Arc;
//! use rt::io::{AsyncReadExt, AsyncWriteExt};
//! use rt_suite::echo::{serve, Counters, Options, Shutdown};
//!
//! let runtime = rt::runtime::Builder::new_multi_thread().worker_threads(2).build()?;
//! runtime.block_on(async {
//!     let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     let counters = Arc::new(Counters::new());
//!     let shutdown = Shutdown::new();
//!     let server = rt::spawn(serve(listener, Options::default(), counters.clone(), shutdown.wait()));
//!
//!     let mut client = rt::net::TcpStream::connect(addr).await?;
//!     client.write_all(b"hello").await?;
//!     let mut reply = [0; 5];
//!     client.read_exact(&mut reply).await?;
//!     assert_eq!(&reply, b"hello");
//!     assert_eq!(counters.totals().bytes_echoed, 5);
//!
//!     shutdown.trigger();
//!     let totals = server.await.unwrap();
//!     assert_eq!(totals.accepted, 1);
//!     std::io::Result::Ok(())
//! })?;
//! # std::io::Result::Ok(())
//! ```

mod accept;
mod counters;
mod server;
mod shutdown;

pub use accept::{AcceptErrors, LOG_INTERVAL, MAX_BACKOFF, MIN_BACKOFF};
pub use counters::{ConnectionGuard, Counters, Totals};
pub use server::{serve, Options, BUFFER_SIZE, GRACE};
pub use shutdown::{Shutdown, Wait};
