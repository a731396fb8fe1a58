//! TCP: listener, stream, the stream's halves, and the unconnected
//! socket (`TcpSocket`).

mod listener;
mod options;
mod ready;
mod socket;
mod split;
mod stream;

pub use listener::TcpListener;
pub use socket::TcpSocket;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
pub use stream::TcpStream;
