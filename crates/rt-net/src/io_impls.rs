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
        $crate::io_impls::impl_futures_read!([$($gen)*] $ty, |$this| $io);
        // `recv(2)`: the sockets' read (see `Async::poll_recv_stream_uninit`).
        $crate::io_impls::impl_tokio_read!(
            [$($gen)*] $ty, |$this| $io, poll_recv_stream_uninit
        );

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

/// futures-io's `AsyncRead` through `&Async<S>`'s stream reads.
///
/// `impl_futures_read!([generics] Type, |this| expression giving &Async<S>)`
macro_rules! impl_futures_read {
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
    };
}

/// tokio's `AsyncRead`, straight into the `ReadBuf`'s unfilled part with
/// `$uninit`, one of `Async`'s `poll_*_stream_uninit` (`recv(2)` for a
/// socket, `read(2)` for anything else).
///
/// `impl_tokio_read!([generics] Type, |this| &Async<S>, poll_recv_stream_uninit)`
macro_rules! impl_tokio_read {
    ([$($gen:tt)*] $ty:ty, |$this:ident| $io:expr_2021, $uninit:ident) => {
        impl<$($gen)*> tokio::io::AsyncRead for $ty {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut tokio::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                let $this = &*self;
                // Straight into the unfilled part, initialised or not: no
                // zeroing first.
                // SAFETY: `unfilled_mut` hands out the unfilled part, whose
                // initialised prefix we must not de-initialise: the syscall
                // only writes bytes into it (never uninitialised ones), and
                // the slice borrows `buf`, which the caller keeps alive for
                // the whole call.
                let unfilled = unsafe { buf.unfilled_mut() };
                let n = std::task::ready!($io.$uninit(cx, unfilled))?;
                // SAFETY: the kernel wrote the first `n` bytes of the
                // unfilled part (the `poll_*_stream_uninit` contract), so
                // they are initialised; `advance` then counts them filled.
                unsafe { buf.assume_init(n) };
                buf.advance(n);
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
        $crate::io_impls::impl_write!(
            futures_io::AsyncWrite, poll_close, {},
            [$($gen)*] $ty, |$this| $io, $crate::io_impls::shutdown_write(&$io)
        );
        $crate::io_impls::impl_write!(
            tokio::io::AsyncWrite, poll_shutdown, { fn is_write_vectored(&self) -> bool { true } },
            [$($gen)*] $ty, |$this| $io, $crate::io_impls::shutdown_write(&$io)
        );
        $crate::io_impls::impl_write!(
            #[cfg(feature = "hyper")] hyper::rt::Write, poll_shutdown,
            { fn is_write_vectored(&self) -> bool { true } },
            [$($gen)*] $ty, |$this| $io, $crate::io_impls::shutdown_write(&$io)
        );
    };
}

/// One write trait — futures-io's `AsyncWrite`, tokio's, hyper's
/// `rt::Write`: the same methods but for the name of the closing one
/// (`$close`) and tokio's and hyper's `is_write_vectored` (`{ extra }`) —
/// through `&Async<S>`'s stream writes. Nothing is buffered, so flushing
/// is done at once; closing returns `$closing`, an `io::Result<()>`
/// (which may use `this`).
///
/// `impl_write!(#[cfg]? Trait, close_method, { extra items }, [generics]
/// Type, |this| &Async<S>, closing)`
macro_rules! impl_write {
    (
        $(#[$cfg:meta])? $trait:path, $close:ident, { $($extra:tt)* },
        [$($gen:tt)*] $ty:ty, |$this:ident| $io:expr_2021, $closing:expr_2021
    ) => {
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

            $($extra)*

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                // No user-space buffer.
                std::task::Poll::Ready(Ok(()))
            }

            fn $close(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                #[allow(unused_variables)] // a `$closing` of `Ok(())`
                let $this = &*self;
                std::task::Poll::Ready($closing)
            }
        }
    };
}

pub(crate) use {
    impl_async_read, impl_async_write, impl_futures_read, impl_tokio_read, impl_write,
};

/// Shuts the write half down, as `shutdown`/`close` do. `ENOTCONN` (the
/// connection is already gone: reset by the peer, or never connected)
/// counts as done, as on tokio: there is nothing left to shut down.
pub(crate) fn shutdown_write<T: std::os::fd::AsFd>(
    io: &rt_reactor::Async<T>,
) -> std::io::Result<()> {
    match io.shutdown_socket(std::net::Shutdown::Write) {
        Err(err) if err.kind() == std::io::ErrorKind::NotConnected => Ok(()),
        result => result,
    }
}
