//! [`Interest`] (what a task waits for) and [`Ready`] (what the reactor
//! reported), tokio's readiness types.
//!
//! A `Ready` is a set of the bits of a source's readiness word
//! (`reactor/source.rs`), with the same values, so converting is free. An
//! `Interest` is a set of its own bits; [`Interest::mask`] turns it into
//! the readiness bits that satisfy it: readable is satisfied by
//! `READABLE` or `READ_CLOSED`, writable by `WRITABLE` or `WRITE_CLOSED`,
//! priority by `PRIORITY` or `READ_CLOSED`, error by `ERROR` alone.

use std::fmt;
use std::ops;

use crate::reactor::{ERROR, PRIORITY, READABLE, READ_CLOSED, WRITABLE, WRITE_CLOSED};

/// Interest bits (not readiness bits: see the module docs).
const I_READABLE: u8 = 0b0001;
const I_WRITABLE: u8 = 0b0010;
const I_PRIORITY: u8 = 0b0100;
const I_ERROR: u8 = 0b1000;

/// Which readiness a task waits for: readable, writable, priority (urgent
/// data, `EPOLLPRI`) or error, or any union of them.
///
/// Used by [`AsyncFd::with_interest`](crate::unix::AsyncFd::with_interest)
/// and the sockets' `ready` methods. Combine with `|` or [`Interest::add`].
///
/// # Examples
///
/// ```
/// use rt::io::Interest;
///
/// let both = Interest::READABLE | Interest::WRITABLE;
/// assert!(both.is_readable() && both.is_writable());
/// assert_eq!(both.remove(Interest::WRITABLE), Some(Interest::READABLE));
/// assert_eq!(Interest::READABLE.remove(Interest::READABLE), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Interest(u8);

impl Interest {
    /// Interest in reading: satisfied by readable or read-closed readiness.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Interest;
    /// assert!(Interest::READABLE.is_readable());
    /// assert!(!Interest::READABLE.is_writable());
    /// ```
    pub const READABLE: Interest = Interest(I_READABLE);

    /// Interest in writing: satisfied by writable or write-closed readiness.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Interest;
    /// let both = Interest::READABLE | Interest::WRITABLE;
    /// assert!(both.is_writable() && both.is_readable());
    /// ```
    pub const WRITABLE: Interest = Interest(I_WRITABLE);

    /// Interest in error readiness only (`EPOLLERR`), which the kernel
    /// reports whatever else was asked for.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Interest;
    /// assert!(Interest::ERROR.is_error());
    /// assert!(!Interest::ERROR.is_readable());
    /// ```
    pub const ERROR: Interest = Interest(I_ERROR);

    /// Interest in priority readiness: urgent (out-of-band) data, or a
    /// change of state on some special files (`EPOLLPRI`).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Interest;
    /// assert!(Interest::PRIORITY.is_priority());
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const PRIORITY: Interest = Interest(I_PRIORITY);

    /// Whether the set includes reading.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Interest;
    /// assert!(Interest::READABLE.is_readable());
    /// assert!(!Interest::WRITABLE.is_readable());
    /// ```
    pub const fn is_readable(self) -> bool {
        self.0 & I_READABLE != 0
    }

    /// Whether the set includes writing.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Interest;
    /// assert!(Interest::WRITABLE.is_writable());
    /// assert!(!Interest::READABLE.is_writable());
    /// ```
    pub const fn is_writable(self) -> bool {
        self.0 & I_WRITABLE != 0
    }

    /// Whether the set includes errors.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Interest;
    /// assert!(Interest::ERROR.is_error());
    /// assert!(!Interest::READABLE.is_error());
    /// ```
    pub const fn is_error(self) -> bool {
        self.0 & I_ERROR != 0
    }

    /// Whether the set includes priority readiness.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Interest;
    /// assert!(Interest::PRIORITY.is_priority());
    /// assert!(!Interest::READABLE.is_priority());
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const fn is_priority(self) -> bool {
        self.0 & I_PRIORITY != 0
    }

    /// The union of two sets (what `|` does, usable in a `const`).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Interest;
    /// const BOTH: Interest = Interest::READABLE.add(Interest::WRITABLE);
    /// assert!(BOTH.is_readable() && BOTH.is_writable());
    /// ```
    #[must_use = "`add` returns the union; it does not change `self`"]
    pub const fn add(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }

    /// The set without `other`'s members; `None` if nothing is left (an
    /// `Interest` is never empty).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Interest;
    /// let both = Interest::READABLE | Interest::WRITABLE;
    /// assert_eq!(both.remove(Interest::READABLE), Some(Interest::WRITABLE));
    /// assert_eq!(Interest::ERROR.remove(Interest::ERROR), None);
    /// ```
    #[must_use = "`remove` returns the difference; it does not change `self`"]
    pub fn remove(self, other: Interest) -> Option<Interest> {
        let left = self.0 & !other.0;
        (left != 0).then_some(Interest(left))
    }

    /// The readiness bits that satisfy this interest (see the module docs).
    pub(crate) const fn mask(self) -> usize {
        let mut mask = 0;
        if self.0 & I_READABLE != 0 {
            mask |= READABLE | READ_CLOSED;
        }
        if self.0 & I_WRITABLE != 0 {
            mask |= WRITABLE | WRITE_CLOSED;
        }
        if self.0 & I_PRIORITY != 0 {
            mask |= PRIORITY | READ_CLOSED;
        }
        if self.0 & I_ERROR != 0 {
            mask |= ERROR;
        }
        mask
    }
}

impl ops::BitOr for Interest {
    type Output = Interest;

    fn bitor(self, other: Interest) -> Interest {
        self.add(other)
    }
}

impl ops::BitOrAssign for Interest {
    fn bitor_assign(&mut self, other: Interest) {
        *self = self.add(other);
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            (I_READABLE, "READABLE"),
            (I_WRITABLE, "WRITABLE"),
            (I_PRIORITY, "PRIORITY"),
            (I_ERROR, "ERROR"),
        ];
        let mut first = true;
        for (bit, name) in names {
            if self.0 & bit != 0 {
                if !first {
                    f.write_str(" | ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        Ok(())
    }
}

/// A set of readiness states the reactor reported for a file descriptor:
/// readable, writable, read-closed, write-closed, priority, error.
///
/// Returned by the sockets' `ready` methods and
/// [`AsyncFdReadyGuard::ready`](crate::unix::AsyncFdReadyGuard::ready).
/// Closed states count as readable (read-closed) and writable
/// (write-closed): an operation will not block, it returns end-of-file or
/// an error.
///
/// # Examples
///
/// ```
/// use rt::io::Ready;
///
/// let ready = Ready::READABLE | Ready::WRITE_CLOSED;
/// assert!(ready.is_readable() && ready.is_writable());
/// assert!(!ready.is_read_closed());
/// assert_eq!(ready - Ready::READABLE, Ready::WRITE_CLOSED);
/// assert!((ready & Ready::READ_CLOSED).is_empty());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ready(usize);

impl Ready {
    /// No readiness.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Ready;
    /// assert!(Ready::EMPTY.is_empty());
    /// ```
    pub const EMPTY: Ready = Ready(0);

    /// Readable: a read will not block.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Ready;
    /// assert!(Ready::READABLE.is_readable());
    /// assert!(!Ready::READABLE.is_writable());
    /// ```
    pub const READABLE: Ready = Ready(READABLE);

    /// Writable: a write will not block.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Ready;
    /// assert!(Ready::WRITABLE.is_writable());
    /// ```
    pub const WRITABLE: Ready = Ready(WRITABLE);

    /// The read half is closed (the peer shut down, hang-up): reads return
    /// at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Ready;
    /// // Read-closed counts as readable: a read returns at once (end of file).
    /// assert!(Ready::READ_CLOSED.is_read_closed());
    /// assert!(Ready::READ_CLOSED.is_readable());
    /// ```
    pub const READ_CLOSED: Ready = Ready(READ_CLOSED);

    /// The write half is closed: writes fail at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Ready;
    /// assert!(Ready::WRITE_CLOSED.is_write_closed());
    /// assert!(Ready::WRITE_CLOSED.is_writable());
    /// ```
    pub const WRITE_CLOSED: Ready = Ready(WRITE_CLOSED);

    /// Priority readiness (`EPOLLPRI`).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Ready;
    /// assert!(Ready::PRIORITY.is_priority());
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const PRIORITY: Ready = Ready(PRIORITY);

    /// An error is pending on the descriptor (`EPOLLERR`).
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Ready;
    /// assert!(Ready::ERROR.is_error());
    /// ```
    pub const ERROR: Ready = Ready(ERROR);

    /// Every readiness state.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Ready;
    /// assert!(Ready::ALL.is_readable() && Ready::ALL.is_writable());
    /// assert!(Ready::ALL.is_read_closed() && Ready::ALL.is_write_closed());
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const ALL: Ready =
        Ready(READABLE | WRITABLE | READ_CLOSED | WRITE_CLOSED | ERROR | PRIORITY);

    /// Every readiness state.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Ready;
    /// assert!(Ready::ALL.is_readable() && Ready::ALL.is_writable());
    /// assert!(Ready::ALL.is_read_closed() && Ready::ALL.is_write_closed());
    /// ```
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    pub const ALL: Ready = Ready(READABLE | WRITABLE | READ_CLOSED | WRITE_CLOSED | ERROR);

    /// A set made of readiness-word bits.
    pub(crate) const fn from_bits(bits: usize) -> Ready {
        Ready(bits & (READABLE | WRITABLE | READ_CLOSED | WRITE_CLOSED | ERROR | PRIORITY))
    }

    /// The readiness-word bits of this set.
    pub(crate) const fn bits(self) -> usize {
        self.0
    }

    /// Whether the set is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Ready;
    /// assert!(Ready::EMPTY.is_empty());
    /// assert!(!Ready::READABLE.is_empty());
    /// ```
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether a read will not block: readable or read-closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Ready;
    /// assert!(Ready::READABLE.is_readable());
    /// assert!(Ready::READ_CLOSED.is_readable());
    /// assert!(!Ready::WRITABLE.is_readable());
    /// ```
    pub fn is_readable(self) -> bool {
        self.0 & (READABLE | READ_CLOSED) != 0
    }

    /// Whether a write will not block: writable or write-closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Ready;
    /// assert!(Ready::WRITABLE.is_writable());
    /// assert!(Ready::WRITE_CLOSED.is_writable());
    /// assert!(!Ready::READABLE.is_writable());
    /// ```
    pub fn is_writable(self) -> bool {
        self.0 & (WRITABLE | WRITE_CLOSED) != 0
    }

    /// Whether the read half is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Ready;
    /// assert!(Ready::READ_CLOSED.is_read_closed());
    /// assert!(!Ready::READABLE.is_read_closed());
    /// ```
    pub fn is_read_closed(self) -> bool {
        self.0 & READ_CLOSED != 0
    }

    /// Whether the write half is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Ready;
    /// assert!(Ready::WRITE_CLOSED.is_write_closed());
    /// assert!(!Ready::WRITABLE.is_write_closed());
    /// ```
    pub fn is_write_closed(self) -> bool {
        self.0 & WRITE_CLOSED != 0
    }

    /// Whether the set includes priority readiness.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Ready;
    /// assert!(Ready::PRIORITY.is_priority());
    /// assert!(!Ready::READABLE.is_priority());
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn is_priority(self) -> bool {
        self.0 & PRIORITY != 0
    }

    /// Whether the set includes an error.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt::io::Ready;
    /// assert!(Ready::ERROR.is_error());
    /// assert!(!Ready::READABLE.is_error());
    /// ```
    pub fn is_error(self) -> bool {
        self.0 & ERROR != 0
    }
}

impl ops::BitOr for Ready {
    type Output = Ready;

    fn bitor(self, other: Ready) -> Ready {
        Ready(self.0 | other.0)
    }
}

impl ops::BitOrAssign for Ready {
    fn bitor_assign(&mut self, other: Ready) {
        self.0 |= other.0;
    }
}

impl ops::BitAnd for Ready {
    type Output = Ready;

    fn bitand(self, other: Ready) -> Ready {
        Ready(self.0 & other.0)
    }
}

impl ops::Sub for Ready {
    type Output = Ready;

    fn sub(self, other: Ready) -> Ready {
        Ready(self.0 & !other.0)
    }
}

impl fmt::Debug for Ready {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Ready");
        s.field("is_readable", &self.is_readable())
            .field("is_writable", &self.is_writable())
            .field("is_read_closed", &self.is_read_closed())
            .field("is_write_closed", &self.is_write_closed())
            .field("is_error", &self.is_error());
        #[cfg(any(target_os = "linux", target_os = "android"))]
        s.field("is_priority", &self.is_priority());
        s.finish()
    }
}
