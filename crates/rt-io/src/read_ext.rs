//! `AsyncReadExt`: futures-util's reading adapters, without `split`.

use std::io::IoSliceMut;

use futures_io::AsyncRead;
use futures_util::io::{Chain, Read, ReadExact, ReadToEnd, ReadToString, ReadVectored, Take};

/// Adapters for [`AsyncRead`] types: `read`, `read_exact`, `read_to_end`...
///
/// The methods are futures-util's `AsyncReadExt` methods, returning its
/// futures, except `split`: futures-util's `split(self)` would shadow the
/// inherent `rt::net::TcpStream::split` (a trait
/// method taking `self` is found before an inherent one taking `&mut self`).
/// For a generic split, use `futures_util::io::AsyncReadExt::split`.
///
/// Implemented for every [`AsyncRead`]: rt's sockets, `rt::io::Async`,
/// [`Cursor`](futures_util::io::Cursor), `&[u8]`, and the readers of
/// runtime-agnostic crates.
///
/// # Examples
///
/// ```
/// use rt::io::AsyncReadExt;
/// use rt::net::UnixStream;
///
/// # rt::Runtime::new()?.block_on(async {
/// let (mut a, mut b) = UnixStream::pair()?;
/// rt::spawn(async move {
///     use rt::io::AsyncWriteExt;
///     a.write_all(b"hello, world").await // `a` drops: end of file
/// });
///
/// let mut greeting = [0; 5];
/// b.read_exact(&mut greeting).await?;
/// let mut rest = String::new();
/// b.read_to_string(&mut rest).await?;
/// assert_eq!((&greeting, rest.as_str()), (b"hello", ", world"));
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub trait AsyncReadExt: AsyncRead {
    /// Reads some bytes into `buf`; resolves to how many (0 at end of file).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncReadExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut reader: &[u8] = b"abc";
    /// let mut buf = [0; 8];
    /// let n = reader.read(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"abc");
    /// assert_eq!(reader.read(&mut buf).await?, 0); // end of file
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> Read<'a, Self>
    where
        Self: Unpin,
    {
        futures_util::io::AsyncReadExt::read(self, buf)
    }

    /// Reads some bytes into `bufs`, in order; resolves to how many.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::IoSliceMut;
    /// use rt::io::AsyncReadExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut reader = rt::io::Cursor::new(b"headbody".to_vec());
    /// let (mut head, mut body) = ([0; 4], [0; 4]);
    /// let mut bufs = [IoSliceMut::new(&mut head), IoSliceMut::new(&mut body)];
    /// let n = reader.read_vectored(&mut bufs).await?;
    /// assert_eq!(n, 8);
    /// assert_eq!((&head, &body), (b"head", b"body"));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn read_vectored<'a>(&'a mut self, bufs: &'a mut [IoSliceMut<'a>]) -> ReadVectored<'a, Self>
    where
        Self: Unpin,
    {
        futures_util::io::AsyncReadExt::read_vectored(self, bufs)
    }

    /// Fills `buf` exactly; `UnexpectedEof` if the reader ends first.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::ErrorKind;
    /// use rt::io::AsyncReadExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut reader: &[u8] = b"12345";
    /// let mut four = [0; 4];
    /// reader.read_exact(&mut four).await?;
    /// assert_eq!(&four, b"1234");
    /// let err = reader.read_exact(&mut four).await.unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::UnexpectedEof); // one byte was left
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn read_exact<'a>(&'a mut self, buf: &'a mut [u8]) -> ReadExact<'a, Self>
    where
        Self: Unpin,
    {
        futures_util::io::AsyncReadExt::read_exact(self, buf)
    }

    /// Reads to end of file, appending to `buf`; resolves to how many bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncReadExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut reader: &[u8] = b"all of it";
    /// let mut buf = b">".to_vec();
    /// assert_eq!(reader.read_to_end(&mut buf).await?, 9);
    /// assert_eq!(buf, b">all of it");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn read_to_end<'a>(&'a mut self, buf: &'a mut Vec<u8>) -> ReadToEnd<'a, Self>
    where
        Self: Unpin,
    {
        futures_util::io::AsyncReadExt::read_to_end(self, buf)
    }

    /// Reads UTF-8 to end of file, appending to `buf`; resolves to how
    /// many bytes. `InvalidData` if the bytes are not UTF-8.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncReadExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut reader: &[u8] = "héllo".as_bytes();
    /// let mut text = String::new();
    /// reader.read_to_string(&mut text).await?;
    /// assert_eq!(text, "héllo");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn read_to_string<'a>(&'a mut self, buf: &'a mut String) -> ReadToString<'a, Self>
    where
        Self: Unpin,
    {
        futures_util::io::AsyncReadExt::read_to_string(self, buf)
    }

    /// Reads this reader to its end, then `next`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncReadExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let header: &[u8] = b"HEAD ";
    /// let body: &[u8] = b"body";
    /// let mut both = Vec::new();
    /// header.chain(body).read_to_end(&mut both).await?;
    /// assert_eq!(both, b"HEAD body");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn chain<R>(self, next: R) -> Chain<Self, R>
    where
        Self: Sized,
        R: AsyncRead,
    {
        futures_util::io::AsyncReadExt::chain(self, next)
    }

    /// Reads at most `limit` bytes from this reader.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncReadExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let reader: &[u8] = b"0123456789";
    /// let mut first = Vec::new();
    /// reader.take(4).read_to_end(&mut first).await?;
    /// assert_eq!(first, b"0123");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    fn take(self, limit: u64) -> Take<Self>
    where
        Self: Sized,
    {
        futures_util::io::AsyncReadExt::take(self, limit)
    }
}

impl<R: AsyncRead + ?Sized> AsyncReadExt for R {}
