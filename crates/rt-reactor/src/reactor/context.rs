//! The current thread's reactor: `enter` sets it, `Reactor::current` reads it.

use std::cell::RefCell;
use std::marker::PhantomData;
use std::sync::Arc;

use super::Reactor;

rt_core::loom::thread_local! {
    /// The reactor of the runtime this thread is running for, if any.
    static CURRENT: RefCell<Option<Arc<Reactor>>> = const { RefCell::new(None) };
}

/// Makes `reactor` the current thread's reactor until the guard drops.
///
/// Calls nest: dropping the guard restores the reactor that was current
/// before. Guards must be dropped in the reverse order of their creation.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use rt_reactor::{enter, Reactor};
///
/// let reactor = Arc::new(Reactor::new()?);
/// assert!(Reactor::try_current().is_none());
/// {
///     let _guard = enter(&reactor);
///     assert!(Arc::ptr_eq(&Reactor::current(), &reactor));
/// }
/// assert!(Reactor::try_current().is_none());
/// # std::io::Result::Ok(())
/// ```
pub fn enter(reactor: &Arc<Reactor>) -> EnterGuard {
    // During thread-local destruction (a runtime dropped by another
    // thread-local's destructor) the slot may be gone: nothing is entered,
    // and the guard restores nothing.
    let previous = CURRENT
        .try_with(|current| current.replace(Some(reactor.clone())))
        .unwrap_or(None);
    EnterGuard {
        previous,
        _not_send: PhantomData,
    }
}

/// Restores the previously current reactor on drop. Returned by [`enter`].
///
/// Not `Send`: it must drop on the thread that entered.
#[derive(Debug)]
#[must_use = "the reactor stops being current when the guard drops"]
pub struct EnterGuard {
    previous: Option<Arc<Reactor>>,
    _not_send: PhantomData<*const ()>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        // During thread-local destruction the slot may be gone: nothing to restore.
        let _ = CURRENT.try_with(|current| *current.borrow_mut() = previous);
    }
}

/// The current thread's reactor, if any.
pub(super) fn current() -> Option<Arc<Reactor>> {
    CURRENT
        .try_with(|current| current.borrow().clone())
        .ok()
        .flatten()
}
