//! `UCred`: the credentials of the process at the other end of a Unix
//! stream, as the kernel recorded them when the connection was made
//! (`SO_PEERCRED`), so a server can trust them.

use std::io;
use std::os::fd::{AsFd, AsRawFd};

use super::{gid_t, pid_t, uid_t};
use crate::UnixStream;

/// The user, group and process of a Unix socket's peer, from
/// [`UnixStream::peer_cred`].
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let (a, _b) = rt::net::UnixStream::pair()?;
/// let cred: rt::net::unix::UCred = a.peer_cred()?;
/// assert_eq!(cred.pid(), Some(std::process::id() as i32));
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct UCred {
    pid: Option<pid_t>,
    uid: uid_t,
    gid: gid_t,
}

impl UCred {
    /// The peer's effective user id.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = rt::net::UnixStream::pair()?;
    /// let uid = a.peer_cred()?.uid(); // our own: the peer is this process
    /// # let _ = uid;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn uid(&self) -> uid_t {
        self.uid
    }

    /// The peer's effective group id.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = rt::net::UnixStream::pair()?;
    /// let gid = a.peer_cred()?.gid();
    /// # let _ = gid;
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn gid(&self) -> gid_t {
        self.gid
    }

    /// The peer's process id; always known on Linux (`Option` because some
    /// systems do not report it).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = rt::net::UnixStream::pair()?;
    /// assert_eq!(a.peer_cred()?.pid(), Some(std::process::id() as i32));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn pid(&self) -> Option<pid_t> {
        self.pid
    }
}

impl UnixStream {
    /// The credentials of the process at the other end, recorded by the
    /// kernel at `connect` (or `socketpair`) time.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let (a, _b) = rt::net::UnixStream::pair()?;
    /// let cred = a.peer_cred()?;
    /// assert_eq!(cred.pid(), Some(std::process::id() as i32));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn peer_cred(&self) -> io::Result<UCred> {
        peer_cred(self)
    }
}

/// `getsockopt(SO_PEERCRED)`.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn peer_cred(socket: &impl AsFd) -> io::Result<UCred> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: the descriptor is open for the call (borrowed from `socket`,
    // which the caller keeps alive); `cred` and `len` are locals that live
    // across the call, and `len` holds the size of `cred`, so the kernel
    // writes inside it.
    let ret = unsafe {
        libc::getsockopt(
            socket.as_fd().as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&raw mut cred).cast(),
            &mut len,
        )
    };
    if ret != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(UCred {
        pid: Some(cred.pid),
        uid: cred.uid,
        gid: cred.gid,
    })
}

/// `getpeereid`, where there is no `SO_PEERCRED`: no process id.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn peer_cred(socket: &impl AsFd) -> io::Result<UCred> {
    let mut uid = 0;
    let mut gid = 0;
    // SAFETY: the descriptor is open for the call (borrowed from `socket`);
    // `uid` and `gid` are locals that live across it.
    let ret = unsafe { libc::getpeereid(socket.as_fd().as_raw_fd(), &mut uid, &mut gid) };
    if ret != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(UCred {
        pid: None,
        uid,
        gid,
    })
}
