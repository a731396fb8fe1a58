//! Synchronisation for asynchronous code: tokio's `sync` API on rt.
//!
//! (Module docs, the design and the examples are written with the
//! primitives.)
