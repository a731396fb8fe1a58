//! How many bytes one spawned task costs on rt, tokio and smol, measured
//! by a counting global allocator.
//!
//! For each runtime and future, a task running on a worker spawns a batch
//! of tasks first (so lazily grown structures such as rt's owner-list
//! slabs already have room), then spawns once more with recording on: every
//! allocation made on that thread during that one `spawn` call is listed.
//! The largest is the task itself. rt's own arithmetic
//! (`rt_task::task_allocation_size`) is printed as a cross-check.
//!
//! ```text
//! cargo run --release --example task_size
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Allocations kept per recording; more are counted but not listed.
const MAX_RECORDED: usize = 32;
/// Tasks spawned (and joined) before the measured spawn.
const WARM_UP_SPAWNS: usize = 1_000;

/// The system allocator, noting the size of each allocation the recording
/// thread makes.
struct Counting;

thread_local! {
    /// Whether this thread's allocations are being recorded. A const
    /// `Cell<bool>` needs no lazy initialisation, so the allocator may read it.
    static RECORDING: Cell<bool> = const { Cell::new(false) };
}

static COUNT: AtomicUsize = AtomicUsize::new(0);
static SIZES: [AtomicUsize; MAX_RECORDED] = [const { AtomicUsize::new(0) }; MAX_RECORDED];

fn note(layout: Layout) {
    if RECORDING.with(Cell::get) {
        // Relaxed: only the recording thread writes, and it reads them back.
        let i = COUNT.fetch_add(1, Relaxed);
        if let Some(slot) = SIZES.get(i) {
            slot.store(layout.size(), Relaxed);
        }
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged; `note` only touches atomics and a const thread-local, and never
// allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout);
        // SAFETY: the caller upholds `GlobalAlloc::alloc_zeroed`'s contract.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A growth counts as an allocation of the new size.
        // SAFETY: `layout.align()` is a valid alignment and `new_size` is
        // non-zero and does not overflow when rounded (realloc's contract).
        note(unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) });
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The sizes of the allocations `f` makes on this thread.
fn record<T>(f: impl FnOnce() -> T) -> (T, Vec<usize>) {
    COUNT.store(0, Relaxed);
    RECORDING.with(|r| r.set(true));
    let out = f();
    RECORDING.with(|r| r.set(false));
    let n = COUNT.load(Relaxed);
    let sizes = SIZES[..n.min(MAX_RECORDED)]
        .iter()
        .map(|s| s.load(Relaxed))
        .collect();
    (out, sizes)
}

/// A future with nothing in it.
async fn empty() {}

/// A future holding 64 bytes (plus its state tag).
fn holding_64() -> impl Future<Output = ()> + Send + 'static {
    let data = [7u8; 64];
    async move {
        black_box(data);
    }
}

/// What one measured spawn allocated: each allocation's size, in order.
struct Measured {
    sizes: Vec<usize>,
}

impl Measured {
    fn largest(&self) -> usize {
        self.sizes.iter().copied().max().unwrap_or(0)
    }

    fn list(&self) -> String {
        let list: Vec<String> = self.sizes.iter().map(usize::to_string).collect();
        format!("[{}]", list.join(", "))
    }
}

/// On an rt worker: warm up, then record one `rt::spawn` of `make()`.
fn measure_rt<F: Future<Output = ()> + Send + 'static>(make: fn() -> F) -> Measured {
    let runtime = rt::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .expect("build rt");
    let sizes = runtime.block_on(async move {
        let on_worker = rt::spawn(async move {
            let warm: Vec<_> = (0..WARM_UP_SPAWNS).map(|_| rt::spawn(make())).collect();
            for h in warm {
                h.await.unwrap();
            }
            let fut = make();
            let (handle, sizes) = record(|| rt::spawn(fut));
            handle.await.unwrap();
            sizes
        });
        on_worker.await.unwrap()
    });
    Measured { sizes }
}

/// On a tokio worker: warm up, then record one `tokio::spawn` of `make()`.
fn measure_tokio<F: Future<Output = ()> + Send + 'static>(make: fn() -> F) -> Measured {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("build tokio");
    let sizes = runtime.block_on(async move {
        let on_worker = tokio::spawn(async move {
            let warm: Vec<_> = (0..WARM_UP_SPAWNS).map(|_| tokio::spawn(make())).collect();
            for h in warm {
                h.await.unwrap();
            }
            let fut = make();
            let (handle, sizes) = record(|| tokio::spawn(fut));
            handle.await.unwrap();
            sizes
        });
        on_worker.await.unwrap()
    });
    Measured { sizes }
}

/// Inside a task of a smol `Executor`: warm up, then record one `spawn`.
fn measure_smol<F: Future<Output = ()> + Send + 'static>(make: fn() -> F) -> Measured {
    let ex: &'static async_executor::Executor<'static> =
        Box::leak(Box::new(async_executor::Executor::new()));
    let on_worker = ex.spawn(async move {
        let warm: Vec<_> = (0..WARM_UP_SPAWNS).map(|_| ex.spawn(make())).collect();
        for h in warm {
            h.await;
        }
        let fut = make();
        let (task, sizes) = record(|| ex.spawn(fut));
        task.await;
        sizes
    });
    let sizes = futures_lite::future::block_on(ex.run(on_worker));
    Measured { sizes }
}

/// rt's computed size of the task cell for a future like `make()`'s.
fn rt_expected<F: Future<Output = ()> + Send + 'static>(_make: fn() -> F) -> usize {
    rt_task::task_allocation_size::<F, rt::runtime::Handle>()
}

fn future_size<F: Future>(_make: fn() -> F) -> usize {
    std::mem::size_of::<F>()
}

fn row<F: Future<Output = ()> + Send + 'static>(name: &str, make: fn() -> F) {
    let rt = measure_rt(make);
    let tokio = measure_tokio(make);
    let smol = measure_smol(make);
    println!(
        "| {name} ({} B) | {} | {} | {} | {} |",
        future_size(make),
        rt.largest(),
        rt_expected(make),
        tokio.largest(),
        smol.largest(),
    );
    println!(
        "|   all allocations in that spawn | {} | | {} | {} |",
        rt.list(),
        tokio.list(),
        smol.list(),
    );
}

fn main() {
    println!("Bytes allocated by one spawn on a worker (largest allocation = the task):\n");
    println!("| future | rt | rt computed | tokio | smol |");
    println!("|---|---|---|---|---|");
    row("empty", empty);
    row("holding 64 B", holding_64);
}
