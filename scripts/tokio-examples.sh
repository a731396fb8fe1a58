#!/usr/bin/env bash
# tokio's own examples, ported to rt by the rename alone, built and run
# against rt: the check that "a tokio program runs on rt by changing its
# imports". The examples are not shipped in the tokio crate, so they come
# from a tokio source tree at run time (nothing of tokio's is kept here):
#
#   scripts/tokio-examples.sh TOKIO_SRC [NAME...]   build and drive NAMEs
#                                                   (default: all listed)
#   scripts/tokio-examples.sh --list                the names, one a line
#
# TOKIO_SRC is a tokio checkout (its examples/ directory is read) or a bare
# git directory of one (examples are read from HEAD). Each example's text
# has `tokio::` rewritten to `rt::` (which covers `#[tokio::main]`), nothing
# else; the scratch package under target/tokio-examples/ depends on rt and on
# the registry's tokio-util, bytes, http, httparse, httpdate, libc, serde and
# serde_json, tracing and tracing-subscriber, plus the stand-ins of
# scripts/lib/stand-ins.sh for `futures` and `tokio-stream` (the registry
# cache has futures-util, whose items the `futures` stand-in re-exports, but
# not the `futures` facade itself).
#
# Each example is built on its own (one that does not build does not hide
# the others), then driven the way a user would drive it, and its observable
# result is checked (python3's sockets play the other side):
#   chat               two clients join, a line from one reaches the other,
#                      a leave is announced
#   proxy              in front of an echo server: a request, a half-close,
#                      the echo and end of file back (copy_bidirectional)
#   echo-tcp           256 KiB written then a half-close: the same bytes
#                      back, then end of file
#   tinydb             GET of the seeded key, SET then GET over one
#                      connection, GET of the new value over another
#   print_each_packet  the lines a client sends appear on its stdout, then
#                      the FIN is reported
#   connect-tcp        stdin lines reach an echo server and its replies come
#                      back on stdout; end of file on stdin ends it (exit 0)
#   connect-udp        the same over UDP
#   hello_world        writes "hello world\n" to a listener on 127.0.0.1:6142
#   echo-udp           datagrams from two clients come back to each
#   udp-client         stdin sent as one datagram; the reply is printed
#   tinyhttp           /plaintext, /json and a 404 over one keep-alive
#                      connection
#   prewarm-fd-table   grows the fd table, then builds a multi-thread
#                      runtime by hand and blocks on it: exits 0
# Not listed (they do not port by the rename; selectable by name to see
# why): udp-codec (tokio-util's UdpFramed is bound to tokio's own UdpSocket
# type, `T: Borrow<tokio::net::UdpSocket>`); graceful-shutdown (needs
# rt::signal::ctrl_c; and tokio-util's TaskTracker is behind its `rt`
# feature, which needs futures-macro, not in the offline cache, and spawns
# through tokio::task::spawn, which panics outside a tokio runtime). Their
# drivers are written: a pinged b pongs four times; SIGINT ends a served
# connection with the shutdown notice and the server with status 0.
#
# Every run is bounded by `timeout`; sockets are on 127.0.0.1 only; servers
# are stopped on exit (a trap). Exit status 0 only if every selected example
# builds and passes its check.
set -uo pipefail

LISTED=(chat proxy echo-tcp tinydb print_each_packet connect-tcp connect-udp
    hello_world echo-udp udp-client tinyhttp prewarm-fd-table)
UNLISTED=(udp-codec graceful-shutdown)

if [[ ${1:-} == --list ]]; then
    printf '%s\n' "${LISTED[@]}"
    exit 0
fi
src=${1:-}
if [[ -z $src || $src == -* ]]; then
    echo "usage: scripts/tokio-examples.sh TOKIO_SRC [NAME...] | --list" >&2
    exit 2
fi
shift
names=("$@")
((${#names[@]})) || names=("${LISTED[@]}")
for name in "${names[@]}"; do
    if [[ " ${LISTED[*]} ${UNLISTED[*]} " != *" $name "* ]]; then
        echo "tokio-examples: unknown example $name (see --list)" >&2
        exit 2
    fi
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/lib/stand-ins.sh"
OUT=$ROOT/target/tokio-examples
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}
started=$SECONDS

example_text() { # NAME: prints examples/NAME.rs of the tokio source
    if [[ -f $src/examples/$1.rs ]]; then
        cat "$src/examples/$1.rs"
    else
        git --git-dir="$src" show "HEAD:examples/$1.rs"
    fi
}

# Servers started by the drivers; stopped on any exit.
servers=()
stop_servers() {
    local pid
    for pid in "${servers[@]}"; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    servers=()
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

# serve NAME ARGS...: starts the built example NAME in the background (at
# most 120 s), its output in $OUT/NAME.log.
serve() {
    local name=$1
    shift
    timeout 120 "$bin/$name" "$@" >"$OUT/$name.log" 2>&1 &
    servers+=($!)
}

# free_port tcp|udp: a port on 127.0.0.1 nobody holds right now.
free_port() {
    python3 -c '
import socket, sys
kind = socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, kind)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' "$1"
}

# check ARGS... <<'PY': runs the python driver on stdin (at most 60 s) after
# a common prelude: connect(port) with retries, expect(sock, text),
# client(args, ...) to run a built example as a subprocess, and a TERM
# handler so the `timeout` ends the driver through its `finally`s.
check() {
    local body
    body=$(cat)
    timeout 60 python3 - "$@" <<PY
import os, select, signal, socket, subprocess, sys, threading, time
signal.signal(signal.SIGTERM, lambda *_: sys.exit("driver timed out"))
BIN = os.environ["EXAMPLES_BIN"]
def connect(port):
    for _ in range(100):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.settimeout(10)
            return s
        except OSError:
            time.sleep(0.1)
    raise SystemExit("no server on port %d" % port)
def expect(sock, text, got=b""):
    """Reads until text (bytes or str) has arrived; returns what came after."""
    text = text.encode() if isinstance(text, str) else text
    while text not in got:
        chunk = sock.recv(65536)
        if not chunk:
            raise SystemExit(f"closed before {text!r}; got {got!r}")
        got += chunk
    return got[got.index(text) + len(text):]
def read_to_eof(sock):
    got = b""
    while chunk := sock.recv(65536):
        got += chunk
    return got
def client(name, *args, **kw):
    return subprocess.Popen([os.path.join(BIN, name), *args], **kw)
def expect_log(name, text, secs=10):
    path = os.path.join(os.environ["EXAMPLES_OUT"], name + ".log")
    deadline = time.monotonic() + secs
    while True:
        try:
            with open(path, errors="replace") as f:
                log = f.read()
        except FileNotFoundError:
            log = ""
        if text in log:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"{text!r} not in {name}'s output: {log!r}")
        time.sleep(0.05)
$body
PY
}

drive_chat() {
    local port
    port=$(free_port tcp)
    serve chat "127.0.0.1:$port"
    check "$port" <<'PY'
port = int(sys.argv[1])
a, b = connect(port), connect(port)
expect(a, "Please enter your username:")
expect(b, "Please enter your username:")
a.sendall(b"alice\n")
expect_log("chat", "alice has joined the chat")  # in the room before bob
b.sendall(b"bob\n")
expect(a, "bob has joined the chat")
b.sendall(b"hello from bob\n")
expect(a, "bob: hello from bob")
a.close()
expect(b, "alice has left the chat")
PY
}

# An echo server (python3) behind the proxy; a client writes, shuts its
# write half down, and must get the echo then end of file through it.
drive_proxy() {
    local front back
    front=$(free_port tcp)
    back=$(free_port tcp)
    serve proxy "127.0.0.1:$front" "127.0.0.1:$back"
    check "$front" "$back" <<'PY'
front, back = int(sys.argv[1]), int(sys.argv[2])
echo = socket.create_server(("127.0.0.1", back))
def serve():
    conn, _ = echo.accept()
    data = read_to_eof(conn)
    conn.sendall(data.upper())  # after the client's end of file
    conn.close()
threading.Thread(target=serve, daemon=True).start()
c = connect(front)
c.sendall(b"through the proxy")
c.shutdown(socket.SHUT_WR)
got = read_to_eof(c)
if got != b"THROUGH THE PROXY":
    raise SystemExit(f"got {got!r}")
PY
}

drive_echo_tcp() {
    local port
    port=$(free_port tcp)
    serve echo-tcp "127.0.0.1:$port"
    check "$port" <<'PY'
port = int(sys.argv[1])
data = os.urandom(256 * 1024)  # more than the example's 4 KiB buffer
c = connect(port)
def writer():
    c.sendall(data)
    c.shutdown(socket.SHUT_WR)
t = threading.Thread(target=writer)
t.start()
got = read_to_eof(c)
t.join()
if got != data:
    raise SystemExit(f"echoed {len(got)} bytes, not the {len(data)} sent")
PY
}

drive_tinydb() {
    local port
    port=$(free_port tcp)
    serve tinydb "127.0.0.1:$port"
    check "$port" <<'PY'
port = int(sys.argv[1])
def ask(sock, line, want):
    sock.sendall(line.encode() + b"\n")
    rest = expect(sock, want + "\n")
    if rest:
        raise SystemExit(f"more after {want!r}: {rest!r}")
a = connect(port)
ask(a, "GET foo", "foo = bar")
ask(a, "SET colour blue", "set colour = `blue`, previous: None")
ask(a, "GET colour", "colour = blue")
ask(a, "SET colour green", 'set colour = `green`, previous: Some("blue")')
ask(a, "GET nothing", "error: no key nothing")
b = connect(port)
ask(b, "GET colour", "colour = green")
PY
}

drive_print_each_packet() {
    local port
    port=$(free_port tcp)
    serve print_each_packet "127.0.0.1:$port"
    check "$port" <<'PY'
port = int(sys.argv[1])
c = connect(port)
c.sendall(b"first line\n")
expect_log("print_each_packet", 'bytes: b"first line\\n"')
c.sendall(b"second line\n")
expect_log("print_each_packet", 'bytes: b"second line\\n"')
c.close()
expect_log("print_each_packet", "Socket received FIN packet and closed connection")
PY
}

# connect-tcp and connect-udp: lines written to the example's stdin reach a
# python3 echo server (which upper-cases them) and come back on its stdout;
# closing its stdin ends it with status 0.
drive_connect_tcp() {
    printf '%s\ndrive_connect(sys.argv[1])\n' "$CONNECT_DRIVER" | check tcp
}
drive_connect_udp() {
    printf '%s\ndrive_connect(sys.argv[1])\n' "$CONNECT_DRIVER" | check udp
}
CONNECT_DRIVER='
def drive_connect(kind):
    if kind == "tcp":
        srv = socket.create_server(("127.0.0.1", 0))
        def serve():
            conn, _ = srv.accept()
            while chunk := conn.recv(65536):
                conn.sendall(chunk.upper())
            conn.close()
    else:
        srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        srv.bind(("127.0.0.1", 0))
        def serve():
            while True:
                data, peer = srv.recvfrom(65536)
                srv.sendto(data.upper(), peer)
    threading.Thread(target=serve, daemon=True).start()
    addr = "127.0.0.1:%d" % srv.getsockname()[1]
    p = client("connect-" + kind, addr, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        got = b""
        for line in (b"first line\n", b"second line\n"):
            p.stdin.write(line)
            p.stdin.flush()
            want = line.upper()
            while want not in got:
                if not select.select([p.stdout], [], [], 10)[0]:
                    raise SystemExit(f"no {want!r} on stdout in 10 s; got {got!r}")
                chunk = os.read(p.stdout.fileno(), 65536)
                if not chunk:
                    raise SystemExit(f"stdout closed before {want!r}; got {got!r}")
                got += chunk
        p.stdin.close()
        rc = p.wait(timeout=10)
        if rc != 0:
            raise SystemExit(f"exit status {rc} after end of file on stdin")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
'

drive_hello_world() {
    check <<'PY'
try:
    srv = socket.create_server(("127.0.0.1", 6142))  # the example's address
except OSError as e:
    raise SystemExit(f"127.0.0.1:6142 is taken ({e}); hello_world needs it")
srv.settimeout(10)
p = client("hello_world", stdout=subprocess.PIPE)
try:
    conn, _ = srv.accept()
    conn.settimeout(10)
    got = read_to_eof(conn)
    if got != b"hello world\n":
        raise SystemExit(f"got {got!r}")
    out, _ = p.communicate(timeout=10)
    if p.returncode != 0 or b"success=true" not in out:
        raise SystemExit(f"exit status {p.returncode}, output {out!r}")
finally:
    if p.poll() is None:
        p.kill()
        p.wait()
PY
}

drive_echo_udp() {
    local port
    port=$(free_port udp)
    serve echo-udp "127.0.0.1:$port"
    check "$port" <<'PY'
port = int(sys.argv[1])
expect_log("echo-udp", "Listening on: 127.0.0.1:%d" % port)
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for s in (a, b):
    s.bind(("127.0.0.1", 0))
    s.settimeout(10)
def round_trip(sock, data):
    sock.sendto(data, ("127.0.0.1", port))
    got, peer = sock.recvfrom(65536)
    if got != data or peer != ("127.0.0.1", port):
        raise SystemExit(f"got {got!r} from {peer}")
round_trip(a, b"from a")
round_trip(b, b"from b")
round_trip(a, bytes(1000))
expect_log("echo-udp", "Echoed 6/6 bytes to 127.0.0.1:%d" % b.getsockname()[1])
PY
}

drive_udp_client() {
    check <<'PY'
srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
srv.bind(("127.0.0.1", 0))
srv.settimeout(10)
p = client("udp-client", "127.0.0.1:%d" % srv.getsockname()[1],
           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
try:
    p.stdin.write(b"one datagram\nof two lines")
    p.stdin.close()
    data, peer = srv.recvfrom(65536)
    if data != b"one datagram\nof two lines":
        raise SystemExit(f"got {data!r}")
    srv.sendto(b"the reply", peer)
    out = p.stdout.read()
    p.wait(timeout=10)
    if p.returncode != 0 or out != b"Received 9 bytes:\nthe reply\n":
        raise SystemExit(f"exit status {p.returncode}, output {out!r}")
finally:
    if p.poll() is None:
        p.kill()
        p.wait()
PY
}

drive_tinyhttp() {
    local port
    port=$(free_port tcp)
    serve tinyhttp "127.0.0.1:$port"
    check "$port" <<'PY'
import http.client, json
port = int(sys.argv[1])
connect(port).close()  # it is listening
h = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
def get(path):
    h.request("GET", path)
    r = h.getresponse()
    return r.status, r.getheader("Content-Type"), r.read()
want = (200, "text/plain", b"Hello, World!")
if (got := get("/plaintext")) != want:
    raise SystemExit(f"/plaintext: {got!r}")
status, kind, body = get("/json")
if (status, kind, json.loads(body)) != (200, "application/json", {"message": "Hello, World!"}):
    raise SystemExit(f"/json: {(status, kind, body)!r}")
if (got := get("/nothing")[0]) != 404:
    raise SystemExit(f"/nothing: {got!r}")
PY
}

drive_prewarm_fd_table() {
    check <<'PY'
r = subprocess.run([os.path.join(BIN, "prewarm-fd-table")], capture_output=True, timeout=20)
if r.returncode != 0 or b"Pre-warming FD table" not in r.stdout:
    raise SystemExit(f"exit status {r.returncode}, output {r.stdout!r} {r.stderr!r}")
PY
}

# Standalone: a pings b, b pongs back, four round trips, then "done!".
drive_udp_codec() {
    check <<'PY'
out = subprocess.run([os.path.join(BIN, "udp-codec")], capture_output=True, timeout=20).stdout
if out.count(b"[a] recv: PONG") != 4 or out.count(b"[b] recv: PING") != 5 or b"done!" not in out:
    raise SystemExit(f"output {out!r}")
PY
}

# A line is echoed; SIGINT: the connection is told and closed, the server
# exits 0.
drive_graceful_shutdown() {
    serve graceful-shutdown
    check "${servers[-1]}" <<'PY'
c = connect(6142)
c.sendall(b"a line\n")
expect(c, "a line\n")
expect_log("graceful-shutdown", "accepted connection")
subprocess.run(["pkill", "-INT", "-P", sys.argv[1]])  # the child of `timeout`
rest = read_to_eof(c)
if rest != b"server shutting down\n":
    raise SystemExit(f"got {rest!r}")
expect_log("graceful-shutdown", "shutdown complete")
PY
}

# ---- the scratch package ----------------------------------------------------
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
rt = { path = "$ROOT/crates/rt" }
tokio-util = { version = "0.7", features = ["codec", "net"] }
tokio-stream = { path = "shims/tokio-stream" }
futures = { path = "shims/futures" }
bytes = "1"
http = "1"
httparse = "1"
httpdate = "1"
libc = "0.2"
serde = "1"
serde_derive = "1"
serde_json = "1"
# tracing's default features pull tracing-attributes, not in the cache.
tracing = { version = "0.1", default-features = false, features = ["std"] }
tracing-subscriber = { version = "0.3", default-features = false, features = ["env-filter", "fmt", "std"] }
TOML

bin=$CARGO_TARGET_DIR/debug
export EXAMPLES_BIN=$bin EXAMPLES_OUT=$OUT
declare -A result
failed=0
for name in "${names[@]}"; do
    if ! example_text "$name" 2>/dev/null | sed -e 's/\btokio::/rt::/g' >"$OUT/pkg/src/bin/$name.rs"; then
        result[$name]="not found in $src"
        rm -f "$OUT/pkg/src/bin/$name.rs"
    fi
done
for name in "${names[@]}"; do
    [[ -n ${result[$name]:-} ]] && { failed=1; continue; }
    if ! (cd "$OUT/pkg" && timeout 1200 cargo build --offline --quiet --bin "$name") \
        >"$OUT/$name.build.log" 2>&1; then
        result[$name]="DOES NOT BUILD (errors: $OUT/$name.build.log)"
        failed=1
        continue
    fi
    t0=$SECONDS
    # Not in a pipeline: the driver's `serve` must record into this shell.
    "drive_${name//-/_}" >"$OUT/$name.check.log" 2>&1
    rc=$?
    stop_servers
    sed "s/^/  $name: /" "$OUT/$name.check.log"
    if ((rc == 0)); then
        result[$name]="ok ($((SECONDS - t0))s)"
    else
        result[$name]="FAILED (driver: $OUT/$name.check.log; example: $OUT/$name.log)"
        failed=1
    fi
done

for name in "${names[@]}"; do
    printf '%-18s %s\n' "$name:" "${result[$name]}"
done
echo "tokio-examples: $((SECONDS - started))s"
exit "$failed"
