//! rt-macros (work in progress).
