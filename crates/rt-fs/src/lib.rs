//! rt's fs: tokio's filesystem API, run on rt's blocking pool.
//!
//! Operating systems offer no portable readiness for regular files, so,
//! as tokio does, every operation here is the matching `std::fs` call run
//! as one [`spawn_blocking`](rt_pool::spawn_blocking) task; the future
//! waits for that task. A future dropped before it completes does not stop
//! the call: it runs to its end on the pool and its result is discarded.
//!
//! The free functions each run one call. [`File`] keeps at most one
//! operation in flight (see its module for the protocol); [`ReadDir`]
//! fetches entries in batches.
//!
//! Like every use of the blocking pool, these need a runtime: called
//! outside one they panic (as `spawn_blocking` does). Inside a runtime that
//! has shut down (through a [`Handle`](rt_pool::Handle) that outlived it)
//! the blocking task is never run and the operation fails with an
//! [`io::Error`] of kind [`Other`](io::ErrorKind::Other), as tokio's.
//!
//! # Examples
//!
//! ```
//! # rt::Runtime::new()?.block_on(async {
//! let dir = std::env::temp_dir().join(format!("rt-fs-doc-lib-{}", std::process::id()));
//! rt::fs::create_dir_all(&dir).await?;
//! rt::fs::write(dir.join("hello.txt"), "hello").await?;
//! assert_eq!(rt::fs::read_to_string(dir.join("hello.txt")).await?, "hello");
//! rt::fs::remove_dir_all(&dir).await?;
//! # std::io::Result::Ok(()) })?;
//! # std::io::Result::Ok(())
//! ```

use std::fs::{Metadata, Permissions};
use std::io;
use std::path::{Path, PathBuf};

mod dir_builder;
mod file;
mod open_options;
mod read_dir;

pub use dir_builder::DirBuilder;
pub use file::File;
pub use open_options::OpenOptions;
pub use read_dir::{read_dir, DirEntry, ReadDir};
/// The times of a file, for [`File::set_times`] (std's type).
pub use std::fs::FileTimes;

/// Runs `f` on the blocking pool; a task that never ran (its runtime shut
/// down) or panicked becomes an error, as in tokio.
pub(crate) async fn asyncify<F, T>(f: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    match rt_pool::spawn_blocking(f).await {
        Ok(result) => result,
        Err(_) => Err(io::Error::other("background task failed")),
    }
}

/// Reads the whole file at `path` into a vector (`std::fs::read` on the
/// blocking pool).
///
/// # Errors
/// Those of [`std::fs::read`]: no such file, no permission...
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-fs-doc-read-{}", std::process::id()));
/// rt::fs::write(&path, [1, 2, 3]).await?;
/// assert_eq!(rt::fs::read(&path).await?, [1, 2, 3]);
/// rt::fs::remove_file(&path).await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read(path)).await
}

/// Reads the whole file at `path` into a string.
///
/// # Errors
/// Those of [`std::fs::read_to_string`]; contents that are not UTF-8 give
/// [`InvalidData`](io::ErrorKind::InvalidData).
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-fs-doc-rts-{}", std::process::id()));
/// rt::fs::write(&path, "text").await?;
/// assert_eq!(rt::fs::read_to_string(&path).await?, "text");
/// rt::fs::write(&path, [0xff, 0xfe]).await?;
/// let err = rt::fs::read_to_string(&path).await.unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
/// rt::fs::remove_file(&path).await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read_to_string(path)).await
}

/// Writes `contents` as the whole of the file at `path`, creating it or
/// truncating it.
///
/// # Errors
/// Those of [`std::fs::write`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-fs-doc-write-{}", std::process::id()));
/// rt::fs::write(&path, b"first, longer").await?;
/// rt::fs::write(&path, b"second").await?;
/// assert_eq!(rt::fs::read(&path).await?, b"second");
/// rt::fs::remove_file(&path).await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    let contents = contents.as_ref().to_owned();
    asyncify(move || std::fs::write(path, contents)).await
}

/// The metadata of what `path` names, following symbolic links.
///
/// # Errors
/// Those of [`std::fs::metadata`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// assert!(rt::fs::metadata(std::env::temp_dir()).await?.is_dir());
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::metadata(path)).await
}

/// The metadata of what `path` names, not following a final symbolic link.
///
/// # Errors
/// Those of [`std::fs::symlink_metadata`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let dir = std::env::temp_dir().join(format!("rt-fs-doc-slm-{}", std::process::id()));
/// rt::fs::create_dir(&dir).await?;
/// rt::fs::symlink(&dir, dir.with_extension("link")).await?;
/// assert!(rt::fs::symlink_metadata(dir.with_extension("link")).await?.is_symlink());
/// rt::fs::remove_file(dir.with_extension("link")).await?;
/// rt::fs::remove_dir(&dir).await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn symlink_metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::symlink_metadata(path)).await
}

/// Creates the directory `path`; its parent must exist.
///
/// # Errors
/// Those of [`std::fs::create_dir`]: among them, `path` exists already
/// ([`AlreadyExists`](io::ErrorKind::AlreadyExists)).
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let dir = std::env::temp_dir().join(format!("rt-fs-doc-cd-{}", std::process::id()));
/// rt::fs::create_dir(&dir).await?;
/// assert!(rt::fs::create_dir(&dir).await.is_err());
/// rt::fs::remove_dir(&dir).await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn create_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir(path)).await
}

/// Creates the directory `path` and every missing parent; succeeds if it
/// exists already.
///
/// # Errors
/// Those of [`std::fs::create_dir_all`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let top = std::env::temp_dir().join(format!("rt-fs-doc-cda-{}", std::process::id()));
/// rt::fs::create_dir_all(top.join("a/b")).await?;
/// assert!(rt::fs::metadata(top.join("a/b")).await?.is_dir());
/// rt::fs::remove_dir_all(&top).await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir_all(path)).await
}

/// Removes the file (or symbolic link) `path`.
///
/// # Errors
/// Those of [`std::fs::remove_file`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-fs-doc-rmf-{}", std::process::id()));
/// rt::fs::write(&path, "").await?;
/// rt::fs::remove_file(&path).await?;
/// assert!(!rt::fs::try_exists(&path).await?);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_file(path)).await
}

/// Removes the empty directory `path`.
///
/// # Errors
/// Those of [`std::fs::remove_dir`]: among them, the directory is not
/// empty.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let dir = std::env::temp_dir().join(format!("rt-fs-doc-rmd-{}", std::process::id()));
/// rt::fs::create_dir(&dir).await?;
/// rt::fs::remove_dir(&dir).await?;
/// assert!(!rt::fs::try_exists(&dir).await?);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir(path)).await
}

/// Removes the directory `path` and everything in it (symbolic links are
/// removed, not followed).
///
/// # Errors
/// Those of [`std::fs::remove_dir_all`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let top = std::env::temp_dir().join(format!("rt-fs-doc-rmda-{}", std::process::id()));
/// rt::fs::create_dir_all(top.join("a")).await?;
/// rt::fs::write(top.join("a/file"), "x").await?;
/// rt::fs::remove_dir_all(&top).await?;
/// assert!(!rt::fs::try_exists(&top).await?);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn remove_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir_all(path)).await
}

/// Renames `from` to `to`, replacing `to` if it is a file.
///
/// # Errors
/// Those of [`std::fs::rename`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let from = std::env::temp_dir().join(format!("rt-fs-doc-mv-{}", std::process::id()));
/// let to = from.with_extension("moved");
/// rt::fs::write(&from, "x").await?;
/// rt::fs::rename(&from, &to).await?;
/// assert!(!rt::fs::try_exists(&from).await? && rt::fs::try_exists(&to).await?);
/// rt::fs::remove_file(&to).await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    let (from, to) = (from.as_ref().to_owned(), to.as_ref().to_owned());
    asyncify(move || std::fs::rename(from, to)).await
}

/// Copies the contents and permissions of the file `from` to `to`;
/// returns the number of bytes copied.
///
/// # Errors
/// Those of [`std::fs::copy`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let from = std::env::temp_dir().join(format!("rt-fs-doc-cp-{}", std::process::id()));
/// let to = from.with_extension("copy");
/// rt::fs::write(&from, "four").await?;
/// assert_eq!(rt::fs::copy(&from, &to).await?, 4);
/// assert_eq!(rt::fs::read(&to).await?, b"four");
/// rt::fs::remove_file(&from).await?;
/// rt::fs::remove_file(&to).await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<u64> {
    let (from, to) = (from.as_ref().to_owned(), to.as_ref().to_owned());
    asyncify(move || std::fs::copy(from, to)).await
}

/// Makes `link` a new name (a hard link) for the file `original`.
///
/// # Errors
/// Those of [`std::fs::hard_link`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let original = std::env::temp_dir().join(format!("rt-fs-doc-hl-{}", std::process::id()));
/// let link = original.with_extension("link");
/// rt::fs::write(&original, "shared").await?;
/// rt::fs::hard_link(&original, &link).await?;
/// rt::fs::remove_file(&original).await?;
/// assert_eq!(rt::fs::read(&link).await?, b"shared");
/// rt::fs::remove_file(&link).await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn hard_link(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let (original, link) = (original.as_ref().to_owned(), link.as_ref().to_owned());
    asyncify(move || std::fs::hard_link(original, link)).await
}

/// The absolute form of `path`, with every symbolic link resolved and no
/// `.` or `..` left.
///
/// # Errors
/// Those of [`std::fs::canonicalize`]: among them, `path` does not exist.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let here = rt::fs::canonicalize(".").await?;
/// assert!(here.is_absolute());
/// assert_eq!(rt::fs::canonicalize(here.join("..")).await?, rt::fs::canonicalize(here.parent().unwrap()).await?);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn canonicalize(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::canonicalize(path)).await
}

/// What the symbolic link `path` points to.
///
/// # Errors
/// Those of [`std::fs::read_link`]: among them, `path` is not a symbolic
/// link.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let link = std::env::temp_dir().join(format!("rt-fs-doc-rl-{}", std::process::id()));
/// rt::fs::symlink("somewhere", &link).await?;
/// assert_eq!(rt::fs::read_link(&link).await?, std::path::Path::new("somewhere"));
/// rt::fs::remove_file(&link).await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn read_link(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read_link(path)).await
}

/// Whether `path` names something, following symbolic links: `Ok(false)`
/// if it does not exist, an error if that cannot be told (no permission
/// to look).
///
/// # Errors
/// Those of [`std::fs::exists`] other than "not found".
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// assert!(rt::fs::try_exists(std::env::temp_dir()).await?);
/// assert!(!rt::fs::try_exists("/no/such/path/here").await?);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn try_exists(path: impl AsRef<Path>) -> io::Result<bool> {
    let path = path.as_ref().to_owned();
    asyncify(move || path.try_exists()).await
}

/// Sets the permissions of what `path` names.
///
/// # Errors
/// Those of [`std::fs::set_permissions`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-fs-doc-perm-{}", std::process::id()));
/// rt::fs::write(&path, "").await?;
/// let mut permissions = rt::fs::metadata(&path).await?.permissions();
/// permissions.set_readonly(true);
/// rt::fs::set_permissions(&path, permissions).await?;
/// assert!(rt::fs::metadata(&path).await?.permissions().readonly());
/// rt::fs::remove_file(&path).await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub async fn set_permissions(path: impl AsRef<Path>, perm: Permissions) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::set_permissions(path, perm)).await
}

/// Makes `link` a symbolic link pointing to `original` (which need not
/// exist).
///
/// # Errors
/// Those of [`std::os::unix::fs::symlink`]: among them, `link` exists.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let original = std::env::temp_dir().join(format!("rt-fs-doc-sl-{}", std::process::id()));
/// let link = original.with_extension("link");
/// rt::fs::write(&original, "through the link").await?;
/// rt::fs::symlink(&original, &link).await?;
/// assert_eq!(rt::fs::read(&link).await?, b"through the link");
/// rt::fs::remove_file(&link).await?;
/// rt::fs::remove_file(&original).await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[cfg(unix)]
pub async fn symlink(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let (original, link) = (original.as_ref().to_owned(), link.as_ref().to_owned());
    asyncify(move || std::os::unix::fs::symlink(original, link)).await
}
