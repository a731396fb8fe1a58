//! Out of file descriptors: `accept` returns `EMFILE`, neither spinning nor
//! panicking, and works again once descriptors are available.
//!
//! One test in this file: it lowers the process's `RLIMIT_NOFILE`.

#[path = "../../rt-reactor/tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use rt_net::TcpListener;
use support::Driver;

/// Sets the soft limit on open files.
fn set_nofile_limit(soft: libc::rlim_t) -> libc::rlim_t {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid, writable `rlimit` for the duration of the call.
    let got = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    assert_eq!(got, 0, "getrlimit");
    let previous = limit.rlim_cur;
    limit.rlim_cur = soft;
    // SAFETY: `limit` is a valid `rlimit`, read during the call only.
    let set = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) };
    assert_eq!(set, 0, "setrlimit");
    previous
}

/// The lowest free descriptor number: the next one `open` would return.
fn lowest_free_fd() -> libc::rlim_t {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::open("/dev/null").unwrap();
    file.as_raw_fd() as libc::rlim_t
}

#[test]
fn accept_returns_emfile_without_spinning() {
    let driver = Driver::new();
    driver.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // Connections wait in the backlog; these use descriptors before the limit drops.
        let _clients: Vec<_> = (0..3)
            .map(|_| std::net::TcpStream::connect(addr).unwrap())
            .collect();

        // No new descriptor fits now (descriptors above the limit stay open).
        let previous = set_nofile_limit(lowest_free_fd());
        for _ in 0..3 {
            let started = Instant::now();
            let err = listener.accept().await.unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::EMFILE), "{err:?}");
            assert!(started.elapsed() < Duration::from_secs(1));
        }
        set_nofile_limit(previous);

        for _ in 0..3 {
            listener.accept().await.unwrap();
        }
    });
}
