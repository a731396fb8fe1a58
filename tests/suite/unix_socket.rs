//! `rt::net::UnixSocket`: a socket bound to a path before it connects gives
//! the listener a named peer address; one bound before it listens accepts
//! there; a datagram socket made this way sends and receives; it can be
//! created and bound outside a runtime; and asking a socket for what its
//! type cannot do (`listen`/`connect` on a datagram socket, `datagram` on a
//! stream socket) is an error with tokio's text, not a panic.

use std::time::Duration;

use crate::io_support::{runtime, watchdog, TempDir};
use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::UnixSocket;

/// Bound on each test (they take milliseconds when rt is right).
const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn bound_client_connects_to_bound_listener_with_its_address() {
    watchdog(LIMIT, || {
        let dir = TempDir::new("unix-socket-stream");
        let (server_path, client_path) = (dir.join("server.sock"), dir.join("client.sock"));
        // Created and bound outside any runtime: nothing is registered yet.
        let server = UnixSocket::new_stream().unwrap();
        server.bind(&server_path).unwrap();
        let client = UnixSocket::new_stream().unwrap();
        client.bind(&client_path).unwrap();

        runtime(2).block_on(async {
            let listener = server.listen(16).unwrap();
            let accept = rt::spawn(async move { listener.accept().await.unwrap() });
            let mut stream = client.connect(&server_path).await.unwrap();
            let (mut accepted, peer) = accept.await.unwrap();
            assert_eq!(peer.as_pathname(), Some(client_path.as_path()));
            assert_eq!(
                accepted.peer_addr().unwrap().as_pathname(),
                Some(client_path.as_path())
            );
            assert_eq!(
                stream.peer_addr().unwrap().as_pathname(),
                Some(server_path.as_path())
            );

            stream.write_all(b"over the socket").await.unwrap();
            drop(stream);
            let mut got = Vec::new();
            accepted.read_to_end(&mut got).await.unwrap();
            assert_eq!(got, b"over the socket");
        });
    });
}

#[test]
fn bound_datagram_socket_echoes_to_its_peer() {
    watchdog(LIMIT, || {
        let dir = TempDir::new("unix-socket-dgram");
        let (server_path, client_path) = (dir.join("server.sock"), dir.join("client.sock"));
        runtime(2).block_on(async {
            let server = UnixSocket::new_datagram().unwrap();
            server.bind(&server_path).unwrap();
            let server = server.datagram().unwrap();
            let echo = rt::spawn(async move {
                let mut buf = [0; 64];
                let (n, from) = server.recv_from(&mut buf).await.unwrap();
                let from = from.as_pathname().expect("a bound sender").to_path_buf();
                server.send_to(&buf[..n], &from).await.unwrap();
                from
            });

            let client = UnixSocket::new_datagram().unwrap();
            client.bind(&client_path).unwrap();
            let client = client.datagram().unwrap();
            client.connect(&server_path).unwrap();
            client.send(b"echo").await.unwrap();
            let mut buf = [0; 64];
            let n = client.recv(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"echo");
            assert_eq!(echo.await.unwrap(), client_path);
        });
    });
}

#[test]
fn misuse_of_the_socket_type_is_an_error_with_tokios_text() {
    watchdog(LIMIT, || {
        runtime(1).block_on(async {
            let err = UnixSocket::new_datagram()
                .unwrap()
                .connect("/nonexistent/rt.sock")
                .await
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                "connect cannot be called on a datagram socket"
            );

            let err = UnixSocket::new_datagram().unwrap().listen(16).unwrap_err();
            assert_eq!(
                err.to_string(),
                "listen cannot be called on a datagram socket"
            );

            let err = UnixSocket::new_stream().unwrap().datagram().unwrap_err();
            assert_eq!(
                err.to_string(),
                "datagram cannot be called on a stream socket"
            );
        });
    });
}
