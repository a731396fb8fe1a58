//! rt-reactor (work in progress).
