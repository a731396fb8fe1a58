// The expansions of select!, join! and try_join! hold `unsafe` blocks (pin
// projection of their futures); a crate that forbids unsafe code, and denies
// warnings, still uses them, as it does tokio's.
#![forbid(unsafe_code)]
#![deny(warnings)]

#[rt::main]
async fn main() {
    let (a, b) = rt::join!(async { 1 }, async { 2 });
    let sum: Result<(i32, i32), ()> = rt::try_join!(biased; async { Ok(a) }, async { Ok(b) });
    let chosen = rt::select! {
        Some(n) = async { Some(3) } => n,
        _ = std::future::pending::<()>() => 0,
        else => 0,
    };
    assert_eq!((sum, chosen), (Ok((1, 2)), 3));
}
