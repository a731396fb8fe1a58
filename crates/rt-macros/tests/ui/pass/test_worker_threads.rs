#[rt::test(worker_threads = 1)]
async fn spawn_in_test() {
    assert_eq!(rt::spawn(async { 1 + 1 }).await.unwrap(), 2);
}

fn main() {}
