//! `pin!`: pin values on the stack, under their own names.

/// Pins futures (or any values) on the stack, shadowing each name with a
/// `Pin<&mut T>` to the value, which can then be polled, or awaited by
/// `&mut` from a [`select!`](crate::select!) in a loop without moving.
///
/// Two forms: `rt::pin!(a, b)` pins existing variables (moving each into
/// its pinned place); `rt::pin! { let a = expr; let b = expr; }` declares
/// and pins in one step.
///
/// The pinned value lives until the end of the enclosing block; it is never
/// moved again, so it need not be `Unpin`. The expansion is safe code
/// (`core::pin::pin!` under each name).
///
/// # Examples
///
/// ```
/// use std::future::Future;
/// use rt::time::{sleep, Duration};
///
/// # rt::Runtime::new()?.block_on(async {
/// let slow = sleep(Duration::from_secs(3600));
/// let work = async { 5 };
/// rt::pin!(slow, work);
///
/// // `&mut` keeps each future alive across the loop's selects.
/// let mut done = None;
/// while done.is_none() {
///     rt::select! {
///         _ = &mut slow => unreachable!(),
///         n = &mut work => done = Some(n),
///     }
/// }
/// assert_eq!(done, Some(5));
///
/// rt::pin! {
///     let again = async { 6 };
/// }
/// assert_eq!((&mut again).await, 6);
/// # });
/// # std::io::Result::Ok(())
/// ```
#[macro_export]
macro_rules! pin {
    ($(let $x:ident = $init:expr_2021;)*) => {
        $(
            let $x = $init;
            $crate::pin!($x);
        )*
    };
    ($($x:ident),* $(,)?) => {
        $(
            // `mut`: polling and `&mut` need it; `x.await` does not.
            #[allow(unused_mut)]
            let mut $x = $crate::__private::pin!($x);
        )*
    };
}
