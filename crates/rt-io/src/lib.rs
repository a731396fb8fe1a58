//! rt's io traits: the futures-io traits and their extension traits.
//!
//! The traits are futures-io's ([`AsyncRead`], [`AsyncWrite`],
//! [`AsyncBufRead`], [`AsyncSeek`]), the ones smol, async-std and the
//! runtime-agnostic ecosystem (async-tungstenite, futures-rustls) use. The
//! extension traits are futures-util's, so
//! `use rt::io::{AsyncReadExt, AsyncWriteExt};` gives `read`,
//! `read_exact`, `read_to_end`, `write_all`, `flush`, `close`, and [`copy`]
//! copies a reader into a writer. [`AsyncReadExt`] is our own trait over
//! futures-util's adapters, without `split(self)`, which would shadow
//! `rt::net::TcpStream::split`.
//!
//! With the cargo feature `tokio-io` of `rt`, the stream types
//! (`rt::io::Async`, `rt::net::TcpStream` and its halves,
//! `rt::net::UnixStream`) also implement `tokio::io::AsyncRead` and
//! `tokio::io::AsyncWrite`.
//!
//! # Examples
//!
//! ```
//! use rt::io::{AsyncReadExt, AsyncWriteExt, Cursor};
//!
//! # rt::Runtime::new()?.block_on(async {
//! let mut reader = Cursor::new(b"hello world".to_vec());
//! let mut word = [0; 5];
//! reader.read_exact(&mut word).await?;
//! assert_eq!(&word, b"hello");
//!
//! let mut writer = Cursor::new(Vec::new());
//! rt::io::copy(&mut reader, &mut writer).await?;
//! writer.flush().await?;
//! assert_eq!(writer.into_inner(), b" world");
//! # std::io::Result::Ok(()) })?;
//! # std::io::Result::Ok(())
//! ```

mod read_ext;

pub use futures_io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite};
pub use futures_util::io::{
    copy, copy_buf, empty, repeat, sink, AsyncBufReadExt, AsyncSeekExt, AsyncWriteExt, BufReader,
    BufWriter, Cursor, Empty, Repeat, Sink,
};
pub use read_ext::AsyncReadExt;
pub use std::io::{Error, ErrorKind, Result};
