//! `copy_bidirectional` as a TCP proxy: when one side ends its writing
//! (a half-close), the proxy shuts the other side's write half down while
//! still carrying the other direction; it resolves, with both byte counts,
//! once both directions have ended. Both orders (client first, server
//! first) are checked.

use crate::support;

use std::time::Duration;

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::{TcpListener, TcpStream};
use support::{runtime, watchdog};

/// A client, a server, and a proxy task between them; returns the ends
/// and the proxy's join handle.
async fn proxied() -> (
    TcpStream,
    TcpStream,
    rt::task::JoinHandle<std::io::Result<(u64, u64)>>,
) {
    let front = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let back = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let back_addr = back.local_addr().unwrap();
    let client = TcpStream::connect(front.local_addr().unwrap())
        .await
        .unwrap();
    let (mut inbound, _) = front.accept().await.unwrap();
    let proxy = rt::spawn(async move {
        let mut outbound = TcpStream::connect(back_addr).await?;
        rt::io::copy_bidirectional(&mut inbound, &mut outbound).await
    });
    let (server, _) = back.accept().await.unwrap();
    (client, server, proxy)
}

#[test]
fn client_half_closes_first() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let (mut client, mut server, proxy) = proxied().await;
            client.write_all(b"request").await.unwrap();
            client.shutdown().await.unwrap();
            // The server sees the request, then end of file...
            let mut request = Vec::new();
            server.read_to_end(&mut request).await.unwrap();
            assert_eq!(request, b"request");
            // ...and can still answer through the proxy.
            server.write_all(b"a longer response").await.unwrap();
            server.shutdown().await.unwrap();
            let mut response = Vec::new();
            client.read_to_end(&mut response).await.unwrap();
            assert_eq!(response, b"a longer response");
            assert_eq!(proxy.await.unwrap().unwrap(), (7, 17));
        })
    });
}

#[test]
fn server_half_closes_first() {
    watchdog(Duration::from_secs(60), || {
        runtime(2).block_on(async {
            let (mut client, mut server, proxy) = proxied().await;
            server.write_all(b"banner").await.unwrap();
            server.shutdown().await.unwrap();
            let mut banner = Vec::new();
            client.read_to_end(&mut banner).await.unwrap();
            assert_eq!(banner, b"banner");
            // The proxy is still copying client -> server.
            client.write_all(b"late words").await.unwrap();
            client.shutdown().await.unwrap();
            let mut words = Vec::new();
            server.read_to_end(&mut words).await.unwrap();
            assert_eq!(words, b"late words");
            assert_eq!(proxy.await.unwrap().unwrap(), (10, 6));
        })
    });
}
