//! The io trait impls of the socket types, written once: futures-io's
//! `AsyncRead`/`AsyncWrite` (the smol/async-std world), tokio's (what
//! `rt::io` exports), and with
//! the `hyper` feature hyper's `rt::Read`/`rt::Write`, all through
//! `rt_reactor::Async`'s stream methods (a short read or write clears
//! readiness, see `Async::poll_read_stream`). tokio's and hyper's reads go
//! into the caller's uninitialised memory directly
//! (`Async::poll_recv_stream_uninit`): nothing is zeroed, nothing copied.

/// Implements `AsyncRead` (futures-io; tokio's; hyper's
/// `Read` with `hyper`) for a socket type by reading through `&Async<S>`
/// where `&S: Read`.
///
/// `impl_async_read!([generics] Type, |this| expression giving &Async<S>)`
macro_rules! impl_async_read {
    ([$($gen:tt)*] $ty:ty, |$this:ident| $io:expr_2021) => {
        impl<$($gen)*> futures_io::AsyncRead for $ty {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let $this = &*self;
                $io.poll_read_stream(cx, buf)
            }

            fn poll_read_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &mut [std::io::IoSliceMut<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let $this = &*self;
                $io.poll_read_vectored_stream(cx, bufs)
            }
        }

                impl<$($gen)*> tokio::io::AsyncRead for $ty {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut tokio::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                let $this = &*self;
                // Straight into the unfilled part, initialised or not: no
                // zeroing first (`Async::poll_recv_stream_uninit`).
                // SAFETY: `unfilled_mut` hands out the unfilled part, whose
                // initialised prefix we must not de-initialise: `recv(2)`
                // only writes bytes into it (never uninitialised ones), and
                // the slice borrows `buf`, which the caller keeps alive for
                // the whole call.
                let unfilled = unsafe { buf.unfilled_mut() };
                let n = std::task::ready!($io.poll_recv_stream_uninit(cx, unfilled))?;
                // SAFETY: the kernel wrote the first `n` bytes of the
                // unfilled part (`poll_recv_stream_uninit`'s contract), so
                // they are initialised; `advance` then counts them filled.
                unsafe { buf.assume_init(n) };
                buf.advance(n);
                std::task::Poll::Ready(Ok(()))
            }
        }

        #[cfg(feature = "hyper")]
        impl<$($gen)*> hyper::rt::Read for $ty {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                mut buf: hyper::rt::ReadBufCursor<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                let $this = &*self;
                // Straight into hyper's buffer: no zeroing, no copy.
                // SAFETY: `read(2)` only writes bytes into the slice, so it
                // de-initialises nothing hyper counts as initialised.
                let unfilled = unsafe { buf.as_mut() };
                let n = std::task::ready!($io.poll_recv_stream_uninit(cx, unfilled))?;
                // SAFETY: the kernel wrote the first `n` bytes of the slice
                // (`poll_recv_stream_uninit`'s contract).
                unsafe { buf.advance(n) };
                std::task::Poll::Ready(Ok(()))
            }
        }
    };
}

/// Implements `AsyncWrite` (futures-io; tokio's; hyper's
/// `Write` with `hyper`) for a socket type by writing through `&Async<S>` where `&S: Write`; closing
/// shuts the socket down for writing.
///
/// `impl_async_write!([generics] Type, |this| expression giving &Async<S>)`
macro_rules! impl_async_write {
    ([$($gen:tt)*] $ty:ty, |$this:ident| $io:expr_2021) => {
        impl<$($gen)*> futures_io::AsyncWrite for $ty {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let $this = &*self;
                $io.poll_write_stream(cx, buf)
            }

            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let $this = &*self;
                $io.poll_write_vectored_stream(cx, bufs)
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

        $crate::io_impls::impl_shutdown_write!(
            tokio::io::AsyncWrite, [$($gen)*] $ty, |$this| $io
        );
        $crate::io_impls::impl_shutdown_write!(
            #[cfg(feature = "hyper")] hyper::rt::Write, [$($gen)*] $ty, |$this| $io
        );
    };
}

/// The write half shared by tokio's `AsyncWrite` and hyper's `rt::Write`,
/// whose methods have the same names and signatures (`poll_shutdown`
/// shuts the socket's write half down), written once for both.
macro_rules! impl_shutdown_write {
    ($(#[$cfg:meta])? $trait:path, [$($gen:tt)*] $ty:ty, |$this:ident| $io:expr_2021) => {
        $(#[$cfg])?
        impl<$($gen)*> $trait for $ty {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let $this = &*self;
                $io.poll_write_stream(cx, buf)
            }

            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                let $this = &*self;
                $io.poll_write_vectored_stream(cx, bufs)
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

pub(crate) use {impl_async_read, impl_async_write, impl_shutdown_write};
