//! [`Child`]: a spawned process, awaited on the reactor.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::process::{Child as StdChild, ExitStatus, Output};
use std::task::{Context, Poll};

use rt_io::{AsyncRead, ReadBuf};

use crate::exit::Exit;
use crate::orphan;
use crate::{ChildStderr, ChildStdin, ChildStdout};

/// A child process spawned by [`Command::spawn`](crate::Command::spawn).
///
/// Its exit is observed on the reactor (see the crate docs); awaiting
/// [`wait`](Child::wait) costs no thread. Dropping a `Child` does not
/// stop the process unless [`kill_on_drop`](crate::Command::kill_on_drop)
/// was set; either way the runtime reaps it when it exits, so it does not
/// stay a zombie.
///
/// # Examples
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let mut child = rt::process::Command::new("sleep").arg("60").spawn()?;
/// assert!(child.try_wait()?.is_none()); // still running
/// child.kill().await?;
/// assert!(!child.wait().await?.success());
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
pub struct Child {
    state: State,
    kill_on_drop: bool,
    /// The child's standard input, if it was set to `Stdio::piped()`.
    pub stdin: Option<ChildStdin>,
    /// The child's standard output, if it was set to `Stdio::piped()`.
    pub stdout: Option<ChildStdout>,
    /// The child's standard error, if it was set to `Stdio::piped()`.
    pub stderr: Option<ChildStderr>,
}

enum State {
    Running(StdChild, Exit),
    Done(ExitStatus),
    /// Only while dropping.
    Gone,
}

impl Child {
    pub(crate) fn new(mut child: StdChild, exit: Exit, kill_on_drop: bool) -> io::Result<Child> {
        let stdin = child.stdin.take().map(ChildStdin::from_std).transpose()?;
        let stdout = child.stdout.take().map(ChildStdout::from_std).transpose()?;
        let stderr = child.stderr.take().map(ChildStderr::from_std).transpose()?;
        Ok(Child {
            state: State::Running(child, exit),
            kill_on_drop,
            stdin,
            stdout,
            stderr,
        })
    }

    /// The process id, or `None` once the child has been reaped (by
    /// [`wait`](Child::wait) or [`try_wait`](Child::try_wait)).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut child = rt::process::Command::new("true").spawn()?;
    /// assert!(child.id().is_some());
    /// child.wait().await?;
    /// assert_eq!(child.id(), None);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn id(&self) -> Option<u32> {
        match &self.state {
            State::Running(child, _) => Some(child.id()),
            _ => None,
        }
    }

    /// Sends `SIGKILL` to the child, without waiting for it to exit. A
    /// child already reaped is left alone (`Ok`).
    ///
    /// # Errors
    ///
    /// `kill(2)`'s.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut child = rt::process::Command::new("sleep").arg("60").spawn()?;
    /// child.start_kill()?;
    /// let status = child.wait().await?;
    /// assert!(!status.success());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn start_kill(&mut self) -> io::Result<()> {
        match &mut self.state {
            State::Running(child, _) => child.kill(),
            _ => Ok(()),
        }
    }

    /// Sends `SIGKILL` to the child and waits for it to exit.
    ///
    /// # Errors
    ///
    /// As [`start_kill`](Child::start_kill) and [`wait`](Child::wait).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut child = rt::process::Command::new("sleep").arg("60").spawn()?;
    /// child.kill().await?;
    /// assert_eq!(child.wait().await?.signal(), Some(libc::SIGKILL));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn kill(&mut self) -> io::Result<()> {
        self.start_kill()?;
        self.wait().await.map(drop)
    }

    /// Waits for the child to exit and returns its status; later calls
    /// return the same status.
    ///
    /// Closes the child's standard input first (so a child reading it is
    /// not left waiting for input). Cancel safe: dropping the future loses
    /// nothing, a later call waits again.
    ///
    /// # Errors
    ///
    /// `waitpid(2)`'s, or the runtime's shutdown error.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let status = rt::process::Command::new("sh").args(["-c", "exit 3"]).spawn()?.wait().await?;
    /// assert_eq!(status.code(), Some(3));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        poll_fn(|cx| self.poll_wait(cx)).await
    }

    fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        match &mut self.state {
            State::Running(child, exit) => {
                let status = std::task::ready!(exit.poll(child, cx, true))?;
                self.state = State::Done(status);
                Poll::Ready(Ok(status))
            }
            State::Done(status) => Poll::Ready(Ok(*status)),
            State::Gone => unreachable!("a child is only gone while dropped"),
        }
    }

    /// Returns the child's status if it has exited, reaping it; `None` if it
    /// is still running. Never blocks.
    ///
    /// # Errors
    ///
    /// `waitpid(2)`'s.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut child = rt::process::Command::new("sleep").arg("60").kill_on_drop(true).spawn()?;
    /// assert!(child.try_wait()?.is_none());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        match &mut self.state {
            State::Running(child, _) => {
                let status = child.try_wait()?;
                if let Some(status) = status {
                    self.state = State::Done(status);
                }
                Ok(status)
            }
            State::Done(status) => Ok(Some(*status)),
            State::Gone => unreachable!("a child is only gone while dropped"),
        }
    }

    /// Waits for the child to exit while reading its standard output and
    /// error to their ends (those set to `Stdio::piped()`; the others come
    /// back empty).
    ///
    /// # Errors
    ///
    /// As [`wait`](Child::wait), or a read's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::process::Stdio;
    ///
    /// # rt::Runtime::new()?.block_on(async {
    /// let child = rt::process::Command::new("echo")
    ///     .arg("hi")
    ///     .stdout(Stdio::piped())
    ///     .spawn()?;
    /// let output = child.wait_with_output().await?;
    /// assert_eq!(output.stdout, b"hi\n");
    /// assert!(output.status.success());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        drop(self.stdin.take());
        let mut stdout = Drain::new(self.stdout.take());
        let mut stderr = Drain::new(self.stderr.take());
        let mut status = None;
        poll_fn(|cx| {
            // Each part is polled until it is done; the first error ends all.
            let out_done = stdout.poll(cx)?.is_ready();
            let err_done = stderr.poll(cx)?.is_ready();
            if status.is_none()
                && let Poll::Ready(result) = self.poll_wait(cx)
            {
                status = Some(result?);
            }
            match status {
                Some(_) if out_done && err_done => Poll::Ready(io::Result::Ok(())),
                _ => Poll::Pending,
            }
        })
        .await?;
        Ok(Output {
            status: status.expect("awaited above"),
            stdout: stdout.buf,
            stderr: stderr.buf,
        })
    }
}

/// One pipe read to its end by `wait_with_output`.
struct Drain<R> {
    pipe: Option<R>,
    buf: Vec<u8>,
}

impl<R: AsyncRead + Unpin> Drain<R> {
    fn new(pipe: Option<R>) -> Self {
        Drain {
            pipe,
            buf: Vec::new(),
        }
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let Some(pipe) = self.pipe.as_mut() else {
            return Poll::Ready(Ok(()));
        };
        loop {
            if self.buf.capacity() - self.buf.len() < 4096 {
                self.buf.reserve(8192);
            }
            let mut read = ReadBuf::uninit(self.buf.spare_capacity_mut());
            std::task::ready!(Pin::new(&mut *pipe).poll_read(cx, &mut read))?;
            let n = read.filled().len();
            if n == 0 {
                self.pipe = None; // end of file; closes the pipe
                return Poll::Ready(Ok(()));
            }
            // SAFETY: `poll_read` filled (initialised) the first `n` bytes of
            // the spare capacity, which `read` borrowed from `self.buf`.
            unsafe { self.buf.set_len(self.buf.len() + n) };
        }
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        orphan::reap_stuck();
        if let State::Running(mut child, exit) = std::mem::replace(&mut self.state, State::Gone) {
            if self.kill_on_drop {
                let _ = child.kill();
            }
            // Already exited: reaped now. An error: not ours to reap.
            if let Ok(None) = child.try_wait() {
                orphan::adopt(child, exit);
            }
        }
    }
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child")
            .field("id", &self.id())
            .field("kill_on_drop", &self.kill_on_drop)
            .field("stdin", &self.stdin)
            .field("stdout", &self.stdout)
            .field("stderr", &self.stderr)
            .finish()
    }
}
