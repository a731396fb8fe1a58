//! rt-pool (work in progress).
