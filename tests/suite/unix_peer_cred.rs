//! `UnixStream::peer_cred` reports the credentials of the process at the
//! other end: over a listener in this process, this process's effective uid and
//! gid, and its pid, seen from both ends.

use std::time::Duration;

use crate::io_support::{runtime, watchdog, TempDir};
use rt::net::{UnixListener, UnixStream};

/// Bound on the test (it takes milliseconds when rt is right).
const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn peer_cred_is_this_process() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        let dir = TempDir::new("peer-cred");
        let path = dir.join("sock");
        rt.block_on(async {
            let listener = UnixListener::bind(&path).unwrap();
            let client = UnixStream::connect(&path).await.unwrap();
            let (server, _) = listener.accept().await.unwrap();

            // SAFETY: geteuid/getegid read the calling process's effective
            // ids (what the kernel records for the peer); no memory is
            // involved.
            let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
            let pid = std::process::id() as i32;
            for stream in [&client, &server] {
                let cred: rt::net::unix::UCred = stream.peer_cred().unwrap();
                assert_eq!(cred.uid(), uid);
                assert_eq!(cred.gid(), gid);
                assert_eq!(cred.pid(), Some(pid));
            }
        });
    });
}
