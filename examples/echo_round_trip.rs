//! N echo round trips of 64 B over one loopback TCP connection, client and
//! server as tasks on one runtime (2 workers): the program behind the
//! "syscalls per round trip" figure. Run it under `strace -c -f` for two
//! values of N and divide the difference by the difference of N:
//!
//! ```text
//! cargo build --release --example echo_round_trip
//! for rt in rt tokio; do for n in 1000 11000; do
//!   strace -c -f -o /tmp/$rt-$n.txt target/release/examples/echo_round_trip $rt $n
//! done; done
//! ```

use std::time::Instant;

const MESSAGE: usize = 64;
const WORKERS: usize = 2;

fn main() {
    let mut args = std::env::args().skip(1);
    let runtime = args.next().unwrap_or_else(|| "rt".into());
    let n: usize = args
        .next()
        .map_or(10_000, |n| n.parse().expect("N: a number"));
    let start = Instant::now();
    match runtime.as_str() {
        "rt" => on_rt(n),
        "tokio" => on_tokio(n),
        other => {
            eprintln!("usage: echo_round_trip [rt|tokio] [N] (not {other:?})");
            std::process::exit(2);
        }
    }
    let took = start.elapsed();
    println!(
        "{runtime}: {n} round trips in {took:?} ({:?} each)",
        took / n as u32
    );
}

fn on_rt(n: usize) {
    use rt::io::{AsyncReadExt, AsyncWriteExt};
    let runtime = rt::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .build()
        .unwrap();
    runtime.block_on(async move {
        let listener = rt::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = rt::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            s.set_nodelay(true).unwrap();
            let mut buf = [0u8; MESSAGE];
            while s.read_exact(&mut buf).await.is_ok() {
                s.write_all(&buf).await.unwrap();
            }
        });
        let client = rt::spawn(async move {
            let mut c = rt::net::TcpStream::connect(addr).await.unwrap();
            c.set_nodelay(true).unwrap();
            let mut buf = [0u8; MESSAGE];
            for i in 0..n {
                let msg = [i as u8; MESSAGE];
                c.write_all(&msg).await.unwrap();
                c.read_exact(&mut buf).await.unwrap();
                assert_eq!(buf, msg);
            }
        });
        client.await.unwrap();
        server.abort();
    });
}

fn on_tokio(n: usize) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            s.set_nodelay(true).unwrap();
            let mut buf = [0u8; MESSAGE];
            while s.read_exact(&mut buf).await.is_ok() {
                s.write_all(&buf).await.unwrap();
            }
        });
        let client = tokio::spawn(async move {
            let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
            c.set_nodelay(true).unwrap();
            let mut buf = [0u8; MESSAGE];
            for i in 0..n {
                let msg = [i as u8; MESSAGE];
                c.write_all(&msg).await.unwrap();
                c.read_exact(&mut buf).await.unwrap();
                assert_eq!(buf, msg);
            }
        });
        client.await.unwrap();
        server.abort();
    });
}
