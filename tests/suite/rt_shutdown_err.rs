//! `rt::runtime::is_rt_shutdown_err` recognises the error of an I/O
//! resource whose runtime has shut down, and no other error: not one of
//! the operating system's, not a failed task's, not a look-alike with the
//! same text.

use std::io;

use rt::net::TcpListener;
use rt::runtime::{is_rt_shutdown_err, Builder, Runtime};

fn runtime() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap()
}

#[test]
fn a_socket_of_a_dropped_runtime_fails_with_it() {
    let first = runtime();
    let listener = first
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    drop(first);
    runtime().block_on(async {
        let err = listener.accept().await.unwrap_err();
        assert!(is_rt_shutdown_err(&err), "{err:?}");
    });
}

#[test]
fn other_errors_are_not_it() {
    assert!(!is_rt_shutdown_err(&io::Error::other("shut down")));
    assert!(!is_rt_shutdown_err(&io::Error::from(
        io::ErrorKind::NotFound
    )));
    // Same text as the real one, but not the real one.
    let rt = runtime();
    let first = runtime();
    let listener = first
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    drop(first);
    let real = rt.block_on(listener.accept()).unwrap_err();
    assert!(!is_rt_shutdown_err(&io::Error::other(real.to_string())));

    let cancelled = rt.spawn(std::future::pending::<()>());
    cancelled.abort();
    let err: io::Error = rt.block_on(cancelled).unwrap_err().into();
    assert!(!is_rt_shutdown_err(&err));
}
