//! Compile-time checks: the types are `Send + Sync` and their futures are
//! `Send`, so a multi-threaded runtime can spawn them.

use std::net::SocketAddr;

use rt_io::{AsyncReadExt, AsyncWriteExt};
use rt_net::{
    OwnedReadHalf, OwnedWriteHalf, TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixListener,
    UnixStream,
};
use rt_reactor::Async;
use rt_reactor::{EnterGuard, Reactor, ReactorLock};

fn send_sync<T: Send + Sync>() {}
fn send<T: Send>(_: &T) {}
fn debug<T: std::fmt::Debug>() {}

#[allow(dead_code)] // reason: only compiled, never run
fn types_are_send_sync_and_debug() {
    send_sync::<Reactor>();
    send_sync::<TcpListener>();
    send_sync::<TcpStream>();
    send_sync::<OwnedReadHalf>();
    send_sync::<OwnedWriteHalf>();
    send_sync::<UdpSocket>();
    send_sync::<UnixListener>();
    send_sync::<UnixStream>();
    send_sync::<UnixDatagram>();
    send_sync::<Async<std::net::TcpStream>>();
    debug::<Reactor>();
    debug::<ReactorLock<'static>>();
    debug::<EnterGuard>();
    debug::<TcpStream>();
    debug::<Async<std::net::TcpStream>>();
}

#[allow(dead_code)] // reason: only compiled, never run
async fn futures_are_send(
    listener: TcpListener,
    mut stream: TcpStream,
    udp: UdpSocket,
    unix: UnixDatagram,
    fd: Async<std::net::UdpSocket>,
    addr: SocketAddr,
) {
    send(&TcpListener::bind("127.0.0.1:0"));
    send(&TcpListener::bind(addr));
    send(&TcpStream::connect("localhost:80"));
    send(&TcpStream::connect(("localhost", 80)));
    send(&listener.accept());
    send(&UdpSocket::bind(addr));
    send(&udp.send_to(b"", "127.0.0.1:9"));
    let mut buf = [0; 8];
    send(&udp.recv_from(&mut buf));
    send(&UnixStream::connect("/tmp/x"));
    send(&unix.send_to(b"", "/tmp/x"));
    send(&fd.readable());
    send(&fd.read_with(|s| s.recv(&mut [0; 8])));
    send(&stream.read(&mut buf));
    send(&stream.write_all(b""));
}
