//! Helpers for the reactor, timer and socket integration tests: a watchdog
//! (a hang fails the test instead of sticking CI), a lock that runs
//! timing-sensitive tests one at a time, descriptor counting, latency
//! percentiles, a seeded PRNG, per-connection byte patterns and a temporary
//! directory for Unix sockets.

// The suite (tests/suite) and the separate test files of tests/ that include
// it (`#[path]`) each use a part of it.
#![allow(dead_code)]

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{mpsc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpListener, TcpStream};

/// The executor tests' helpers used here too: the runtime constructor, the
/// watchdog (a hang fails the test instead of sticking CI) and the polling
/// wait.
#[allow(unused_imports)] // reason: each test module uses a part of them
pub use crate::support::{runtime, wait_until, watchdog};

/// Whether the tests run under a sanitizer: .ci/asan.sh and .ci/tsan.sh set
/// `RT_SUITE_SANITIZER` (to `address`, `thread`). Tests that move many bytes
/// one small read at a time move fewer then; the plain test step runs them
/// at full size.
pub fn under_sanitizer() -> bool {
    std::env::var_os("RT_SUITE_SANITIZER").is_some_and(|v| !v.is_empty())
}

/// Held by a test that measures time or counts process-wide resources, so
/// the other tests of its binary (run on parallel threads by libtest) do
/// not disturb it. A test that panicked while holding it does not poison
/// the others.
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The descriptors in `after` that were not in `before` (both from
/// [`open_fds`]): what a leak assertion prints.
pub fn new_fds<'a>(before: &[String], after: &'a [String]) -> Vec<&'a String> {
    after.iter().filter(|fd| !before.contains(fd)).collect()
}

/// The open descriptors of this process, each as `fd -> target` (the
/// target from `readlink`, e.g. `socket:[123]`, `anon_inode:[eventpoll]`),
/// sorted. Excludes the descriptor `read_dir` itself holds open.
pub fn open_fds() -> Vec<String> {
    let dir = std::fs::read_dir("/proc/self/fd").expect("read /proc/self/fd");
    let mut fds: Vec<String> = dir
        .filter_map(|entry| {
            let entry = entry.ok()?;
            // The directory stream's own fd was closed by the time we read
            // its link, or points at /proc/<pid>/fd: skip both.
            let target = std::fs::read_link(entry.path()).ok()?;
            let target = target.to_string_lossy().into_owned();
            if target.ends_with("/fd") && target.starts_with("/proc/") {
                return None;
            }
            Some(format!(
                "{} -> {target}",
                entry.file_name().to_string_lossy()
            ))
        })
        .collect();
    fds.sort();
    fds
}

/// Latency percentiles of a set of samples.
#[derive(Clone, Copy)]
pub struct Percentiles {
    pub count: usize,
    pub p50: Duration,
    pub p90: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl Percentiles {
    /// Sorts `samples` and takes the nearest-rank percentiles.
    ///
    /// # Panics
    /// If `samples` is empty.
    pub fn of(samples: &mut [Duration]) -> Percentiles {
        assert!(!samples.is_empty(), "no samples");
        samples.sort_unstable();
        let rank = |p: f64| {
            let index = ((p / 100.0) * samples.len() as f64).ceil() as usize;
            samples[index.clamp(1, samples.len()) - 1]
        };
        Percentiles {
            count: samples.len(),
            p50: rank(50.0),
            p90: rank(90.0),
            p99: rank(99.0),
            max: samples[samples.len() - 1],
        }
    }
}

impl fmt::Display for Percentiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "n={} p50={:?} p90={:?} p99={:?} max={:?}",
            self.count, self.p50, self.p90, self.p99, self.max
        )
    }
}

/// splitmix64: a seeded, reproducible PRNG (no dependency needed).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; the modulo bias is irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

/// The bytes of message `seq` on connection `conn`: a length in 16..=255
/// and content that both depend on `(conn, seq)`, starting with the two
/// numbers, so a byte delivered to the wrong connection, out of order or
/// at the wrong offset does not match.
pub fn pattern(conn: u32, seq: u32) -> Vec<u8> {
    let mut rng = Rng::new((u64::from(conn) << 32) | u64::from(seq));
    let len = 16 + rng.below(240) as usize;
    let mut bytes = Vec::with_capacity(len);
    bytes.extend_from_slice(&conn.to_le_bytes());
    bytes.extend_from_slice(&seq.to_le_bytes());
    while bytes.len() < len {
        bytes.push(rng.next_u64() as u8);
    }
    bytes
}

/// A connected pair of TCP streams over loopback: (client, server).
pub async fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let client = TcpStream::connect(listener.local_addr().expect("local_addr"))
        .await
        .expect("connect");
    let (server, _) = listener.accept().await.expect("accept");
    (client, server)
}

/// Echo everything `stream` reads back to it until end of file.
pub async fn echo(mut stream: TcpStream) -> std::io::Result<u64> {
    let mut buf = vec![0; 16 * 1024];
    let mut total = 0;
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(total);
        }
        stream.write_all(&buf[..n]).await?;
        total += n as u64;
    }
}

/// A fresh directory under the system's temporary directory, removed with
/// its content on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "rt-{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Relaxed)
        ));
        // A leftover from an earlier run with the same pid: start clean.
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir(&path).expect("create the temporary directory");
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// `name` inside it.
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A one-shot gate: tasks `wait` until someone `open`s it. Runtime-agnostic
/// (a mutex and the waiting wakers), so the tests exercise rt's wakers only.
#[derive(Clone, Default)]
pub struct Gate(std::sync::Arc<Mutex<(bool, Vec<std::task::Waker>)>>);

impl Gate {
    pub fn new() -> Gate {
        Gate::default()
    }

    /// Opens the gate and wakes every waiting task (outside the lock).
    pub fn open(&self) {
        let wakers = {
            let mut state = self.0.lock().unwrap();
            state.0 = true;
            std::mem::take(&mut state.1)
        };
        for waker in wakers {
            waker.wake();
        }
    }

    /// Resolves once the gate is open.
    pub async fn wait(&self) {
        std::future::poll_fn(|cx| {
            let mut state = self.0.lock().unwrap();
            if state.0 {
                std::task::Poll::Ready(())
            } else {
                state.1.push(cx.waker().clone());
                std::task::Poll::Pending
            }
        })
        .await
    }
}

/// A plain OS thread that sleeps 1 ms at a time and records how late each
/// sleep returns (from the end of the previous one, so time lost anywhere
/// in its loop counts): what the machine alone (other processes, the VM)
/// does to a thread's wake-ups while a test runs. Printed next to a test's
/// own figures, and added to a latency bound, so a test fails for the
/// runtime's lateness, not for a machine stalled by someone else's build.
pub struct Canary {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<Vec<Duration>>,
}

impl Canary {
    /// Starts the canary; returns once its thread runs.
    pub fn start() -> Canary {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (running, is_running) = mpsc::channel();
        let thread = {
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("canary".into())
                .spawn(move || {
                    let asked = Duration::from_millis(1);
                    let mut overshoots = Vec::new();
                    let mut last = Instant::now();
                    let _ = running.send(());
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        std::thread::sleep(asked);
                        let now = Instant::now();
                        overshoots.push((now - last).saturating_sub(asked));
                        last = now;
                    }
                    overshoots
                })
                .expect("spawn the canary thread")
        };
        is_running.recv().expect("the canary thread started");
        Canary { stop, thread }
    }

    /// Stops the canary; the percentiles of its sleeps' lateness.
    pub fn stop(self) -> Percentiles {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let mut overshoots = self.thread.join().expect("the canary thread panicked");
        if overshoots.is_empty() {
            overshoots.push(Duration::ZERO);
        }
        Percentiles::of(&mut overshoots)
    }
}

/// A pipe, both ends non-blocking: `(read end, write end)`, as `File`s
/// (which own the descriptors and do `Read`/`Write` through `&File`).
pub fn pipe() -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: `fds` is a live array of two `c_int`s, which `pipe2` writes.
    let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) };
    assert_eq!(rc, 0, "pipe2: {}", std::io::Error::last_os_error());
    // SAFETY: `pipe2` succeeded: both descriptors are open and nothing else
    // owns them; each `File` takes one.
    unsafe {
        (
            std::fs::File::from_raw_fd(fds[0]),
            std::fs::File::from_raw_fd(fds[1]),
        )
    }
}
