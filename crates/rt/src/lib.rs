//! rt (work in progress).
