//! `rt::io::stdin`/`stdout`/`stderr` run on the blocking pool, so they work
//! on regular files (which epoll refuses): this test binary runs itself as
//! a child with stdin, stdout and stderr redirected to files, and the
//! child copies its input, upper-cased line by line, to its output.

use crate::support;

use std::fs::File;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use rt::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use support::{runtime, watchdog};

const CHILD: &str = "RT_IO_STDIO_CHILD";
const LINES: usize = 5000; // ~60 KiB: many reads and writes

/// The child's side (does nothing unless run as the child).
#[test]
fn child_upper_cases_stdin_to_stdout() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    runtime(2).block_on(async {
        let mut out = rt::io::stdout();
        let mut written = 0;
        out.write_all(b"BEGIN\n").await.unwrap();
        let mut lines = BufReader::new(rt::io::stdin()).lines();
        while let Some(line) = lines.next_line().await.unwrap() {
            out.write_all(line.to_uppercase().as_bytes()).await.unwrap();
            out.write_all(b"\n").await.unwrap();
            written += line.len() + 1;
        }
        out.write_all(b"END\n").await.unwrap();
        // A large last write: still under way when `flush` is called.
        let tail = vec![b'.'; 4 << 20];
        out.write_all(&tail).await.unwrap();
        written += tail.len();
        out.flush().await.unwrap();
        // Once `flush` is done, every byte is in the file (stdout is one).
        let size = std::fs::metadata("/proc/self/fd/1").unwrap().len() as usize;
        assert!(
            size >= written + "BEGIN\nEND\n".len(),
            "flushed, yet the file has {size} bytes"
        );
        let mut err = rt::io::stderr();
        err.write_all(b"done on stderr\n").await.unwrap();
        err.flush().await.unwrap();
    });
}

fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("rt-io-stdio-{}-{name}", std::process::id()))
}

#[test]
fn stdio_on_regular_files_through_the_blocking_pool() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let (input, output, errors) = (scratch("in"), scratch("out"), scratch("err"));
    let text: String = (0..LINES).map(|i| format!("line number {i}\n")).collect();
    std::fs::write(&input, &text).unwrap();

    let status = watchdog(Duration::from_secs(120), {
        let (input, output, errors) = (input.clone(), output.clone(), errors.clone());
        move || {
            Command::new(std::env::current_exe().unwrap())
                .args([
                    support::test_name(module_path!(), "child_upper_cases_stdin_to_stdout")
                        .as_str(),
                    "--exact",
                    "--nocapture",
                ])
                .env(CHILD, "1")
                .stdin(Stdio::from(File::open(&input).unwrap()))
                .stdout(Stdio::from(File::create(&output).unwrap()))
                .stderr(Stdio::from(File::create(&errors).unwrap()))
                .status()
                .unwrap()
        }
    });
    let out = std::fs::read_to_string(&output).unwrap();
    let err = std::fs::read_to_string(&errors).unwrap();
    for path in [&input, &output, &errors] {
        let _ = std::fs::remove_file(path);
    }
    assert!(status.success(), "child failed: {status}\nstderr: {err}");
    // The test harness writes its own lines around ours.
    let begin = out.find("BEGIN\n").expect("no BEGIN in the child's stdout") + "BEGIN\n".len();
    let end = out.find("END\n").expect("no END in the child's stdout");
    assert!(
        out[begin..end] == text.to_uppercase(),
        "the copy differs ({} bytes, expected {})",
        end - begin,
        text.len()
    );
    assert!(err.contains("done on stderr\n"), "stderr: {err}");
}

#[test]
fn a_write_after_the_runtime_shut_down_fails_with_the_shutdown_error() {
    let err = watchdog(Duration::from_secs(30), || {
        let rt = runtime(1);
        let handle = rt.handle().clone();
        rt.shutdown_timeout(Duration::from_secs(10));
        // The pool refuses the write: this write fails, not a later one,
        // and nothing reaches the test's stdout.
        handle
            .block_on(async { rt::io::stdout().write_all(b"not written\n").await })
            .expect_err("the write fails")
    });
    assert!(rt::runtime::is_rt_shutdown_err(&err), "got {err:?}");
}
