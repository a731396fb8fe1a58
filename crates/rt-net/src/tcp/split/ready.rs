//! tokio's readiness methods on the halves of a `TcpStream` (see
//! `crate::ready`): the read halves wait and read, the write halves wait
//! and write; both have `ready`.
//!
//! One invocation a half: `read_half!` and `write_half!` put together the
//! macros of `crate::ready` that a half gets, with one example setup.

use super::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
use crate::ready::{impl_peek, impl_read_ready, impl_ready, impl_write_ready};

/// `read_half!([generics] Type, |this| &Async<TcpStream>, "setup")`: the
/// reading methods, `peek` and `ready`. The setup defines `reader` (the
/// half) and `writer` (the peer, which `AsyncWriteExt` writes to).
macro_rules! read_half {
    ([$($gen:tt)*] $ty:ty, |$this:ident| $io:expr, $setup:literal) => {
        impl_read_ready!([$($gen)*] $ty, |$this| $io, $setup);
        impl_peek!([$($gen)*] $ty, |$this| $io, $setup);
        impl_ready!([$($gen)*] $ty, |$this| $io, concat!($setup, "\nlet socket = reader;"));
    };
}

/// `write_half!([generics] Type, |this| &Async<TcpStream>, "setup")`: the
/// writing methods and `ready`. The setup defines `writer` (the half) and
/// `reader` (the peer, which `AsyncReadExt` reads from).
macro_rules! write_half {
    ([$($gen:tt)*] $ty:ty, |$this:ident| $io:expr, $setup:literal) => {
        impl_write_ready!([$($gen)*] $ty, |$this| $io, $setup);
        impl_ready!([$($gen)*] $ty, |$this| $io, concat!($setup, "\nlet socket = writer;"));
    };
}

read_half!(
    ['a] ReadHalf<'a>,
    |this| this.0.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let mut writer = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (mut server, _) = listener.accept().await?;\n\
     let (reader, _) = server.split();"
);
read_half!(
    [] OwnedReadHalf,
    |this| this.inner.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let mut writer = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (server, _) = listener.accept().await?;\n\
     let (reader, _w) = server.into_split();"
);
write_half!(
    ['a] WriteHalf<'a>,
    |this| this.0.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (mut reader, _) = listener.accept().await?;\n\
     let (_, writer) = client.split();"
);
write_half!(
    [] OwnedWriteHalf,
    |this| this.inner.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let client = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (mut reader, _) = listener.accept().await?;\n\
     let (_r, writer) = client.into_split();"
);
