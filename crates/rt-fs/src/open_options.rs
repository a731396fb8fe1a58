//! [`OpenOptions`]: std's builder for opening files, opening on the
//! blocking pool.

use std::io;
use std::path::Path;

use crate::{asyncify, File};

/// How to open a file: std's [`std::fs::OpenOptions`], with an `async`
/// [`open`](OpenOptions::open) that runs on the blocking pool. Every
/// option starts off (`false`).
///
/// # Examples
///
/// ```
/// use rt::fs::OpenOptions;
/// use rt::io::AsyncWriteExt;
///
/// # rt::Runtime::new()?.block_on(async {
/// let path = std::env::temp_dir().join(format!("rt-fs-doc-oo-{}", std::process::id()));
/// let mut log = OpenOptions::new().create(true).append(true).open(&path).await?;
/// log.write_all(b"one\n").await?;
/// log.flush().await?;
/// let mut log = OpenOptions::new().append(true).open(&path).await?;
/// log.write_all(b"two\n").await?;
/// log.flush().await?;
/// assert_eq!(rt::fs::read_to_string(&path).await?, "one\ntwo\n");
/// rt::fs::remove_file(&path).await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions(std::fs::OpenOptions);

impl OpenOptions {
    /// Options with everything off; set at least one of `read`, `write`,
    /// `append` before opening.
    ///
    /// # Examples
    ///
    /// See [`OpenOptions`].
    pub fn new() -> OpenOptions {
        OpenOptions(std::fs::OpenOptions::new())
    }

    /// Open for reading.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let file = rt::fs::OpenOptions::new().read(true).open("/dev/null").await?;
    /// # drop(file); std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn read(&mut self, read: bool) -> &mut OpenOptions {
        self.0.read(read);
        self
    }

    /// Open for writing (at the start of the file, overwriting, unless
    /// `append` or `truncate`).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let file = rt::fs::OpenOptions::new().write(true).open("/dev/null").await?;
    /// # drop(file); std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn write(&mut self, write: bool) -> &mut OpenOptions {
        self.0.write(write);
        self
    }

    /// Open for appending: every write goes to the end of the file
    /// (implies `write`).
    ///
    /// # Examples
    ///
    /// See [`OpenOptions`].
    pub fn append(&mut self, append: bool) -> &mut OpenOptions {
        self.0.append(append);
        self
    }

    /// Empty the file when opening it (needs `write`).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let path = std::env::temp_dir().join(format!("rt-fs-doc-trunc-{}", std::process::id()));
    /// rt::fs::write(&path, "old").await?;
    /// rt::fs::OpenOptions::new().write(true).truncate(true).open(&path).await?;
    /// assert!(rt::fs::read(&path).await?.is_empty());
    /// rt::fs::remove_file(&path).await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn truncate(&mut self, truncate: bool) -> &mut OpenOptions {
        self.0.truncate(truncate);
        self
    }

    /// Create the file if it does not exist (needs `write` or `append`).
    ///
    /// # Examples
    ///
    /// See [`OpenOptions`].
    pub fn create(&mut self, create: bool) -> &mut OpenOptions {
        self.0.create(create);
        self
    }

    /// Create the file, failing with
    /// [`AlreadyExists`](io::ErrorKind::AlreadyExists) if it exists
    /// (atomically: no other process can create it in between). Overrides
    /// `create` and `truncate`.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let path = std::env::temp_dir().join(format!("rt-fs-doc-cn-{}", std::process::id()));
    /// let mut options = rt::fs::OpenOptions::new();
    /// options.write(true).create_new(true);
    /// options.open(&path).await?;
    /// let err = options.open(&path).await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
    /// rt::fs::remove_file(&path).await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn create_new(&mut self, create_new: bool) -> &mut OpenOptions {
        self.0.create_new(create_new);
        self
    }

    /// The permission bits a created file gets (before the umask); 0o666
    /// unless set.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::fs::PermissionsExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let path = std::env::temp_dir().join(format!("rt-fs-doc-mode-{}", std::process::id()));
    /// rt::fs::OpenOptions::new().write(true).create(true).mode(0o600).open(&path).await?;
    /// assert_eq!(rt::fs::metadata(&path).await?.permissions().mode() & 0o777, 0o600);
    /// rt::fs::remove_file(&path).await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(unix)]
    pub fn mode(&mut self, mode: u32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::mode(&mut self.0, mode);
        self
    }

    /// Extra `open(2)` flags, or-ed with those the other options set (the
    /// access mode bits are masked out).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// // No extra flag: opens as usual.
    /// rt::fs::OpenOptions::new().read(true).custom_flags(0).open("/dev/null").await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(unix)]
    pub fn custom_flags(&mut self, flags: i32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut self.0, flags);
        self
    }

    /// Opens `path` with these options, on the blocking pool.
    ///
    /// # Errors
    /// Those of [`std::fs::OpenOptions::open`]: no such file (without
    /// `create`), it exists (with `create_new`), no permission, an invalid
    /// combination of options ([`InvalidInput`](io::ErrorKind::InvalidInput)).
    ///
    /// # Examples
    ///
    /// See [`OpenOptions`].
    pub async fn open(&self, path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        let options = self.0.clone();
        let std = asyncify(move || options.open(path)).await?;
        Ok(File::from_std(std))
    }
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl From<std::fs::OpenOptions> for OpenOptions {
    fn from(options: std::fs::OpenOptions) -> Self {
        OpenOptions(options)
    }
}
