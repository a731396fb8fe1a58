//! [`read_dir`]: a directory's entries, fetched in batches on the blocking
//! pool.
//!
//! A [`ReadDir`] is either idle, holding the std iterator and the entries
//! fetched so far, or busy, having moved both into one blocking task that
//! fetches the next batch (up to [`BATCH`] entries) and hands them back.
//! `next_entry` takes from the batch while it lasts, so most calls do not
//! touch the pool. Dropping `next_entry`'s future loses nothing: the batch
//! comes back to the `ReadDir` when it is next polled.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fmt;
use std::fs::{FileType, Metadata};
use std::future::{poll_fn, Future};
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use rt_pool::JoinHandle;

use crate::asyncify;

/// How many entries one blocking task reads.
const BATCH: usize = 32;

/// Entries read and not yet handed out, the std iterator, and whether it
/// may have more.
type Batch = (VecDeque<io::Result<DirEntry>>, std::fs::ReadDir, bool);

/// Opens the directory `path` to list its entries (`.` and `..` are not
/// listed).
///
/// # Errors
/// Those of [`std::fs::read_dir`]: no such directory, not a directory, no
/// permission. An entry that cannot be read is an error of
/// [`ReadDir::next_entry`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let dir = std::env::temp_dir().join(format!("rt-fs-doc-rd-{}", std::process::id()));
/// rt::fs::create_dir(&dir).await?;
/// rt::fs::write(dir.join("a"), "").await?;
/// rt::fs::create_dir(dir.join("b")).await?;
///
/// let mut names = Vec::new();
/// let mut entries = rt::fs::read_dir(&dir).await?;
/// while let Some(entry) = entries.next_entry().await? {
///     names.push((entry.file_name(), entry.file_type().await?.is_dir()));
/// }
/// names.sort();
/// assert_eq!(names, [("a".into(), false), ("b".into(), true)]);
/// rt::fs::remove_dir_all(&dir).await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    let path = path.as_ref().to_owned();
    asyncify(move || {
        let mut std = std::fs::read_dir(path)?;
        let mut entries = VecDeque::with_capacity(BATCH);
        let more = fetch(&mut entries, &mut std);
        Ok(ReadDir(State::Idle(Some((entries, std, more)))))
    })
    .await
}

/// Reads up to [`BATCH`] entries into `entries`; false once `std` is
/// exhausted.
fn fetch(entries: &mut VecDeque<io::Result<DirEntry>>, std: &mut std::fs::ReadDir) -> bool {
    for _ in 0..BATCH {
        let Some(entry) = std.next() else {
            return false;
        };
        entries.push_back(entry.map(|std| DirEntry {
            // On most Unix filesystems the type comes with the entry itself,
            // so taking it here costs no extra call.
            file_type: std.file_type().ok(),
            std: Arc::new(std),
        }));
    }
    true
}

/// The entries of a directory, from [`read_dir`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let mut entries: rt::fs::ReadDir = rt::fs::read_dir(std::env::temp_dir()).await?;
/// while let Some(entry) = entries.next_entry().await? {
///     let _ = entry.path();
/// }
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct ReadDir(State);

enum State {
    /// The batch is here (`None` only after a fetching task panicked or
    /// never ran).
    Idle(Option<Batch>),
    /// The batch is with a blocking task fetching more.
    Busy(JoinHandle<Batch>),
}

impl ReadDir {
    /// The next entry, or `None` once all were listed.
    ///
    /// Cancel-safe: dropping the future before it completes loses no entry.
    ///
    /// # Errors
    /// An entry that could not be read (the listing may continue after
    /// it); an error of kind `Other` if the blocking pool could not run the
    /// fetch (its runtime shut down).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let dir = std::env::temp_dir().join(format!("rt-fs-doc-ne-{}", std::process::id()));
    /// rt::fs::create_dir(&dir).await?;
    /// let mut entries = rt::fs::read_dir(&dir).await?;
    /// assert!(entries.next_entry().await?.is_none());
    /// rt::fs::remove_dir(&dir).await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        poll_fn(|cx| self.poll_next_entry(cx)).await
    }

    /// Polls for the next entry: `Ready(Ok(None))` once all were listed.
    /// Only the waker of the last call is woken.
    ///
    /// # Errors
    /// As [`next_entry`](ReadDir::next_entry).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut entries = rt::fs::read_dir(std::env::temp_dir()).await?;
    /// let _first = poll_fn(|cx| entries.poll_next_entry(cx)).await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn poll_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<DirEntry>>> {
        loop {
            match &mut self.0 {
                State::Busy(task) => {
                    let joined = ready!(Pin::new(task).poll(cx));
                    match joined {
                        Ok(batch) => self.0 = State::Idle(Some(batch)),
                        Err(_) => {
                            self.0 = State::Idle(None);
                            return Poll::Ready(Err(io::Error::other("background task failed")));
                        }
                    }
                }
                State::Idle(None) => return Poll::Ready(Ok(None)),
                State::Idle(Some((entries, _, more))) => {
                    if let Some(entry) = entries.pop_front() {
                        return Poll::Ready(entry.map(Some));
                    }
                    if !*more {
                        return Poll::Ready(Ok(None));
                    }
                    let State::Idle(Some((mut entries, mut std, _))) =
                        std::mem::replace(&mut self.0, State::Idle(None))
                    else {
                        unreachable!("matched as idle with a batch just above")
                    };
                    self.0 = State::Busy(rt_pool::spawn_blocking(move || {
                        let more = fetch(&mut entries, &mut std);
                        (entries, std, more)
                    }));
                }
            }
        }
    }
}

impl fmt::Debug for ReadDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.0 {
            State::Idle(Some((entries, _, more))) => {
                format!("idle, {} read, more: {more}", entries.len())
            }
            State::Idle(None) => "done".to_owned(),
            State::Busy(_) => "fetching".to_owned(),
        };
        f.debug_struct("ReadDir").field("state", &state).finish()
    }
}

/// One entry of a directory listed by [`ReadDir`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let dir = std::env::temp_dir().join(format!("rt-fs-doc-de-{}", std::process::id()));
/// rt::fs::create_dir(&dir).await?;
/// rt::fs::write(dir.join("five"), "12345").await?;
/// let entry: rt::fs::DirEntry = rt::fs::read_dir(&dir).await?.next_entry().await?.unwrap();
/// assert_eq!(entry.path(), dir.join("five"));
/// assert_eq!(entry.metadata().await?.len(), 5);
/// rt::fs::remove_dir_all(&dir).await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct DirEntry {
    std: Arc<std::fs::DirEntry>,
    /// Taken while listing, when it was cheap to.
    file_type: Option<FileType>,
}

impl DirEntry {
    /// The entry's full path: the directory given to [`read_dir`] joined
    /// with the entry's name.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut entries = rt::fs::read_dir(std::env::temp_dir()).await?;
    /// if let Some(entry) = entries.next_entry().await? {
    ///     assert!(entry.path().starts_with(std::env::temp_dir()));
    /// }
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn path(&self) -> PathBuf {
        self.std.path()
    }

    /// The entry's name, without the directory.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut entries = rt::fs::read_dir(std::env::temp_dir()).await?;
    /// if let Some(entry) = entries.next_entry().await? {
    ///     assert_eq!(Some(entry.file_name().as_os_str()), entry.path().file_name());
    /// }
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn file_name(&self) -> OsString {
        self.std.file_name()
    }

    /// The entry's inode number.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::fs::MetadataExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut entries = rt::fs::read_dir(std::env::temp_dir()).await?;
    /// if let Some(entry) = entries.next_entry().await? {
    ///     if let Ok(metadata) = entry.metadata().await {
    ///         assert_eq!(entry.ino(), metadata.ino());
    ///     }
    /// }
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(unix)]
    pub fn ino(&self) -> u64 {
        std::os::unix::fs::DirEntryExt::ino(&*self.std)
    }

    /// The entry's metadata, not following a symbolic link (as
    /// [`std::fs::DirEntry::metadata`]).
    ///
    /// # Errors
    /// Those of [`std::fs::DirEntry::metadata`]: among them, the entry was
    /// removed since it was listed.
    ///
    /// # Examples
    ///
    /// See [`DirEntry`].
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = Arc::clone(&self.std);
        asyncify(move || std.metadata()).await
    }

    /// The entry's type, not following a symbolic link; usually known from
    /// the listing, without another call.
    ///
    /// # Errors
    /// Those of [`std::fs::DirEntry::file_type`].
    ///
    /// # Examples
    ///
    /// See [`read_dir`].
    pub async fn file_type(&self) -> io::Result<FileType> {
        if let Some(file_type) = self.file_type {
            return Ok(file_type);
        }
        let std = Arc::clone(&self.std);
        asyncify(move || std.file_type()).await
    }
}
