//! What one timer armed and cancelled before its deadline costs, on rt and
//! on tokio: the per-request pattern of hyper's header-read timeout (a
//! 30 s sleep made, polled once, dropped). Run under callgrind by
//! `scripts/timer-counts.sh`, which prints instructions per arm + cancel;
//! the figures are counts, so a busy machine gives the same.
//!
//! ```text
//! timer_cost rt|tokio|base N sleep|hyper
//! ```
//!
//! `sleep`: `time::sleep(30 s)` pinned on the stack. `hyper`: hyper's
//! `Timer::sleep_until(now + 30 s)` with `rt::hyper::Timer` or
//! hyper-util's `TokioTimer` (a boxed sleep, as hyper makes it). `base`
//! does the work around the timer only (the clock read and box of the
//! `hyper` loop), for the script to subtract. Each loop (`*_loop`, the
//! functions callgrind collects) runs in a task on a 2-worker runtime,
//! with 100 other 10 s timers armed and one of them cancelled, so the
//! wheel is not empty and the timer takes a slot in its middle, as in a
//! server.

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::rt::Timer as _;

/// The timeout armed and cancelled: hyper's default header-read timeout.
const TIMEOUT: Duration = Duration::from_secs(30);
/// The other timers' deadline: earlier, so the driver already waits for
/// one of them and arming the loop's timer never needs to wake it.
const OTHERS: Duration = Duration::from_secs(10);
/// How many other timers are armed.
const OTHER_TIMERS: usize = 100;
/// Arm + cancel rounds before the counted ones (the wheel's arena grown).
const WARM_UP: usize = 1000;

fn once_rt(cx: &mut Context<'_>, hyper: bool) {
    if hyper {
        let deadline = std::time::Instant::now() + TIMEOUT;
        let mut sleep = rt::hyper::Timer.sleep_until(deadline);
        assert!(sleep.as_mut().poll(cx).is_pending());
        drop(std::hint::black_box(sleep));
    } else {
        let mut sleep = std::pin::pin!(rt::time::sleep(TIMEOUT));
        assert!(sleep.as_mut().poll(cx).is_pending());
    }
}

fn once_tokio(cx: &mut Context<'_>, hyper: bool) {
    if hyper {
        let deadline = std::time::Instant::now() + TIMEOUT;
        let mut sleep = hyper_util::rt::TokioTimer::new().sleep_until(deadline);
        assert!(sleep.as_mut().poll(cx).is_pending());
        drop(std::hint::black_box(sleep));
    } else {
        let mut sleep = std::pin::pin!(tokio::time::sleep(TIMEOUT));
        assert!(sleep.as_mut().poll(cx).is_pending());
    }
}

/// The `hyper` loop's work besides the timer: a clock read and a box.
fn once_base(hyper: bool) {
    if hyper {
        let deadline = std::time::Instant::now() + TIMEOUT;
        drop(std::hint::black_box(Box::pin(deadline)));
    }
}

#[inline(never)]
fn rt_loop(cx: &mut Context<'_>, rounds: usize, hyper: bool) {
    for _ in 0..rounds {
        once_rt(cx, hyper);
    }
}

#[inline(never)]
fn tokio_loop(cx: &mut Context<'_>, rounds: usize, hyper: bool) {
    for _ in 0..rounds {
        once_tokio(cx, hyper);
    }
}

#[inline(never)]
fn base_loop(rounds: usize, hyper: bool) {
    for _ in 0..rounds {
        once_base(hyper);
    }
}

/// Arms `OTHER_TIMERS` timers and cancels one, then runs `rounds` (after
/// `WARM_UP`) in this task; the others are dropped at the end.
async fn run<S: Future + Unpin>(
    make: impl Fn() -> S,
    rounds: impl Fn(&mut Context<'_>, usize),
    nap: impl Future,
) {
    let mut others: Vec<S> = (0..OTHER_TIMERS).map(|_| make()).collect();
    std::future::poll_fn(|cx| {
        for other in &mut others {
            assert!(Pin::new(other).poll(cx).is_pending());
        }
        Poll::Ready(())
    })
    .await;
    drop(others.remove(OTHER_TIMERS / 2));
    // Let the driver settle into waiting for the others.
    nap.await;
    std::future::poll_fn(|cx| {
        rounds(cx, WARM_UP);
        Poll::Ready(())
    })
    .await;
    drop(others);
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(which), Some(Ok(n)), Some(kind)) = (
        args.first(),
        args.get(1).map(|n| n.parse::<usize>()),
        args.get(2),
    ) else {
        eprintln!("usage: timer_cost rt|tokio|base N sleep|hyper");
        return ExitCode::FAILURE;
    };
    let hyper = kind == "hyper";
    match which.as_str() {
        "base" => base_loop(WARM_UP + n, hyper),
        "rt" => {
            let runtime = rt::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .build()
                .expect("an rt runtime");
            runtime.block_on(async move {
                rt::spawn(run(
                    || Box::pin(rt::time::sleep(OTHERS)),
                    move |cx, warm_up| {
                        rt_loop(cx, warm_up, hyper);
                        rt_loop(cx, n, hyper);
                    },
                    rt::time::sleep(Duration::from_millis(50)),
                ))
                .await
                .expect("the loop's task");
            });
        }
        "tokio" => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a tokio runtime");
            runtime.block_on(async move {
                tokio::spawn(run(
                    || Box::pin(tokio::time::sleep(OTHERS)),
                    move |cx, warm_up| {
                        tokio_loop(cx, warm_up, hyper);
                        tokio_loop(cx, n, hyper);
                    },
                    tokio::time::sleep(Duration::from_millis(50)),
                ))
                .await
                .expect("the loop's task");
            });
        }
        _ => {
            eprintln!("usage: timer_cost rt|tokio|base N sleep|hyper");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
