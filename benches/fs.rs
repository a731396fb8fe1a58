//! File-system workloads, each written once and run on rt and on tokio
//! with the same worker count, in one criterion group per workload
//! (`fs_read_exact_4k/rt`, `fs_read_exact_4k/tokio`, …).
//!
//! | group | one iteration |
//! |---|---|
//! | `fs_read_exact_4k` | [`READS`] times: seek to offset 0 and `read_exact` [`FILE_LEN`] bytes of a file opened once |
//! | `fs_read_4k` | [`READS`] times: `fs::read` a [`FILE_LEN`]-byte file (open, read, close) |
//!
//! The file is written once per bench function, before the timed region,
//! and read once to warm the page cache: what is measured is the
//! runtime's path to the blocking pool and back (both runtimes run file
//! operations on blocking threads), not the disk. It is removed when the
//! function is done.
//!
//! The workloads are the body of [`fs_workloads!`], expanded once per
//! runtime with that runtime's `fs` and `io`: the same text for both.
//!
//! ```text
//! cargo bench --bench fs
//! cargo bench --bench fs -- fs_read_exact_4k    # one workload
//! ```

mod common;

use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};

/// Bytes of the file read by every workload: one page.
const FILE_LEN: usize = 4 * 1024;
/// File operations per iteration.
const READS: usize = 100;

/// Criterion settings: 2 workloads × 2 runtimes at about 5 s each. Flat
/// sampling: an iteration (100 round trips to a blocking thread) takes
/// about a millisecond, too long for criterion's linear ramp.
const SAMPLE_SIZE: usize = 30;
const WARM_UP: Duration = Duration::from_secs(1);
const MEASUREMENT: Duration = Duration::from_secs(3);

/// A [`FILE_LEN`]-byte file in the temporary directory, named after the
/// process and `name` (so two bench runs do not share it), removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> TempFile {
        let path = std::env::temp_dir().join(format!("rt-bench-fs-{}-{name}", std::process::id()));
        let contents: Vec<u8> = (0..FILE_LEN).map(|i| i as u8).collect();
        std::fs::write(&path, &contents).expect("write the bench file");
        // Read once: the timed reads hit the page cache.
        assert_eq!(std::fs::read(&path).expect("read the bench file"), contents);
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Writes every workload once, in a module `$module` that uses
/// `$krate::fs` and `$krate::io` on the runtime `$runtime` (rt carries
/// tokio's names, so the same text compiles against both).
macro_rules! fs_workloads {
    ($module:ident, $krate:ident, $runtime:ty) => {
        mod $module {
            use std::io::SeekFrom;

            use $krate::fs;
            use $krate::io::{AsyncReadExt, AsyncSeekExt};

            use crate::common::{BenchRuntime, Group, WORKERS};
            use crate::*;

            type R = $runtime;

            pub(crate) fn fs_read_exact_4k(group: &mut Group<'_>) {
                let rt = <R as BenchRuntime>::new(WORKERS);
                let file = TempFile::new(concat!("read-exact-", stringify!($krate)));
                // Opened once, outside the timed region.
                let mut opened = rt.block_on(fs::File::open(&file.0)).expect("open");
                let mut buf = vec![0u8; FILE_LEN];
                group.bench_function(<R as BenchRuntime>::NAME, |b| {
                    b.iter(|| {
                        rt.block_on(async {
                            for _ in 0..READS {
                                opened.seek(SeekFrom::Start(0)).await.expect("seek");
                                opened.read_exact(&mut buf).await.expect("read_exact");
                            }
                        })
                    })
                });
                assert_eq!(buf[FILE_LEN - 1], (FILE_LEN - 1) as u8);
                drop(opened);
            }

            pub(crate) fn fs_read_4k(group: &mut Group<'_>) {
                let rt = <R as BenchRuntime>::new(WORKERS);
                let file = TempFile::new(concat!("read-", stringify!($krate)));
                group.bench_function(<R as BenchRuntime>::NAME, |b| {
                    b.iter(|| {
                        rt.block_on(async {
                            for _ in 0..READS {
                                let contents = fs::read(&file.0).await.expect("read");
                                assert_eq!(contents.len(), FILE_LEN);
                            }
                        })
                    })
                });
            }
        }
    };
}

fs_workloads!(on_rt, rt, rt::Runtime);
fs_workloads!(on_tokio, tokio, tokio::runtime::Runtime);

/// Run `workload` on rt, then on tokio, in one group named after it. Each
/// runtime is built and dropped inside the workload, so at most one runs
/// at a time.
macro_rules! compare {
    ($c:expr, $workload:ident) => {{
        let mut group = $c.benchmark_group(stringify!($workload));
        group.sampling_mode(SamplingMode::Flat);
        group.throughput(Throughput::Elements(READS as u64));
        on_rt::$workload(&mut group);
        on_tokio::$workload(&mut group);
        group.finish();
    }};
}

fn fs(c: &mut Criterion) {
    compare!(c, fs_read_exact_4k);
    compare!(c, fs_read_4k);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(SAMPLE_SIZE)
        .warm_up_time(WARM_UP)
        .measurement_time(MEASUREMENT);
    targets = fs
}
criterion_main!(benches);
