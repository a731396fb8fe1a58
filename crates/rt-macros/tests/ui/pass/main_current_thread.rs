// The current-thread runtime: tasks run on the main thread.
#[rt::main(flavor = "current_thread")]
async fn main() {
    let main_thread = std::thread::current().id();
    let task = rt::spawn(async { std::thread::current().id() });
    assert_eq!(task.await.unwrap(), main_thread);
}
