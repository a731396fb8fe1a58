//! Synchronisation for asynchronous code: tokio's `sync` API on rt.
//!
//! (Module docs, the design and the examples are written with the
//! primitives.)

pub mod broadcast;
mod chan_block;
mod chan_cell;
mod chan_wakers;
pub mod mpsc;
pub mod oneshot;
pub mod watch;

#[cfg(all(test, loom))]
mod chan_loom_tests;
