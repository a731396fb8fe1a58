# Sourced by scripts/tokio-tests.sh and scripts/tokio-examples.sh.
#
# write_stand_ins DIR: writes two small crates under DIR that stand in for
# crates tokio's tests and examples import but that are not in the offline
# registry cache:
#   futures      - re-exports futures-util (already in Cargo.lock), sinks
#                  included, since the `futures` facade crate is not cached;
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
