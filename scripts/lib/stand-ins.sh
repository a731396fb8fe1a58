# Sourced by scripts/tokio-tests.sh and scripts/tokio-examples.sh.
#
# write_stand_ins DIR: writes two small crates under DIR that stand in for
# crates tokio's tests and examples import but that are not in the offline
# registry cache:
#   futures      - re-exports futures-util (already in Cargo.lock), sinks
#                  included, since the `futures` facade crate is not cached,
#                  plus a park-based executor::block_on;
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

/// `futures::executor::block_on` (rt_common.rs): the calling thread parks
/// between polls; the waker unparks it.
pub mod executor {
    use std::future::Future;
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    use std::thread::{self, Thread};

    struct Unpark(Thread);

    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    pub fn block_on<F: Future>(future: F) -> F::Output {
        let waker = Waker::from(Arc::new(Unpark(thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
            thread::park();
        }
    }
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
