//! tokio's readiness methods on `TcpStream` (see `crate::ready`).

use super::TcpStream;
use crate::ready::{impl_io_ready, impl_peek, impl_read_ready, impl_ready, impl_write_ready};

impl_read_ready!(
    [] TcpStream,
    |this| this.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let mut writer = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (reader, _) = listener.accept().await?;"
);
impl_write_ready!(
    [] TcpStream,
    |this| this.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let writer = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (mut reader, _) = listener.accept().await?;"
);
impl_ready!(
    [] TcpStream,
    |this| this.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let socket = rt::net::TcpStream::connect(listener.local_addr()?).await?;"
);
impl_io_ready!(
    [] TcpStream,
    |this| this.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let client = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (socket, _) = listener.accept().await?;\n\
     client.writable().await?;\n\
     client.try_write(b\"x\")?;"
);
impl_peek!(
    [] TcpStream,
    |this| this.io,
    "let listener = rt::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n\
     let mut writer = rt::net::TcpStream::connect(listener.local_addr()?).await?;\n\
     let (reader, _) = listener.accept().await?;"
);
