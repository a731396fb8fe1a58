//! One switch between std and loom for the types a concurrency protocol
//! uses, so the same code runs in production and under the loom model
//! checker (`RUSTFLAGS="--cfg loom"`).

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicUsize, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicUsize, Ordering};
