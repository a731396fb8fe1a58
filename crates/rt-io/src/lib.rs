//! rt's io: tokio's io traits, its extension traits and utilities.
//!
//! The traits ([`AsyncRead`], [`AsyncWrite`], [`AsyncBufRead`],
//! [`AsyncSeek`], [`ReadBuf`]) are tokio's own, re-exported: every crate
//! written against `tokio::io` (tokio-util's codecs, hyper-util, tonic,
//! tower) takes rt's streams, and a user's `impl AsyncRead` written for
//! tokio compiles unchanged. The extension traits ([`AsyncReadExt`],
//! [`AsyncWriteExt`], [`AsyncBufReadExt`], [`AsyncSeekExt`]) and the
//! adapters ([`BufReader`], [`BufWriter`], [`BufStream`], [`split`],
//! [`Lines`], [`Take`], [`Chain`]...) are tokio's too, so they behave
//! exactly as the code being ported expects.
//!
//! rt's sockets also implement futures-io's traits, for the smol/async-std
//! ecosystem; those are not what this module exports, so a user who
//! imports only `rt::io`'s extension traits sees one `read`, one
//! `write_all`.
//!
//! # Examples
//!
//! ```
//! use std::io::Cursor;
//! use rt::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # rt::Runtime::new()?.block_on(async {
//! let mut reader = Cursor::new(b"hello world".to_vec());
//! let mut word = [0; 5];
//! assert_eq!(reader.read_exact(&mut word).await?, 5);
//! assert_eq!(&word, b"hello");
//!
//! let mut writer = Vec::new();
//! rt::io::copy(&mut reader, &mut writer).await?;
//! writer.flush().await?;
//! assert_eq!(writer, b" world");
//! # std::io::Result::Ok(()) })?;
//! # std::io::Result::Ok(())
//! ```

pub use tokio::io::{join, split, Join, ReadHalf, WriteHalf};
pub use tokio::io::{
    AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, Error, ErrorKind, ReadBuf, Result, SeekFrom,
};
pub use tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufReader, BufStream, BufWriter,
    Chain, Lines, Split, Take,
};

mod copy;
mod mem;
mod stdio;
mod util;

// tokio's versions of these take tokio's cooperative budget, which outside
// a tokio runtime never runs out: rt's take rt's (see each module).
pub use copy::{copy, copy_bidirectional, copy_bidirectional_with_sizes, copy_buf};
pub use mem::{duplex, simplex, DuplexStream, SimplexStream};
pub use util::{empty, repeat, sink, Empty, Repeat, Sink};

// tokio's need tokio's blocking pool: rt's run on rt's.
pub use stdio::{stderr, stdin, stdout, Stderr, Stdin, Stdout};
