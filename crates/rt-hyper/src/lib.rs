//! hyper 1.x's runtime traits for rt: an [`Executor`] that spawns on the
//! current runtime and a [`Timer`] on rt's timer wheel.
//!
//! hyper is runtime-agnostic: it asks its user for a way to spawn tasks
//! (HTTP/2 runs each stream's body and the connection's background work
//! as tasks), a way to sleep (header-read timeouts, HTTP/2 keep-alive
//! pings) and an I/O type implementing its `rt::Read`/`rt::Write`. The
//! first two are here; the third is rt-net's stream types themselves, with
//! rt-net's `hyper` feature (on with the facade's `hyper` feature): reads
//! go straight into hyper's uninitialised buffer, with no zeroing and no
//! copy, and writes are vectored. So hyper serves `rt::net::TcpStream` as
//! it is, and no glue is left to the user.
//!
//! Both types are unit structs: they find the runtime through the current
//! thread's context, as `rt::spawn` and `rt::time::sleep` do, so they must
//! be used on a runtime's thread (hyper calls them from the tasks that
//! drive its connections).
//!
//! # Examples
//!
//! HTTP/2 (prior knowledge) with hyper's server and client, both on rt:
//!
//! ```
//! use bytes::Bytes;
//! use http_body_util::{BodyExt, Empty, Full};
//! use hyper::server::conn::http2;
//! use hyper::service::service_fn;
//! use hyper::{Request, Response};
//! use rt::hyper::{Executor, Timer};
//! use rt::net::{TcpListener, TcpStream};
//!
//! # rt::Runtime::new()?.block_on(async {
//! let listener = TcpListener::bind("127.0.0.1:0").await?;
//! let addr = listener.local_addr()?;
//! rt::spawn(async move {
//!     let (stream, _peer) = listener.accept().await.unwrap();
//!     let service = service_fn(|_request: Request<hyper::body::Incoming>| async {
//!         Ok::<_, std::convert::Infallible>(Response::new(Full::new(Bytes::from("hi"))))
//!     });
//!     http2::Builder::new(Executor)
//!         .timer(Timer)
//!         .serve_connection(stream, service)
//!         .await
//!         .unwrap();
//! });
//!
//! let stream = TcpStream::connect(addr).await?;
//! let (mut sender, connection) = hyper::client::conn::http2::handshake(Executor, stream)
//!     .await
//!     .unwrap();
//! rt::spawn(connection);
//! let request = Request::get("/").body(Empty::<Bytes>::new()).unwrap();
//! sender.ready().await.unwrap();
//! let response = sender.send_request(request).await.unwrap();
//! let body = response.into_body().collect().await.unwrap().to_bytes();
//! assert_eq!(body, "hi");
//! # std::io::Result::Ok(()) })?;
//! # std::io::Result::Ok(())
//! ```

mod executor;
mod timer;

pub use executor::Executor;
pub use timer::Timer;
