//! `rt::select!`: the first branch to complete with a matching value wins,
//! the others are dropped before its handler runs; preconditions, pattern
//! mismatches, `else`, `biased;`, fairness, loops and the budget behave as
//! tokio's `select!` does.

use crate::support;

use std::future::{pending, ready, Future};
use std::pin::Pin;
use std::task::{Context, Poll};

use support::{Counted, Counter};

/// Always ready, counting its polls; never completes "for good" (a fresh
/// one is made per `select!`).
fn ready_counted<T>(value: T, polls: &Counter) -> Counted<std::future::Ready<T>> {
    Counted::new(ready(value), polls, &Counter::new())
}

#[rt::test]
async fn first_ready_branch_wins_and_the_others_are_dropped_before_its_handler() {
    let (polls, drops) = (Counter::new(), Counter::new());
    let slow = Counted::new(pending::<u32>(), &polls, &drops);
    let drops_seen = drops.clone();
    let value = rt::select! {
        n = slow => n,
        n = async { rt::task::yield_now().await; 7 } => {
            // The losing future is gone by the time the handler runs.
            assert_eq!(drops_seen.get(), 1);
            n
        }
    };
    assert_eq!(value, 7);
    assert_eq!(drops.get(), 1, "dropped exactly once");
    assert!(polls.get() >= 1, "the losing future was polled");
}

#[rt::test]
async fn biased_polls_in_the_order_written() {
    let (first, second) = (Counter::new(), Counter::new());
    for _ in 0..100 {
        let winner = rt::select! {
            biased;
            a = ready_counted(1, &first) => a,
            b = ready_counted(2, &second) => b,
        };
        assert_eq!(winner, 1);
    }
    assert_eq!(first.get(), 100);
    assert_eq!(second.get(), 0, "the second branch is never polled");
}

#[rt::test]
async fn unbiased_select_is_fair_between_always_ready_branches() {
    const ROUNDS: usize = 2_000;
    let mut wins = [0usize; 2];
    for _ in 0..ROUNDS {
        let i = rt::select! {
            i = ready(0) => i,
            i = ready(1) => i,
        };
        wins[i] += 1;
    }
    // Expected 1,000 each (standard deviation about 22).
    assert!(wins.iter().all(|&w| w > 800), "wins {wins:?}");
}

#[rt::test]
async fn a_false_precondition_disables_the_branch_without_polling_its_future() {
    let polls = Counter::new();
    let created = Counter::new();
    let created_seen = created.clone();
    let value = rt::select! {
        // Conditions run before any branch's future is even evaluated.
        v = { created.incr(); ready_counted(1, &polls) }, if { assert_eq!(created_seen.get(), 0); false } => v,
        v = { created.incr(); async { 2 } }, if { assert_eq!(created_seen.get(), 0); true } => v,
    };
    assert_eq!(value, 2);
    assert_eq!(
        created.get(),
        2,
        "disabled branches' futures are still evaluated"
    );
    assert_eq!(polls.get(), 0, "but never polled");
}

#[rt::test]
async fn a_disabled_branch_may_hold_a_future_whose_output_type_nothing_names() {
    // The future never says what it would return, and its branch's `_`
    // does not either: the macro must still type-check (tokio's does).
    let never = std::future::poll_fn(|_| panic!("a disabled branch was polled"));
    let value = rt::select! {
        _ = never, if false => unreachable!(),
        v = async { 7 } => v,
    };
    assert_eq!(value, 7);
}

#[rt::test]
async fn a_pattern_mismatch_disables_the_branch_and_the_others_keep_going() {
    let polls = Counter::new();
    let value = rt::select! {
        biased;
        Some(v) = Counted::new(ready(None::<u32>), &polls, &Counter::new()) => v,
        v = async { rt::task::yield_now().await; 5 } => v,
    };
    assert_eq!(value, 5);
    assert_eq!(polls.get(), 1, "a completed branch is not polled again");
}

#[rt::test]
async fn binding_modifiers_in_patterns_work() {
    let value = rt::select! {
        (Some(mut v), ref w) = async { (Some(String::from("a")), 1) } => {
            v.push('b');
            format!("{v}{w}")
        }
    };
    assert_eq!(value, "ab1");
}

#[rt::test]
async fn else_is_taken_when_every_branch_is_disabled() {
    let by_condition = rt::select! {
        v = ready(1), if false => v,
        else => 0,
    };
    assert_eq!(by_condition, 0);
    let by_pattern = rt::select! {
        Some(v) = ready(None::<u32>) => v,
        Ok(v) = ready(Err::<u32, ()>(())) => v,
        else => 9,
    };
    assert_eq!(by_pattern, 9);
}

#[rt::test]
#[should_panic(expected = "all branches are disabled and there is no else branch")]
async fn every_branch_disabled_without_else_panics() {
    let _: u32 = rt::select! {
        Some(v) = ready(None::<u32>) => v,
        v = ready(1), if false => v,
    };
}

#[rt::test]
async fn in_a_loop_a_future_given_by_mut_keeps_its_progress() {
    let steps = Counter::new();
    let drops = Counter::new();
    let long = Counted::new(
        {
            let steps = steps.clone();
            async move {
                for _ in 0..5 {
                    rt::task::yield_now().await;
                    steps.incr();
                }
                "done"
            }
        },
        &Counter::new(),
        &drops,
    );
    rt::pin!(long);
    let mut ticks = 0;
    let outcome = loop {
        rt::select! {
            biased;
            out = &mut long => break out,
            _ = rt::task::yield_now() => {
                ticks += 1;
                if ticks > 1_000 {
                    break "stuck";
                }
                continue;
            }
        }
    };
    assert_eq!(outcome, "done");
    assert_eq!(steps.get(), 5, "one future, never restarted");
    assert_eq!(drops.get(), 0, "a `&mut` future outlives each select");
    assert!(ticks >= 1);
}

#[rt::test]
async fn return_and_question_mark_in_handlers_leave_the_enclosing_function() {
    async fn first_even(values: Vec<u32>) -> Result<u32, String> {
        for v in values {
            rt::select! {
                r = ready(if v == 99 { Err(format!("bad {v}")) } else { Ok(v) }) => {
                    let v = r?;
                    if v % 2 == 0 {
                        return Ok(v);
                    }
                }
            }
        }
        Ok(0)
    }
    assert_eq!(first_even(vec![1, 3, 4, 5]).await, Ok(4));
    assert_eq!(first_even(vec![1, 99, 4]).await, Err("bad 99".to_string()));
    assert_eq!(first_even(vec![1]).await, Ok(0));
}

/// Polls its inner future, counting the polls.
struct CountPolls<'a, F>(Pin<&'a mut F>, &'a Counter);

impl<F: Future> Future for CountPolls<'_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.1.incr();
        self.0.as_mut().poll(cx)
    }
}

#[rt::test]
async fn an_exhausted_budget_makes_select_yield_before_polling_its_branches() {
    let outcome = rt::spawn(async {
        let (outer, branch) = (Counter::new(), Counter::new());
        let select = async {
            rt::select! {
                v = ready_counted(3, &branch) => v,
            }
        };
        let select = std::pin::pin!(select);
        // Spend this poll's budget (128 units) on a resource that is ready.
        while rt::task::coop::has_budget_remaining() {
            rt::task::consume_budget().await;
        }
        let v = CountPolls(select, &outer).await;
        (v, outer.get(), branch.get())
    })
    .await
    .unwrap();
    // First poll: budget spent, so `Pending` without polling the branch;
    // the task runs again with a fresh budget and the branch wins.
    assert_eq!(outcome, (3, 2, 1));
}

#[rt::test]
async fn sixty_four_branches() {
    // 63 branches that complete without matching, then one that matches.
    let value = rt::select! {
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        Some(v) = ready(None::<usize>) => v,
        v = async { rt::task::yield_now().await; 63usize } => v,
    };
    assert_eq!(value, 63);
}

#[rt::test]
async fn a_handler_may_use_what_the_branch_futures_borrowed() {
    let mut stack = vec![1, 2];
    let popped = rt::select! {
        // The future borrows `stack` mutably; it is gone when the handler runs.
        n = async { stack.pop() } => {
            stack.push(9);
            n
        }
    };
    assert_eq!(popped, Some(2));
    assert_eq!(stack, [1, 9]);
}

/// The future of an `async` block around `select!` is as large as tokio's
/// (its own tests assert these sizes): every branch's future is kept once,
/// and the chosen output leaves the poll as one value.
#[cfg(target_pointer_width = "64")]
#[test]
fn select_keeps_each_future_once() {
    use std::mem::size_of_val;

    let one = async {
        let ready = ready(0i32);
        rt::select! {
            _ = ready => {}
        }
    };
    assert_eq!(size_of_val(&one), 32);

    let two = async {
        let (ready1, ready2) = (ready(0i32), ready(0i32));
        rt::select! {
            _ = ready1 => {}
            _ = ready2 => {}
        }
    };
    assert_eq!(size_of_val(&two), 40);

    let three = async {
        let (ready1, ready2, ready3) = (ready(0i32), ready(0i32), ready(0i32));
        rt::select! {
            _ = ready1 => {}
            _ = ready2 => {}
            _ = ready3 => {}
        }
    };
    assert_eq!(size_of_val(&three), 48);

    // The outputs are not kept while the branches are pending (not one
    // slot per branch): only the futures, which hold no output here.
    let large_outputs = async {
        rt::select! {
            a = async { [1u8; 256] } => a[0],
            b = async { [2u8; 256] } => b[0],
        }
    };
    assert!(
        size_of_val(&large_outputs) < 64,
        "{}",
        size_of_val(&large_outputs)
    );
}

#[rt::test]
async fn a_branch_future_may_borrow_its_own_locals_across_awaits() {
    // An `async` block that holds a borrow of its own local across an
    // await is self-referential: it must be polled where it lies.
    let self_borrowing = async {
        let text = String::from("pinned");
        let view = text.as_str();
        rt::task::yield_now().await;
        rt::task::yield_now().await;
        view.len()
    };
    let len = rt::select! {
        n = self_borrowing => n,
        _ = std::future::pending::<()>() => unreachable!(),
    };
    assert_eq!(len, 6);
}
