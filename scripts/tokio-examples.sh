#!/usr/bin/env bash
# tokio's own examples, ported to rt by the rename alone, built and run
# against rt: the check that "a tokio program runs on rt by changing its
# imports". The examples are not shipped in the tokio crate, so they come
# from a tokio source tree at run time (nothing of tokio's is kept here):
#
#   scripts/tokio-examples.sh TOKIO_SRC
#
# TOKIO_SRC is a tokio checkout (its examples/ directory is read) or a bare
# git directory of one (examples are read from HEAD). Each example's text
# has `tokio::` and `#[tokio::main]` rewritten to rt's, nothing else; the
# scratch package under target/tokio-examples/ depends on rt with its
# feature `tokio-io` (tokio's io traits on rt's streams, which tokio-util's
# codecs need) and on tokio-util, tracing and tracing-subscriber from the
# registry, plus the stand-ins of scripts/lib/stand-ins.sh.
#
# Examples checked: chat (built, then driven: two clients join, a line from
# one reaches the other, a leave is announced); proxy (built, then driven in
# front of an echo server: a request, a half-close, the echo and end of file
# back through copy_bidirectional). Exit status 0 only if all pass.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib/stand-ins.sh"
OUT=$ROOT/target/tokio-examples
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}

src=${1:-}
if [[ -z $src ]]; then
    echo "usage: scripts/tokio-examples.sh TOKIO_SRC (a tokio checkout or bare git dir)" >&2
    exit 2
fi
example_text() { # NAME: prints examples/NAME.rs of the tokio source
    if [[ -f $src/examples/$1.rs ]]; then
        cat "$src/examples/$1.rs"
    else
        git --git-dir="$src" show "HEAD:examples/$1.rs"
    fi
}

rm -rf "$OUT/pkg"
mkdir -p "$OUT/pkg/src/bin"
cp "$ROOT/Cargo.lock" "$OUT/pkg/Cargo.lock"
write_stand_ins "$OUT/pkg/shims"
cat >"$OUT/pkg/Cargo.toml" <<TOML
[package]
name = "rt-tokio-examples"
version = "0.0.0"
edition = "2021"
publish = false

# Not a member of rt's workspace.
[workspace]

[dependencies]
rt = { path = "$ROOT/crates/rt", features = ["tokio-io"] }
tokio-util = { version = "0.7", features = ["codec"] }
tokio-stream = { path = "shims/tokio-stream" }
futures = { path = "shims/futures" }
# tracing's default features pull tracing-attributes, not in the cache.
tracing = { version = "0.1", default-features = false, features = ["std"] }
tracing-subscriber = { version = "0.3", default-features = false, features = ["env-filter", "fmt", "std"] }
TOML

failed=0
for name in chat proxy; do
    if ! example_text "$name" | sed -e 's/\btokio::/rt::/g' >"$OUT/pkg/src/bin/$name.rs"; then
        echo "$name: not found in $src" >&2
        failed=1
        continue
    fi
done
if ! (cd "$OUT/pkg" && cargo build --offline --quiet --bins); then
    echo "tokio-examples: the ported examples do not build against rt" >&2
    exit 1
fi
bin=$CARGO_TARGET_DIR/debug

# chat: two clients on a free port, driven by python3's sockets.
port=$((20000 + RANDOM % 20000))
"$bin/chat" "127.0.0.1:$port" >"$OUT/chat.log" 2>&1 &
server=$!
if python3 - "$port" <<'PY'; then echo "chat: ok"; else echo "chat: FAILED (log: $OUT/chat.log)"; failed=1; fi
import socket, sys, time
port = int(sys.argv[1])
def connect():
    for _ in range(100):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.settimeout(5)
            return s
        except OSError:
            time.sleep(0.1)
    raise SystemExit("no server")
def expect(sock, text):
    got = b""
    while text.encode() not in got:
        chunk = sock.recv(4096)
        if not chunk:
            raise SystemExit(f"closed before {text!r}; got {got!r}")
        got += chunk
a, b = connect(), connect()
expect(a, "Please enter your username:")
expect(b, "Please enter your username:")
a.sendall(b"alice\n")
time.sleep(0.3)  # alice is in the room before bob joins
b.sendall(b"bob\n")
expect(a, "bob has joined the chat")
b.sendall(b"hello from bob\n")
expect(a, "bob: hello from bob")
a.close()
expect(b, "alice has left the chat")
PY
kill "$server" 2>/dev/null
wait "$server" 2>/dev/null

# proxy: an echo server (python3) behind the proxy; a client writes, shuts
# its write half down, and must get the echo then end of file through it.
front=$((20000 + RANDOM % 20000))
back=$((front + 1))
"$bin/proxy" "127.0.0.1:$front" "127.0.0.1:$back" >"$OUT/proxy.log" 2>&1 &
server=$!
if python3 - "$front" "$back" <<'PY'; then echo "proxy: ok"; else echo "proxy: FAILED (log: $OUT/proxy.log)"; failed=1; fi
import socket, sys, threading, time
front, back = int(sys.argv[1]), int(sys.argv[2])
echo = socket.create_server(("127.0.0.1", back))
def serve():
    conn, _ = echo.accept()
    data = b""
    while chunk := conn.recv(4096):
        data += chunk
    conn.sendall(data.upper())  # after the client's end of file
    conn.close()
threading.Thread(target=serve, daemon=True).start()
for _ in range(100):
    try:
        c = socket.create_connection(("127.0.0.1", front), timeout=5)
        break
    except OSError:
        time.sleep(0.1)
else:
    raise SystemExit("no proxy")
c.settimeout(5)
c.sendall(b"through the proxy")
c.shutdown(socket.SHUT_WR)
got = b""
while chunk := c.recv(4096):
    got += chunk
if got != b"THROUGH THE PROXY":
    raise SystemExit(f"got {got!r}")
PY
kill "$server" 2>/dev/null
wait "$server" 2>/dev/null
exit "$failed"
