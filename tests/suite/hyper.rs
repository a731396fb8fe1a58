//! hyper 1.x serves and fetches HTTP on rt with no glue (`rt::hyper`, the
//! cargo feature `hyper`): rt's `TcpStream` is hyper's I/O as it is,
//! `rt::hyper::Executor` runs HTTP/2's tasks, `rt::hyper::Timer` fires
//! HTTP/1's header-read timeout. Client and server are both hyper on rt.

use crate::support;

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use rt::hyper::{Executor, Timer};
use rt::io::AsyncReadExt;
use rt::net::{TcpListener, TcpStream};
use support::{runtime, watchdog};

/// Bound on each test (each takes well under a second when rt is right).
const LIMIT: Duration = Duration::from_secs(60);
/// Body sizes of the keep-alive test, all on one connection: empty, tiny,
/// a few socket buffers, 1 MiB.
const SIZES: [usize; 6] = [0, 1, 1000, 64 * 1024 + 3, 300_000, 1024 * 1024];
/// Concurrent HTTP/2 streams on one connection, and each one's body size.
const STREAMS: usize = 16;
const STREAM_BYTES: usize = 100_000;
/// The server's header-read timeout, and the bound on closing the idle
/// connection (generous: it must hold on a loaded 2-core machine).
const HEADER_TIMEOUT: Duration = Duration::from_secs(1);
const CLOSE_BOUND: Duration = Duration::from_secs(10);

/// `len` bytes that differ by position and by `seed`.
fn body(seed: usize, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i * 31 + seed * 7 + i / 251) as u8)
        .collect()
}

/// Echoes the request's body.
async fn echo(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let body = request.into_body().collect().await?.to_bytes();
    Ok(Response::new(Full::new(body)))
}

/// POSTs `data` and returns the response body.
async fn post<B>(sender: &mut B, data: Vec<u8>) -> Vec<u8>
where
    B: Sender,
{
    let request = Request::post("/echo")
        .body(Full::new(Bytes::from(data)))
        .unwrap();
    let response = sender.send(request).await;
    assert!(response.status().is_success());
    response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec()
}

/// hyper's two `SendRequest`s, behind one name for `post`.
trait Sender {
    async fn send(&mut self, request: Request<Full<Bytes>>) -> Response<Incoming>;
}

impl Sender for hyper::client::conn::http1::SendRequest<Full<Bytes>> {
    async fn send(&mut self, request: Request<Full<Bytes>>) -> Response<Incoming> {
        self.ready().await.unwrap();
        self.send_request(request).await.unwrap()
    }
}

impl Sender for hyper::client::conn::http2::SendRequest<Full<Bytes>> {
    async fn send(&mut self, request: Request<Full<Bytes>>) -> Response<Incoming> {
        self.ready().await.unwrap();
        self.send_request(request).await.unwrap()
    }
}

#[test]
fn http1_keep_alive_round_trips_echo_bodies_up_to_1_mib_on_one_connection() {
    watchdog(LIMIT, || {
        runtime(2).block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let accepted = Arc::new(AtomicUsize::new(0));
            let counter = accepted.clone();
            rt::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    counter.fetch_add(1, SeqCst);
                    rt::spawn(async move {
                        hyper::server::conn::http1::Builder::new()
                            .keep_alive(true)
                            .serve_connection(stream, service_fn(echo))
                            .await
                            .unwrap();
                    });
                }
            });

            let stream = TcpStream::connect(addr).await.unwrap();
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(stream).await.unwrap();
            rt::spawn(connection);
            for round in 0..2 {
                for (i, &len) in SIZES.iter().enumerate() {
                    let data = body(round * SIZES.len() + i, len);
                    let echoed = post(&mut sender, data.clone()).await;
                    assert!(echoed == data, "body of {len} bytes came back different");
                }
            }
            // Every request above went over the one connection.
            assert_eq!(accepted.load(SeqCst), 1);
        });
    });
}

#[test]
fn http2_serves_concurrent_streams_through_rt_executor() {
    watchdog(LIMIT, || {
        runtime(2).block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            rt::spawn(async move {
                let (stream, _) = listener.accept().await.unwrap();
                hyper::server::conn::http2::Builder::new(Executor)
                    .timer(Timer)
                    .serve_connection(stream, service_fn(echo))
                    .await
                    .unwrap();
            });

            let stream = TcpStream::connect(addr).await.unwrap();
            let (sender, connection) = hyper::client::conn::http2::Builder::new(Executor)
                .timer(Timer)
                .handshake(stream)
                .await
                .unwrap();
            rt::spawn(connection);
            // All streams in flight at once: each waits on its own task.
            let tasks: Vec<_> = (0..STREAMS)
                .map(|i| {
                    let mut sender = sender.clone();
                    rt::spawn(async move {
                        let data = body(i, STREAM_BYTES + i);
                        let echoed = post(&mut sender, data.clone()).await;
                        assert!(echoed == data, "stream {i} came back different");
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
        });
    });
}

#[test]
fn header_read_timeout_closes_a_silent_connection_through_rt_timer() {
    watchdog(LIMIT, || {
        runtime(2).block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = rt::spawn(async move {
                let (stream, _) = listener.accept().await.unwrap();
                let service = service_fn(|_: Request<Incoming>| async {
                    Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
                });
                hyper::server::conn::http1::Builder::new()
                    .timer(Timer)
                    .header_read_timeout(HEADER_TIMEOUT)
                    .serve_connection(stream, service)
                    .await
            });

            // Connects and sends nothing: the server must give up on it.
            let start = Instant::now();
            let mut client = TcpStream::connect(addr).await.unwrap();
            let mut buf = [0; 64];
            let read = rt::time::timeout(CLOSE_BOUND, client.read(&mut buf)).await;
            let elapsed = start.elapsed();
            match read {
                Err(_) => panic!("the server kept a silent connection open for {elapsed:?}"),
                // End of file, or a reset: closed either way.
                Ok(Ok(0)) | Ok(Err(_)) => {}
                Ok(Ok(n)) => panic!("the server sent {n} bytes to a client that asked nothing"),
            }
            // Not before the timeout (the timer started after the connect).
            assert!(elapsed >= HEADER_TIMEOUT, "closed after only {elapsed:?}");
            let served = server.await.unwrap();
            assert!(served.unwrap_err().is_timeout());
        });
    });
}
