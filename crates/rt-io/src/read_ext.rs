//! `AsyncReadExt`: futures-util's reading adapters, without `split`.

use std::io::IoSliceMut;

use futures_io::AsyncRead;
use futures_util::io::{Chain, Read, ReadExact, ReadToEnd, ReadToString, ReadVectored, Take};

/// Adapters for [`AsyncRead`] types: `read`, `read_exact`, `read_to_end`...
///
/// The methods are futures-util's `AsyncReadExt` methods, returning its
/// futures, except `split`: futures-util's `split(self)` would shadow the
/// inherent [`TcpStream::split`](crate::net::TcpStream::split) (a trait
/// method taking `self` is found before an inherent one taking `&mut self`).
/// For a generic split, use `futures_util::io::AsyncReadExt::split`.
pub trait AsyncReadExt: AsyncRead {
    /// Reads some bytes into `buf`; resolves to how many (0 at end of file).
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> Read<'a, Self>
    where
        Self: Unpin,
    {
        futures_util::io::AsyncReadExt::read(self, buf)
    }

    /// Reads some bytes into `bufs`, in order; resolves to how many.
    fn read_vectored<'a>(&'a mut self, bufs: &'a mut [IoSliceMut<'a>]) -> ReadVectored<'a, Self>
    where
        Self: Unpin,
    {
        futures_util::io::AsyncReadExt::read_vectored(self, bufs)
    }

    /// Fills `buf` exactly; `UnexpectedEof` if the reader ends first.
    fn read_exact<'a>(&'a mut self, buf: &'a mut [u8]) -> ReadExact<'a, Self>
    where
        Self: Unpin,
    {
        futures_util::io::AsyncReadExt::read_exact(self, buf)
    }

    /// Reads to end of file, appending to `buf`; resolves to how many bytes.
    fn read_to_end<'a>(&'a mut self, buf: &'a mut Vec<u8>) -> ReadToEnd<'a, Self>
    where
        Self: Unpin,
    {
        futures_util::io::AsyncReadExt::read_to_end(self, buf)
    }

    /// Reads UTF-8 to end of file, appending to `buf`.
    fn read_to_string<'a>(&'a mut self, buf: &'a mut String) -> ReadToString<'a, Self>
    where
        Self: Unpin,
    {
        futures_util::io::AsyncReadExt::read_to_string(self, buf)
    }

    /// Reads this reader to its end, then `next`.
    fn chain<R>(self, next: R) -> Chain<Self, R>
    where
        Self: Sized,
        R: AsyncRead,
    {
        futures_util::io::AsyncReadExt::chain(self, next)
    }

    /// Reads at most `limit` bytes from this reader.
    fn take(self, limit: u64) -> Take<Self>
    where
        Self: Sized,
    {
        futures_util::io::AsyncReadExt::take(self, limit)
    }
}

impl<R: AsyncRead + ?Sized> AsyncReadExt for R {}
