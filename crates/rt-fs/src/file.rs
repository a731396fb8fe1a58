//! [`File`]: an open file, read, written and sought on the blocking pool.
//!
//! The protocol, written once here. A `File` holds the std file in an
//! `Arc` and one byte buffer, and is at any time either *idle*, owning
//! the buffer, or *busy*, having moved the buffer (and a clone of the
//! `Arc`) into one `spawn_blocking` task, whose `JoinHandle` it holds and
//! which hands the buffer back with the operation's result. So at most one
//! operation is in flight and the buffer is never shared.
//!
//! - A **read** with the buffer empty starts a task that fills it by one
//!   `read` of the std file (at most what the caller asked for, capped at
//!   the file's max buffer size) and, when it is back, copies out of it;
//!   what the caller had no room for stays for the next read.
//! - A **write** copies the caller's bytes (up to the cap) into the
//!   buffer, starts a task doing `write_all` of them and reports them
//!   written at once. Its error, if any, is returned by the next write or
//!   flush (or, if a read or seek observes it first, kept for them). If
//!   the buffer still held bytes read ahead, the task first seeks back
//!   over them, so the write lands where the caller thinks the cursor is.
//! - A **flush** waits for the operation in flight and returns a write
//!   error; nothing else (std's files keep no buffer). A `File` dropped
//!   with a write in flight still completes that write on the pool, but
//!   its error is lost: flush before dropping to know the data is written.
//! - A **seek** (`start_seek`, then `poll_complete`) accounts for bytes
//!   read ahead (a `Current` offset is moved back by them, and they are
//!   dropped), then runs on the pool. `start_seek` while an operation is in
//!   flight is an error: `poll_complete` first, as the `AsyncSeek`
//!   contract says.
//!
//! The `&self` methods (`sync_all`, `set_len`...) wait for the operation
//! in flight under an async lock, so that they see the file as written.

use std::fmt;
use std::fs::{FileTimes, Metadata, Permissions};
use std::future::{poll_fn, Future};
use std::io::{self, IoSlice, Read, Seek, SeekFrom, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use rt_io::{AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};
use rt_pool::JoinHandle;
use rt_sync::Mutex;

use crate::{asyncify, OpenOptions};

/// The most bytes one blocking read or write moves by default (tokio's).
const DEFAULT_MAX_BUF_SIZE: usize = 2 * 1024 * 1024;

/// The operation a blocking task ran, with its result.
#[derive(Debug)]
enum Operation {
    Read(io::Result<()>),
    Write(io::Result<()>),
    Seek(io::Result<u64>),
}

/// The buffer: `bytes[pos..]` are bytes read ahead and not yet handed out,
/// or (while a write is in flight) the bytes being written.
#[derive(Debug, Default)]
struct Buf {
    bytes: Vec<u8>,
    pos: usize,
}

impl Buf {
    fn is_empty(&self) -> bool {
        self.pos == self.bytes.len()
    }

    /// Drops the bytes read ahead; returns how far to seek back over them.
    fn discard_read(&mut self) -> i64 {
        let ahead = (self.bytes.len() - self.pos) as i64;
        self.bytes.clear();
        self.pos = 0;
        -ahead
    }

    fn copy_to(&mut self, dst: &mut ReadBuf<'_>) {
        let n = (self.bytes.len() - self.pos).min(dst.remaining());
        dst.put_slice(&self.bytes[self.pos..self.pos + n]);
        self.pos += n;
        if self.is_empty() {
            self.bytes.clear();
            self.pos = 0;
        }
    }

    /// One read of `file` into the buffer, of at most `len` bytes.
    fn read_from(&mut self, file: &std::fs::File, len: usize) -> io::Result<()> {
        self.bytes.clear();
        self.bytes.resize(len, 0);
        self.pos = 0;
        let result = loop {
            match (&mut &*file).read(&mut self.bytes) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                result => break result,
            }
        };
        self.bytes.truncate(*result.as_ref().unwrap_or(&0));
        result.map(drop)
    }

    /// Writes all the buffer's bytes to `file`, and empties it.
    fn write_to(&mut self, file: &std::fs::File) -> io::Result<()> {
        let result = (&mut &*file).write_all(&self.bytes[self.pos..]);
        self.bytes.clear();
        self.pos = 0;
        result
    }
}

#[derive(Debug)]
enum State {
    /// The buffer is here.
    Idle(Buf),
    /// The buffer is with the blocking task.
    Busy(JoinHandle<(Operation, Buf)>),
}

#[derive(Debug)]
struct Inner {
    state: State,
    /// A write error seen by a read or seek, for the next write or flush.
    last_write_err: Option<io::ErrorKind>,
    /// The cursor as the last completed seek reported it.
    pos: u64,
}

impl Inner {
    /// Waits for the task in flight and takes its result back; `None` if
    /// idle. A task that never ran (runtime shut down) or panicked leaves
    /// an empty buffer and an error.
    fn poll_task(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Operation>>> {
        let State::Busy(task) = &mut self.state else {
            return Poll::Ready(Ok(None));
        };
        let joined = ready!(Pin::new(task).poll(cx));
        match joined {
            Ok((op, buf)) => {
                self.state = State::Idle(buf);
                Poll::Ready(Ok(Some(op)))
            }
            Err(_) => {
                self.state = State::Idle(Buf::default());
                Poll::Ready(Err(io::Error::other("background task failed")))
            }
        }
    }

    fn buf(&mut self) -> &mut Buf {
        match &mut self.state {
            State::Idle(buf) => buf,
            State::Busy(_) => unreachable!("the buffer is with a blocking task"),
        }
    }

    /// Moves the buffer into a blocking task running `op` on `std`.
    fn start(
        &mut self,
        std: &Arc<std::fs::File>,
        op: impl FnOnce(&std::fs::File, &mut Buf) -> Operation + Send + 'static,
    ) {
        let mut buf = std::mem::take(self.buf());
        let std = Arc::clone(std);
        self.state = State::Busy(rt_pool::spawn_blocking(move || {
            let done = op(&std, &mut buf);
            (done, buf)
        }));
    }

    /// Waits for the operation in flight; returns a write error not yet
    /// reported.
    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(kind) = self.last_write_err.take() {
            return Poll::Ready(Err(kind.into()));
        }
        match ready!(self.poll_task(cx))? {
            Some(Operation::Write(result)) => Poll::Ready(result),
            Some(Operation::Read(_) | Operation::Seek(_)) | None => Poll::Ready(Ok(())),
        }
    }

    /// Waits for the operation in flight, keeping a write error for later.
    async fn complete_inflight(&mut self) {
        if let Err(e) = poll_fn(|cx| self.poll_flush(cx)).await {
            self.last_write_err = Some(e.kind());
        }
    }
}

/// An open file, with tokio's API: [`AsyncRead`], [`AsyncWrite`] and
/// [`AsyncSeek`] through the blocking pool (see the module docs of
/// `rt-fs/src/file.rs` for how).
///
/// A write is reported done when its bytes are handed to the blocking
/// pool, not when they reach the file: **call `flush`** (e.g.
/// [`AsyncWriteExt::flush`](rt_io::AsyncWriteExt::flush)) before dropping
/// the file or reading back through another handle, to wait for the write
/// and learn of its error. `File` has no buffer of its own beyond the one
/// operation in flight; wrap it in a [`BufReader`](rt_io::BufReader) or
/// [`BufWriter`](rt_io::BufWriter) for many small reads or writes.
///
/// # Examples
///
/// ```
/// use rt::fs::File;
/// use rt::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt, SeekFrom};
///
/// # rt::Runtime::new()?.block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-fs-doc-file-{}", std::process::id()));
/// let mut file = File::create(&path).await?;
/// file.write_all(b"hello, world").await?;
/// file.flush().await?;
///
/// let mut file = File::open(&path).await?;
/// file.seek(SeekFrom::Start(7)).await?;
/// let mut text = String::new();
/// file.read_to_string(&mut text).await?;
/// assert_eq!(text, "world");
/// rt::fs::remove_file(&path).await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct File {
    std: Arc<std::fs::File>,
    inner: Mutex<Inner>,
    max_buf_size: usize,
}

impl File {
    /// Opens the file at `path` for reading.
    ///
    /// # Errors
    /// Those of [`std::fs::File::open`]: no such file, no permission.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncReadExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut file = rt::fs::File::open("/dev/null").await?;
    /// let mut all = Vec::new();
    /// assert_eq!(file.read_to_end(&mut all).await?, 0);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        Self::options().read(true).open(path).await
    }

    /// Opens the file at `path` for writing, creating it or emptying it.
    ///
    /// # Errors
    /// Those of [`std::fs::File::create`].
    ///
    /// # Examples
    ///
    /// See [`File`].
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        Self::options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
            .await
    }

    /// Creates a new file at `path`, open for reading and writing; fails
    /// with [`AlreadyExists`](io::ErrorKind::AlreadyExists) if there is one.
    ///
    /// # Errors
    /// Those of [`std::fs::File::create_new`].
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let path = std::env::temp_dir().join(format!("rt-fs-doc-fcn-{}", std::process::id()));
    /// rt::fs::File::create_new(&path).await?;
    /// assert!(rt::fs::File::create_new(&path).await.is_err());
    /// rt::fs::remove_file(&path).await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn create_new(path: impl AsRef<Path>) -> io::Result<File> {
        Self::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .await
    }

    /// A new [`OpenOptions`], everything off.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let file = rt::fs::File::options().write(true).open("/dev/null").await?;
    /// # drop(file); std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Wraps an open std file (its cursor stays where it is).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let file = rt::fs::File::from_std(std::fs::File::open("/dev/null")?);
    /// # drop(file); std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn from_std(std: std::fs::File) -> File {
        File {
            std: Arc::new(std),
            inner: Mutex::new(Inner {
                state: State::Idle(Buf::default()),
                last_write_err: None,
                pos: 0,
            }),
            max_buf_size: DEFAULT_MAX_BUF_SIZE,
        }
    }

    /// Waits for the operation in flight, then syncs the file's data and
    /// metadata to the disk (`fsync`).
    ///
    /// # Errors
    /// Those of [`std::fs::File::sync_all`]. (An error of a write in
    /// flight is kept for the next write or flush.)
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let path = std::env::temp_dir().join(format!("rt-fs-doc-sync-{}", std::process::id()));
    /// let mut file = rt::fs::File::create(&path).await?;
    /// file.write_all(b"durable").await?;
    /// file.sync_all().await?;
    /// assert_eq!(rt::fs::read(&path).await?, b"durable");
    /// rt::fs::remove_file(&path).await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn sync_all(&self) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        inner.complete_inflight().await;
        let std = Arc::clone(&self.std);
        asyncify(move || std.sync_all()).await
    }

    /// As [`sync_all`](File::sync_all), but the metadata only as far as
    /// reading the data back needs (`fdatasync`).
    ///
    /// # Errors
    /// Those of [`std::fs::File::sync_data`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let path = std::env::temp_dir().join(format!("rt-fs-doc-sd-{}", std::process::id()));
    /// let mut file = rt::fs::File::create(&path).await?;
    /// file.write_all(b"data").await?;
    /// file.sync_data().await?;
    /// rt::fs::remove_file(&path).await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn sync_data(&self) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        inner.complete_inflight().await;
        let std = Arc::clone(&self.std);
        asyncify(move || std.sync_data()).await
    }

    /// Waits for the operation in flight, then truncates or extends (with
    /// zeros) the file to `size` bytes. The cursor does not move.
    ///
    /// # Errors
    /// Those of [`std::fs::File::set_len`]: among them, the file is not
    /// open for writing.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::AsyncWriteExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let path = std::env::temp_dir().join(format!("rt-fs-doc-sl-{}", std::process::id()));
    /// let mut file = rt::fs::File::create(&path).await?;
    /// file.write_all(b"hello, world").await?;
    /// file.set_len(5).await?;
    /// assert_eq!(rt::fs::read(&path).await?, b"hello");
    /// rt::fs::remove_file(&path).await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn set_len(&self, size: u64) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        inner.complete_inflight().await;
        // Bytes read ahead are dropped: seek back over them first, so the
        // cursor is where the caller thinks it is.
        let back = inner.buf().discard_read();
        inner.start(&self.std, move |std, _| {
            let result = if back == 0 {
                std.set_len(size)
            } else {
                (&mut &*std)
                    .seek(SeekFrom::Current(back))
                    .and_then(|_| std.set_len(size))
            };
            Operation::Seek(result.map(|()| 0))
        });
        match poll_fn(|cx| inner.poll_task(cx)).await? {
            Some(Operation::Seek(result)) => result.map(drop),
            _ => unreachable!("set_len's task reports a seek"),
        }
    }

    /// The file's metadata. (Does not wait for a write in flight.)
    ///
    /// # Errors
    /// Those of [`std::fs::File::metadata`].
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let file = rt::fs::File::open("/dev/null").await?;
    /// assert!(!file.metadata().await?.is_dir());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = Arc::clone(&self.std);
        asyncify(move || std.metadata()).await
    }

    /// A second `File` for the same open file (a duplicated descriptor:
    /// the two share the cursor).
    ///
    /// # Errors
    /// Those of [`std::fs::File::try_clone`].
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let file = rt::fs::File::open("/dev/null").await?;
    /// let again = file.try_clone().await?;
    /// # drop(again); std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn try_clone(&self) -> io::Result<File> {
        let std = Arc::clone(&self.std);
        let cloned = asyncify(move || std.try_clone()).await?;
        let mut file = File::from_std(cloned);
        file.max_buf_size = self.max_buf_size;
        Ok(file)
    }

    /// Waits for the operation in flight and returns the std file. Bytes
    /// read ahead are lost (the std file's cursor is past them); a write
    /// error in flight is lost.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let file = rt::fs::File::open("/dev/null").await?;
    /// let std: std::fs::File = file.into_std().await;
    /// # drop(std); std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn into_std(mut self) -> std::fs::File {
        self.inner.get_mut().complete_inflight().await;
        Arc::try_unwrap(self.std).expect("no blocking task holds the file once it completed")
    }

    /// The std file, if no operation is in flight; the `File` back
    /// otherwise.
    ///
    /// # Errors
    /// The `File` itself, if an operation is in flight.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let file = rt::fs::File::open("/dev/null").await?;
    /// let std = file.try_into_std().expect("nothing in flight");
    /// # drop(std); std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[allow(
        clippy::result_large_err,
        reason = "tokio's signature: the File comes back by value"
    )]
    pub fn try_into_std(mut self) -> Result<std::fs::File, Self> {
        // A finished task still holds its clone of the `Arc` until it is
        // joined: join it now if it can be.
        let waker = std::task::Waker::noop();
        let _ = self
            .inner
            .get_mut()
            .poll_task(&mut Context::from_waker(waker));
        Arc::try_unwrap(self.std).map_err(|std| File {
            std,
            inner: self.inner,
            max_buf_size: self.max_buf_size,
        })
    }

    /// Sets the file's permissions.
    ///
    /// # Errors
    /// Those of [`std::fs::File::set_permissions`].
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let path = std::env::temp_dir().join(format!("rt-fs-doc-fsp-{}", std::process::id()));
    /// let file = rt::fs::File::create(&path).await?;
    /// let mut permissions = file.metadata().await?.permissions();
    /// permissions.set_readonly(true);
    /// file.set_permissions(permissions).await?;
    /// assert!(file.metadata().await?.permissions().readonly());
    /// rt::fs::remove_file(&path).await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn set_permissions(&self, perm: Permissions) -> io::Result<()> {
        let std = Arc::clone(&self.std);
        asyncify(move || std.set_permissions(perm)).await
    }

    /// Waits for the operation in flight, then sets the file's access and
    /// modification times.
    ///
    /// # Errors
    /// Those of [`std::fs::File::set_times`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let path = std::env::temp_dir().join(format!("rt-fs-doc-st-{}", std::process::id()));
    /// let file = rt::fs::File::create(&path).await?;
    /// let then = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    /// file.set_times(rt::fs::FileTimes::new().set_modified(then)).await?;
    /// assert_eq!(file.metadata().await?.modified()?, then);
    /// rt::fs::remove_file(&path).await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn set_times(&self, times: FileTimes) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        inner.complete_inflight().await;
        let std = Arc::clone(&self.std);
        asyncify(move || std.set_times(times)).await
    }

    /// Sets the most bytes one blocking read or write moves (2 MiB by
    /// default).
    ///
    /// # Panics
    /// If `max_buf_size` is 0.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut file = rt::fs::File::open("/dev/null").await?;
    /// file.set_max_buf_size(64 * 1024);
    /// assert_eq!(file.max_buf_size(), 64 * 1024);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn set_max_buf_size(&mut self, max_buf_size: usize) {
        assert!(max_buf_size > 0, "`max_buf_size` must be greater than 0");
        self.max_buf_size = max_buf_size;
    }

    /// The most bytes one blocking read or write moves.
    ///
    /// # Examples
    ///
    /// See [`set_max_buf_size`](File::set_max_buf_size).
    pub fn max_buf_size(&self) -> usize {
        self.max_buf_size
    }
}

impl File {
    /// A write of the slices' bytes, in order, up to the max buffer size
    /// (see the module docs).
    fn poll_write_slices(
        &mut self,
        cx: &mut Context<'_>,
        src: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let me = self;
        let inner = me.inner.get_mut();
        if let Some(kind) = inner.last_write_err.take() {
            return Poll::Ready(Err(kind.into()));
        }
        loop {
            match ready!(inner.poll_task(cx))? {
                Some(Operation::Write(result)) => {
                    result?;
                    continue;
                }
                Some(Operation::Read(_)) => continue,
                Some(Operation::Seek(result)) => {
                    if let Ok(pos) = result {
                        inner.pos = pos;
                    }
                    continue;
                }
                None => {}
            }
            if src.iter().all(|slice| slice.is_empty()) {
                return Poll::Ready(Ok(0));
            }
            let buf = inner.buf();
            let back = buf.discard_read();
            let mut n = 0;
            for slice in src {
                let take = slice.len().min(me.max_buf_size - n);
                buf.bytes.extend_from_slice(&slice[..take]);
                n += take;
                if n == me.max_buf_size {
                    break;
                }
            }
            inner.start(&me.std, move |std, buf| {
                let result = if back == 0 {
                    buf.write_to(std)
                } else {
                    match (&mut &*std).seek(SeekFrom::Current(back)) {
                        Ok(_) => buf.write_to(std),
                        Err(e) => {
                            buf.discard_read();
                            Err(e)
                        }
                    }
                };
                Operation::Write(result)
            });
            return Poll::Ready(Ok(n));
        }
    }
}

impl AsyncRead for File {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let me = self.get_mut();
        let inner = me.inner.get_mut();
        loop {
            match ready!(inner.poll_task(cx))? {
                Some(Operation::Read(result)) => {
                    result?;
                    // Whatever the read got (nothing: end of file) goes out.
                    inner.buf().copy_to(dst);
                    return Poll::Ready(Ok(()));
                }
                Some(Operation::Write(result)) => {
                    if let Err(e) = result {
                        inner.last_write_err = Some(e.kind());
                    }
                    continue;
                }
                Some(Operation::Seek(result)) => {
                    if let Ok(pos) = result {
                        inner.pos = pos;
                    }
                    continue;
                }
                None => {}
            }
            let buf = inner.buf();
            if !buf.is_empty() || dst.remaining() == 0 {
                buf.copy_to(dst);
                return Poll::Ready(Ok(()));
            }
            let len = dst.remaining().min(me.max_buf_size);
            inner.start(&me.std, move |std, buf| {
                Operation::Read(buf.read_from(std, len))
            });
        }
    }
}

impl AsyncWrite for File {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().poll_write_slices(cx, &[IoSlice::new(src)])
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().poll_write_slices(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().inner.get_mut().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl AsyncSeek for File {
    fn start_seek(self: Pin<&mut Self>, mut position: SeekFrom) -> io::Result<()> {
        let me = self.get_mut();
        let inner = me.inner.get_mut();
        if let State::Busy(_) = inner.state {
            return Err(io::Error::other(
                "another operation of this file is in flight: call poll_complete before start_seek",
            ));
        }
        let back = inner.buf().discard_read();
        if let SeekFrom::Current(offset) = &mut position {
            *offset += back;
        }
        inner.start(&me.std, move |std, _| {
            Operation::Seek((&mut &*std).seek(position))
        });
        Ok(())
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let inner = self.get_mut().inner.get_mut();
        loop {
            match ready!(inner.poll_task(cx))? {
                Some(Operation::Seek(result)) => {
                    if let Ok(pos) = result {
                        inner.pos = pos;
                    }
                    return Poll::Ready(result);
                }
                Some(Operation::Write(Err(e))) => inner.last_write_err = Some(e.kind()),
                Some(Operation::Write(Ok(())) | Operation::Read(_)) => {}
                None => return Poll::Ready(Ok(inner.pos)),
            }
        }
    }
}

impl From<std::fs::File> for File {
    fn from(std: std::fs::File) -> Self {
        File::from_std(std)
    }
}

impl AsRawFd for File {
    fn as_raw_fd(&self) -> RawFd {
        self.std.as_raw_fd()
    }
}

impl FromRawFd for File {
    /// Takes ownership of the open file descriptor `fd`.
    ///
    /// # Safety
    /// As [`std::fs::File::from_raw_fd`]: `fd` is an open file descriptor
    /// that nothing else owns (it is closed when the `File` is dropped).
    unsafe fn from_raw_fd(fd: RawFd) -> File {
        // SAFETY: our caller's contract is std's: `fd` is open and owned by
        // no one else, so the std file may own (and close) it.
        File::from_std(unsafe { std::fs::File::from_raw_fd(fd) })
    }
}

impl From<OwnedFd> for File {
    fn from(fd: OwnedFd) -> File {
        File::from_std(std::fs::File::from(fd))
    }
}

impl AsFd for File {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.std.as_fd()
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("rt::fs::File")
            .field("std", &self.std)
            .field("max_buf_size", &self.max_buf_size)
            .finish_non_exhaustive()
    }
}
