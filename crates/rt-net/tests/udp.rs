//! UDP: datagrams over 127.0.0.1.

#[path = "../../rt-reactor/tests/support/mod.rs"]
mod support;

use std::io::ErrorKind;
use std::sync::Arc;

use futures_lite::future;
use rt_net::UdpSocket;
use support::Driver;

#[test]
fn send_to_and_recv_from() {
    let driver = Driver::new();
    driver.block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
        for i in 0..100u8 {
            assert_eq!(a.send_to(&[i; 32], b_addr).await.unwrap(), 32);
            let mut buf = [0; 64];
            let (n, from) = b.recv_from(&mut buf).await.unwrap();
            assert_eq!((n, from), (32, a_addr));
            assert_eq!(buf[..n], [i; 32]);
        }
    });
}

#[test]
fn recv_waits_for_a_datagram() {
    let driver = Driver::new();
    driver.block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b_addr = b.local_addr().unwrap();
        let receive = async {
            let mut buf = [0; 8];
            let (n, _) = b.recv_from(&mut buf).await.unwrap();
            buf[..n].to_vec()
        };
        let send = async {
            // Let the receiver block first.
            future::yield_now().await;
            std::thread::sleep(std::time::Duration::from_millis(20));
            a.send_to(b"late", b_addr).await.unwrap();
        };
        let (received, ()) = future::zip(receive, send).await;
        assert_eq!(received, b"late");
    });
}

#[test]
fn connected_send_and_recv() {
    let driver = Driver::new();
    driver.block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        a.connect(b.local_addr().unwrap()).await.unwrap();
        b.connect(a.local_addr().unwrap()).await.unwrap();
        assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
        a.send(b"hello").await.unwrap();
        let mut buf = [0; 8];
        assert_eq!(b.recv(&mut buf).await.unwrap(), 5);
        assert_eq!(&buf[..5], b"hello");
    });
}

#[test]
fn send_without_peer_is_an_error() {
    let driver = Driver::new();
    driver.block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        assert!(a.send(b"nowhere").await.is_err());
        assert_eq!(a.peer_addr().unwrap_err().kind(), ErrorKind::NotConnected);
    });
}

#[test]
fn several_tasks_receive_on_one_socket() {
    let driver = Driver::new();
    let socket = Arc::new(driver.block_on(UdpSocket::bind("127.0.0.1:0")).unwrap());
    let addr = socket.local_addr().unwrap();
    let receivers: Vec<_> = (0..4)
        .map(|_| {
            let socket = socket.clone();
            driver.spawn(async move {
                let mut buf = [0; 8];
                socket.recv_from(&mut buf).await.unwrap().0
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(50));
    let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for _ in 0..4 {
        sender.send_to(b"x", addr).unwrap();
    }
    for receiver in receivers {
        assert_eq!(receiver.join().unwrap(), 1);
    }
}
