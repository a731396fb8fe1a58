//! The integration tests of rt that can share a process, built as one test
//! executable: each module is one former `tests/NAME.rs` file (one
//! behaviour per module), so a test's name is `NAME::test_fn` and
//! `cargo test -p rt-suite --test suite NAME::` runs one of them. One
//! executable instantiates rt's generics and links once instead of once per
//! file, in each of CI's three builds (plain, ASan, TSan).
//!
//! The files left in `tests/` stay executables of their own because they
//! assert something about the whole process that other tests running
//! beside them in the same process would disturb (open descriptors,
//! resident memory, context switches of threads named `rt-worker`, the
//! descriptor limit, latency bounds, thread-exit aborts) or run `cargo`
//! (trybuild): see each file's header. They share the helper modules below
//! through `#[path]`.
//!
//! A new test goes here as a module unless it measures the process.

mod echo_support;
mod io_support;
mod support;
mod sync_support;

mod abort;
mod block_in_place;
mod block_on_budget;
mod coop;
mod detach;
mod dns_lookup;
mod echo_faults;
mod fs_file_write_read_back;
mod fs_flush_reports_write_errors;
mod fs_free_functions;
mod fs_read_dir_lists;
mod fs_seek_then_read;
mod handle_current;
mod hyper;
mod injector_fairness;
mod io_async_fd_drop_deregisters;
mod io_async_fd_pipe;
mod io_async_fd_regular_file;
mod io_budget;
mod io_clear_ready_keeps_newer_event;
mod io_clear_ready_matching;
mod io_copy_bidirectional;
mod io_lines_chunks;
mod io_read_buf_uninit;
mod io_read_exact_eof;
mod io_stdio;
mod io_write_vectored;
mod join_many;
mod join_set;
mod join_set_api;
mod local_runtime;
mod lookup_host;
mod macros;
mod macros_join;
mod macros_pin;
mod macros_select;
mod macros_try_join;
mod nested_runtime;
mod net_readable_after_peer_write;
mod net_readiness_takes_no_budget;
mod net_try_read_would_block;
mod panic;
mod panicking_callbacks;
mod ping_pong;
mod process_dropped_child_reaped;
mod process_future_owns_command;
mod process_kill_on_drop_reaped;
mod process_kill_then_wait;
mod process_output_both_streams;
mod process_spawn_not_found;
mod process_stdout_read_to_end;
mod remote_spawn;
mod rt_current_thread;
mod rt_metrics;
mod rt_shutdown_err;
mod rt_thread_start_fails;
mod runtime_hooks;
mod runtime_id;
mod shutdown;
mod shutdown_errors;
mod spawn_blocking;
mod sync_barrier;
mod sync_broadcast;
mod sync_mpsc;
mod sync_mutex;
mod sync_notify;
mod sync_once_cell;
mod sync_oneshot;
mod sync_rwlock;
mod sync_semaphore;
mod sync_semaphore_cancel;
mod sync_tokio_compat;
mod sync_watch;
mod task_combinations;
mod task_id;
mod task_local;
mod task_local_set;
mod tcp_many_connections;
mod tcp_round_trip;
mod tcp_shutdown_after_reset;
mod tcp_socket_options;
mod tcp_socket_reuseaddr;
mod time_pause;
mod udp_round_trip;
mod unix_abstract_addr;
mod unix_connect_listener_gone;
mod unix_peer_cred;
mod unix_pipe_fifo;
mod unix_pipe_readiness;
mod unix_round_trip;
mod unix_socket;
mod unix_split;
mod worker_index;
mod yield_now;
