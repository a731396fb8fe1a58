//! `select!`: wait for the first of several branches.
//!
//! # The expansion, step by step
//!
//! For `select! { p0 = f0, if c0 => h0, p1 = f1 => h1, else => e }`:
//!
//! 1. Every condition (`c0`; a branch without one has `true`) is evaluated,
//!    in order; a false one sets its branch's bit in the `disabled` mask
//!    (a `u64`: at most 64 branches).
//! 2. Every future expression (`f0`, `f1`) is evaluated, in order, disabled
//!    branches' included, into a tuple; then each is turned into a future
//!    (`IntoFuture`) and moved into a second tuple, `futs`, where it stays
//!    until it is dropped. Only `&mut futs` is kept (crate docs,
//!    "Pinning").
//! 3. One `poll_fn` is awaited; its closure owns `&mut futs` and the mask
//!    (that is all the state the `select!` keeps while it waits). Each poll
//!    first checks the cooperative budget (spent: `Pending`, the task
//!    deferred, no branch polled, as a budgeted resource does). It then
//!    polls each enabled branch once, in place, starting at a random branch
//!    and wrapping around (`biased;`: starting at the first). A branch that
//!    completes is disabled; its output is matched, by reference, against
//!    its pattern (binding modifiers stripped by `rt-macros`'
//!    `__select_clean_pattern`): on a match the poll returns the output
//!    moved into a `Choice`, `Next(..Next(Chosen(output)))` with one
//!    `Next` per earlier branch; on a mismatch polling goes on. If no branch
//!    is left pending, the poll returns `Next` once per branch around
//!    `Disabled`. The `Choice` is as large as the largest output (plus
//!    tags), and exists only once the wait is over.
//! 4. The futures are dropped (the block holding them ends).
//! 5. Outside any closure or loop of the macro, the `Choice` is matched: arm
//!    `i` is `Next` `i` times around `Chosen(p_i)` and runs handler `i`;
//!    the all-`Next` arm runs `e` (without `else`: a panic).
//!
//! Branches are numbered by a list of `_` tokens, one per earlier branch,
//! built while the input is normalised (one macro recursion per branch):
//! the same list counts (the branch's index, `__rt_futures_count!`),
//! destructures the tuples (`(_, _, fut, ..)`) and nests the `Choice`
//! (`__rt_futures_nest!`, eight levels per recursion, so that 64 branches
//! stay within the default recursion limit).

/// Waits on several futures at once, in the current task, and runs the
/// handler of the first branch whose future completes with a value that
/// matches its pattern; the other futures are dropped.
///
/// ```text
/// rt::select! {
///     biased;                                        // optional, first
///     <pattern> = <future>, if <condition> => <handler>,
///     <pattern> = <future> => <handler>,
///     else => <expression>                           // optional, last
/// }
/// ```
///
/// The behaviour is tokio's:
///
/// 1. All conditions are evaluated first; a branch whose condition is
///    `false` is disabled and its future never polled.
/// 2. All `<future>` expressions are evaluated (disabled ones too), each
///    once, and pinned in place: a future need not be `Unpin` nor fused,
///    and `&mut fut` may be given to keep a future across loop iterations
///    (then it must be `Unpin`, e.g. pinned with [`pin!`](crate::pin!)).
/// 3. The enabled futures are polled, starting at a random branch on every
///    poll so that no branch is favoured (with `biased;`: in the order
///    written). A future that completes disables its branch; if its output
///    matches the pattern, that branch is chosen, otherwise the other
///    branches keep going.
/// 4. The remaining futures are dropped, then the chosen handler runs with
///    the pattern's bindings, and its value is the value of `select!`.
///    Handlers run in the enclosing code, so `break`, `continue`, `return`
///    and `?` in a handler behave as written there.
/// 5. If every branch is disabled, the `else` expression is the value.
///
/// Up to 64 branches (the default recursion limit of one expansion per
/// branch allows more, but 64 is tokio's promise).
///
/// Before polling its branches, each poll checks the task's cooperative
/// budget (`rt::task::coop`): if it is spent, `select!` yields without
/// polling any branch, as tokio's does.
///
/// # Cancel safety
///
/// Dropping a `select!` (or completing it) drops every branch's future that
/// was not given by `&mut`: whatever a cancel-unsafe future had half done
/// is lost. Using `select!` in a loop is safe when each branch's future is
/// cancel-safe, or is kept across iterations by `&mut`.
///
/// # Panics
///
/// If every branch is disabled and there is no `else` branch:
/// "all branches are disabled and there is no else branch". And, of course,
/// if a polled future or a handler panics.
///
/// # Examples
///
/// The first to complete wins, and the loser is dropped:
///
/// ```
/// use rt::time::{sleep, Duration};
///
/// # rt::Runtime::new()?.block_on(async {
/// let winner = rt::select! {
///     _ = sleep(Duration::from_secs(3600)) => "slow",
///     n = async { 2 + 2 } => if n == 4 { "fast" } else { "wrong" },
/// };
/// assert_eq!(winner, "fast");
/// # });
/// # std::io::Result::Ok(())
/// ```
///
/// In a loop: a precondition, a pattern that stops matching when the
/// source runs dry, and an `else` branch taken once both branches are
/// disabled (`&mut` futures kept across iterations: see [`pin!`](crate::pin!)):
///
/// ```
/// # rt::Runtime::new()?.block_on(async {
/// let mut numbers = vec![1, 2, 3].into_iter();
/// let mut words = vec!["a", "b"].into_iter();
/// let (mut sum, mut text) = (0, String::new());
/// loop {
///     rt::select! {
///         biased;
///         Some(n) = async { numbers.next() }, if sum < 100 => sum += n,
///         Some(w) = async { words.next() } => text.push_str(w),
///         else => break,
///     }
/// }
/// assert_eq!((sum, text.as_str()), (6, "ab"));
/// # });
/// # std::io::Result::Ok(())
/// ```
#[macro_export]
macro_rules! select {
    // ===== Emit: every branch normalised as `(_ _ ..) [pat] [future] [condition] [handler]`.
    (@emit $start:tt ($($all:tt)*) [$($else:tt)*]
        $( ( $($s:tt)* ) [$p:pat] [$f:expr_2021] [$c:expr_2021] [$h:expr_2021] )+
    ) => {{
        const __N: usize = $crate::__rt_futures_count!($($all)*);
        // Step 1: the conditions (bit `i` set: branch `i` is disabled).
        let mut __disabled: u64 = 0;
        $(
            if !$c {
                __disabled |= 1u64 << $crate::__rt_futures_count!($($s)*);
            }
        )+
        #[allow(unused_mut)] // needed only by a `ref mut` binding
        let mut __output = {
            // Step 2: the futures, evaluated as written first (so that a
            // temporary they borrow lives as long as `let` makes it), then
            // stored once, in one tuple, and polled where they lie.
            let __init = ( $( $f, )+ );
            let mut __futs = ( $(
                $crate::__private::IntoFuture::into_future({
                    let ( $($s,)* __f, .. ) = __init;
                    __f
                }),
            )+ );
            // From here on the tuple is reached only through this
            // reference, moved into the poll closure (crate docs, "Pinning").
            let __futs = &mut __futs;
            // Step 3: choose.
            $crate::__private::poll_fn(move |__cx| {
                if $crate::__private::poll_budget_available(__cx).is_pending() {
                    return $crate::__private::Poll::Pending;
                }
                let __start: usize = $crate::select!(@start $start __N);
                let mut __pending = false;
                // Pass 0 polls the branches from `__start` on, pass 1 those
                // before it.
                for __pass in 0..2 {
                    $(
                        let __i = $crate::__rt_futures_count!($($s)*);
                        let __bit = 1u64 << __i;
                        #[allow(unreachable_code)]
                        if (__pass == 0) == (__i >= __start) && __disabled & __bit == 0 {
                            '__branch: {
                                let ( $($s,)* __fut, .. ) = &mut *__futs;
                                // SAFETY: the tuple is a local of the macro's
                                // block, reached only through `__futs`, and
                                // nothing moves it or its fields; it lives in
                                // the awaiting future, which stays pinned
                                // until it drops the tuple in place (module
                                // docs, "Pinning").
                                let __fut = unsafe { $crate::__private::Pin::new_unchecked(__fut) };
                                // The `Pending` arm diverges, so an output
                                // type nothing else names falls back as a
                                // diverging one does (`poll_fn(|_| panic!())`
                                // in a disabled branch).
                                let __out = match $crate::__private::Future::poll(__fut, __cx) {
                                    $crate::__private::Poll::Ready(__out) => __out,
                                    $crate::__private::Poll::Pending => {
                                        __pending = true;
                                        break '__branch;
                                    }
                                };
                                __disabled |= __bit;
                                match &__out {
                                    #[allow(unused_variables)]
                                    $crate::__private::select_clean_pattern!($p) => {
                                        return $crate::__private::Poll::Ready(
                                            $crate::__rt_futures_nest!(($($s)*) $crate::__private::Choice::Chosen(__out)),
                                        );
                                    }
                                    #[allow(unreachable_patterns)]
                                    _ => {}
                                }
                            }
                        }
                    )+
                }
                if __pending {
                    $crate::__private::Poll::Pending
                } else {
                    $crate::__private::Poll::Ready(
                        $crate::__rt_futures_nest!(($($all)*) $crate::__private::Disabled),
                    )
                }
            })
            .await
            // Step 4: the futures drop here.
        };
        // Step 5: the handler, in the caller's code.
        match __output {
            $(
                $crate::__rt_futures_nest!(($($s)*) $crate::__private::Choice::Chosen($p)) => $h,
            )+
            $crate::__rt_futures_nest!(($($all)*) $crate::__private::Disabled) => {
                $($else)*
            }
            #[allow(unreachable_patterns)]
            _ => ::core::unreachable!("select!: the chosen output no longer matches"),
        }
    }};

    (@start [biased] $n:ident) => { 0usize };
    (@start [random] $n:ident) => { $crate::__private::random_below($n) };

    // ===== Normalise, one branch per recursion.
    (@parse $start:tt $n:tt [$($done:tt)*]) => {
        $crate::select!(@emit $start $n [::core::panic!("all branches are disabled and there is no else branch")] $($done)*)
    };
    (@parse $start:tt $n:tt [$($done:tt)*] else => $else:expr_2021 $(,)?) => {
        $crate::select!(@emit $start $n [$else] $($done)*)
    };
    (@parse $start:tt ($($n:tt)*) [$($done:tt)*] $p:pat = $f:expr_2021, if $c:expr_2021 => $h:block, $($rest:tt)*) => {
        $crate::select!(@parse $start ($($n)* _) [$($done)* ($($n)*) [$p] [$f] [$c] [$h]] $($rest)*)
    };
    (@parse $start:tt ($($n:tt)*) [$($done:tt)*] $p:pat = $f:expr_2021, if $c:expr_2021 => $h:block $($rest:tt)*) => {
        $crate::select!(@parse $start ($($n)* _) [$($done)* ($($n)*) [$p] [$f] [$c] [$h]] $($rest)*)
    };
    (@parse $start:tt ($($n:tt)*) [$($done:tt)*] $p:pat = $f:expr_2021, if $c:expr_2021 => $h:expr_2021, $($rest:tt)*) => {
        $crate::select!(@parse $start ($($n)* _) [$($done)* ($($n)*) [$p] [$f] [$c] [$h]] $($rest)*)
    };
    (@parse $start:tt ($($n:tt)*) [$($done:tt)*] $p:pat = $f:expr_2021, if $c:expr_2021 => $h:expr_2021) => {
        $crate::select!(@parse $start ($($n)* _) [$($done)* ($($n)*) [$p] [$f] [$c] [$h]])
    };
    (@parse $start:tt ($($n:tt)*) [$($done:tt)*] $p:pat = $f:expr_2021 => $h:block, $($rest:tt)*) => {
        $crate::select!(@parse $start ($($n)* _) [$($done)* ($($n)*) [$p] [$f] [true] [$h]] $($rest)*)
    };
    (@parse $start:tt ($($n:tt)*) [$($done:tt)*] $p:pat = $f:expr_2021 => $h:block $($rest:tt)*) => {
        $crate::select!(@parse $start ($($n)* _) [$($done)* ($($n)*) [$p] [$f] [true] [$h]] $($rest)*)
    };
    (@parse $start:tt ($($n:tt)*) [$($done:tt)*] $p:pat = $f:expr_2021 => $h:expr_2021, $($rest:tt)*) => {
        $crate::select!(@parse $start ($($n)* _) [$($done)* ($($n)*) [$p] [$f] [true] [$h]] $($rest)*)
    };
    (@parse $start:tt ($($n:tt)*) [$($done:tt)*] $p:pat = $f:expr_2021 => $h:expr_2021) => {
        $crate::select!(@parse $start ($($n)* _) [$($done)* ($($n)*) [$p] [$f] [true] [$h]])
    };

    // ===== Entry.
    () => {
        ::core::compile_error!("select! needs at least one branch")
    };
    (biased;) => {
        ::core::compile_error!("select! needs at least one branch")
    };
    ($(biased;)? else => $else:expr_2021 $(,)?) => {{
        $else
    }};
    (biased; $($branches:tt)+) => {
        $crate::select!(@parse [biased] () [] $($branches)+)
    };
    ($($branches:tt)+) => {
        $crate::select!(@parse [random] () [] $($branches)+)
    };
}

/// What `select!`'s poll returns: the chosen branch's output, nested as
/// `Next(..(Next(Chosen(output))))` with one `Next` per branch before it,
/// or `Next` once per branch around [`Disabled`] when no branch is left.
/// One value as large as the largest output (plus tags), where one slot per
/// branch would hold their sum. Not public API.
#[derive(Debug)]
pub enum Choice<T, Rest> {
    /// This branch was chosen, with this output.
    Chosen(T),
    /// A later branch was chosen, or none.
    Next(Rest),
}

/// The end of a [`Choice`] chain: every branch is disabled. Not public API.
#[derive(Debug)]
pub struct Disabled;
