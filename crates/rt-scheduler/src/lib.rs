//! rt-scheduler (work in progress).
