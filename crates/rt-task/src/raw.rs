//! The task cell: one heap allocation holding the header, the scheduler
//! handle and the future-or-output, and [`TaskRef`], the type-erased
//! counted pointer to it that every handle holds.
//!
//! WARNING: the stage (`UnsafeCell<Stage<F>>`) is shared between threads and
//! guarded only by the state word; read the crate docs' protocol before
//! touching it. Every access names the bit that makes it exclusive. The
//! reference count is the cell's `Arc` (the `rt_core::loom` shim's, so loom
//! tracks it), driven by hand through a thin pointer: every `unsafe fn` in
//! the vtables below takes or borrows one count, as its `# Safety` says.

use std::any::Any;
use std::cell::UnsafeCell;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr::NonNull;
use std::sync::atomic::AtomicUsize;
use std::task::{ready, Context, Poll, RawWaker, RawWakerVTable, Waker};

use rt_core::loom::Arc;
use rt_core::loom::AtomicWaker;

use crate::state::{State, Submit, ToIdle, ToRunning};
use crate::{Id, JoinError, Schedule, Task};

/// The part of a task that does not depend on its future's type. First in
/// the cell (`#[repr(C)]`), so a pointer to it is a pointer to the cell.
pub(crate) struct Header {
    pub(crate) state: State,
    pub(crate) id: Id,
    /// Slot in the owner's task list (`OwnedTasks`); `usize::MAX` if unowned.
    pub(crate) owner_key: AtomicUsize,
    /// The waker of the task awaiting the `JoinHandle`.
    pub(crate) join_waker: AtomicWaker,
    /// The operations of this cell's concrete `Cell<F, S>`.
    vtable: &'static Vtable,
}

/// The type-erased operations on a cell, one static table per `(F, S)`.
/// Each takes a pointer to the header of a live `Cell<F, S>` of the
/// table's own types; whether it consumes or borrows the caller's count is
/// in its comment.
struct Vtable {
    /// Poll once (or cancel, or drop a stale queue entry). Consumes.
    run: unsafe fn(NonNull<Header>),
    /// Drop the future now if no thread holds it (runtime shutdown). Consumes.
    shutdown: unsafe fn(NonNull<Header>),
    /// Abort: cancel, queueing the task if idle. Borrows.
    abort: unsafe fn(NonNull<Header>),
    /// The `JoinHandle` gives up its interest in the output. Borrows.
    drop_join_handle: unsafe fn(NonNull<Header>),
    /// `JoinHandle::poll`: writes a `Poll<Result<F::Output, JoinError>>`
    /// to the second argument. Borrows.
    poll_join: unsafe fn(NonNull<Header>, *mut (), &mut Context<'_>),
    /// Add a count. Borrows (the caller's count keeps the cell alive).
    clone_ref: unsafe fn(NonNull<Header>),
    /// Release the caller's count, freeing the cell if it was the last.
    drop_ref: unsafe fn(NonNull<Header>),
}

/// One counted reference to a task cell, type-erased: a thin pointer to
/// the header, whose vtable knows the cell's type. `Task`, `JoinHandle`
/// and `AbortHandle` each hold one; it releases its count when dropped.
pub(crate) struct TaskRef {
    ptr: NonNull<Header>,
}

// SAFETY: a `TaskRef` is made from an `Arc<Cell<F, S>>` with
// `S: Schedule` (so `Send + Sync`) and either `F: Send`, `F::Output: Send`
// (the safe constructors: the cell is then `Send + Sync`, see the `Sync`
// impl on `Cell`), or a future that is not `Send`, through
// `OwnedTasks::bind_local`, whose caller promises that every operation
// that polls or drops the future or produces the output (`run`,
// `shutdown`, the owner list's last release) happens on the one thread
// that owns the scheduler. What may happen on any thread — adding and
// releasing counts while the owner list still holds one, `wake`
// (`to_notified` and `Schedule::schedule`), `abort` (`to_cancelled` and
// `schedule`), reading the header — touches only atomics and the
// `Send + Sync` scheduler, never the stage (guarded by the state word).
unsafe impl Send for TaskRef {}
// SAFETY: as for `Send`: `&TaskRef` only reads the header (atomics) and
// calls the vtable's borrowing operations, all thread-safe.
unsafe impl Sync for TaskRef {}

impl TaskRef {
    /// Turn one count of `cell` into a `TaskRef`.
    pub(crate) fn new<F, S>(cell: Arc<Cell<F, S>>) -> TaskRef
    where
        F: Future + 'static,
        F::Output: 'static,
        S: Schedule,
    {
        let ptr = Arc::into_raw(cell).cast_mut().cast::<Header>();
        // SAFETY: `Arc::into_raw` never returns null.
        let ptr = unsafe { NonNull::new_unchecked(ptr) };
        TaskRef { ptr }
    }

    pub(crate) fn header(&self) -> &Header {
        // SAFETY: this `TaskRef` owns a count, so the cell (and the header
        // at its start) lives at least as long as `&self`.
        unsafe { self.ptr.as_ref() }
    }

    /// Poll once, giving this reference to the poll.
    pub(crate) fn run(self) {
        let me = ManuallyDrop::new(self);
        // SAFETY: `ptr` is a live cell of the vtable's own type (the header
        // holds its own cell's vtable); `run` consumes the count `me` owns,
        // which ManuallyDrop keeps from being released a second time here.
        unsafe { (me.header().vtable.run)(me.ptr) }
    }

    /// Runtime shutdown, giving this reference to it.
    pub(crate) fn shutdown(self) {
        let me = ManuallyDrop::new(self);
        // SAFETY: as in `run`: the cell's own vtable; `shutdown` consumes
        // the count `me` owns and ManuallyDrop does not release it.
        unsafe { (me.header().vtable.shutdown)(me.ptr) }
    }

    pub(crate) fn abort(&self) {
        // SAFETY: the cell's own vtable; `abort` borrows the count `self`
        // owns, which lives until after the call (`&self`).
        unsafe { (self.header().vtable.abort)(self.ptr) }
    }

    /// Give up the interest in the output (dropping it if it is stored).
    ///
    /// # Safety
    /// - the caller is the task's `JoinHandle`, being dropped: it calls
    ///   this once, and never touches the output after.
    pub(crate) unsafe fn drop_join_handle(&self) {
        // SAFETY: the cell's own vtable; borrows `self`'s count, which the
        // caller (the `JoinHandle`) releases only after this returns; the
        // caller is the JoinHandle, as it promises.
        unsafe { (self.header().vtable.drop_join_handle)(self.ptr) }
    }

    /// Poll for the output.
    ///
    /// # Safety
    /// - `T` is the output type of the cell's future (`F::Output`);
    /// - the caller is the task's `JoinHandle`, polled through `&mut` (so
    ///   no other thread takes the output at the same time).
    pub(crate) unsafe fn poll_join<T>(&self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>> {
        let mut out: Poll<Result<T, JoinError>> = Poll::Pending;
        // SAFETY: the cell's own vtable, borrowing `self`'s count for the
        // call; `out` is a `Poll<Result<F::Output, JoinError>>` because the
        // caller promises `T == F::Output`, and it outlives the call; the
        // caller is the JoinHandle, as it promises.
        unsafe {
            (self.header().vtable.poll_join)(self.ptr, (&raw mut out).cast(), cx);
        }
        out
    }

    pub(crate) fn ptr_eq(&self, other: &TaskRef) -> bool {
        self.ptr == other.ptr
    }

    /// Give up this reference's count as a bare pointer (see
    /// `Task::into_ptr`).
    pub(crate) fn into_ptr(self) -> NonNull<()> {
        ManuallyDrop::new(self).ptr.cast()
    }

    /// Take back a count given up by [`TaskRef::into_ptr`].
    ///
    /// # Safety
    /// - `ptr` was returned by `into_ptr`, and this is the only
    ///   `from_ptr` call for that return (the count is taken back once).
    pub(crate) unsafe fn from_ptr(ptr: NonNull<()>) -> TaskRef {
        TaskRef { ptr: ptr.cast() }
    }
}

impl Clone for TaskRef {
    fn clone(&self) -> TaskRef {
        // SAFETY: the cell's own vtable; `self`'s count keeps the cell alive
        // while the new count is added.
        unsafe { (self.header().vtable.clone_ref)(self.ptr) };
        TaskRef { ptr: self.ptr }
    }
}

impl Drop for TaskRef {
    fn drop(&mut self) {
        // SAFETY: the cell's own vtable; this releases the count `self`
        // owns, and `self` is not used after it.
        unsafe { (self.header().vtable.drop_ref)(self.ptr) }
    }
}

/// Future, then output, then nothing.
enum Stage<F: Future> {
    Running(F),
    Finished(Result<F::Output, JoinError>),
    Consumed,
}

/// Drops the stage it borrows (the future in it) when dropped itself:
/// armed around a poll and forgotten when the poll returns, so it fires
/// only while a panic of the poll unwinds.
struct DropStageOnUnwind<'a, F: Future>(&'a mut Stage<F>);

impl<F: Future> Drop for DropStageOnUnwind<'_, F> {
    fn drop(&mut self) {
        *self.0 = Stage::Consumed;
    }
}

/// One spawned task: the single allocation (inside an `Arc`). `repr(C)`
/// keeps the header at offset 0, so `TaskRef`'s header pointer and the
/// cell pointer `Arc::into_raw` gives are the same address.
#[repr(C)]
pub(crate) struct Cell<F: Future, S> {
    header: Header,
    scheduler: S,
    stage: UnsafeCell<Stage<F>>,
}

// SAFETY: the stage is only touched by the thread holding RUNNING (future,
// then storing the output) or, after COMPLETE, by the single owner of the
// output (the JoinHandle, or the completing thread when the handle is gone).
// So the cell may be shared if the future and its output may be sent.
unsafe impl<F: Future + Send, S: Sync> Sync for Cell<F, S> where F::Output: Send {}

impl<F, S> Cell<F, S>
where
    F: Future + 'static,
    F::Output: 'static,
    S: Schedule,
{
    const VTABLE: Vtable = Vtable {
        run: Self::run_raw,
        shutdown: Self::shutdown_raw,
        abort: Self::abort_raw,
        drop_join_handle: Self::drop_join_handle_raw,
        poll_join: Self::poll_join_raw,
        clone_ref: Self::clone_ref_raw,
        drop_ref: Self::drop_ref_raw,
    };

    /// The task's `Waker`s: the data pointer is the cell, and each waker
    /// but the one `run` lends (see there) owns a count.
    const WAKER_VTABLE: RawWakerVTable = RawWakerVTable::new(
        Self::clone_waker,
        Self::wake_by_val,
        Self::wake_by_ref,
        Self::drop_waker,
    );

    pub(crate) fn new(future: F, scheduler: S, id: Id) -> Arc<Self> {
        Arc::new(Cell {
            header: Header {
                state: State::new(),
                id,
                owner_key: AtomicUsize::new(usize::MAX),
                join_waker: AtomicWaker::new(),
                vtable: &Self::VTABLE,
            },
            scheduler,
            stage: UnsafeCell::new(Stage::Running(future)),
        })
    }

    /// The `Arc` owning the count the caller gives up.
    ///
    /// # Safety
    /// - `ptr` points to the header of a live `Cell<F, S>`, made by `new`;
    /// - the caller owns one count and hands it to the returned `Arc`.
    unsafe fn from_header(ptr: NonNull<Header>) -> Arc<Self> {
        // SAFETY: the header is at offset 0 (`repr(C)`), so `ptr` is the
        // pointer `Arc::into_raw` returned for this cell; the count is the
        // caller's to hand over.
        unsafe { Arc::from_raw(ptr.as_ptr().cast::<Self>().cast_const()) }
    }

    /// An `Arc` that borrows the caller's count: never dropped, so it adds
    /// and releases nothing.
    ///
    /// # Safety
    /// - `ptr` points to the header of a live `Cell<F, S>`, made by `new`;
    /// - the caller owns a count and keeps it until the returned value,
    ///   and everything borrowed from it, is gone.
    unsafe fn borrow(ptr: NonNull<Header>) -> ManuallyDrop<Arc<Self>> {
        // SAFETY: as `from_header`'s; the count stays the caller's, since
        // ManuallyDrop never releases it.
        ManuallyDrop::new(unsafe { Self::from_header(ptr) })
    }

    /// Drop the future (caller holds RUNNING), catching a panicking drop.
    fn drop_future(&self) -> Result<(), Box<dyn Any + Send>> {
        // SAFETY: the caller holds RUNNING, which makes the stage exclusive.
        let stage = unsafe { &mut *self.stage.get() };
        catch_unwind(AssertUnwindSafe(|| *stage = Stage::Consumed))
    }

    /// Store the result and publish COMPLETE (caller holds RUNNING, the
    /// future already dropped, and a count that outlives this call).
    fn complete(me: &Arc<Self>, result: Result<F::Output, JoinError>) {
        {
            // SAFETY: the caller holds RUNNING; the stage is Consumed, so
            // this assignment drops nothing of the user's.
            let stage = unsafe { &mut *me.stage.get() };
            *stage = Stage::Finished(result);
        }
        if me.header.state.complete() {
            // The joiner's waker is user code: a panic in it must not unwind
            // into the worker (it would take the thread down mid-loop).
            let _ = catch_unwind(AssertUnwindSafe(|| me.header.join_waker.wake()));
        } else {
            // SAFETY: COMPLETE without JOIN_INTEREST: the handle is gone, so
            // this thread is the output's only owner.
            let stage = unsafe { &mut *me.stage.get() };
            let _ = catch_unwind(AssertUnwindSafe(|| *stage = Stage::Consumed));
        }
        // The owner list gets `&Task` only, so a `Task` that borrows the
        // caller's count will do: `release` cannot keep it (`Task` has no
        // public clone), and the caller's `me` outlives the call.
        let task = ManuallyDrop::new(Task::from_raw(TaskRef {
            ptr: NonNull::from(&**me).cast::<Header>(),
        }));
        drop(me.scheduler.release(&task));
    }

    fn cancel(me: &Arc<Self>) {
        let err = match me.drop_future() {
            Ok(()) => JoinError::cancelled(me.header.id),
            Err(panic) => JoinError::panic(me.header.id, panic),
        };
        Self::complete(me, Err(err));
    }

    /// Hand a new queue reference to the scheduler. The caller's own
    /// reference (`me`) stays alive across the call: the scheduler may
    /// run the task to completion — on this thread or another — before
    /// `schedule` returns, and `schedule` still reads `me.scheduler`
    /// (the runtime's `Handle`) after queuing. Moving the only reference
    /// into the queue would let that run free the cell under the call.
    fn submit(me: &Arc<Self>, yielded: bool) {
        me.scheduler
            .schedule(Task::from_raw(TaskRef::new(Arc::clone(me))), yielded);
    }

    /// [`submit`](Self::submit) with the count `me` owns (a waker's given
    /// up by `wake`, or the poll's own): when the scheduler can queue the
    /// task without reading the cell afterwards (`Schedule::schedule_owned`,
    /// a worker's own queue), the count moves into the queue and no count
    /// is added or released; otherwise as `submit`.
    fn submit_owned(me: Arc<Self>, yielded: bool) {
        let scheduler: *const S = &raw const me.scheduler;
        let task = Task::from_raw(TaskRef::new(me));
        // SAFETY: `scheduler` is the scheduler of the cell `task` refers
        // to, and `task` holds the count `me` had, which keeps the cell
        // (and `*scheduler`) alive for as long as the callee holds `task`:
        // `schedule_owned`'s contract. Nothing here touches the cell after
        // the call unless the task comes back.
        match unsafe { S::schedule_owned(scheduler, task, yielded) } {
            Ok(()) => {}
            Err(task) => {
                // SAFETY: the count handed back is the one `me` had, taken
                // back once; the header is the cell's start (`repr(C)`).
                let me = unsafe { Self::from_header(task.into_ptr().cast()) };
                Self::submit(&me, yielded);
            }
        }
    }

    fn run(me: Arc<Self>) {
        // This task's id is current for all the user code it runs here:
        // the poll, and the drops of its future and output (`current`).
        let _current = crate::current::enter(Some(me.header.id));
        match me.header.state.to_running() {
            ToRunning::Gone => return,
            ToRunning::Cancel => return Self::cancel(&me),
            ToRunning::Poll => {}
        }
        // A waker that borrows this task's reference instead of taking one:
        // two atomic operations fewer per poll. Its clones add counts.
        let raw = RawWaker::new(Arc::as_ptr(&me).cast(), &Self::WAKER_VTABLE);
        // SAFETY: the vtable's functions meet `RawWaker`'s contract for a
        // data pointer to a live `Cell<F, S>` (each is thread-safe; clone
        // adds a count, drop releases one). This waker owns no count: it
        // borrows `me`'s, which lives until `me` is given away after the
        // poll (`submit_owned`) or dropped at the end of this function;
        // `waker` and `cx` are not used after the poll, and ManuallyDrop
        // keeps the waker from releasing anything.
        let waker = ManuallyDrop::new(unsafe { Waker::from_raw(raw) });
        let mut cx = Context::from_waker(&waker);
        let polled = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: RUNNING is held, so the stage is exclusive.
            let stage = unsafe { &mut *me.stage.get() };
            // If the poll panics, the future is dropped while the panic
            // unwinds, not after it was caught: its `Drop` runs with
            // `std::thread::panicking()` true, as under tokio.
            let on_unwind = DropStageOnUnwind(stage);
            let polled = match &mut *on_unwind.0 {
                // SAFETY: the future is never moved out of the cell (the Arc
                // allocation does not move; the stage is only overwritten,
                // which drops the future in place), so pinning is sound.
                Stage::Running(fut) => unsafe { Pin::new_unchecked(fut) }.poll(&mut cx),
                _ => unreachable!("a task was polled after completion"),
            };
            std::mem::forget(on_unwind);
            polled
        }));
        match polled {
            Ok(Poll::Pending) => match me.header.state.to_idle() {
                ToIdle::Idle => {}
                ToIdle::Reschedule => Self::submit_owned(me, true),
                ToIdle::Cancel => Self::cancel(&me),
            },
            Ok(Poll::Ready(out)) => {
                let result = match me.drop_future() {
                    Ok(()) => Ok(out),
                    Err(panic) => {
                        // The output is not returned; its drop is user code
                        // too and must not unwind into the worker.
                        let _ = catch_unwind(AssertUnwindSafe(|| drop(out)));
                        Err(JoinError::panic(me.header.id, panic))
                    }
                };
                Self::complete(&me, result);
            }
            Err(panic) => {
                let _ = me.drop_future();
                Self::complete(&me, Err(JoinError::panic(me.header.id, panic)));
            }
        }
    }

    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<F::Output, JoinError>> {
        // Register first, then check: `complete` stores COMPLETE before it
        // wakes, so either we see COMPLETE or the wake reaches this waker.
        if !self.is_complete() {
            self.header.join_waker.register(cx.waker());
            if !self.is_complete() {
                return Poll::Pending;
            }
        }
        // Joining consumes budget (see `coop`); exhausted, the output stays
        // put and the joining task is polled again later.
        ready!(rt_core::coop::poll_proceed(cx)).made_progress();
        // SAFETY: COMPLETE is set and this handle holds JOIN_INTEREST, so
        // it owns the output (see `State::complete`).
        let stage = unsafe { &mut *self.stage.get() };
        match std::mem::replace(stage, Stage::Consumed) {
            Stage::Finished(result) => Poll::Ready(result),
            _ => panic!("JoinHandle polled after it returned Ready"),
        }
    }

    // The vtable's entries. Each `# Safety` list starts from the same
    // obligation: `ptr` points to the header of a live `Cell<F, S>` of
    // these very types (true of any header's own vtable).

    /// # Safety
    /// - `ptr`: a live `Cell<F, S>`'s header;
    /// - the caller gives its count to the call.
    unsafe fn run_raw(ptr: NonNull<Header>) {
        // SAFETY: the caller's obligations, passed on.
        Self::run(unsafe { Self::from_header(ptr) });
    }

    /// # Safety
    /// - `ptr`: a live `Cell<F, S>`'s header;
    /// - the caller gives its count to the call.
    unsafe fn shutdown_raw(ptr: NonNull<Header>) {
        // SAFETY: the caller's obligations, passed on.
        let me = unsafe { Self::from_header(ptr) };
        if me.header.state.to_shutdown() {
            let _current = crate::current::enter(Some(me.header.id));
            Self::cancel(&me);
        }
    }

    /// # Safety
    /// - `ptr`: a live `Cell<F, S>`'s header;
    /// - the caller owns a count and keeps it until the call returns.
    unsafe fn abort_raw(ptr: NonNull<Header>) {
        // SAFETY: the caller's obligations, passed on: its count (the
        // handle's) keeps the cell alive across `submit`, which gives the
        // queue a count of its own.
        let me = unsafe { Self::borrow(ptr) };
        if me.header.state.to_cancelled() == Submit::Yes {
            Self::submit(&me, false);
        }
    }

    /// # Safety
    /// - `ptr`: a live `Cell<F, S>`'s header;
    /// - the caller owns a count and keeps it until the call returns;
    /// - the caller is the `JoinHandle`, giving up JOIN_INTEREST once.
    unsafe fn drop_join_handle_raw(ptr: NonNull<Header>) {
        // SAFETY: a live cell, kept alive by the caller's count.
        let me = unsafe { ptr.cast::<Self>().as_ref() };
        if me.header.state.drop_join_interest() {
            // SAFETY: COMPLETE was set before the handle gave up its
            // interest, so the handle owned the output; it is being dropped
            // now and nobody else touches the stage.
            let stage = unsafe { &mut *me.stage.get() };
            // The output's drop is the task's code: its id is current.
            let _current = crate::current::enter(Some(me.header.id));
            let _ = catch_unwind(AssertUnwindSafe(|| *stage = Stage::Consumed));
        }
    }

    /// # Safety
    /// - `ptr`: a live `Cell<F, S>`'s header;
    /// - the caller owns a count and keeps it until the call returns;
    /// - the caller is the `JoinHandle` (it holds JOIN_INTEREST);
    /// - `out` points to a valid `Poll<Result<F::Output, JoinError>>`.
    unsafe fn poll_join_raw(ptr: NonNull<Header>, out: *mut (), cx: &mut Context<'_>) {
        // SAFETY: a live cell, kept alive by the caller's count; `out` is
        // valid and of this type, as the caller promises.
        unsafe {
            let me = ptr.cast::<Self>().as_ref();
            *out.cast::<Poll<Result<F::Output, JoinError>>>() = me.poll_join(cx);
        }
    }

    /// # Safety
    /// - `ptr`: a live `Cell<F, S>`'s header;
    /// - the caller owns a count (so the cell stays alive during the call).
    unsafe fn clone_ref_raw(ptr: NonNull<Header>) {
        // SAFETY: `ptr` is the pointer `Arc::into_raw` gave for this cell
        // (header at offset 0) and the caller's count keeps it alive.
        unsafe { Arc::increment_strong_count(ptr.as_ptr().cast::<Self>().cast_const()) }
    }

    /// # Safety
    /// - `ptr`: a live `Cell<F, S>`'s header;
    /// - the caller owns a count, gives it up here and never uses it again.
    unsafe fn drop_ref_raw(ptr: NonNull<Header>) {
        // SAFETY: the caller's obligations, passed on; the last count frees
        // the cell, after which nobody holds `ptr`.
        drop(unsafe { Self::from_header(ptr) });
    }

    /// # Safety
    /// - `data`: a live `Cell<F, S>`'s header (a waker of this vtable);
    /// - the waker owns or borrows a count for the whole call.
    unsafe fn clone_waker(data: *const ()) -> RawWaker {
        // SAFETY: a waker's data pointer is never null; the waker's count
        // keeps the cell alive while the clone adds its own.
        unsafe { Self::clone_ref_raw(NonNull::new_unchecked(data.cast_mut().cast())) };
        RawWaker::new(data, &Self::WAKER_VTABLE)
    }

    /// `Waker::wake`: the waker's count is consumed — but only after
    /// `submit` returns (see "Hand-offs keep their own reference").
    ///
    /// # Safety
    /// - `data`: a live `Cell<F, S>`'s header (a waker of this vtable);
    /// - the waker owns a count and gives it to the call.
    unsafe fn wake_by_val(data: *const ()) {
        // SAFETY: the waker's count moves into `me`, which keeps the cell
        // alive until it is given to `submit_owned` or dropped here.
        let me = unsafe { Self::from_header(NonNull::new_unchecked(data.cast_mut().cast())) };
        if me.header.state.to_notified() == Submit::Yes {
            Self::submit_owned(me, false);
        }
    }

    /// # Safety
    /// - `data`: a live `Cell<F, S>`'s header (a waker of this vtable);
    /// - the waker owns or borrows a count for the whole call.
    unsafe fn wake_by_ref(data: *const ()) {
        // SAFETY: the waker's count (kept by the caller, who holds `&Waker`
        // for the whole call) keeps the cell alive across `submit`.
        let me = unsafe { Self::borrow(NonNull::new_unchecked(data.cast_mut().cast())) };
        if me.header.state.to_notified() == Submit::Yes {
            Self::submit(&me, false);
        }
    }

    /// # Safety
    /// - `data`: a live `Cell<F, S>`'s header (a waker of this vtable);
    /// - the waker owns a count, released here.
    unsafe fn drop_waker(data: *const ()) {
        // SAFETY: the waker's count, given up: nothing uses `data` after.
        unsafe { Self::drop_ref_raw(NonNull::new_unchecked(data.cast_mut().cast())) }
    }
}

impl<F: Future, S> Cell<F, S> {
    fn is_complete(&self) -> bool {
        self.header.state.load() & crate::state::COMPLETE != 0
    }
}
