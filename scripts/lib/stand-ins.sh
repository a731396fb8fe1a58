# Sourced by scripts/tokio-tests.sh and scripts/tokio-examples.sh.
#
# write_stand_ins DIR: writes four small crates under DIR that stand in for
# crates tokio's tests and examples import but that are not in the offline
# registry cache:
#   futures      - re-exports futures-util (already in Cargo.lock), sinks
#                  included, since the `futures` facade crate is not cached;
#                  plus, written here, `executor::block_on` (parks the
#                  calling thread between polls) and a two-branch
#                  `select!` (futures-util's needs futures-macro, also not
#                  cached) and `join!` for up to five futures;
#   tokio_stream - futures-util's Stream, and a StreamExt with the
#                  methods the tests call in tokio-stream's signatures;
#   tempfile     - tempdir() -> TempDir (and Builder with a prefix) and NamedTempFile, under
#                  std::env::temp_dir(), removed on drop (written here);
#   nix          - the few calls io_async_fd.rs and net_unix_pipe.rs make
#                  (read, write, fcntl F_GETFL/F_SETFL, socketpair, mkfifo,
#                  pipe2), over libc (written here).
write_stand_ins() {
    local dir=$1
    mkdir -p "$dir/futures/src" "$dir/tokio-stream/src" "$dir/tempfile/src" "$dir/nix/src"
cat >"$dir/futures/Cargo.toml" <<'TOML'
[package]
name = "futures"
version = "0.3.0"
edition = "2021"
publish = false

[dependencies]
futures-util = { version = "0.3", default-features = false, features = ["std", "async-await", "sink"] }
TOML
cat >"$dir/futures/src/lib.rs" <<'RS'
//! Stand-in for the `futures` facade: futures-util's items under the same paths.
pub use futures_util::*;

#[doc(hidden)]
pub use futures_util::future::Either as __Either;

/// `futures::executor::block_on`: runs a future on the calling thread,
/// parking it until the future's waker unparks it.
pub mod executor {
    use std::future::Future;
    use std::pin::pin;
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    use std::thread::{self, Thread};

    struct Unparker(Thread);

    impl Wake for Unparker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    pub fn block_on<F: Future>(fut: F) -> F::Output {
        let mut fut = pin!(fut);
        let waker = Waker::from(Arc::new(Unparker(thread::current())));
        let mut cx = Context::from_waker(&waker);
        loop {
            if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
                return v;
            }
            thread::park();
        }
    }
}

/// `futures::join!` for one to five futures: awaits them all, polled
/// together in one task, and gives their outputs as a tuple (built on
/// futures-util's `join`..`join5`, since futures' own macro needs
/// futures-macro, which is not cached).
#[macro_export]
macro_rules! join {
    ($a:expr $(,)?) => { ($a.await,) };
    ($a:expr, $b:expr $(,)?) => { $crate::future::join($a, $b).await };
    ($a:expr, $b:expr, $c:expr $(,)?) => { $crate::future::join3($a, $b, $c).await };
    ($a:expr, $b:expr, $c:expr, $d:expr $(,)?) => { $crate::future::join4($a, $b, $c, $d).await };
    ($a:expr, $b:expr, $c:expr, $d:expr, $e:expr $(,)?) => {
        $crate::future::join5($a, $b, $c, $d, $e).await
    };
}

/// `futures::select!` for two branches `pat = future => expr`, polled in
/// order (futures' picks at random; no test here depends on the order).
#[macro_export]
macro_rules! select {
    ($p1:pat = $f1:expr => $e1:expr, $p2:pat = $f2:expr => $e2:expr $(,)?) => {{
        let mut f1 = ::std::pin::pin!($f1);
        let mut f2 = ::std::pin::pin!($f2);
        let out = ::std::future::poll_fn(|cx| {
            use ::std::future::Future;
            if let ::std::task::Poll::Ready(v) = f1.as_mut().poll(cx) {
                return ::std::task::Poll::Ready($crate::__Either::Left(v));
            }
            if let ::std::task::Poll::Ready(v) = f2.as_mut().poll(cx) {
                return ::std::task::Poll::Ready($crate::__Either::Right(v));
            }
            ::std::task::Poll::Pending
        })
        .await;
        match out {
            $crate::__Either::Left($p1) => $e1,
            $crate::__Either::Right($p2) => $e2,
        }
    }};
}
RS

cat >"$dir/tokio-stream/Cargo.toml" <<'TOML'
[package]
name = "tokio-stream"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
futures-util = { version = "0.3", default-features = false, features = ["std"] }
TOML
cat >"$dir/tokio-stream/src/lib.rs" <<'RS'
//! Stand-in for tokio-stream: the `Stream` trait and the `StreamExt`
//! methods the tests call, with tokio-stream's signatures (its `fold`
//! takes a plain closure, futures-util's one returning a future).
pub use futures_util::stream::Stream;

use futures_util::stream::{self as fs, StreamExt as _};
use std::future::{ready, Future};

pub trait StreamExt: Stream {
    fn next(&mut self) -> fs::Next<'_, Self>
    where
        Self: Unpin,
    {
        fs::StreamExt::next(self)
    }

    fn take(self, n: usize) -> fs::Take<Self>
    where
        Self: Sized,
    {
        fs::StreamExt::take(self, n)
    }

    fn map<T, F: FnMut(Self::Item) -> T>(self, f: F) -> fs::Map<Self, F>
    where
        Self: Sized,
    {
        fs::StreamExt::map(self, f)
    }

    fn collect<C: Default + Extend<Self::Item>>(self) -> fs::Collect<Self, C>
    where
        Self: Sized,
    {
        fs::StreamExt::collect(self)
    }

    fn fold<B, F: FnMut(B, Self::Item) -> B>(self, init: B, mut f: F) -> impl Future<Output = B>
    where
        Self: Sized,
    {
        fs::StreamExt::fold(self, init, move |acc, item| ready(f(acc, item)))
    }
}

impl<S: Stream + ?Sized> StreamExt for S {}
RS


cat >"$dir/tempfile/Cargo.toml" <<'TOML'
[package]
name = "tempfile"
version = "3.0.0"
edition = "2021"
publish = false
TOML
cat >"$dir/tempfile/src/lib.rs" <<'RS'
//! Stand-in for tempfile: a fresh directory or file under the system's
//! temporary directory, removed when its handle is dropped.
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

fn fresh_path(kind: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    std::env::temp_dir().join(format!("stand-in-{kind}-{}-{n}-{nanos}", std::process::id()))
}

/// A directory removed (with its contents) on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

/// Creates a fresh empty directory.
pub fn tempdir() -> io::Result<TempDir> {
    let path = fresh_path("dir");
    std::fs::create_dir(&path)?;
    Ok(TempDir(path))
}

/// `tempfile::Builder`: only the name prefix is configurable here.
#[derive(Debug, Default)]
pub struct Builder {
    prefix: String,
}

impl Builder {
    /// A builder with no prefix.
    pub fn new() -> Builder {
        Builder::default()
    }
    /// Starts the directory's name with `prefix`.
    pub fn prefix(&mut self, prefix: &str) -> &mut Builder {
        self.prefix = prefix.to_string();
        self
    }
    /// Creates a fresh empty directory.
    pub fn tempdir(&self) -> io::Result<TempDir> {
        let path = fresh_path(&format!("{}dir", self.prefix));
        std::fs::create_dir(&path)?;
        Ok(TempDir(path))
    }
}

impl TempDir {
    /// Creates a fresh empty directory.
    pub fn new() -> io::Result<TempDir> {
        tempdir()
    }
    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A file with a name, open for reading and writing, removed on drop.
#[derive(Debug)]
pub struct NamedTempFile {
    path: PathBuf,
    file: Option<std::fs::File>,
}

impl NamedTempFile {
    /// Creates a fresh empty file.
    pub fn new() -> io::Result<NamedTempFile> {
        let path = fresh_path("file");
        let file = std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path)?;
        Ok(NamedTempFile { path, file: Some(file) })
    }
    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }
    /// The open file.
    pub fn as_file(&self) -> &std::fs::File {
        self.file.as_ref().unwrap()
    }
    /// The open file (the name is removed).
    pub fn into_file(mut self) -> std::fs::File {
        self.file.take().unwrap()
    }
    /// Opens the file again.
    pub fn reopen(&self) -> io::Result<std::fs::File> {
        std::fs::OpenOptions::new().read(true).write(true).open(&self.path)
    }
}

impl AsRef<Path> for NamedTempFile {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

impl Write for NamedTempFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_mut().unwrap().write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().unwrap().flush()
    }
}

impl Read for NamedTempFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file.as_mut().unwrap().read(buf)
    }
}

impl Seek for NamedTempFile {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.file.as_mut().unwrap().seek(pos)
    }
}

impl Drop for NamedTempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
RS
cat >"$dir/nix/Cargo.toml" <<'TOML'
[package]
name = "nix"
version = "0.30.0"
edition = "2021"
publish = false

[dependencies]
libc = "0.2"
TOML
cat >"$dir/nix/src/lib.rs" <<'RS'
//! Stand-in for nix: the calls io_async_fd.rs makes, in nix's signatures.
use std::fmt;
use std::io;

/// An errno.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Error(i32);

impl Error {
    /// The calling thread's errno.
    pub fn last() -> Error {
        Error(io::Error::last_os_error().raw_os_error().unwrap_or(0))
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&io::Error::from_raw_os_error(self.0), f)
    }
}

impl From<Error> for io::Error {
    fn from(err: Error) -> io::Error {
        io::Error::from_raw_os_error(err.0)
    }
}

/// nix's result type.
pub type Result<T> = std::result::Result<T, Error>;

fn cvt(rc: isize) -> Result<isize> {
    if rc < 0 { Err(Error::last()) } else { Ok(rc) }
}

pub mod unistd {
    use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    /// mkfifo(3).
    pub fn mkfifo(path: &Path, mode: crate::sys::stat::Mode) -> crate::Result<()> {
        let path = std::ffi::CString::new(path.as_os_str().as_bytes()).map_err(|_| crate::Error(libc::EINVAL))?;
        // SAFETY: `path` is a live NUL-terminated string for the whole call.
        let rc = unsafe { libc::mkfifo(path.as_ptr(), mode.0) };
        crate::cvt(rc as isize).map(drop)
    }

    /// pipe2(2): the read end first.
    pub fn pipe2(flags: crate::fcntl::OFlag) -> crate::Result<(OwnedFd, OwnedFd)> {
        let mut fds = [0; 2];
        // SAFETY: `fds` is a live array of two ints, which the call writes.
        let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), flags.bits()) };
        crate::cvt(rc as isize)?;
        // SAFETY: both descriptors are fresh and owned by nobody else.
        Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
    }

    /// read(2).
    pub fn read<F: AsFd>(fd: F, buf: &mut [u8]) -> crate::Result<usize> {
        // SAFETY: `buf` is live and writable for its length during the call.
        let n = unsafe { libc::read(fd.as_fd().as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        crate::cvt(n as isize).map(|n| n as usize)
    }

    /// write(2).
    pub fn write<F: AsFd>(fd: F, buf: &[u8]) -> crate::Result<usize> {
        // SAFETY: `buf` is live and readable for its length during the call.
        let n = unsafe { libc::write(fd.as_fd().as_raw_fd(), buf.as_ptr().cast(), buf.len()) };
        crate::cvt(n as isize).map(|n| n as usize)
    }
}

pub mod fcntl {
    use std::os::fd::{AsFd, AsRawFd};

    /// Open flags (only what the tests use).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct OFlag(libc::c_int);

    impl OFlag {
        pub const O_NONBLOCK: OFlag = OFlag(libc::O_NONBLOCK);
        pub const O_CLOEXEC: OFlag = OFlag(libc::O_CLOEXEC);
        pub fn from_bits_truncate(bits: libc::c_int) -> OFlag {
            OFlag(bits)
        }
        pub fn bits(self) -> libc::c_int {
            self.0
        }
    }

    impl std::ops::BitOr for OFlag {
        type Output = OFlag;
        fn bitor(self, other: OFlag) -> OFlag {
            OFlag(self.0 | other.0)
        }
    }

    /// fcntl(2)'s commands (only what the tests use).
    #[allow(non_camel_case_types)]
    pub enum FcntlArg {
        F_GETFL,
        F_SETFL(OFlag),
    }
    pub use FcntlArg::*;

    /// fcntl(2).
    pub fn fcntl<F: AsFd>(fd: F, arg: FcntlArg) -> crate::Result<libc::c_int> {
        let fd = fd.as_fd().as_raw_fd();
        // SAFETY: F_GETFL and F_SETFL take no pointer.
        let rc = unsafe {
            match arg {
                F_GETFL => libc::fcntl(fd, libc::F_GETFL),
                F_SETFL(flags) => libc::fcntl(fd, libc::F_SETFL, flags.bits()),
            }
        };
        crate::cvt(rc as isize).map(|rc| rc as libc::c_int)
    }
}

pub mod sys {
    pub mod stat {
        /// File mode bits (only what the tests use).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct Mode(pub(crate) libc::mode_t);

        impl Mode {
            pub const S_IRWXU: Mode = Mode(libc::S_IRWXU);
        }
    }

    pub mod socket {
        use std::os::fd::{FromRawFd, OwnedFd};

        #[derive(Clone, Copy, Debug)]
        pub enum AddressFamily {
            Unix,
        }

        #[derive(Clone, Copy, Debug)]
        pub enum SockType {
            Stream,
            Datagram,
        }

        #[derive(Clone, Copy, Debug)]
        pub enum SockProtocol {}

        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct SockFlag(libc::c_int);

        impl SockFlag {
            pub fn empty() -> SockFlag {
                SockFlag(0)
            }
        }

        /// socketpair(2).
        pub fn socketpair(
            _domain: AddressFamily,
            ty: SockType,
            _protocol: Option<SockProtocol>,
            flags: SockFlag,
        ) -> crate::Result<(OwnedFd, OwnedFd)> {
            let ty = match ty {
                SockType::Stream => libc::SOCK_STREAM,
                SockType::Datagram => libc::SOCK_DGRAM,
            };
            let mut fds = [0; 2];
            // SAFETY: `fds` is a live array of two ints, which the call writes.
            let rc = unsafe { libc::socketpair(libc::AF_UNIX, ty | flags.0, 0, fds.as_mut_ptr()) };
            crate::cvt(rc as isize)?;
            // SAFETY: both descriptors are fresh and owned by nobody else.
            Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
        }
    }
}
RS
}
