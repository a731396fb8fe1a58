//! Unit tests of the wheel, driving time by hand (a tick is 1 ms).

use super::{Key, Reset, Wheel, LEVELS, SHRINK_FLOOR, SLOTS, SPAN_BITS};

/// Timers in the randomised tests.
const RANDOM_TIMERS: usize = 100_000;
/// Timers armed, then cancelled or fired, in the memory tests.
const MEMORY_TIMERS: usize = 100_000;
/// Timers left armed in the shrink test.
const KEPT: usize = 100;

/// A small deterministic PRNG (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Below `2^b` for a random `b` in `1..=max_bits`: every magnitude alike.
    fn magnitude(&mut self, max_bits: u64) -> u64 {
        let bits = 1 + self.below(max_bits);
        self.below(1 << bits)
    }
}

/// Processes up to `now` and returns what fired.
fn fire(wheel: &mut Wheel<u64>, now: u64) -> Vec<u64> {
    let mut out = Vec::new();
    wheel.process(now, &mut out);
    out
}

/// Runs the wheel the way the driver does — sleep until
/// `next_expiration`, process, repeat — until `value` fires; returns the tick
/// it fired at and how many wake-ups it took.
fn run_until_fired(wheel: &mut Wheel<u64>, value: u64) -> (u64, usize) {
    for wakeups in 1.. {
        let tick = wheel.next_expiration().expect("timer lost");
        assert!(
            tick >= wheel.elapsed(),
            "next expiration {tick} is in the past"
        );
        if fire(wheel, tick).contains(&value) {
            return (tick, wakeups);
        }
    }
    unreachable!()
}

/// Deadlines on and around every level boundary and beyond the top level.
fn interesting_deadlines() -> Vec<u64> {
    let mut out = vec![1, 2, 62, 63];
    for level in 1..=LEVELS as u32 + 1 {
        let boundary = 1u64 << (6 * level);
        out.extend([boundary - 1, boundary, boundary + 1, boundary * 3 + 17]);
    }
    out.extend([(1 << 40) + 12_345, (1 << 42) + 7]);
    out
}

#[test]
fn fires_at_its_tick_and_not_before() {
    for when in interesting_deadlines() {
        let mut wheel = Wheel::new();
        wheel.insert(when, when).unwrap();
        assert_eq!(
            fire(&mut wheel, when - 1),
            Vec::<u64>::new(),
            "{when} fired early"
        );
        assert_eq!(
            fire(&mut wheel, when),
            vec![when],
            "{when} did not fire on time"
        );
        assert_eq!(wheel.len(), 0);
        assert_eq!(wheel.next_expiration(), None);
    }
}

#[test]
fn fires_at_its_tick_from_an_odd_start() {
    // The same, with `elapsed` not aligned to any level.
    for start in [1, 63, 4095, 123_456_789, (1 << 36) - 1] {
        for offset in interesting_deadlines() {
            let mut wheel = Wheel::new();
            fire(&mut wheel, start);
            let when = start + offset;
            wheel.insert(when, when).unwrap();
            assert!(
                fire(&mut wheel, when - 1).is_empty(),
                "{start}+{offset} fired early"
            );
            assert_eq!(fire(&mut wheel, when), vec![when], "{start}+{offset} late");
        }
    }
}

#[test]
fn owner_loop_wakes_at_the_deadline_after_cascading() {
    // Woken only at `next_expiration`, the owner sees each timer fire at
    // exactly its tick, after at most one wake-up per level (plus one per
    // span crossed for far-future timers).
    for when in interesting_deadlines() {
        let mut wheel = Wheel::new();
        fire(&mut wheel, 5);
        wheel.insert(when + 5, when).unwrap();
        let (tick, wakeups) = run_until_fired(&mut wheel, when);
        assert_eq!(tick, when + 5);
        let spans = ((when + 5) >> SPAN_BITS) as usize;
        assert!(
            wakeups <= LEVELS + spans * (LEVELS + 1),
            "{when}: {wakeups} wake-ups"
        );
    }
}

#[test]
fn cascades_between_levels() {
    // 200 ms is on level 1 (slot 3, which starts at 192 ms).
    let mut wheel = Wheel::new();
    wheel.insert(200, 200).unwrap();
    assert_eq!(wheel.next_expiration(), Some(192));
    assert!(fire(&mut wheel, 192).is_empty());
    // Cascaded to level 0, slot 200 % 64.
    assert_eq!(wheel.next_expiration(), Some(200));
    assert_eq!(wheel.occupied[1], 0);
    assert_eq!(wheel.occupied[0], 1 << (200 % SLOTS));
    assert_eq!(fire(&mut wheel, 200), vec![200]);
}

#[test]
fn far_future_waits_on_the_overflow_list() {
    let when = (1u64 << SPAN_BITS) + 5;
    let mut wheel = Wheel::new();
    wheel.insert(when, 1).unwrap();
    assert_eq!(wheel.occupied, [0; LEVELS]);
    // Comes into range at the next span.
    assert_eq!(wheel.next_expiration(), Some(1 << SPAN_BITS));
    assert!(fire(&mut wheel, 1 << SPAN_BITS).is_empty());
    assert_eq!(wheel.next_expiration(), Some(when));
    assert_eq!(fire(&mut wheel, when), vec![1]);

    // Two spans ahead: goes back to the overflow list at the first boundary.
    let mut wheel = Wheel::new();
    wheel.insert(3 << SPAN_BITS, 2).unwrap();
    assert!(fire(&mut wheel, 1 << SPAN_BITS).is_empty());
    assert_eq!(wheel.next_expiration(), Some(2 << SPAN_BITS));
    assert_eq!(run_until_fired(&mut wheel, 2).0, 3 << SPAN_BITS);
}

#[test]
fn already_due_is_refused() {
    let mut wheel = Wheel::new();
    assert_eq!(wheel.insert(0, 7), Err(7));
    fire(&mut wheel, 100);
    assert_eq!(wheel.insert(100, 8), Err(8));
    assert_eq!(wheel.insert(50, 9), Err(9));
    assert!(wheel.insert(101, 10).is_ok());
}

#[test]
fn cancel_unlinks_and_stale_keys_miss() {
    let mut wheel = Wheel::new();
    let a = wheel.insert(10, 1).unwrap();
    let b = wheel.insert(10, 2).unwrap();
    let c = wheel.insert(10, 3).unwrap();
    // Middle, head and tail of one slot's list.
    assert_eq!(wheel.remove(b), Some(2));
    assert_eq!(wheel.remove(c), Some(3));
    assert_eq!(wheel.remove(b), None);
    assert_eq!(fire(&mut wheel, 10), vec![1]);
    assert_eq!(wheel.remove(a), None, "a fired key is stale");
    assert_eq!(wheel.occupied, [0; LEVELS]);

    // The slab reuses the index; the old key must not touch the new entry.
    let d = wheel.insert(20, 4).unwrap();
    assert_eq!(d.index, a.index);
    assert_eq!(wheel.remove(a), None);
    assert_eq!(wheel.get_mut(a), None);
    assert!(matches!(wheel.reset(a, 30), Reset::Gone));
    assert_eq!(wheel.get_mut(d), Some(&mut 4));
    assert_eq!(fire(&mut wheel, 20), vec![4]);
}

#[test]
fn cancelling_the_last_entry_clears_the_slot() {
    let mut wheel = Wheel::new();
    let keys: Vec<Key> = (0..5).map(|i| wheel.insert(5000, i).unwrap()).collect();
    assert_ne!(wheel.occupied, [0; LEVELS]);
    for key in keys {
        wheel.remove(key).unwrap();
    }
    assert_eq!(wheel.occupied, [0; LEVELS]);
    assert_eq!(wheel.next_expiration(), None);
    assert_eq!(wheel.len(), 0);
}

#[test]
fn reset_moves_an_entry() {
    let mut wheel = Wheel::new();
    let key = wheel.insert(1000, 1).unwrap();
    assert!(matches!(wheel.reset(key, 10), Reset::Moved));
    assert_eq!(wheel.next_expiration(), Some(10));
    assert!(matches!(wheel.reset(key, 100_000), Reset::Moved));
    assert!(fire(&mut wheel, 99_999).is_empty());
    assert!(matches!(wheel.reset(key, 99_999), Reset::Due(1)));
    assert_eq!(wheel.len(), 0);
    assert!(matches!(wheel.reset(key, 200_000), Reset::Gone));
}

#[test]
fn one_jump_fires_in_deadline_order() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut wheel = Wheel::new();
    for _ in 0..10_000 {
        let when = 1 + rng.magnitude(30);
        wheel.insert(when, when).unwrap();
    }
    let fired = fire(&mut wheel, u64::MAX / 2);
    assert_eq!(fired.len(), 10_000);
    assert!(
        fired.windows(2).all(|w| w[0] <= w[1]),
        "not in deadline order"
    );
}

#[test]
fn random_deadlines_fire_on_the_first_pass_at_or_after_them() {
    let mut rng = Rng(0x0123_4567_89AB_CDEF);
    let mut wheel = Wheel::new();
    let mut live: Vec<(Key, u64)> = Vec::new();
    let mut fired = 0;
    let mut cancelled = 0;
    let mut now = 0;
    let mut out = Vec::new();
    while fired + cancelled < RANDOM_TIMERS {
        // Arm a few timers, at every magnitude up to ~9 hours.
        let armed = fired + cancelled + live.len();
        for _ in 0..rng.below(8).min((RANDOM_TIMERS - armed) as u64) {
            let when = now + 1 + rng.magnitude(25);
            live.push((wheel.insert(when, when).unwrap(), when));
        }
        // Cancel one now and then, as servers do.
        if !live.is_empty() && rng.below(3) == 0 {
            let (key, when) = live.swap_remove(rng.below(live.len() as u64) as usize);
            assert_eq!(wheel.remove(key), Some(when));
            cancelled += 1;
        }
        // Jump ahead by a mostly small, sometimes large amount.
        let before = now;
        now += rng.magnitude(20);
        out.clear();
        wheel.process(now, &mut out);
        for &when in &out {
            assert!(when <= now, "fired early: due {when}, now {now}");
            assert!(when > before, "fired late: due {when}, passed at {before}");
        }
        fired += out.len();
        live.retain(|&(_, when)| when > now);
        assert_eq!(wheel.len(), live.len());
    }
    assert!(wheel.next_expiration().is_none());
}

/// Arms `n` timers at deadlines of every magnitude; returns their keys in
/// arming order (which is slab index order on a fresh wheel).
fn arm_many(wheel: &mut Wheel<u64>, n: usize) -> Vec<Key> {
    let mut rng = Rng(0x5EED_0F5E_ED00);
    (0..n as u64)
        .map(|i| {
            let when = wheel.elapsed() + 1 + rng.magnitude(30);
            wheel.insert(when, i).unwrap()
        })
        .collect()
}

#[test]
fn cancelling_every_timer_gives_the_memory_back() {
    let mut wheel = Wheel::new();
    let keys = arm_many(&mut wheel, MEMORY_TIMERS);
    assert!(wheel.capacity() >= MEMORY_TIMERS);
    // In arming order: the slab's tail stays live until the very end, so
    // only the last cancel can give the memory back.
    for key in keys {
        wheel.remove(key).unwrap();
    }
    assert!(
        wheel.capacity() <= SHRINK_FLOOR,
        "{} slots kept for 0 timers",
        wheel.capacity()
    );
}

#[test]
fn firing_every_timer_gives_the_memory_back() {
    let mut wheel = Wheel::new();
    arm_many(&mut wheel, MEMORY_TIMERS);
    let mut out = Vec::new();
    wheel.process(u64::from(u32::MAX), &mut out);
    assert_eq!(out.len(), MEMORY_TIMERS);
    assert!(
        wheel.capacity() <= SHRINK_FLOOR,
        "{} slots kept for 0 timers",
        wheel.capacity()
    );
}

#[test]
fn a_mostly_vacant_wheel_shrinks_and_keeps_its_live_keys() {
    let mut wheel = Wheel::new();
    let keys = arm_many(&mut wheel, MEMORY_TIMERS);
    // Keep the first few (the lowest indices); cancel the rest, newest
    // first and oldest first alike.
    let (kept, cancelled) = keys.split_at(KEPT);
    let (a, b) = cancelled.split_at(cancelled.len() / 2);
    for &key in b.iter().rev().chain(a) {
        wheel.remove(key).unwrap();
    }
    assert_eq!(wheel.len(), KEPT);
    assert!(
        wheel.capacity() <= SHRINK_FLOOR.max(4 * KEPT),
        "{} slots kept for {KEPT} timers",
        wheel.capacity()
    );
    // Every live key still names its timer; every cancelled key misses,
    // even once new timers reuse the freed indices.
    for (i, &key) in kept.iter().enumerate() {
        assert_eq!(wheel.get_mut(key), Some(&mut (i as u64)));
    }
    let fresh = arm_many(&mut wheel, MEMORY_TIMERS / 2);
    for &key in cancelled {
        assert_eq!(wheel.get_mut(key), None);
        assert!(matches!(wheel.reset(key, u64::MAX), Reset::Gone));
    }
    for (i, &key) in kept.iter().enumerate() {
        assert_eq!(wheel.remove(key), Some(i as u64));
    }
    for (i, &key) in fresh.iter().enumerate() {
        assert_eq!(wheel.remove(key), Some(i as u64));
    }
    assert_eq!(wheel.len(), 0);
}

#[test]
fn an_armed_timer_pins_only_the_slots_below_it() {
    // The last-armed timer stays: no slot can move (a key names it), so the
    // slots below it are kept, and given back once it leaves.
    let mut wheel = Wheel::new();
    let keys = arm_many(&mut wheel, MEMORY_TIMERS);
    let (last, rest) = keys.split_last().unwrap();
    for &key in rest {
        wheel.remove(key).unwrap();
    }
    assert!(wheel.capacity() >= MEMORY_TIMERS);
    assert_eq!(wheel.get_mut(*last), Some(&mut (MEMORY_TIMERS as u64 - 1)));
    assert_eq!(wheel.remove(*last), Some(MEMORY_TIMERS as u64 - 1));
    assert!(wheel.capacity() <= SHRINK_FLOOR);
}

#[test]
fn arming_and_cancelling_around_the_shrink_point_does_not_reallocate_each_time() {
    // Down to just above a quarter of the capacity, then churn on the
    // boundary: the halving rule must not cut and regrow on every step.
    let mut wheel = Wheel::new();
    let mut keys = arm_many(&mut wheel, MEMORY_TIMERS);
    let quarter = wheel.capacity() / 4;
    while wheel.len() > quarter + 1 {
        wheel.remove(keys.pop().unwrap()).unwrap();
    }
    let mut changes = 0;
    let mut capacity = wheel.capacity();
    for i in 0..MEMORY_TIMERS as u64 {
        let key = wheel.insert(wheel.elapsed() + 1 + i, i).unwrap();
        if i % 2 == 0 {
            wheel.remove(keys.pop().unwrap()).unwrap();
            keys.push(key);
        } else {
            wheel.remove(key).unwrap();
        }
        changes += usize::from(wheel.capacity() != capacity);
        capacity = wheel.capacity();
    }
    assert!(
        changes <= 2,
        "{changes} reallocations in {MEMORY_TIMERS} steps"
    );
}

#[test]
fn into_values_takes_every_armed_entry_at_once_even_far_ones() {
    let mut wheel = Wheel::new();
    let mut keys = Vec::new();
    for when in [1, 70, 5_000, 1 << 40, u64::MAX] {
        keys.push(wheel.insert(when, when).unwrap());
    }
    assert!(wheel.remove(keys[1]).is_some());
    let mut out = Vec::new();
    wheel.into_values(&mut out);
    out.sort_unstable();
    assert_eq!(out, vec![1, 5_000, 1 << 40, u64::MAX]);
}
