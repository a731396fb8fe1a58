//! `UnixStream::connect` waits for the reactor to report the new socket
//! connected (writable) before it returns, even when the kernel completed
//! the connection at once, as tokio's: so a listener that closes before
//! accepting makes the pending connect fail (connection refused or reset)
//! instead of handing back a stream whose first read fails.

use std::future::{poll_fn, Future};
use std::io;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use crate::io_support::{watchdog, TempDir};
use rt::net::{UnixListener, UnixStream};

#[test]
fn connect_fails_when_the_listener_closes_before_accepting() {
    watchdog(Duration::from_secs(60), || {
        let dir = TempDir::new("unix-connect-gone");
        let path = dir.join("gone.sock");
        // One thread: the reactor turns only when `block_on` waits, so the
        // first poll below sees no event yet.
        let rt = crate::support::current_thread();
        rt.block_on(async {
            let listener = UnixListener::bind(&path).unwrap();
            let mut connect = pin!(UnixStream::connect(&path));
            poll_fn(|cx| {
                assert!(
                    connect.as_mut().poll(cx).is_pending(),
                    "connect returned before the reactor reported the socket"
                );
                Poll::Ready(())
            })
            .await;
            drop(listener);
            let err = connect.await.unwrap_err();
            assert!(
                matches!(
                    err.kind(),
                    io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionReset
                ),
                "{err:?}"
            );
        });
    });
}
