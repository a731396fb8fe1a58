//! Combining futures inside one task: [`select!`], [`join!`],
//! [`try_join!`], [`pin!`] and [`task_local!`], with tokio's syntax and
//! semantics. Users reach them through the facade: `rt::select!`,
//! `rt::join!`, `rt::try_join!`, `rt::pin!`, `rt::task_local!`,
//! `rt::task::LocalKey` and `rt::task::futures::TaskLocalFuture`.
//!
//! # Design
//!
//! Nothing here spawns or needs a runtime: every macro expands to code that
//! polls several futures from *one* poll of the task that awaits it, so the
//! futures run concurrently but never in parallel, and may borrow the
//! task's locals. The crate depends on `rt-core` only for the cooperative
//! budget, and on `rt-macros` for one hidden helper of `select!`.
//!
//! The macros are declarative. Each keeps its futures *once*, in one tuple
//! local to its expansion, and polls them where they lie (see "Pinning"
//! below); none of them is moved or boxed. An output takes no room while
//! the futures are pending: `join!` keeps each future and then its output in
//! one `MaybeDone` slot, and `select!` carries the chosen output out of its
//! poll as one nested `Choice` value. The `async` block around one of them
//! is therefore exactly as large as it is around tokio's (tokio's tests
//! assert those sizes; so do `tests/macros_{select,join,try_join}.rs`).
//!
//! - [`join!`] and [`try_join!`] poll every unfinished future on each poll,
//!   starting one further along each time (so no future is always polled
//!   first; `biased;` always starts at the first). A finished future is
//!   dropped at once, in place. `try_join!` returns the first `Err` and
//!   drops the rest.
//! - [`select!`] is written out at the top of [its docs](select!): the
//!   conditions, then the futures, then a poll loop starting at a random
//!   branch (`biased;`: the first), which only *chooses* a branch; the
//!   futures are dropped, and then the chosen handler runs outside any
//!   closure or loop of the macro, so `break`, `continue`, `return` and `?`
//!   in a handler act on the code around the `select!`.
//! - [`task_local!`] keeps each key's value in a thread-local `RefCell`,
//!   filled only while the scope's future (or closure) runs: the value is
//!   swapped in before each poll and swapped out after it, by a guard, so a
//!   panic restores the outer value too. The task may therefore move
//!   between worker threads between polls.
//!
//! # Pinning
//!
//! The futures given to `select!`, `join!` and `try_join!` need not be
//! `Unpin`, so they are polled through `Pin<&mut F>` made with
//! `Pin::new_unchecked` on a field of the tuple, in the one `unsafe` block
//! of each expansion (which lives in the user's crate; lints on the user's
//! `unsafe` code do not apply to it, as to tokio's macros, and a crate
//! with `#![forbid(unsafe_code)]` still uses them). What makes it sound:
//!
//! 1. The tuple is a local of the macro's block, built before the first
//!    poll. The next statement shadows it with `&mut` to it, and that
//!    reference is moved into the `poll_fn` closure: no code but the
//!    closure can reach the tuple, and the closure never moves it or any
//!    field out (it pins fields, polls them, and replaces a `MaybeDone`
//!    with `Pin::set`, which drops the old value in place).
//! 2. The tuple lives in the state of the future that awaits the macro
//!    (an `async` block or fn), across the macro's one `.await`. That
//!    future is pinned whenever it is polled, so the tuple stays at one
//!    address from the first poll on, until it is dropped in place: when
//!    the macro's block ends, or when the awaiting future is dropped
//!    (cancellation) — never moved, never freed without its drop.
//! 3. A `MaybeDone` is `#[repr(C)]`, so that reading its state never reads
//!    the bytes of the future inside it (see `maybe_done.rs`).
//!
//! # Examples
//!
//! ```
//! use rt::time::{sleep, Duration};
//!
//! rt::task_local! {
//!     static REQUEST_ID: u64;
//! }
//!
//! # rt::Runtime::new()?.block_on(async {
//! let (a, b) = rt::join!(async { 1 }, async { 2 });
//! assert_eq!(a + b, 3);
//!
//! let winner = rt::select! {
//!     _ = sleep(Duration::from_secs(3600)) => "timer",
//!     value = async { 7 } => if value == 7 { "value" } else { "other" },
//! };
//! assert_eq!(winner, "value");
//!
//! let id = REQUEST_ID.scope(42, async { REQUEST_ID.get() }).await;
//! assert_eq!(id, 42);
//! # });
//! # std::io::Result::Ok(())
//! ```
#![forbid(unsafe_code)]

mod join;
mod maybe_done;
mod pin;
mod rand;
mod select;
mod task_local;

pub use task_local::{AccessError, LocalKey, TaskLocalFuture};

/// What the macros' expansions name through `$crate`. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use core::future::{poll_fn, Future, IntoFuture};
    pub use core::option::Option::{self, None, Some};
    pub use core::pin::{pin, Pin};
    pub use core::result::Result::{self, Err, Ok};
    pub use core::task::{Context, Poll};

    pub use rt_macros::__select_clean_pattern as select_clean_pattern;

    pub use crate::maybe_done::MaybeDone;
    pub use crate::rand::random_below;
    pub use crate::select::{Choice, Disabled};

    /// `select!`'s check of the cooperative budget before it polls any
    /// branch: `Pending` (the task deferred, as any budgeted resource
    /// does) if this poll's budget is spent, `Ready` otherwise. Consumes
    /// nothing: the branches' own resources do.
    #[inline]
    pub fn poll_budget_available(cx: &mut Context<'_>) -> Poll<()> {
        // The unit taken to learn that the budget is not spent goes back
        // when the guard drops here.
        rt_core::coop::poll_proceed(cx).map(drop)
    }
}

/// Expands to the tokens after its first token tree: one copy per repetition
/// of whatever the caller repeats over (a literal `0usize + 1` per `_`, a
/// `None` per branch). Not public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __rt_futures_replace {
    ($ignored:tt $($with:tt)*) => {
        $($with)*
    };
}

/// The number of token trees given, as a `usize` constant expression (the
/// index of a branch from its list of `_`, one per branch before it). Not
/// recursive, so it adds one level to the caller's macro recursion, not one
/// per token. Not public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __rt_futures_count {
    ($($t:tt)*) => {
        (0usize $(+ $crate::__rt_futures_replace!($t 1usize))*)
    };
}

/// Wraps its tokens (after the list) in one `Choice::Next(..)` per token of
/// the list: `(_ _) x` becomes `Next(Next(x))`, in an expression or a
/// pattern (`select!`'s branch `i` is `Next` `i` times around
/// `Chosen(output)`). Peels eight tokens per recursion where it can, so a
/// 64th branch costs 7 + 7 levels of macro recursion, not 63, on top of
/// `select!`'s own one per branch (the default limit is 128). Not public
/// API.
#[doc(hidden)]
#[macro_export]
macro_rules! __rt_futures_nest {
    (() $($inner:tt)*) => {
        $($inner)*
    };
    ((_ _ _ _ _ _ _ _ $($rest:tt)*) $($inner:tt)*) => {
        $crate::__private::Choice::Next($crate::__private::Choice::Next(
        $crate::__private::Choice::Next($crate::__private::Choice::Next(
        $crate::__private::Choice::Next($crate::__private::Choice::Next(
        $crate::__private::Choice::Next($crate::__private::Choice::Next(
            $crate::__rt_futures_nest!(($($rest)*) $($inner)*)
        ))))))))
    };
    ((_ $($rest:tt)*) $($inner:tt)*) => {
        $crate::__private::Choice::Next($crate::__rt_futures_nest!(($($rest)*) $($inner)*))
    };
}
