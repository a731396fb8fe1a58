//! tokio's readiness methods on `UnixStream` (see `crate::ready`).

use super::UnixStream;
use crate::ready::{impl_io_ready, impl_read_ready, impl_ready, impl_write_ready};

impl_read_ready!(
    [] UnixStream,
    |this| this.io,
    "let (reader, mut writer) = rt::net::UnixStream::pair()?;"
);
impl_write_ready!(
    [] UnixStream,
    |this| this.io,
    "let (writer, mut reader) = rt::net::UnixStream::pair()?;"
);
impl_ready!(
    [] UnixStream,
    |this| this.io,
    "let (socket, _peer) = rt::net::UnixStream::pair()?;"
);
impl_io_ready!(
    [] UnixStream,
    |this| this.io,
    "let (socket, peer) = rt::net::UnixStream::pair()?;\n\
     peer.writable().await?;\n\
     peer.try_write(b\"x\")?;"
);
