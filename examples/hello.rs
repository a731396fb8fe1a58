//! Spawns a few tasks on rt and prints what they return.
//!
//! ```text
//! cargo run --example hello
//! ```

/// Sums `1..=n` the slow way, so each task has something to do.
fn triangle(n: u64) -> u64 {
    (1..=n).sum()
}

#[rt::main]
async fn main() {
    let handles: Vec<_> = (1..=5u64)
        .map(|n| rt::spawn(async move { (n, triangle(n * 1000)) }))
        .collect();
    for handle in handles {
        let (n, sum) = handle.await.expect("the task panicked");
        println!("hello from task {n}: 1 + ... + {} = {sum}", n * 1000);
    }
}
