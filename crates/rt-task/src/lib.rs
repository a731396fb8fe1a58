//! rt-task (work in progress).
