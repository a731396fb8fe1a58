//! A minimal HTTP/1.1 keep-alive client: writes a request's bytes, reads
//! one response (status line, headers, a `Content-Length` body).
//!
//! One request is in flight per connection, so a response must end exactly
//! where the bytes read end: anything after it is an error, as are chunked
//! bodies, `Connection: close` and a head over [`MAX_HEAD`] bytes. The
//! client only has to understand the demo servers, quickly; it is no
//! general HTTP client.

use std::io;
use std::net::SocketAddr;

use rt::io::{AsyncReadExt, AsyncWriteExt};
use rt::net::TcpStream;

/// The largest response head (status line and headers) accepted.
const MAX_HEAD: usize = 8 * 1024;

/// One request's bytes, built once per connection; an echo request's body
/// is rewritten in place before each send.
#[derive(Debug)]
pub(super) struct Request {
    bytes: Vec<u8>,
    body_at: usize,
}

impl Request {
    /// `GET path`.
    pub(super) fn get(host: SocketAddr, path: &str) -> Request {
        let bytes = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").into_bytes();
        let body_at = bytes.len();
        Request { bytes, body_at }
    }

    /// `POST path` with a body of `size` bytes (zeros until rewritten).
    pub(super) fn post(host: SocketAddr, path: &str, size: usize) -> Request {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {size}\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        );
        let mut bytes = head.into_bytes();
        let body_at = bytes.len();
        bytes.resize(body_at + size, 0);
        Request { bytes, body_at }
    }

    pub(super) fn body(&self) -> &[u8] {
        &self.bytes[self.body_at..]
    }

    pub(super) fn body_mut(&mut self) -> &mut [u8] {
        &mut self.bytes[self.body_at..]
    }
}

/// A response, borrowed from the connection's buffer until the next request.
#[derive(Debug)]
pub(super) struct Response<'a> {
    pub(super) status: u16,
    pub(super) body: &'a [u8],
}

/// A keep-alive connection and its read buffer.
#[derive(Debug)]
pub(super) struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
    /// Bytes of `buf` read so far for the current response.
    len: usize,
}

impl Connection {
    pub(super) fn new(stream: TcpStream) -> Connection {
        Connection {
            stream,
            buf: vec![0; MAX_HEAD],
            len: 0,
        }
    }

    /// Sends `request` and reads its response; the error says what went
    /// wrong, for the report.
    pub(super) async fn round_trip(&mut self, request: &Request) -> Result<Response<'_>, String> {
        self.stream
            .write_all(&request.bytes)
            .await
            .map_err(|err| err.to_string())?;
        self.len = 0;
        let head_len = loop {
            if let Some(at) = self.buf[..self.len]
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
            {
                break at + 4;
            }
            if self.len == MAX_HEAD {
                return Err(format!("a response head over {MAX_HEAD} bytes"));
            }
            self.fill().await?;
        };
        let (status, content_length) = parse_head(&self.buf[..head_len])?;
        let end = head_len + content_length;
        if self.buf.len() < end {
            self.buf.resize(end, 0);
        }
        while self.len < end {
            self.fill().await?;
        }
        if self.len > end {
            return Err("bytes after the response, which was not asked for".into());
        }
        Ok(Response {
            status,
            body: &self.buf[head_len..end],
        })
    }

    /// Reads more of the response into the free end of the buffer.
    async fn fill(&mut self) -> Result<(), String> {
        match self.stream.read(&mut self.buf[self.len..]).await {
            Ok(0) => Err("the server closed the connection".into()),
            Ok(n) => {
                self.len += n;
                Ok(())
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => Ok(()),
            Err(err) => Err(err.to_string()),
        }
    }
}

/// The status and the `Content-Length` of a response head (which ends
/// with its blank line).
fn parse_head(head: &[u8]) -> Result<(u16, usize), String> {
    let head = std::str::from_utf8(head).map_err(|_| "a response head that is not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("a malformed status line: {status_line:?}"))?;
    let mut content_length = None;
    for line in lines.take_while(|line| !line.is_empty()) {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("a malformed header: {line:?}"))?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            let length = value
                .parse()
                .map_err(|_| format!("a malformed Content-Length: {value:?}"))?;
            content_length = Some(length);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(format!("Transfer-Encoding {value:?}: not supported"));
        } else if name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close") {
            return Err("Connection: close on a keep-alive connection".into());
        }
    }
    let content_length = content_length.ok_or("a response without Content-Length")?;
    Ok((status, content_length))
}

#[cfg(test)]
mod tests {
    use super::parse_head;

    #[test]
    fn heads_parse_or_say_why_not() {
        let ok = "HTTP/1.1 200 OK\r\ncontent-length: 13\r\ndate: x\r\n\r\n";
        assert_eq!(parse_head(ok.as_bytes()), Ok((200, 13)));
        let missing = "HTTP/1.1 404 Not Found\r\n\r\n";
        assert!(parse_head(missing.as_bytes())
            .unwrap_err()
            .contains("Content-Length"));
        let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        assert!(parse_head(chunked.as_bytes()).is_err());
        assert!(parse_head(b"HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n").is_err());
    }
}
