//! [`DirBuilder`]: std's directory builder, creating on the blocking pool.

use std::io;
use std::path::Path;

use crate::asyncify;

/// How to create a directory: std's [`std::fs::DirBuilder`], with an
/// `async` [`create`](DirBuilder::create) that runs on the blocking pool.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let top = std::env::temp_dir().join(format!("rt-fs-doc-db-{}", std::process::id()));
/// rt::fs::DirBuilder::new().recursive(true).create(top.join("a/b")).await?;
/// assert!(rt::fs::metadata(top.join("a/b")).await?.is_dir());
/// rt::fs::remove_dir_all(&top).await?;
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug, Default, Clone)]
pub struct DirBuilder {
    recursive: bool,
    #[cfg(unix)]
    mode: Option<u32>,
}

impl DirBuilder {
    /// A builder that creates one directory (not its parents), with the
    /// default permissions (0o777 before the umask).
    ///
    /// # Examples
    ///
    /// See [`DirBuilder`].
    pub fn new() -> DirBuilder {
        DirBuilder::default()
    }

    /// Whether to create missing parents too (and succeed if the directory
    /// exists).
    ///
    /// # Examples
    ///
    /// See [`DirBuilder`].
    pub fn recursive(&mut self, recursive: bool) -> &mut DirBuilder {
        self.recursive = recursive;
        self
    }

    /// The permission bits of the directories created (before the umask).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::fs::PermissionsExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let dir = std::env::temp_dir().join(format!("rt-fs-doc-dbm-{}", std::process::id()));
    /// rt::fs::DirBuilder::new().mode(0o700).create(&dir).await?;
    /// assert_eq!(rt::fs::metadata(&dir).await?.permissions().mode() & 0o777, 0o700);
    /// rt::fs::remove_dir(&dir).await?;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[cfg(unix)]
    pub fn mode(&mut self, mode: u32) -> &mut DirBuilder {
        self.mode = Some(mode);
        self
    }

    /// Creates the directory `path` as configured.
    ///
    /// # Errors
    /// Those of [`std::fs::DirBuilder::create`]: among them, `path` exists
    /// (unless recursive), a parent is missing (unless recursive).
    ///
    /// # Examples
    ///
    /// See [`DirBuilder`].
    pub async fn create(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let path = path.as_ref().to_owned();
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(self.recursive);
        #[cfg(unix)]
        if let Some(mode) = self.mode {
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, mode);
        }
        asyncify(move || builder.create(path)).await
    }
}
