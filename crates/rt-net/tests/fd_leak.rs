//! Dropping a socket with a pending read deregisters it and closes its fd.
//!
//! One test in this file: it counts the process's open descriptors.

#[path = "../../rt-reactor/tests/support/mod.rs"]
mod support;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use rt_io::AsyncReadExt;
use rt_net::{TcpListener, TcpStream, UnixStream};
use support::{open_fds, registered_sources, Driver};

/// Connections opened and dropped.
const ROUNDS: usize = 200;

#[test]
fn dropping_a_pending_read_leaks_nothing() {
    let driver = Driver::new();
    let reactor = driver.reactor().clone();
    driver.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let fds = open_fds();
        assert_eq!(registered_sources(&reactor), 1);

        for _ in 0..ROUNDS {
            let mut client = TcpStream::connect(addr).await.unwrap();
            let (mut server, _) = listener.accept().await.unwrap();
            {
                // A read that cannot complete: it leaves its waker with the reactor.
                let mut buf = [0; 8];
                let mut read = pin!(client.read(&mut buf));
                let mut cx = Context::from_waker(Waker::noop());
                assert!(read.as_mut().poll(&mut cx).is_pending());
                let mut buf = [0; 8];
                let mut read = pin!(server.read(&mut buf));
                assert!(read.as_mut().poll(&mut cx).is_pending());
            }
            drop(client);
            drop(server);

            let (a, b) = UnixStream::pair().unwrap();
            let mut a = a;
            let mut buf = [0; 8];
            let mut read = pin!(a.read(&mut buf));
            let mut cx = Context::from_waker(Waker::noop());
            assert!(matches!(read.as_mut().poll(&mut cx), Poll::Pending));
            drop(b);
        }

        assert_eq!(open_fds(), fds, "file descriptors leaked");
        assert_eq!(registered_sources(&reactor), 1, "sources leaked");
    });
}
