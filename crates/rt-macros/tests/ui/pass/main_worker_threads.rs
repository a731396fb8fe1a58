#[rt::main(worker_threads = 1)]
async fn main() {
    assert_eq!(rt::spawn(async { 1 + 1 }).await.unwrap(), 2);
}
