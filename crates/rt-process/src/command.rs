//! [`Command`]: std's builder, spawning an rt [`Child`].

use std::ffi::OsStr;
use std::future::Future;
use std::io;
use std::path::Path;
use std::process::{Command as StdCommand, ExitStatus, Output, Stdio};

use rt_reactor::Reactor;

use crate::exit::Exit;
use crate::orphan;
use crate::Child;

/// A process builder: std's [`Command`](std::process::Command), whose
/// [`spawn`](Command::spawn) returns a [`Child`] awaited on the reactor.
///
/// The setters mirror std's; [`kill_on_drop`](Command::kill_on_drop) is
/// rt's (and tokio's) own.
///
/// # Examples
///
/// ```
/// use rt::process::Command;
///
/// # rt::Runtime::new()?.block_on(async {
/// let output = Command::new("sh")
///     .arg("-c")
///     .arg("echo $GREETING")
///     .env("GREETING", "hello")
///     .output()
///     .await?;
/// assert_eq!(output.stdout, b"hello\n");
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Debug)]
pub struct Command {
    std: StdCommand,
    kill_on_drop: bool,
}

/// Documents a setter that forwards to std's method of the same name.
macro_rules! forward {
    ($(#[$doc:meta])* fn $name:ident$(<$($g:ident: $b:path),*>)?($($arg:ident: $ty:ty),*) $(where $($w:tt)*)?) => {
        $(#[$doc])*
        pub fn $name$(<$($g: $b),*>)?(&mut self, $($arg: $ty),*) -> &mut Command $(where $($w)*)? {
            self.std.$name($($arg),*);
            self
        }
    };
}

impl Command {
    /// A builder for running `program`, with std's defaults: no arguments,
    /// the parent's environment, working directory and standard streams.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let status = rt::process::Command::new("true").status().await?;
    /// assert!(status.success());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn new<S: AsRef<OsStr>>(program: S) -> Command {
        Command::from(StdCommand::new(program))
    }

    /// std's builder inside.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = rt::process::Command::new("ls");
    /// cmd.arg("-l");
    /// assert_eq!(cmd.as_std().get_args().count(), 1);
    /// ```
    pub fn as_std(&self) -> &StdCommand {
        &self.std
    }

    /// std's builder inside, mutably.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = rt::process::Command::new("ls");
    /// cmd.as_std_mut().arg("-a");
    /// assert_eq!(cmd.as_std().get_args().count(), 1);
    /// ```
    pub fn as_std_mut(&mut self) -> &mut StdCommand {
        &mut self.std
    }

    /// std's builder, without `kill_on_drop`.
    ///
    /// # Examples
    ///
    /// ```
    /// let std_cmd: std::process::Command = rt::process::Command::new("ls").into_std();
    /// assert_eq!(std_cmd.get_program(), "ls");
    /// ```
    pub fn into_std(self) -> StdCommand {
        self.std
    }

    forward!(
        /// Adds one argument.
        ///
        /// # Examples
        ///
        /// ```
        /// # rt::Runtime::new()?.block_on(async {
        /// let out = rt::process::Command::new("echo").arg("one").output().await?;
        /// assert_eq!(out.stdout, b"one\n");
        /// # std::io::Result::Ok(()) })?;
        /// # std::io::Result::Ok(())
        /// ```
        fn arg<S: AsRef<OsStr>>(arg: S)
    );

    /// Adds several arguments.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let out = rt::process::Command::new("echo").args(["a", "b"]).output().await?;
    /// assert_eq!(out.stdout, b"a b\n");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.std.args(args);
        self
    }

    /// Sets one environment variable of the child.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let out = rt::process::Command::new("sh")
    ///     .args(["-c", "echo $X"])
    ///     .env("X", "1")
    ///     .output()
    ///     .await?;
    /// assert_eq!(out.stdout, b"1\n");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn env<K, V>(&mut self, key: K, val: V) -> &mut Command
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.env(key, val);
        self
    }

    /// Sets several environment variables of the child.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let out = rt::process::Command::new("sh")
    ///     .args(["-c", "echo $X$Y"])
    ///     .envs([("X", "1"), ("Y", "2")])
    ///     .output()
    ///     .await?;
    /// assert_eq!(out.stdout, b"12\n");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.envs(vars);
        self
    }

    forward!(
        /// Removes one variable from the child's environment.
        ///
        /// # Examples
        ///
        /// ```
        /// # rt::Runtime::new()?.block_on(async {
        /// let out = rt::process::Command::new("sh")
        ///     .args(["-c", "echo ${HOME:-none}"])
        ///     .env_remove("HOME")
        ///     .output()
        ///     .await?;
        /// assert_eq!(out.stdout, b"none\n");
        /// # std::io::Result::Ok(()) })?;
        /// # std::io::Result::Ok(())
        /// ```
        fn env_remove<K: AsRef<OsStr>>(key: K)
    );

    forward!(
        /// Gives the child an empty environment (then only what `env` adds).
        ///
        /// # Examples
        ///
        /// ```
        /// # rt::Runtime::new()?.block_on(async {
        /// let out = rt::process::Command::new("/usr/bin/env").env_clear().output().await?;
        /// assert!(out.stdout.is_empty());
        /// # std::io::Result::Ok(()) })?;
        /// # std::io::Result::Ok(())
        /// ```
        fn env_clear()
    );

    forward!(
        /// Sets the child's working directory.
        ///
        /// # Examples
        ///
        /// ```
        /// # rt::Runtime::new()?.block_on(async {
        /// let out = rt::process::Command::new("pwd").current_dir("/").output().await?;
        /// assert_eq!(out.stdout, b"/\n");
        /// # std::io::Result::Ok(()) })?;
        /// # std::io::Result::Ok(())
        /// ```
        fn current_dir<P: AsRef<Path>>(dir: P)
    );

    forward!(
        /// Sets the child's standard input (default: inherited;
        /// `Stdio::piped()` gives [`Child::stdin`]).
        ///
        /// # Examples
        ///
        /// ```
        /// use std::process::Stdio;
        ///
        /// # rt::Runtime::new()?.block_on(async {
        /// let mut child = rt::process::Command::new("cat").stdin(Stdio::piped()).spawn()?;
        /// assert!(child.stdin.is_some());
        /// child.wait().await?; // closes stdin: cat ends
        /// # std::io::Result::Ok(()) })?;
        /// # std::io::Result::Ok(())
        /// ```
        fn stdin<T: Into<Stdio>>(cfg: T)
    );

    forward!(
        /// Sets the child's standard output (default: inherited;
        /// `Stdio::piped()` gives [`Child::stdout`]).
        ///
        /// # Examples
        ///
        /// ```
        /// use std::process::Stdio;
        ///
        /// # rt::Runtime::new()?.block_on(async {
        /// let status = rt::process::Command::new("echo").stdout(Stdio::null()).status().await?;
        /// assert!(status.success());
        /// # std::io::Result::Ok(()) })?;
        /// # std::io::Result::Ok(())
        /// ```
        fn stdout<T: Into<Stdio>>(cfg: T)
    );

    forward!(
        /// Sets the child's standard error (default: inherited;
        /// `Stdio::piped()` gives [`Child::stderr`]).
        ///
        /// # Examples
        ///
        /// ```
        /// use std::process::Stdio;
        ///
        /// # rt::Runtime::new()?.block_on(async {
        /// let status = rt::process::Command::new("ls")
        ///     .arg("/nonexistent")
        ///     .stderr(Stdio::null())
        ///     .status()
        ///     .await?;
        /// assert!(!status.success());
        /// # std::io::Result::Ok(()) })?;
        /// # std::io::Result::Ok(())
        /// ```
        fn stderr<T: Into<Stdio>>(cfg: T)
    );

    /// Whether dropping the [`Child`] before it has exited sends it
    /// `SIGKILL` (default `false`). Either way it is reaped in the
    /// background once it exits.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let child = rt::process::Command::new("sleep").arg("60").kill_on_drop(true).spawn()?;
    /// drop(child); // killed, and reaped when it is gone
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.kill_on_drop = kill_on_drop;
        self
    }

    /// The [`kill_on_drop`](Command::kill_on_drop) setting.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!rt::process::Command::new("true").get_kill_on_drop());
    /// ```
    pub fn get_kill_on_drop(&self) -> bool {
        self.kill_on_drop
    }

    /// Sets the child's user id (`setuid` in the child).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = rt::process::Command::new("true");
    /// // SAFETY: `getuid` has no preconditions.
    /// cmd.uid(unsafe { libc::getuid() });
    /// ```
    pub fn uid(&mut self, id: u32) -> &mut Command {
        std::os::unix::process::CommandExt::uid(&mut self.std, id);
        self
    }

    /// Sets the child's group id (`setgid` in the child).
    ///
    /// # Examples
    ///
    /// ```
    /// let mut cmd = rt::process::Command::new("true");
    /// // SAFETY: `getgid` has no preconditions.
    /// cmd.gid(unsafe { libc::getgid() });
    /// ```
    pub fn gid(&mut self, id: u32) -> &mut Command {
        std::os::unix::process::CommandExt::gid(&mut self.std, id);
        self
    }

    /// Sets the child's `argv[0]` (default: the program as given).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let out = rt::process::Command::new("sh")
    ///     .arg0("my-shell")
    ///     .args(["-c", "echo $0"])
    ///     .output()
    ///     .await?;
    /// assert_eq!(out.stdout, b"my-shell\n");
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn arg0<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        std::os::unix::process::CommandExt::arg0(&mut self.std, arg);
        self
    }

    /// Runs `f` in the child after `fork` and before `exec`.
    ///
    /// # Safety
    ///
    /// - `f` runs in a forked copy of a multi-threaded process: it may only
    ///   make async-signal-safe calls (no allocation, no locks), as std's
    ///   `CommandExt::pre_exec` requires.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut cmd = rt::process::Command::new("true");
    /// // SAFETY: the closure makes no call at all.
    /// unsafe { cmd.pre_exec(|| Ok(())) };
    /// assert!(cmd.status().await?.success());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub unsafe fn pre_exec<F>(&mut self, f: F) -> &mut Command
    where
        F: FnMut() -> io::Result<()> + Send + Sync + 'static,
    {
        // SAFETY: the caller upholds std's `pre_exec` contract (this
        // function's `# Safety`).
        unsafe { std::os::unix::process::CommandExt::pre_exec(&mut self.std, f) };
        self
    }

    /// Puts the child in process group `pgroup` (0: a new group led by the
    /// child).
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let status = rt::process::Command::new("true").process_group(0).status().await?;
    /// assert!(status.success());
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        std::os::unix::process::CommandExt::process_group(&mut self.std, pgroup);
        self
    }

    /// Starts the process.
    ///
    /// # Errors
    ///
    /// std's spawn errors (a missing program is
    /// [`NotFound`](io::ErrorKind::NotFound)), or registering its pipes
    /// or pidfd failed.
    ///
    /// # Panics
    ///
    /// Outside the context of a runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let mut child = rt::process::Command::new("true").spawn()?;
    /// assert!(child.wait().await?.success());
    ///
    /// let missing = rt::process::Command::new("/no/such/program").spawn().unwrap_err();
    /// assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn spawn(&mut self) -> io::Result<Child> {
        // Panics here, before a process exists, outside a runtime.
        drop(Reactor::current());
        orphan::reap_stuck();
        let mut child = self.std.spawn()?;
        match Exit::new(child.id()) {
            Ok(exit) => Child::new(child, exit, self.kill_on_drop),
            Err(err) => {
                // It cannot be awaited: stop it rather than leave it behind.
                let _ = child.kill();
                let _ = child.wait();
                Err(err)
            }
        }
    }

    /// Runs the process with standard output and error captured (set to
    /// `Stdio::piped()`) and waits for it: its status and everything it
    /// wrote. The process is spawned when this is called, not when the
    /// future is first polled.
    ///
    /// # Errors
    ///
    /// As [`spawn`](Command::spawn) and [`Child::wait_with_output`].
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let out = rt::process::Command::new("sh")
    ///     .args(["-c", "echo out; echo err >&2; exit 1"])
    ///     .output()
    ///     .await?;
    /// assert_eq!((&out.stdout[..], &out.stderr[..]), (&b"out\n"[..], &b"err\n"[..]));
    /// assert_eq!(out.status.code(), Some(1));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn output(&mut self) -> impl Future<Output = io::Result<Output>> + use<> {
        self.std.stdout(Stdio::piped());
        self.std.stderr(Stdio::piped());
        let child = self.spawn();
        async move { child?.wait_with_output().await }
    }

    /// Runs the process and waits for its exit status. Standard streams
    /// are inherited unless set; pipes set with `Stdio::piped()` are
    /// closed at once. The process is spawned when this is called.
    ///
    /// # Errors
    ///
    /// As [`spawn`](Command::spawn) and [`Child::wait`].
    ///
    /// # Examples
    ///
    /// ```
    /// # rt::Runtime::new()?.block_on(async {
    /// let status = rt::process::Command::new("false").status().await?;
    /// assert_eq!(status.code(), Some(1));
    /// # std::io::Result::Ok(()) })?;
    /// # std::io::Result::Ok(())
    /// ```
    #[track_caller]
    pub fn status(&mut self) -> impl Future<Output = io::Result<ExitStatus>> + use<> {
        let child = self.spawn();
        async move {
            let mut child = child?;
            drop((child.stdin.take(), child.stdout.take(), child.stderr.take()));
            child.wait().await
        }
    }
}

impl From<StdCommand> for Command {
    fn from(std: StdCommand) -> Command {
        Command {
            std,
            kill_on_drop: false,
        }
    }
}
