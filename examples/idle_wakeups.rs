//! How often an idle runtime wakes up: 4 worker threads, no work, for 2 s;
//! prints the voluntary context switches of the runtime's threads (from
//! `/proc/self/task/*/status`), for rt or tokio. The measurement behind
//! README.md's "quiet when idle" figure.
//!
//! ```text
//! cargo run --release --example idle_wakeups -- rt
//! cargo run --release --example idle_wakeups -- tokio
//! ```

use std::time::Duration;

const WORKERS: usize = 4;
const IDLE: Duration = Duration::from_secs(2);

/// The sum of `voluntary_ctxt_switches` over this process's threads but
/// the calling one.
fn switches_of_other_threads() -> u64 {
    let me = std::fs::read_to_string("/proc/thread-self/stat")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned));
    let mut total = 0;
    for entry in std::fs::read_dir("/proc/self/task").expect("/proc/self/task") {
        let entry = entry.expect("a task entry");
        if Some(entry.file_name().to_string_lossy().into_owned()) == me {
            continue;
        }
        let status = std::fs::read_to_string(entry.path().join("status")).unwrap_or_default();
        for line in status.lines() {
            if let Some(n) = line.strip_prefix("voluntary_ctxt_switches:") {
                total += n.trim().parse::<u64>().unwrap_or(0);
            }
        }
    }
    total
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "rt".into());
    let (before, after) = match which.as_str() {
        "rt" => {
            let rt = rt::runtime::Builder::new_multi_thread()
                .worker_threads(WORKERS)
                .build()
                .expect("an rt runtime");
            // Let the workers start and settle.
            rt.block_on(async { rt::time::sleep(Duration::from_millis(200)).await });
            let before = switches_of_other_threads();
            std::thread::sleep(IDLE);
            (before, switches_of_other_threads())
        }
        "tokio" => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(WORKERS)
                .enable_all()
                .build()
                .expect("a tokio runtime");
            rt.block_on(async { tokio::time::sleep(Duration::from_millis(200)).await });
            let before = switches_of_other_threads();
            std::thread::sleep(IDLE);
            (before, switches_of_other_threads())
        }
        other => {
            eprintln!("usage: idle_wakeups [rt|tokio] (not {other:?})");
            std::process::exit(2);
        }
    };
    println!(
        "{which}: {} voluntary context switches of {WORKERS} idle workers in {IDLE:?}",
        after - before
    );
}
