//! rt's time: [`sleep`], [`timeout`] and [`interval`] on a hierarchical
//! timing wheel, and [`Timers`], the driver a runtime turns.
//!
//! The API is tokio's (`tokio::time`), names and semantics: a [`Sleep`]
//! completes no earlier than its deadline and, on an idle machine, at most a
//! few milliseconds after it; [`Timeout`] yields `Err(`[`Elapsed`]`)` when
//! its deadline passes first; an [`Interval`] keeps its period (each deadline
//! is the previous one plus the period) and handles missed ticks as its
//! [`MissedTickBehavior`] says. [`Instant`] is rt's own, a reading of the
//! runtime's clock, which tests may pause ([`pause`], [`advance`],
//! [`resume`]; see `clock.rs`); [`Duration`] is `std::time`'s.
//!
//! This crate knows nothing of I/O or threads: the runtime (`rt-pool`)
//! makes a [`Timers`] current on its threads ([`enter`]), and the worker
//! that blocks for the runtime bounds its wait by [`Timers::next_timeout`]
//! and calls [`Timers::process`] after, the way tokio's `runtime/driver.rs`
//! stacks its time driver on its I/O driver.
//!
//! # Examples
//!
//! ```
//! # let rt = rt::Runtime::new()?;
//! # rt.block_on(async {
//! use rt::time::{interval, sleep, timeout, Duration, Instant};
//!
//! let start = Instant::now();
//! sleep(Duration::from_millis(20)).await;
//! assert!(start.elapsed() >= Duration::from_millis(20));
//!
//! let never = sleep(Duration::from_secs(3600));
//! assert!(timeout(Duration::from_millis(10), never).await.is_err());
//!
//! let mut every_5ms = interval(Duration::from_millis(5));
//! let first = every_5ms.tick().await; // at once
//! let second = every_5ms.tick().await;
//! assert_eq!(second - first, Duration::from_millis(5));
//! # });
//! # std::io::Result::Ok(())
//! ```
//!
//! # Design
//!
//! **Ticks.** Time is counted in ticks of 1 ms since the runtime's
//! [`Timers`] were made. A deadline is rounded *up* to its tick and a tick
//! is due once the clock, rounded *down*, has reached it, so a timer never
//! fires before its deadline. [`Sleep`] itself completes by the clock
//! (`Instant::now() >= deadline`); the wheel only decides when to wake it.
//!
//! **Levels and slots.** The wheel has 6 levels of 64 slots. Level `l` slot
//! `s` covers `64^l` ticks: level 0 one tick per slot (64 ms in all), level 1
//! 64 ms per slot (4 s), then 4.4 min, 4.7 h, 12.4 days and 795 days. A timer
//! goes on the level of the highest 6-bit digit in which its deadline
//! differs from `elapsed` (the last tick processed), in the slot given by the
//! deadline's digit at that level. Hence every timer on level `l` shares all
//! digits above `l` with `elapsed` and lies ahead of it within the level's
//! current rotation: the next busy slot of a level is the lowest set bit of
//! its 64-bit occupancy word, and the earliest busy slot overall is on the
//! lowest busy level. `Timers::next_timeout` reports the start of that
//! slot, found in at most 6 word tests.
//!
//! **Cascading.** When a slot's start tick comes, its whole list is taken:
//! timers due at that tick fire, the others are re-filed with the new
//! `elapsed`, which puts them on a lower level. A timer thus moves at most
//! once per level (≤ 5 times) before it fires, and the owner wakes at most
//! once per level on its way — each wake-up costs O(timers in that slot).
//! Timers due beyond the top level (795 days) wait on an overflow list that
//! is re-filed whenever `elapsed` enters a new 2^36-tick span.
//!
//! **Cancellation.** Timers live in the wheel's own slot vector (an arena
//! with a doubly-linked free list, so the wheel gives memory back when
//! timers leave; see `wheel.rs`); each wheel slot is a doubly-linked list
//! threaded through that vector by index, and each entry records its list.
//! Arming pushes on a list head; cancelling (dropping an armed `Sleep`)
//! unlinks in O(1), with no search. A [`Sleep`] names its entry by its
//! index plus a 64-bit generation drawn at arming, so a key whose entry has
//! fired or been cancelled never touches an entry that reuses the index.
//!
//! **Threads.** The wheel sits behind one `parking_lot` mutex in
//! [`Timers`]. Any thread arms, moves, re-wakers and cancels timers; the
//! owner (the thread blocking for the runtime: in `rt-pool`, the worker
//! that holds the reactor) calls `Timers::next_timeout` before it blocks and
//! `Timers::process` after. (So does [`advance`] on paused time, from the
//! thread that advances: `process` takes each wheel's lock, and a second
//! caller finds the due timers gone.) Critical sections touch a few words (a whole
//! slot's list for `process`); wakers are never woken, cloned or dropped
//! under the lock — `process` moves them into the owner's vector, which the
//! owner wakes after releasing its locks. The owner-notification rule:
//! `next_timeout` records the tick the owner will wake at (or "never"); a
//! timer armed or moved to an earlier tick lowers that record and its caller
//! calls the driver's `unpark` (given to [`Timers::new`]), so a burst of earlier
//! timers costs one notify. Both happen under the lock, and the owner's
//! look reads words written under it (lock-free when nothing changed since
//! its last look: "The lock-free look" in `timers.rs`), so no timer can
//! slip between the owner's look and its wait.
//!
//! **A `Sleep`'s life.** Made: holds only its deadline and the driver.
//! First poll: done if the deadline has passed, else armed with a clone of
//! the task's waker (and keeps another clone to compare); a `Sleep` made by
//! `sleep(d > 0)` or `timeout` skips the clock read and arms at once (its
//! deadline was just computed as now + d), and so does one made by
//! `sleep_until_by_wheel` (hyper's timer: its caller vouches that the
//! deadline is ahead; if not, the wheel fires it on the driver's next turn). Later polls: done
//! if the deadline has passed (cancelling the entry if the owner has not
//! fired it yet); else, if the new waker `will_wake` the kept one, nothing —
//! no lock; else the waker is swapped in place, not re-armed. Dropped while
//! armed: cancelled. `reset`: the entry moves, keeping its waker.

mod clock;
mod context;
mod error;
mod instant;
mod interval;
mod sleep;
mod timeout;
mod timers;
mod wheel;

// The runtime's thread-locals are loom's under loom, usable only inside a
// model: these tests run without loom.
#[cfg(all(test, not(loom)))]
mod tests;

pub use clock::{advance, pause, resume};
pub use context::{enter, EnterGuard};
pub use error::{Elapsed, ShutDown};
pub use instant::Instant;
pub use interval::{interval, interval_at, Interval, MissedTickBehavior};
pub use sleep::{poll_unless_shut_down, sleep, sleep_until, sleep_until_by_wheel, Sleep};
pub use std::time::Duration;
pub use timeout::{timeout, timeout_at, Timeout};
pub use timers::Timers;
