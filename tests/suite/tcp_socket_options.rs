//! Options set on a `TcpSocket` read back, and the ones that belong to the
//! connection survive `connect`/`listen` into the `TcpStream` and
//! `TcpListener`; `SO_REUSEPORT` lets two listeners share one address;
//! the connected stream's own options (`linger`, `ttl`) read back.

use std::time::Duration;

use crate::io_support::{runtime, watchdog};
use rt::net::{TcpListener, TcpSocket, TcpStream, UdpSocket};

/// Bound on each test (they take milliseconds when rt is right).
const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn options_set_on_the_socket_read_back_and_carry_into_the_stream() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();

            let socket = TcpSocket::new_v4().unwrap();
            socket.set_keepalive(true).unwrap();
            socket.set_nodelay(true).unwrap();
            socket.set_zero_linger().unwrap();
            socket.set_send_buffer_size(64 * 1024).unwrap();
            socket.set_recv_buffer_size(64 * 1024).unwrap();
            socket.set_tos_v4(0x10).unwrap();
            assert!(socket.keepalive().unwrap());
            assert!(socket.nodelay().unwrap());
            assert_eq!(socket.linger().unwrap(), Some(Duration::ZERO));
            // Linux doubles the size asked for; at least what was asked.
            assert!(socket.send_buffer_size().unwrap() >= 64 * 1024);
            assert!(socket.recv_buffer_size().unwrap() >= 64 * 1024);
            assert_eq!(socket.tos_v4().unwrap(), 0x10);
            assert!(socket.take_error().unwrap().is_none());

            // Bind a chosen local address, then connect from it.
            socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
            let local = socket.local_addr().unwrap();
            let stream = socket
                .connect(listener.local_addr().unwrap())
                .await
                .unwrap();
            assert_eq!(stream.local_addr().unwrap(), local);
            assert!(stream.nodelay().unwrap(), "TCP_NODELAY carried over");
            assert_eq!(stream.linger().unwrap(), Some(Duration::ZERO));
            let (_server, peer) = listener.accept().await.unwrap();
            assert_eq!(peer, local);

            // The stream's own options.
            stream.set_ttl(42).unwrap();
            assert_eq!(stream.ttl().unwrap(), 42);
            #[allow(deprecated)] // reason: tokio's deprecated setter, kept
            stream.set_linger(None).unwrap();
            assert_eq!(stream.linger().unwrap(), None);
            assert!(stream.take_error().unwrap().is_none());
            listener.set_ttl(43).unwrap();
            assert_eq!(listener.ttl().unwrap(), 43);

            // A std stream's options through TcpSocket::from_std_stream.
            let std_stream = stream.into_std().unwrap();
            let socket = TcpSocket::from_std_stream(std_stream);
            assert!(socket.nodelay().unwrap());
        });
    });
}

#[test]
fn reuseport_lets_two_listeners_share_an_address() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            let first = TcpSocket::new_v4().unwrap();
            first.set_reuseport(true).unwrap();
            assert!(first.reuseport().unwrap());
            first.bind("127.0.0.1:0".parse().unwrap()).unwrap();
            let addr = first.local_addr().unwrap();
            let first = first.listen(16).unwrap();

            let second = TcpSocket::new_v4().unwrap();
            second.set_reuseport(true).unwrap();
            second.bind(addr).unwrap();
            let second = second.listen(16).unwrap();
            assert_eq!(second.local_addr().unwrap(), addr);

            // Both listen on the address; with the first closed, the
            // kernel hands new connections to the second.
            drop(first);
            let client = TcpStream::connect(addr).await.unwrap();
            let (_server, peer) = second.accept().await.unwrap();
            assert_eq!(peer, client.local_addr().unwrap());
        });
    });
}

#[test]
fn udp_options_read_back() {
    watchdog(LIMIT, || {
        let rt = runtime(1);
        rt.block_on(async {
            let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            socket.set_broadcast(true).unwrap();
            assert!(socket.broadcast().unwrap());
            socket.set_multicast_loop_v4(false).unwrap();
            assert!(!socket.multicast_loop_v4().unwrap());
            socket.set_multicast_ttl_v4(7).unwrap();
            assert_eq!(socket.multicast_ttl_v4().unwrap(), 7);
            socket.set_ttl(61).unwrap();
            assert_eq!(socket.ttl().unwrap(), 61);
            socket.set_tos_v4(0x08).unwrap();
            assert_eq!(socket.tos_v4().unwrap(), 0x08);
            assert!(socket.take_error().unwrap().is_none());

            // TryFrom<std>, as from_std.
            let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            let addr = std_socket.local_addr().unwrap();
            let socket = UdpSocket::try_from(std_socket).unwrap();
            assert_eq!(socket.local_addr().unwrap(), addr);
        });
    });
}
