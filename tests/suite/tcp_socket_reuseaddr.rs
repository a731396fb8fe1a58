//! `TcpSocket::set_reuseaddr` lets a server bind its port again while the
//! connections of its previous run sit in `TIME_WAIT` (the restart case):
//! without the option the kernel refuses the bind with `AddrInUse`, with it
//! the bind succeeds and the new listener accepts.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use crate::io_support::{runtime, watchdog};
use rt::io::AsyncReadExt;
use rt::net::{TcpSocket, TcpStream};

/// Bound on the test (it takes milliseconds when rt is right).
const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn reuseaddr_rebinds_a_port_in_time_wait() {
    watchdog(LIMIT, || {
        let rt = runtime(2);
        rt.block_on(async {
            // A first server on a free port, closing its connection first
            // (the active close puts the server's end in TIME_WAIT).
            let first = TcpSocket::new_v4().unwrap();
            first.set_reuseaddr(true).unwrap();
            first.bind("127.0.0.1:0".parse().unwrap()).unwrap();
            let listener = first.listen(16).unwrap();
            let addr: SocketAddr = listener.local_addr().unwrap();
            let mut client = TcpStream::connect(addr).await.unwrap();
            let (server, _) = listener.accept().await.unwrap();
            drop(server);
            drop(listener);
            // The client reads end-of-file, then closes: the server's end
            // goes FIN_WAIT_2 -> TIME_WAIT.
            let mut rest = Vec::new();
            client.read_to_end(&mut rest).await.unwrap();
            drop(client);

            // Without SO_REUSEADDR, the port is still taken.
            let plain = TcpSocket::new_v4().unwrap();
            assert!(!plain.reuseaddr().unwrap(), "off by default");
            let err = plain.bind(addr).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::AddrInUse, "{err}");

            // With it, the bind succeeds and the listener serves.
            let second = TcpSocket::new_v4().unwrap();
            second.set_reuseaddr(true).unwrap();
            assert!(second.reuseaddr().unwrap());
            second.bind(addr).unwrap();
            let listener = second.listen(16).unwrap();
            assert_eq!(listener.local_addr().unwrap(), addr);
            let client = TcpStream::connect(addr).await.unwrap();
            let (_server, peer) = listener.accept().await.unwrap();
            assert_eq!(peer, client.local_addr().unwrap());
        });
    });
}
