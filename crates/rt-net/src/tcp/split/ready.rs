//! tokio's readiness methods on the halves of a `TcpStream` (see
//! `crate::ready`): the read halves wait and read, the write halves wait
//! and write; both have `ready`.

use super::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
use crate::ready::{impl_peek, impl_read_ready, impl_ready, impl_write_ready};

impl_read_ready!(
    ['a] ReadHalf<'a>,
    |this| this.0.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let mut writer = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (mut server, _) = listener.accept().await?;\n\
     let (reader, _) = server.split();"
);
impl_peek!(
    ['a] ReadHalf<'a>,
    |this| this.0.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let mut writer = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (mut server, _) = listener.accept().await?;\n\
     let (reader, _) = server.split();"
);
impl_ready!(
    ['a] ReadHalf<'a>,
    |this| this.0.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (socket, _) = client.split();"
);
impl_read_ready!(
    [] OwnedReadHalf,
    |this| this.inner.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let mut writer = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (server, _) = listener.accept().await?;\n\
     let (reader, _w) = server.into_split();"
);
impl_peek!(
    [] OwnedReadHalf,
    |this| this.inner.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let mut writer = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (server, _) = listener.accept().await?;\n\
     let (reader, _w) = server.into_split();"
);
impl_ready!(
    [] OwnedReadHalf,
    |this| this.inner.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let client = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (socket, _w) = client.into_split();"
);
impl_write_ready!(
    ['a] WriteHalf<'a>,
    |this| this.0.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (mut reader, _) = listener.accept().await?;\n\
     let (_, writer) = client.split();"
);
impl_ready!(
    ['a] WriteHalf<'a>,
    |this| this.0.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let mut client = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (_, socket) = client.split();"
);
impl_write_ready!(
    [] OwnedWriteHalf,
    |this| this.inner.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let client = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (mut reader, _) = listener.accept().await?;\n\
     let (_r, writer) = client.into_split();"
);
impl_ready!(
    [] OwnedWriteHalf,
    |this| this.inner.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let client = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (_r, socket) = client.into_split();"
);
