//! rt's networking: TCP, UDP and Unix domain sockets on the reactor.
//!
//! Every socket is non-blocking and registered with the current thread's
//! reactor when it is created (so creating one outside a runtime panics).
//! An operation first tries the syscall; on `WouldBlock` the task waits for
//! the reactor to report readiness, without any thread blocking. Errors come
//! back as [`std::io::Error`] (connection refused, address in use, `EMFILE`
//! on accept), never as a panic.
//!
//! - TCP: [`TcpListener`] (backlog 4096, `SO_REUSEADDR`), [`TcpStream`],
//!   which can be split into a reading and a writing half
//!   ([`TcpStream::split`], [`TcpStream::into_split`]) used by two tasks;
//!   [`TcpSocket`] to set options before connecting or listening.
//! - UDP: [`UdpSocket`].
//! - Unix: [`UnixListener`], [`UnixStream`], [`UnixDatagram`],
//!   [`UnixSocket`] to bind before listening or connecting; pipes and
//!   FIFOs in [`unix::pipe`]; the peer's credentials ([`unix::UCred`]).
//! - Addresses: anything that is [`ToSocketAddrs`]; host names are looked up
//!   on the runtime's blocking pool (`spawn_blocking`), which bounds how
//!   many lookups run at once; [`lookup_host`] resolves without a socket.
//!
//! Socket options live in their own modules (`tcp/options.rs`,
//! `udp_options.rs`): each is a `setsockopt`/`getsockopt` through socket2.
//!
//! The stream types implement tokio's `AsyncRead`/`AsyncWrite` (the traits
//! `rt::io` exports; `shutdown` shuts the write half down), futures-io's
//! (for the smol/async-std ecosystem; `close` shuts the write half down),
//! and with the `hyper` feature hyper's `rt::Read`/`rt::Write`, so hyper
//! serves a [`TcpStream`] as is.
//!
//! # Examples
//!
//! An echo round trip:
//!
//! ```
//! use rt::io::{AsyncReadExt, AsyncWriteExt};
//! use rt::net::{TcpListener, TcpStream};
//!
//! # rt::Runtime::new()?.block_on(async {
//!
//! let listener = TcpListener::bind("127.0.0.1:0").await?;
//! let mut client = TcpStream::connect(listener.local_addr()?).await?;
//! let (mut server, _peer) = listener.accept().await?;
//!
//! client.write_all(b"hello").await?;
//! let mut buf = [0; 5];
//! server.read_exact(&mut buf).await?;
//! server.write_all(&buf).await?;
//! client.read_exact(&mut buf).await?;
//! assert_eq!(&buf, b"hello");
//! # std::io::Result::Ok(()) })?;
//! # std::io::Result::Ok(())
//! ```

mod addr;
mod convert;
mod io_impls;
mod lookup_host;
mod ready;
mod tcp;
mod udp;
mod udp_options;
pub mod unix;

pub use addr::ToSocketAddrs;
pub use lookup_host::lookup_host;
pub use tcp::{
    OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, TcpListener, TcpSocket, TcpStream,
    WriteHalf,
};
pub use udp::UdpSocket;
pub use unix::{UnixDatagram, UnixListener, UnixSocket, UnixStream};

use std::io;

/// Listen backlog of the listeners: std and mio use 128, which overflows
/// when thousands of clients connect at once (README.md, "Figures behind
/// the constants"); the kernel caps it at `somaxconn`.
const BACKLOG: i32 = 4096;

/// Whether a non-blocking `connect` returned "in progress".
fn connect_in_progress(result: io::Result<()>) -> io::Result<bool> {
    match result {
        Ok(()) => Ok(false),
        Err(err) if err.raw_os_error() == Some(libc::EINPROGRESS) => Ok(true),
        Err(err) => Err(err),
    }
}
