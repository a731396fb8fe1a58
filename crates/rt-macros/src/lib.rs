//! `#[rt::main]` and `#[rt::test]`: run an `async fn` on an rt runtime.
//!
//! (It also holds `__select_clean_pattern`, a hidden helper of `rt::select!`;
//! see `select.rs`.)
//!
//! Both attributes turn an `async fn` into a plain fn that builds a
//! runtime and blocks on the original body: by default, as in tokio, a
//! multi-thread runtime for `#[rt::main]` and a current-thread runtime for
//! `#[rt::test]`. For
//!
//! ```text
//! #[rt::main(worker_threads = 2)]
//! async fn main() -> R { body }
//! ```
//!
//! the expansion is
//!
//! ```text
//! fn main() -> R {
//!     let body = async move { body };
//!     let runtime = ::rt::runtime::Builder::new_multi_thread()
//!         .worker_threads(2) // only if given
//!         .build()
//!         .expect("failed building the rt runtime");
//!     runtime.block_on(body)
//! }
//! ```
//!
//! The fn keeps its attributes, visibility and return type; `#[rt::test]`
//! also adds `#[test]` unless the fn already has one.
//!
//! # Arguments
//!
//! Both attributes take the same optional, comma-separated arguments:
//!
//! - `flavor = "multi_thread"` (`Builder::new_multi_thread`),
//!   `flavor = "current_thread"` (`Builder::new_current_thread`: every task
//!   runs on the thread in `block_on`) or `flavor = "local"`
//!   (`Builder::new_current_thread().build_local(..)`: a `LocalRuntime`,
//!   where `rt::task::spawn_local` works with no `LocalSet`). Default:
//!   `multi_thread` for `#[rt::main]`, `current_thread` for `#[rt::test]`.
//! - `worker_threads = N`: the number of worker threads, a positive integer
//!   literal. Default: the `Builder`'s (one per core). It needs the
//!   multi-thread runtime: without a `flavor` it selects it (tokio asks
//!   for `flavor = "multi_thread"` too), and with `current_thread` or
//!   `local` it is an error.
//!
//! # Errors
//!
//! Misuse (an unknown argument, a `worker_threads` that is not a positive
//! integer literal, a fn that is not `async`, a `main` or a test that takes
//! arguments, an item that is not a fn) is a compile error spanned on the
//! offending tokens. The user's code is still emitted next to it (a misused
//! fn is expanded anyway, with the builder's defaults), so that the error
//! comes first and the rest of the crate still expands and completes.
//!
//! These macros are meant to be used through the `rt` facade, which
//! re-exports them; the expansion names `::rt`.
//!
//! # Examples
//!
//! ```
//! #[rt::main(worker_threads = 2)]
//! async fn main() {
//!     let answer = rt::spawn(async { 6 * 7 }).await.unwrap();
//!     println!("{answer}");
//! }
//! ```
#![forbid(unsafe_code)]

use proc_macro::TokenStream;

mod config;
mod expand;
mod select;

use expand::Kind;

/// Runs an `async fn main` on an rt runtime (multi-thread by default).
///
/// Takes `worker_threads = N` and
/// `flavor = "multi_thread" | "current_thread" | "local"` (see the
/// [crate docs](crate)). The runtime is built when `main` starts
/// and shut down when the body's future completes.
///
/// # Panics
///
/// The generated `main` panics if the runtime cannot be built.
///
/// # Examples
///
/// ```
/// #[rt::main]
/// async fn main() -> std::io::Result<()> {
///     let handles: Vec<_> = (0..4).map(|i| rt::spawn(async move { i * i })).collect();
///     for handle in handles {
///         println!("{}", handle.await.unwrap());
///     }
///     Ok(())
/// }
/// ```
///
/// With an explicit number of worker threads:
///
/// ```
/// #[rt::main(worker_threads = 1)]
/// async fn main() {
///     assert!(rt::spawn(async { true }).await.unwrap());
/// }
/// ```
///
/// On the current-thread runtime, where tasks run on the main thread:
///
/// ```
/// #[rt::main(flavor = "current_thread")]
/// async fn main() {
///     let main_thread = std::thread::current().id();
///     let task = rt::spawn(async { std::thread::current().id() });
///     assert_eq!(task.await.unwrap(), main_thread);
/// }
/// ```
///
/// On a `LocalRuntime`, where tasks need not be `Send`:
///
/// ```
/// use std::rc::Rc;
///
/// #[rt::main(flavor = "local")]
/// async fn main() {
///     let shared = Rc::new(3); // not Send
///     let task = rt::task::spawn_local(async move { *shared + 1 });
///     assert_eq!(task.await.unwrap(), 4);
/// }
/// ```
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::entry(Kind::Main, args.into(), item.into()).into()
}

/// Runs an `async fn` test on its own rt runtime: a current-thread one by
/// default, as in tokio.
///
/// The same expansion as [`macro@main`], plus `#[test]` (not added twice if
/// the fn already has it). Takes the same arguments; a test that needs
/// tasks to run in parallel (or to block one thread while others go on)
/// asks for `flavor = "multi_thread"` or `worker_threads = N`. The test may
/// return a `Result`, like any `#[test]`.
///
/// # Panics
///
/// The generated test panics if the runtime cannot be built, and whenever
/// the body panics.
///
/// # Examples
///
/// ```
/// #[rt::test]
/// async fn spawn_returns_the_value() {
///     assert_eq!(rt::spawn(async { 1 + 1 }).await.unwrap(), 2);
/// }
/// ```
///
/// A test whose tasks must run on several threads:
///
/// ```
/// #[rt::test(flavor = "multi_thread", worker_threads = 2)]
/// async fn a_blocked_task_does_not_stop_the_others() {
///     let blocked = rt::spawn(async { std::thread::sleep(std::time::Duration::from_millis(50)) });
///     assert_eq!(rt::spawn(async { 1 + 1 }).await.unwrap(), 2);
///     blocked.await.unwrap();
/// }
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::entry(Kind::Test, args.into(), item.into()).into()
}

/// For `rt::select!` only (not public API): the pattern it is given, with
/// every binding modifier (`mut`, `ref`, `ref mut`) and every `&mut`
/// reference pattern stripped, so that it can be matched against a
/// reference to a branch's output without moving it (see `select.rs`).
#[doc(hidden)]
#[proc_macro]
pub fn __select_clean_pattern(input: TokenStream) -> TokenStream {
    select::clean_pattern(input.into()).into()
}
