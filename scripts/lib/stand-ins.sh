# Sourced by scripts/tokio-tests.sh and scripts/tokio-examples.sh.
#
# write_stand_ins DIR: writes two small crates under DIR that stand in for
# crates tokio's tests and examples import but that are not in the offline
# registry cache:
#   futures      - re-exports futures-util (already in Cargo.lock), sinks
#                  included, since the `futures` facade crate is not cached;
#                  plus, written here, `executor::block_on` (parks the
#                  calling thread between polls) and a two-branch
#                  `select!` (futures-util's needs futures-macro, also not
#                  cached);
#   tokio_stream - re-exports futures-util's Stream and StreamExt.
write_stand_ins() {
    local dir=$1
    mkdir -p "$dir/futures/src" "$dir/tokio-stream/src"
cat >"$dir/futures/Cargo.toml" <<'TOML'
[package]
name = "futures"
version = "0.3.0"
edition = "2021"
publish = false

[dependencies]
futures-util = { version = "0.3", default-features = false, features = ["std", "async-await", "sink"] }
TOML
cat >"$dir/futures/src/lib.rs" <<'RS'
//! Stand-in for the `futures` facade: futures-util's items under the same paths.
pub use futures_util::*;

#[doc(hidden)]
pub use futures_util::future::Either as __Either;

/// `futures::executor::block_on`: runs a future on the calling thread,
/// parking it until the future's waker unparks it.
pub mod executor {
    use std::future::Future;
    use std::pin::pin;
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    use std::thread::{self, Thread};

    struct Unparker(Thread);

    impl Wake for Unparker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    pub fn block_on<F: Future>(fut: F) -> F::Output {
        let mut fut = pin!(fut);
        let waker = Waker::from(Arc::new(Unparker(thread::current())));
        let mut cx = Context::from_waker(&waker);
        loop {
            if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
                return v;
            }
            thread::park();
        }
    }
}

/// `futures::select!` for two branches `pat = future => expr`, polled in
/// order (futures' picks at random; no test here depends on the order).
#[macro_export]
macro_rules! select {
    ($p1:pat = $f1:expr => $e1:expr, $p2:pat = $f2:expr => $e2:expr $(,)?) => {{
        let mut f1 = ::std::pin::pin!($f1);
        let mut f2 = ::std::pin::pin!($f2);
        let out = ::std::future::poll_fn(|cx| {
            use ::std::future::Future;
            if let ::std::task::Poll::Ready(v) = f1.as_mut().poll(cx) {
                return ::std::task::Poll::Ready($crate::__Either::Left(v));
            }
            if let ::std::task::Poll::Ready(v) = f2.as_mut().poll(cx) {
                return ::std::task::Poll::Ready($crate::__Either::Right(v));
            }
            ::std::task::Poll::Pending
        })
        .await;
        match out {
            $crate::__Either::Left($p1) => $e1,
            $crate::__Either::Right($p2) => $e2,
        }
    }};
}
RS

cat >"$dir/tokio-stream/Cargo.toml" <<'TOML'
[package]
name = "tokio-stream"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
futures-util = { version = "0.3", default-features = false, features = ["std"] }
TOML
cat >"$dir/tokio-stream/src/lib.rs" <<'RS'
//! Stand-in for tokio-stream: the `Stream` trait and its `next()`.
pub use futures_util::stream::{Stream, StreamExt};
RS

}
