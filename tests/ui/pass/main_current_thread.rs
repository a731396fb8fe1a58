#[rt::main(flavor = "current_thread")]
async fn main() {
    assert_eq!(rt::spawn(async { 1 + 1 }).await.unwrap(), 2);
}
