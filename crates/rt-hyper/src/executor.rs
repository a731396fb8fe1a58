//! [`Executor`]: hyper's `rt::Executor` as `rt::spawn`.

use std::future::Future;

/// hyper's [`Executor`](hyper::rt::Executor) on rt: each future hyper
/// hands it becomes a task on the current runtime, as with
/// [`rt::spawn`](rt_pool::spawn), detached (hyper does not join them).
///
/// HTTP/2 needs one, server side (`http2::Builder::new(Executor)`) and
/// client side (`http2::handshake(Executor, io)`); HTTP/1 does not.
///
/// # Panics
///
/// [`execute`](hyper::rt::Executor::execute) panics outside a runtime, as
/// `rt::spawn` does.
///
/// # Examples
///
/// ```
/// use hyper::rt::Executor as _;
/// use rt::hyper::Executor;
///
/// # rt::Runtime::new()?.block_on(async {
/// let (tx, rx) = std::sync::mpsc::channel();
/// Executor.execute(async move { tx.send(42).unwrap() });
/// let got = rt::task::spawn_blocking(move || rx.recv().unwrap()).await?;
/// assert_eq!(got, 42);
/// # std::io::Result::Ok(()) })?;
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Executor;

impl<F> hyper::rt::Executor<F> for Executor
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    #[track_caller]
    fn execute(&self, future: F) {
        // Dropping the handle detaches the task: it runs to completion.
        drop(rt_pool::spawn(future));
    }
}
