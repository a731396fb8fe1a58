//! The hierarchical timing wheel: pure bookkeeping on a caller-supplied clock.
//!
//! The design (levels, slots, cascading, cancellation) is written once in the
//! module docs of [`crate::time`]. This file knows nothing of `Instant`,
//! wakers or locks: a deadline is a tick (a `u64` count of milliseconds since
//! the owner's origin) and [`Wheel::process`] is told what tick it is now, so
//! the unit tests at the bottom drive time by hand.
//!
//! Every entry sits on exactly one intrusive doubly-linked list, threaded
//! through the slab by index: one list per (level, slot) plus the overflow
//! list. `occupied[level]` has bit `slot` set iff that slot's list is
//! non-empty; the overflow list is not in any bitmap.

use slab::Slab;

/// Bits of a tick consumed by one level: 64 slots, so a level's occupancy
/// fits one `u64` and the next busy slot is one `trailing_zeros`.
const SLOT_BITS: u32 = 6;
/// Slots per level.
const SLOTS: usize = 1 << SLOT_BITS;
/// Six levels of 64 slots span 2^36 ms ≈ 795 days (tokio's shape); later
/// deadlines wait on the overflow list.
const LEVELS: usize = 6;
/// Bits of a tick covered by the whole wheel.
const SPAN_BITS: u32 = SLOT_BITS * LEVELS as u32;
/// List id of the overflow list; lists `0..OVERFLOW` are `level * SLOTS + slot`.
const OVERFLOW: usize = LEVELS * SLOTS;
/// Number of lists.
const LISTS: usize = OVERFLOW + 1;
/// The null link.
const NIL: u32 = u32::MAX;

/// Names one armed entry. The generation makes a key whose entry has fired
/// or been cancelled miss, even after the slab reuses its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    index: u32,
    generation: u64,
}

/// What [`Wheel::reset`] did.
#[derive(Debug)]
pub(crate) enum Reset<T> {
    /// The entry now waits for the new tick.
    Moved,
    /// The new tick is already due: the entry was removed; here is its value.
    Due(T),
    /// The key is stale (the entry fired or was cancelled); nothing changed.
    Gone,
}

#[derive(Debug)]
struct Entry<T> {
    /// The tick at which the entry fires.
    when: u64,
    generation: u64,
    prev: u32,
    next: u32,
    /// The list the entry is linked on (see `OVERFLOW`).
    list: u16,
    value: T,
}

/// A hierarchical timing wheel of `LEVELS` × `SLOTS` with 1-tick resolution,
/// holding one `T` per armed entry.
#[derive(Debug)]
pub(crate) struct Wheel<T> {
    /// Every tick `<= elapsed` has been processed.
    elapsed: u64,
    /// Head of each list.
    heads: [u32; LISTS],
    /// Bit `s` of `occupied[l]` is set iff list `l * SLOTS + s` is non-empty.
    occupied: [u64; LEVELS],
    entries: Slab<Entry<T>>,
    next_generation: u64,
}

impl<T> Wheel<T> {
    /// An empty wheel at tick 0.
    pub(crate) fn new() -> Self {
        Wheel {
            elapsed: 0,
            heads: [NIL; LISTS],
            occupied: [0; LEVELS],
            entries: Slab::new(),
            next_generation: 0,
        }
    }

    /// The last tick processed.
    pub(crate) fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// How many entries are armed.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Arms an entry firing at tick `when`. O(1).
    ///
    /// Returns `Err(value)` without arming when `when` is already due
    /// (`when <= elapsed`): the caller fires it itself.
    pub(crate) fn insert(&mut self, when: u64, value: T) -> Result<Key, T> {
        if when <= self.elapsed {
            return Err(value);
        }
        let generation = self.next_generation;
        self.next_generation += 1;
        let index = self.entries.insert(Entry {
            when,
            generation,
            prev: NIL,
            next: NIL,
            list: 0,
            value,
        });
        // Over 2^32 live timers would need > 200 GB; treat it as a bug.
        let index = u32::try_from(index)
            .ok()
            .filter(|&i| i != NIL)
            .expect("more than 2^32 - 1 timers armed at once");
        self.link(index);
        Ok(Key { index, generation })
    }

    /// Cancels the entry and returns its value, or `None` if `key` is stale.
    /// O(1): unlinks it from its list.
    pub(crate) fn remove(&mut self, key: Key) -> Option<T> {
        if !self.contains(key) {
            return None;
        }
        self.unlink(key.index);
        Some(self.entries.remove(key.index as usize).value)
    }

    /// The entry's value, or `None` if `key` is stale.
    pub(crate) fn get_mut(&mut self, key: Key) -> Option<&mut T> {
        if !self.contains(key) {
            return None;
        }
        Some(&mut self.entries[key.index as usize].value)
    }

    /// Moves the entry to fire at tick `when` instead. O(1).
    pub(crate) fn reset(&mut self, key: Key, when: u64) -> Reset<T> {
        if !self.contains(key) {
            return Reset::Gone;
        }
        self.unlink(key.index);
        if when <= self.elapsed {
            return Reset::Due(self.entries.remove(key.index as usize).value);
        }
        self.entries[key.index as usize].when = when;
        self.link(key.index);
        Reset::Moved
    }

    /// The tick at which [`process`](Self::process) next has work: the start
    /// of the earliest busy slot (an entry there may fire later and only be
    /// cascaded), or `None` if nothing is armed. O(`LEVELS`).
    pub(crate) fn next_expiration(&self) -> Option<u64> {
        self.next_list().map(|(tick, _)| tick)
    }

    /// Advances the wheel to tick `now`: every entry with `when <= now` is
    /// removed and its value pushed to `expired`, in order of `when`. Entries
    /// in a due slot that are not yet due cascade to a lower level.
    pub(crate) fn process(&mut self, now: u64, expired: &mut Vec<T>) {
        while let Some((tick, list)) = self.next_list() {
            if tick > now {
                break;
            }
            debug_assert!(
                tick >= self.elapsed,
                "slot {list} due at {tick} is in the past"
            );
            self.elapsed = tick;
            self.drain(list, expired);
            // Re-filed entries go to a lower level (or back to the overflow
            // list): a slot refilled while drained would spin here forever.
            debug_assert!(
                list == OVERFLOW || self.heads[list] == NIL,
                "slot {list} refilled while drained at {tick}"
            );
        }
        // No slot starts in `elapsed..=now`, so every entry keeps its place.
        self.elapsed = self.elapsed.max(now);
    }

    fn contains(&self, key: Key) -> bool {
        self.entries
            .get(key.index as usize)
            .is_some_and(|e| e.generation == key.generation)
    }

    /// The start tick and id of the earliest non-empty list.
    ///
    /// An entry on level `l` shares every digit above `l` with `elapsed` and
    /// has a larger digit `l` (see `list_for`), so each busy slot lies ahead
    /// of `elapsed` in the current rotation of its level — no wrap-around —
    /// and any slot of a lower level starts before every slot of a higher one.
    fn next_list(&self) -> Option<(u64, usize)> {
        for (level, &occupied) in self.occupied.iter().enumerate() {
            if occupied != 0 {
                let slot = u64::from(occupied.trailing_zeros());
                let shift = SLOT_BITS * level as u32;
                let rotation = (1u64 << (shift + SLOT_BITS)) - 1;
                let tick = (self.elapsed & !rotation) | (slot << shift);
                return Some((tick, level * SLOTS + slot as usize));
            }
        }
        if self.heads[OVERFLOW] != NIL {
            // Overflow entries come into range when `elapsed` enters the next
            // span of 2^SPAN_BITS ticks.
            let span = (1u64 << SPAN_BITS) - 1;
            return Some(((self.elapsed | span).saturating_add(1), OVERFLOW));
        }
        None
    }

    /// The list for an entry due at `when > elapsed`: the level of the
    /// highest bit in which `when` differs from `elapsed`, and the slot of
    /// `when`'s digit at that level; the overflow list beyond the top level.
    fn list_for(&self, when: u64) -> usize {
        debug_assert!(when > self.elapsed);
        // `| (SLOTS - 1)` maps a difference in the lowest digit to level 0.
        let masked = (self.elapsed ^ when) | (SLOTS as u64 - 1);
        let level = ((63 - masked.leading_zeros()) / SLOT_BITS) as usize;
        if level >= LEVELS {
            return OVERFLOW;
        }
        let slot = (when >> (SLOT_BITS * level as u32)) as usize & (SLOTS - 1);
        level * SLOTS + slot
    }

    /// Pushes entry `index` on the head of the list its `when` maps to.
    fn link(&mut self, index: u32) {
        let list = self.list_for(self.entries[index as usize].when);
        let head = self.heads[list];
        let entry = &mut self.entries[index as usize];
        entry.list = list as u16;
        entry.prev = NIL;
        entry.next = head;
        if head != NIL {
            self.entries[head as usize].prev = index;
        }
        self.heads[list] = index;
        if list < OVERFLOW {
            self.occupied[list / SLOTS] |= 1 << (list % SLOTS);
        }
    }

    /// Takes entry `index` off its list.
    fn unlink(&mut self, index: u32) {
        let entry = &self.entries[index as usize];
        let (prev, next, list) = (entry.prev, entry.next, entry.list as usize);
        if prev == NIL {
            self.heads[list] = next;
            if next == NIL && list < OVERFLOW {
                self.occupied[list / SLOTS] &= !(1 << (list % SLOTS));
            }
        } else {
            self.entries[prev as usize].next = next;
        }
        if next != NIL {
            self.entries[next as usize].prev = prev;
        }
    }

    /// Empties list `list`, now due at `elapsed`: fires what is due, relinks
    /// the rest (to a lower level; overflow entries to the wheel or back).
    fn drain(&mut self, list: usize, expired: &mut Vec<T>) {
        let mut index = std::mem::replace(&mut self.heads[list], NIL);
        if list < OVERFLOW {
            self.occupied[list / SLOTS] &= !(1 << (list % SLOTS));
        }
        while index != NIL {
            let entry = &self.entries[index as usize];
            // Read before relinking: the overflow list may take it back.
            let next = entry.next;
            if entry.when <= self.elapsed {
                expired.push(self.entries.remove(index as usize).value);
            } else {
                self.link(index);
            }
            index = next;
        }
    }
}

#[cfg(test)]
#[path = "wheel_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "wheel_model_tests.rs"]
mod model_tests;
