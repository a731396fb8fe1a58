//! Dropping an `AsyncFd` deregisters its descriptor without closing it
//! (the inner object owns it): the same descriptor can be registered again
//! at once, and still carries data; `into_inner` likewise.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::Arc;
use std::time::Duration;

use crate::io_support::{pipe, runtime, watchdog};
use rt::io::unix::AsyncFd;

/// Shares a descriptor without owning it for the `AsyncFd`: dropping this
/// does not close it.
struct Shared(Arc<std::fs::File>);

impl AsRawFd for Shared {
    fn as_raw_fd(&self) -> RawFd {
        self.0.as_raw_fd()
    }
}

#[test]
fn drop_and_into_inner_deregister_and_keep_the_descriptor_open() {
    watchdog(Duration::from_secs(60), || {
        runtime(1).block_on(async {
            let (read_end, write_end) = pipe();
            let read_end = Arc::new(read_end);

            let first = AsyncFd::new(Shared(read_end.clone())).unwrap();
            drop(first);
            // Still registered, this would be EEXIST.
            let second = AsyncFd::new(Shared(read_end.clone())).unwrap();
            let inner = second.into_inner();
            let third = AsyncFd::new(inner).unwrap();

            // Still open, and still working through the reactor.
            (&write_end).write_all(b"z").unwrap();
            let guard = third.readable().await.unwrap();
            let mut buf = [0; 1];
            assert_eq!((&*guard.get_inner().0).read(&mut buf).unwrap(), 1);
            assert_eq!(&buf, b"z");
        })
    });
}
