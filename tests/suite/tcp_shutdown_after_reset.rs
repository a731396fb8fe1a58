//! `AsyncWriteExt::shutdown` on a TCP stream whose peer has reset the
//! connection (the peer closed with `set_zero_linger`) succeeds: there is
//! nothing left to shut down, and tokio reports `Ok(())` there too, so
//! code that half-closes at the end of a session does not fail on it.

use std::time::Duration;

use crate::io_support::{runtime, watchdog};
use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpListener, TcpStream};

/// Bound on the test (it takes milliseconds when rt is right).
const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn shutdown_after_the_peer_reset_is_ok() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let mut client = TcpStream::connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            let (server, _) = listener.accept().await.unwrap();
            server.set_zero_linger().unwrap();
            drop(server); // a reset, not a FIN

            // Wait until the reset has arrived: the read reports it.
            let mut buf = [0; 1];
            let err = client.read(&mut buf).await.unwrap_err();
            assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset, "{err}");

            client.shutdown().await.unwrap();
        });
    });
}
