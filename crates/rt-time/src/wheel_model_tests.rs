//! A model-based property test of the wheel: random sequences of arm
//! (`insert`), cancel (`remove`), `reset`, `get_mut` and advance (`process`)
//! run against the wheel and against a reference model, a
//! `BTreeMap<(deadline, seq), id>` of the armed timers, and must agree.
//!
//! After each step:
//! - `len()` is the model's length;
//! - `next_expiration()` is `None` iff the model is empty, else a tick after
//!   `elapsed` and no later than the earliest armed deadline. It is not
//!   exact by contract (it is the start of the earliest busy slot), so the
//!   owner-loop step checks what it does promise: woken only at
//!   `next_expiration`, the owner sees the earliest timer fire at exactly its
//!   deadline, after a bounded number of wake-ups.
//!
//! On each advance to `now`, exactly the model's timers with deadline
//! `<= now` fire (none early, none lost, none cancelled, none twice), in
//! non-decreasing deadline order. Timers sharing a tick fire in an
//! unspecified order (a slot's list is LIFO and cascading reverses it), so
//! ties are checked as a set. A stale key (fired, cancelled or refused)
//! must miss on `remove`, `get_mut` and `reset`.
//!
//! Deadlines and jumps cover every level (`1 + x` for `x` below `2^b`, `b`
//! up to 42), the level boundaries ±1, the overflow list (beyond `2^36`
//! ticks, up to 64 spans ahead) and the past (inserts at or before
//! `elapsed`, which the wheel refuses). They stay within 2^42 ticks of
//! `elapsed` because the wheel crosses empty spans one at a time (one
//! iteration per 2^36 ticks jumped while a timer waits on the overflow list).
//!
//! Runs proptest's default 256 cases (`PROPTEST_CASES` overrides) from a
//! fixed seed, so CI runs the same cases each time (`PROPTEST_RNG_SEED`
//! overrides; a failure prints the minimal sequence).

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngSeed};

use super::{Key, Reset, Wheel, LEVELS, SLOT_BITS, SPAN_BITS};

/// Steps per case: long enough to cascade through several levels.
const MAX_STEPS: usize = 200;
/// The largest jump or deadline offset, in bits: 64 spans of the wheel.
const MAX_BITS: u32 = SPAN_BITS + 6;
/// The seed used unless `PROPTEST_RNG_SEED` is set.
const SEED: u64 = 0x7153_EE1F_00D5_EED5;

/// A deadline, relative to the wheel's `elapsed` when the step runs.
#[derive(Debug, Clone)]
enum When {
    /// `elapsed - x` (saturating): already due, refused.
    Past(u64),
    /// `elapsed + 1 + x`.
    Ahead(u64),
    /// The next multiple of `64^level` after `elapsed`, plus `delta`.
    Boundary { level: u32, delta: i64 },
}

/// Where an advance goes, relative to the state when the step runs.
#[derive(Debug, Clone)]
enum Advance {
    /// To `elapsed + x`.
    By(u64),
    /// To `elapsed - x`: nothing fires, `elapsed` stays.
    Back(u64),
    /// To `next_expiration()`, as the driver does.
    ToNext,
    /// To the earliest armed deadline plus `delta`.
    ToEarliest(i64),
    /// The owner's loop: to `next_expiration()` again and again until
    /// something fires.
    Owner,
}

#[derive(Debug, Clone)]
enum Step {
    Arm(When),
    /// Cancel an armed timer if `live` (and there is one), else any key
    /// ever handed out.
    Cancel {
        live: bool,
        pick: Index,
    },
    Reset {
        live: bool,
        pick: Index,
        when: When,
    },
    Get {
        live: bool,
        pick: Index,
    },
    Advance(Advance),
}

/// `x` below `2^b` for `b` in `0..=MAX_BITS`: every magnitude alike.
fn magnitude() -> impl Strategy<Value = u64> {
    (0..=MAX_BITS).prop_flat_map(|bits| 0..=(1u64 << bits) - 1)
}

fn when() -> impl Strategy<Value = When> {
    prop_oneof![
        1 => (0u64..200).prop_map(When::Past),
        6 => magnitude().prop_map(When::Ahead),
        2 => (1..=LEVELS as u32 + 1, -1i64..=1)
            .prop_map(|(level, delta)| When::Boundary { level, delta }),
    ]
}

fn advance() -> impl Strategy<Value = Advance> {
    prop_oneof![
        4 => magnitude().prop_map(Advance::By),
        1 => (0u64..100).prop_map(Advance::Back),
        3 => Just(Advance::ToNext),
        2 => (-1i64..=1).prop_map(Advance::ToEarliest),
        1 => Just(Advance::Owner),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => when().prop_map(Step::Arm),
        3 => (any::<bool>(), any::<Index>()).prop_map(|(live, pick)| Step::Cancel { live, pick }),
        2 => (any::<bool>(), any::<Index>(), when())
            .prop_map(|(live, pick, when)| Step::Reset { live, pick, when }),
        1 => (any::<bool>(), any::<Index>()).prop_map(|(live, pick)| Step::Get { live, pick }),
        5 => advance().prop_map(Step::Advance),
    ]
}

/// The reference: what should be armed, by deadline then arming order.
#[derive(Default)]
struct Model {
    /// `(deadline, seq) -> id`: the armed timers, earliest first.
    armed: BTreeMap<(u64, u64), u64>,
    /// `id -> (key, deadline, seq)` of the armed timers.
    by_id: BTreeMap<u64, (Key, u64, u64)>,
    /// Every key handed out, with its id (the wheel stores the id).
    keys: Vec<(Key, u64)>,
    next_seq: u64,
}

impl Model {
    fn arm(&mut self, id: u64, key: Key, when: u64) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.armed.insert((when, seq), id);
        self.by_id.insert(id, (key, when, seq));
    }

    fn disarm(&mut self, id: u64) -> Option<u64> {
        let (_, when, seq) = self.by_id.remove(&id)?;
        self.armed.remove(&(when, seq));
        Some(when)
    }

    fn earliest(&self) -> Option<u64> {
        self.armed.keys().next().map(|&(when, _)| when)
    }

    /// A key to act on: an armed one if `live` and any is armed, else any
    /// key ever handed out (armed or stale); `None` before the first.
    fn pick(&self, live: bool, pick: &Index) -> Option<(Key, u64)> {
        if live && !self.by_id.is_empty() {
            let (&id, &(key, _, _)) = self.by_id.iter().nth(pick.index(self.by_id.len()))?;
            Some((key, id))
        } else if !self.keys.is_empty() {
            Some(*pick.get(&self.keys))
        } else {
            None
        }
    }
}

/// The absolute tick `when` names now.
fn resolve(when: &When, elapsed: u64) -> u64 {
    match *when {
        When::Past(x) => elapsed.saturating_sub(x),
        When::Ahead(x) => elapsed.saturating_add(1).saturating_add(x),
        When::Boundary { level, delta } => {
            let shift = SLOT_BITS * level;
            let next = ((elapsed >> shift) + 1) << shift;
            next.saturating_add_signed(delta)
        }
    }
}

/// Runs one sequence against the wheel and the model; `Err` on the first
/// disagreement.
fn run(steps: &[Step]) -> Result<(), TestCaseError> {
    let mut wheel = Wheel::new();
    let mut model = Model::default();
    let mut next_id = 0u64;
    for step in steps {
        match step {
            Step::Arm(when) => {
                let at = resolve(when, wheel.elapsed());
                let id = next_id;
                next_id += 1;
                match wheel.insert(at, id) {
                    Ok(key) => {
                        prop_assert!(at > wheel.elapsed(), "armed {at} at {}", wheel.elapsed());
                        model.keys.push((key, id));
                        model.arm(id, key, at);
                    }
                    Err(back) => {
                        prop_assert_eq!(back, id);
                        prop_assert!(at <= wheel.elapsed(), "refused {at} at {}", wheel.elapsed());
                    }
                }
            }
            Step::Cancel { live, pick } => {
                let Some((key, id)) = model.pick(*live, pick) else {
                    continue;
                };
                let expected = model.disarm(id).map(|_| id);
                prop_assert_eq!(wheel.remove(key), expected, "cancel id {}", id);
            }
            Step::Reset { live, pick, when } => {
                let Some((key, id)) = model.pick(*live, pick) else {
                    continue;
                };
                let at = resolve(when, wheel.elapsed());
                let armed = model.disarm(id).is_some();
                match wheel.reset(key, at) {
                    Reset::Gone => prop_assert!(!armed, "reset of armed id {id} missed"),
                    Reset::Due(back) => {
                        prop_assert!(armed, "reset of stale id {id} hit");
                        prop_assert_eq!(back, id);
                        prop_assert!(at <= wheel.elapsed(), "{at} not due at {}", wheel.elapsed());
                    }
                    Reset::Moved => {
                        prop_assert!(armed, "reset of stale id {id} hit");
                        prop_assert!(at > wheel.elapsed(), "moved to due {at}");
                        model.arm(id, key, at);
                    }
                }
            }
            Step::Get { live, pick } => {
                let Some((key, id)) = model.pick(*live, pick) else {
                    continue;
                };
                let expected = model.by_id.contains_key(&id).then_some(id);
                prop_assert_eq!(wheel.get_mut(key).copied(), expected, "get id {}", id);
            }
            Step::Advance(advance) => {
                let elapsed = wheel.elapsed();
                let now = match *advance {
                    Advance::By(x) => elapsed.saturating_add(x),
                    Advance::Back(x) => elapsed.saturating_sub(x),
                    Advance::ToNext => wheel.next_expiration().unwrap_or(elapsed),
                    Advance::ToEarliest(delta) => model
                        .earliest()
                        .map_or(elapsed, |t| t.saturating_add_signed(delta)),
                    Advance::Owner => {
                        owner_loop(&mut wheel, &mut model)?;
                        check(&wheel, &model)?;
                        continue;
                    }
                };
                advance_to(&mut wheel, &mut model, now)?;
            }
        }
        check(&wheel, &model)?;
    }
    // Nothing is lost: a jump past every deadline fires all that is armed.
    if let Some(&(last, _)) = model.armed.keys().next_back() {
        advance_to(&mut wheel, &mut model, last)?;
    }
    prop_assert_eq!(wheel.len(), 0);
    prop_assert_eq!(wheel.next_expiration(), None);
    Ok(())
}

/// Processes to `now` and checks that exactly the model's timers due by
/// then fired, in deadline order.
fn advance_to(wheel: &mut Wheel<u64>, model: &mut Model, now: u64) -> Result<(), TestCaseError> {
    let before = wheel.elapsed();
    let mut fired = Vec::new();
    wheel.process(now, &mut fired);
    prop_assert_eq!(
        wheel.elapsed(),
        before.max(now),
        "elapsed after process({})",
        now
    );

    let due: BTreeSet<u64> = model
        .armed
        .range(..=(now, u64::MAX))
        .map(|(_, &id)| id)
        .collect();
    let fired_set: BTreeSet<u64> = fired.iter().copied().collect();
    prop_assert_eq!(
        fired_set.len(),
        fired.len(),
        "an id fired twice: {:?}",
        fired
    );
    let early: Vec<_> = fired_set.difference(&due).collect();
    prop_assert!(
        early.is_empty(),
        "fired but not due by {} (early, cancelled or unknown): {:?}",
        now,
        early
    );
    let lost: Vec<_> = due.difference(&fired_set).collect();
    prop_assert!(lost.is_empty(), "due by {} but not fired: {:?}", now, lost);

    let deadlines: Vec<u64> = fired.iter().map(|id| model.by_id[id].1).collect();
    prop_assert!(
        deadlines.windows(2).all(|w| w[0] <= w[1]),
        "not in deadline order: {:?}",
        deadlines
    );
    for id in fired {
        model.disarm(id);
    }
    Ok(())
}

/// The driver's loop: process to `next_expiration()` until a timer
/// fires. The first to fire must be the earliest, at its very tick, after
/// at most one wake-up per level per span crossed.
fn owner_loop(wheel: &mut Wheel<u64>, model: &mut Model) -> Result<(), TestCaseError> {
    let Some(earliest) = model.earliest() else {
        prop_assert_eq!(wheel.next_expiration(), None);
        return Ok(());
    };
    let spans = (earliest >> SPAN_BITS) - (wheel.elapsed() >> SPAN_BITS);
    let bound = (spans as usize + 1) * (LEVELS + 1);
    for _ in 0..bound {
        let tick = wheel.next_expiration().expect("timers are armed");
        let len = model.armed.len();
        advance_to(wheel, model, tick)?;
        if model.armed.len() < len {
            prop_assert_eq!(tick, earliest, "the owner woke late");
            return Ok(());
        }
    }
    Err(TestCaseError::fail(format!(
        "{earliest} did not fire in {bound} wake-ups"
    )))
}

/// The invariants that hold between steps.
fn check(wheel: &Wheel<u64>, model: &Model) -> Result<(), TestCaseError> {
    prop_assert_eq!(wheel.len(), model.armed.len());
    match (wheel.next_expiration(), model.earliest()) {
        (None, None) => {}
        (Some(next), Some(earliest)) => {
            prop_assert!(
                next > wheel.elapsed() && next <= earliest,
                "next_expiration {} outside ({}, {}]",
                next,
                wheel.elapsed(),
                earliest
            );
        }
        (next, earliest) => {
            return Err(TestCaseError::fail(format!(
                "next_expiration {next:?}, earliest armed {earliest:?}"
            )));
        }
    }
    Ok(())
}

/// Proptest's defaults (`PROPTEST_CASES` and the other variables apply),
/// from a fixed seed unless `PROPTEST_RNG_SEED` is set, and no regression
/// files written into the source tree: the seed already replays a failure.
fn config() -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(SEED);
    }
    config.failure_persistence = None;
    config
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn agrees_with_a_sorted_map(steps in prop::collection::vec(step(), 1..=MAX_STEPS)) {
        run(&steps)?;
    }
}
