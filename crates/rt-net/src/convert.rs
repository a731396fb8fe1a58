//! `TryFrom<std socket>` for every socket type: the same as its `from_std`
//! (non-blocking mode, registration with the current runtime's reactor),
//! for code generic over conversions.

use std::io;

use crate::{TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixListener, UnixStream};

/// `impl TryFrom<$std> for $ty` through `$ty::from_std`.
macro_rules! try_from_std {
    ($($std:ty => $ty:ident),* $(,)?) => {$(
        impl TryFrom<$std> for $ty {
            type Error = io::Error;

            /// The same as
            #[doc = concat!("[`", stringify!($ty), "::from_std`]")]
            /// (panics outside the context of a runtime).
            #[track_caller]
            fn try_from(socket: $std) -> io::Result<$ty> {
                $ty::from_std(socket)
            }
        }
    )*};
}

try_from_std! {
    std::net::TcpListener => TcpListener,
    std::net::TcpStream => TcpStream,
    std::net::UdpSocket => UdpSocket,
    std::os::unix::net::UnixListener => UnixListener,
    std::os::unix::net::UnixStream => UnixStream,
    std::os::unix::net::UnixDatagram => UnixDatagram,
}
