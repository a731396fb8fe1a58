//! Asynchronous I/O: the futures-io traits, their extension traits, and
//! [`Async`], which makes any file descriptor awaitable.
//!
//! The traits are futures-io's ([`AsyncRead`], [`AsyncWrite`],
//! [`AsyncBufRead`], [`AsyncSeek`]), the ones smol, async-std and the
//! runtime-agnostic ecosystem (async-tungstenite, futures-rustls) use. The
//! extension traits are futures-util's, so
//! `use rt_reactor::io::{AsyncReadExt, AsyncWriteExt};` gives `read`,
//! `read_exact`, `read_to_end`, `write_all`, `flush`, `close`, and [`copy`]
//! copies a reader into a writer. [`AsyncReadExt`] is our own trait over
//! futures-util's adapters, without `split(self)`, which would shadow
//! [`TcpStream::split`](crate::net::TcpStream::split).
//!
//! With the cargo feature `tokio-io`, the stream types ([`Async`],
//! [`TcpStream`](crate::net::TcpStream) and its halves,
//! [`UnixStream`](crate::net::UnixStream)) also implement
//! `tokio::io::AsyncRead` and `tokio::io::AsyncWrite`.
//!
//! # Examples
//!
//! A pipe made awaitable with [`Async`]:
//!
//! ```
//! use std::os::unix::net::UnixStream;
//! use rt_reactor::io::{Async, AsyncReadExt, AsyncWriteExt};
//! # let reactor = std::sync::Arc::new(rt_reactor::Reactor::new()?);
//! # let _guard = rt_reactor::enter(&reactor);
//! # let driver = reactor.clone();
//! # std::thread::spawn(move || loop { if let Some(mut l) = driver.try_lock() { l.turn(None); } });
//! # futures_lite::future::block_on(async {
//!
//! let (a, b) = UnixStream::pair()?;
//! let (mut a, mut b) = (Async::new(a)?, Async::new(b)?);
//! a.write_all(b"ping").await?;
//! let mut buf = [0; 4];
//! b.read_exact(&mut buf).await?;
//! assert_eq!(&buf, b"ping");
//! # std::io::Result::Ok(()) })?;
//! # std::io::Result::Ok(())
//! ```

mod async_fd;
mod read_ext;

pub use async_fd::Async;
pub use read_ext::AsyncReadExt;

pub use futures_io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite};
pub use futures_util::io::{
    copy, copy_buf, empty, repeat, sink, AsyncBufReadExt, AsyncSeekExt, AsyncWriteExt, BufReader,
    BufWriter, Cursor, Empty, Repeat, Sink,
};
pub use std::io::{Error, ErrorKind, Result};

/// Implements `AsyncRead` (futures-io, and tokio's with `tokio-io`) for a
/// socket type by reading through `&Async<S>` where `&S: Read`.
///
/// `impl_async_read!([generics] Type, |this| expression giving &Async<S>)`
macro_rules! impl_async_read {
    ([$($gen:tt)*] $ty:ty, |$this:ident| $io:expr) => {
        impl<$($gen)*> futures_io::AsyncRead for $ty {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let $this = &*self;
                $io.poll_read_ref(cx, buf)
            }

            fn poll_read_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &mut [std::io::IoSliceMut<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let $this = &*self;
                $io.poll_read_vectored_ref(cx, bufs)
            }
        }

        #[cfg(feature = "tokio-io")]
        impl<$($gen)*> tokio::io::AsyncRead for $ty {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut tokio::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                let $this = &*self;
                let n = std::task::ready!($io.poll_read_ref(cx, buf.initialize_unfilled()))?;
                buf.advance(n);
                std::task::Poll::Ready(Ok(()))
            }
        }
    };
}

/// Implements `AsyncWrite` (futures-io, and tokio's with `tokio-io`) for a
/// socket type by writing through `&Async<S>` where `&S: Write`; closing
/// shuts the socket down for writing.
///
/// `impl_async_write!([generics] Type, |this| expression giving &Async<S>)`
macro_rules! impl_async_write {
    ([$($gen:tt)*] $ty:ty, |$this:ident| $io:expr) => {
        impl<$($gen)*> futures_io::AsyncWrite for $ty {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let $this = &*self;
                $io.poll_write_ref(cx, buf)
            }

            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let $this = &*self;
                $io.poll_write_vectored_ref(cx, bufs)
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                // Sockets have no user-space buffer.
                std::task::Poll::Ready(Ok(()))
            }

            fn poll_close(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                let $this = &*self;
                std::task::Poll::Ready($io.shutdown_socket(std::net::Shutdown::Write))
            }
        }

        #[cfg(feature = "tokio-io")]
        impl<$($gen)*> tokio::io::AsyncWrite for $ty {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let $this = &*self;
                $io.poll_write_ref(cx, buf)
            }

            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let $this = &*self;
                $io.poll_write_vectored_ref(cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::task::Poll::Ready(Ok(()))
            }

            fn poll_shutdown(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                let $this = &*self;
                std::task::Poll::Ready($io.shutdown_socket(std::net::Shutdown::Write))
            }
        }
    };
}

pub(crate) use {impl_async_read, impl_async_write};
