//! `AsyncFd` on a descriptor epoll cannot watch (a regular file) is an
//! error from the constructor (`EPERM`), not a panic, and `try_new` hands
//! the object back.

use std::time::Duration;

use crate::io_support::{runtime, watchdog};
use rt::io::unix::AsyncFd;

#[test]
fn a_regular_file_is_refused_with_its_error() {
    watchdog(Duration::from_secs(60), || {
        runtime(1).block_on(async {
            let dir = crate::io_support::TempDir::new("async-fd-file");
            let path = dir.path().join("plain");
            std::fs::write(&path, b"data").unwrap();

            let err = AsyncFd::new(std::fs::File::open(&path).unwrap()).unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::EPERM));

            let (file, err) = AsyncFd::try_new(std::fs::File::open(&path).unwrap())
                .unwrap_err()
                .into_parts();
            assert_eq!(err.raw_os_error(), Some(libc::EPERM));
            assert_eq!(file.metadata().unwrap().len(), 4); // still usable
        })
    });
}
