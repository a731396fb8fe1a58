//! A Unix listener bound to a name that starts with a NUL byte lives in
//! Linux's abstract namespace (no file is created): a client connects with
//! the same name, and `rt::net::unix::SocketAddr::as_abstract_name` gives
//! the name back without its NUL (and `connect_addr` with that address
//! reaches the listener). A datagram socket sends to and connects to an
//! abstract name the same way.

use std::time::Duration;

use crate::io_support::{runtime, watchdog};
use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{UnixDatagram, UnixListener, UnixStream};

/// Bound on the test (it takes milliseconds when rt is right).
const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn abstract_name_binds_connects_and_reads_back() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let name = format!("\0rt-test-{}-abstract", std::process::id());
            let listener = UnixListener::bind(&name).unwrap();
            let addr = listener.local_addr().unwrap();
            assert_eq!(addr.as_abstract_name(), Some(&name.as_bytes()[1..]));
            assert_eq!(addr.as_pathname(), None);
            assert!(!addr.is_unnamed());
            assert!(
                !std::path::Path::new(&name[1..]).exists(),
                "no file for an abstract name"
            );

            let mut client = UnixStream::connect(&name).await.unwrap();
            let (mut server, _) = listener.accept().await.unwrap();
            let peer = client.peer_addr().unwrap();
            assert_eq!(peer.as_abstract_name(), Some(&name.as_bytes()[1..]));
            client.write_all(b"abstract").await.unwrap();
            let mut buf = [0; 8];
            server.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"abstract");

            // Connecting by the listener's address reaches it too.
            let _by_addr = UnixStream::connect_addr(&addr).await.unwrap();
            let (_server, _) = listener.accept().await.unwrap();

            // The std type, back.
            let std_addr: std::os::unix::net::SocketAddr = addr.into();
            assert!(std_addr.as_pathname().is_none());
        });
    });
}

#[test]
fn datagram_sends_to_and_connects_to_an_abstract_name() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let name = format!("\0rt-test-{}-abstract-dgram", std::process::id());
            let server = UnixDatagram::bind(&name).unwrap();
            let client = UnixDatagram::unbound().unwrap();
            let mut buf = [0; 8];

            client.send_to(b"to", &name).await.unwrap();
            assert_eq!(server.recv(&mut buf).await.unwrap(), 2);
            assert_eq!(&buf[..2], b"to");

            client.connect(&name).unwrap();
            let peer = client.peer_addr().unwrap();
            assert_eq!(peer.as_abstract_name(), Some(&name.as_bytes()[1..]));
            client.send(b"conn").await.unwrap();
            assert_eq!(server.recv(&mut buf).await.unwrap(), 4);
            assert_eq!(&buf[..4], b"conn");
        });
    });
}
