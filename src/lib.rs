//! rt-suite: the examples', tests' and benchmarks' shared code.
//!
//! The unpublished root package of the workspace. Its library holds what
//! more than one example or test needs, so that they run the same code:
//!
//! - [`echo`]: the C10k echo server (`examples/echo_server.rs` is a thin
//!   `main` around [`echo::serve`]; `tests/suite/echo_faults.rs` and
//!   `tests/echo_emfile.rs` drive the same function in-process), its
//!   counters and its shutdown signal, which the tokio twin
//!   (`examples/echo_server_tokio.rs`) shares too;
//! - [`args`]: the examples' small command-line parser.
//!
//! # Examples
//!
//! ```
//! use std::sync::Arc;
//! use rt::io::{AsyncReadExt, AsyncWriteExt};
//! use rt_suite::echo::{serve, Counters, Options, Shutdown};
//!
//! let runtime = rt::runtime::Builder::new_multi_thread().worker_threads(2).build()?;
//! let totals = runtime.block_on(async {
//!     let listener = rt::net::TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     let shutdown = Shutdown::new();
//!     let server = rt::spawn(serve(listener, Options::default(), Arc::new(Counters::new()), shutdown.wait()));
//!
//!     let mut client = rt::net::TcpStream::connect(addr).await?;
//!     client.write_all(b"ping").await?;
//!     let mut reply = [0; 4];
//!     client.read_exact(&mut reply).await?;
//!     assert_eq!(&reply, b"ping");
//!
//!     drop(client);
//!     shutdown.trigger();
//!     std::io::Result::Ok(server.await.unwrap())
//! })?;
//! assert_eq!(totals.accepted, 1);
//! assert_eq!(totals.bytes_echoed, 4);
//! # std::io::Result::Ok(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations, unreachable_pub)]

pub mod args;
pub mod echo;
pub mod payload;
