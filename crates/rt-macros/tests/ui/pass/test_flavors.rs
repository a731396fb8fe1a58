// `#[rt::test]` runs a current-thread runtime unless asked for workers.
#[rt::test]
async fn current_thread_by_default() {
    let test_thread = std::thread::current().id();
    let task = rt::spawn(async { std::thread::current().id() });
    assert_eq!(task.await.unwrap(), test_thread);
}

#[rt::test(flavor = "multi_thread")]
async fn multi_thread_on_request() {
    let test_thread = std::thread::current().id();
    let task = rt::spawn(async { std::thread::current().id() });
    assert_ne!(task.await.unwrap(), test_thread);
}

#[rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_thread_with_workers() {
    assert_eq!(rt::runtime::Handle::current().num_workers(), 2);
}

fn main() {}
