use std::num::ParseIntError;

#[rt::main]
async fn main() -> Result<(), ParseIntError> {
    let n: u32 = rt::spawn(async { "42".parse() }).await.unwrap()?;
    assert_eq!(n, 42);
    Ok(())
}
