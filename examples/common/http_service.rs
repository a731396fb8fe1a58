//! The HTTP service both demo servers run (`http_server` on rt,
//! `http_server_tokio` on tokio), written once so the two differ only in
//! their runtime: `GET /` answers a fixed 13-byte body, `POST /echo`
//! answers the request's body, anything else 404. Runtime-agnostic: plain
//! hyper 1.x and http-body-util.

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};

/// The body of `GET /`.
pub(crate) const HELLO: &[u8] = b"Hello, world!";

/// Answers one request (see the module docs).
pub(crate) async fn handle(
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let response = match (request.method(), request.uri().path()) {
        (&Method::GET, "/") => Response::new(Full::new(Bytes::from_static(HELLO))),
        (&Method::POST, "/echo") => match request.into_body().collect().await {
            Ok(body) => Response::new(Full::new(body.to_bytes())),
            Err(_) => status(StatusCode::BAD_REQUEST),
        },
        _ => status(StatusCode::NOT_FOUND),
    };
    Ok(response)
}

fn status(code: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = code;
    response
}
