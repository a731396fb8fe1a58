//! The hierarchical timing wheel: pure bookkeeping on a caller-supplied clock.
//!
//! The design (levels, slots, cascading, cancellation) is written once in the
//! module docs of [`crate::time`]. This file knows nothing of `Instant`,
//! wakers or locks: a deadline is a tick (a `u64` count of milliseconds since
//! the owner's origin) and [`Wheel::process`] is told what tick it is now, so
//! the unit tests at the bottom drive time by hand.
//!
//! Every slot of `slots` sits on exactly one intrusive doubly-linked list,
//! threaded through `slots` by index: while armed, one list per (level,
//! slot) or the overflow list; while vacant, the free list.
//! `occupied[level]` has bit `slot` set iff that slot's list is non-empty;
//! the overflow and free lists are not in any bitmap.
//!
//! # Memory
//!
//! A [`Key`] names its entry by index, so an armed entry never moves; the
//! wheel still gives back what it no longer needs, in O(1) amortised:
//! - when the last slot of `slots` becomes vacant, it and the vacant slots
//!   right below it are popped (the free list is doubly linked, so each
//!   leaves it in O(1); a slot is popped at most once per push);
//! - when fewer than a quarter of the capacity is in use, the capacity is
//!   cut to twice the length (the usual halving rule: the copy is paid for
//!   by the removals since the last cut), never below `SHRINK_FLOOR`.
//!
//! So a million timers armed and then all cancelled or fired leave at most
//! `SHRINK_FLOOR` slots behind. What cannot be given back is the vacant
//! slots below an armed entry at a high index: they stay until it leaves.
//!
//! # Inlining
//!
//! `insert`, `remove` and the list and arena helpers under them (`alloc`,
//! `release`, `push`, `push_free`, `unlink`, `list_for`, `contains`) are
//! `#[inline(always)]`: each is a few loads and stores, which a call's
//! register saves and moved arguments matched, and a server arms and
//! cancels a timer per request (callgrind, one arm + cancel through
//! hyper's timer: 624 -> 597 instructions with the helpers inlined, 544 ->
//! 492 with `insert` and `remove` too, into `Timers::arm` and `cancel`).

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
/// List id of the free list (vacant slots).
const FREE: usize = LISTS;
/// The null link.
const NIL: u32 = u32::MAX;
/// Capacity (in slots) below which `slots` is never cut: a few dozen KiB
/// kept spares a busy wheel reallocating as it swings around a small size.
const SHRINK_FLOOR: usize = 1024;

/// Names one armed entry. The generation makes a key whose entry has fired
/// or been cancelled miss, even after a new entry reuses its slot.
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

/// One armed entry, or a vacant slot on the free list.
#[derive(Debug)]
struct Slot<T> {
    /// The tick at which the entry fires.
    when: u64,
    /// The generation of the entry that holds (or last held) the slot.
    generation: u64,
    prev: u32,
    next: u32,
    /// The list the slot is linked on (see `OVERFLOW` and `FREE`).
    list: u16,
    /// `Some` iff the slot is armed.
    value: Option<T>,
}

/// A hierarchical timing wheel of `LEVELS` × `SLOTS` with 1-tick resolution,
/// holding one `T` per armed entry.
#[derive(Debug)]
pub(crate) struct Wheel<T> {
    /// Every tick `<= elapsed` has been processed.
    elapsed: u64,
    /// Head of each list, the free list last.
    heads: [u32; LISTS + 1],
    /// Bit `s` of `occupied[l]` is set iff list `l * SLOTS + s` is non-empty.
    occupied: [u64; LEVELS],
    /// Armed entries and vacant slots; the last slot, if any, is armed.
    slots: Vec<Slot<T>>,
    /// How many slots are armed.
    armed: usize,
    next_generation: u64,
}

impl<T> Wheel<T> {
    /// An empty wheel at tick 0.
    pub(crate) fn new() -> Self {
        Wheel {
            elapsed: 0,
            heads: [NIL; LISTS + 1],
            occupied: [0; LEVELS],
            slots: Vec::new(),
            armed: 0,
            next_generation: 0,
        }
    }

    /// The last tick processed.
    #[cfg(test)]
    pub(crate) fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// How many entries are armed.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.armed
    }

    /// How many slots `slots` has room for: what the wheel holds on to.
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.slots.capacity()
    }

    /// Arms an entry firing at tick `when`. O(1) amortised.
    ///
    /// Returns `Err(value)` without arming when `when` is already due
    /// (`when <= elapsed`): the caller fires it itself.
    #[inline(always)]
    pub(crate) fn insert(&mut self, when: u64, value: T) -> Result<Key, T> {
        if when <= self.elapsed {
            return Err(value);
        }
        let generation = self.next_generation;
        self.next_generation += 1;
        let index = self.alloc(when, generation, value);
        self.push(self.list_for(when), index);
        Ok(Key { index, generation })
    }

    /// Cancels the entry and returns its value, or `None` if `key` is stale.
    /// O(1) amortised: unlinks it from its list, frees its slot.
    #[inline(always)]
    pub(crate) fn remove(&mut self, key: Key) -> Option<T> {
        if !self.contains(key) {
            return None;
        }
        self.unlink(key.index);
        Some(self.release(key.index))
    }

    /// The entry's value, or `None` if `key` is stale.
    pub(crate) fn get_mut(&mut self, key: Key) -> Option<&mut T> {
        if !self.contains(key) {
            return None;
        }
        self.slots[key.index as usize].value.as_mut()
    }

    /// Moves the entry to fire at tick `when` instead. O(1) amortised.
    pub(crate) fn reset(&mut self, key: Key, when: u64) -> Reset<T> {
        if !self.contains(key) {
            return Reset::Gone;
        }
        self.unlink(key.index);
        if when <= self.elapsed {
            return Reset::Due(self.release(key.index));
        }
        self.slots[key.index as usize].when = when;
        self.push(self.list_for(when), key.index);
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
        self.process_with(now, &mut |_, value| expired.push(value));
    }

    /// [`Wheel::process`], with the tick each entry was due at (the
    /// driver merges several wheels' by deadline).
    pub(crate) fn process_ticked(&mut self, now: u64, expired: &mut Vec<(u64, T)>) {
        self.process_with(now, &mut |tick, value| expired.push((tick, value)));
    }

    fn process_with(&mut self, now: u64, expired: &mut dyn FnMut(u64, T)) {
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

    /// Takes every armed entry's value, in no particular order, leaving
    /// the wheel empty: its runtime shut down, nothing will fire them.
    /// O(capacity), unlike advancing to the end of time through empty spans.
    pub(crate) fn into_values(self, out: &mut Vec<T>) {
        out.extend(self.slots.into_iter().filter_map(|slot| slot.value));
    }

    #[inline(always)]
    fn contains(&self, key: Key) -> bool {
        self.slots
            .get(key.index as usize)
            .is_some_and(|s| s.value.is_some() && s.generation == key.generation)
    }

    /// Arms a slot (the free list's head, else a new one) with `value`;
    /// the caller links it on its list.
    #[inline(always)]
    fn alloc(&mut self, when: u64, generation: u64, value: T) -> u32 {
        self.armed += 1;
        let index = self.heads[FREE];
        if index != NIL {
            // Off the head of the free list: no occupancy bit, no
            // predecessor (cheaper than the general `unlink`).
            let next = self.slots[index as usize].next;
            self.heads[FREE] = next;
            if next != NIL {
                self.slots[next as usize].prev = NIL;
            }
            let slot = &mut self.slots[index as usize];
            slot.when = when;
            slot.generation = generation;
            slot.value = Some(value);
            return index;
        }
        // Over 2^32 live timers would need > 200 GB; treat it as a bug.
        let index = u32::try_from(self.slots.len())
            .ok()
            .filter(|&i| i != NIL)
            .expect("more than 2^32 - 1 timers armed at once");
        self.slots.push(Slot {
            when,
            generation,
            prev: NIL,
            next: NIL,
            list: FREE as u16,
            value: Some(value),
        });
        index
    }

    /// Empties slot `index`, already unlinked from its wheel list, and
    /// returns its value; gives back what `slots` no longer needs (see
    /// "Memory" above).
    #[inline(always)]
    fn release(&mut self, index: u32) -> T {
        let value = self.slots[index as usize]
            .value
            .take()
            .expect("released a vacant slot");
        self.armed -= 1;
        if index as usize + 1 != self.slots.len() {
            // Below the last slot: the length stays, so no trailing slot
            // to pop and no capacity to cut (checked when it last fell).
            self.push_free(index);
            return value;
        }
        // The last slot is popped without visiting the free list, and so
        // are the vacant slots right below it (those are on the free list).
        self.slots.pop();
        while self.slots.last().is_some_and(|s| s.value.is_none()) {
            self.unlink((self.slots.len() - 1) as u32);
            self.slots.pop();
        }
        let capacity = self.slots.capacity();
        if capacity > SHRINK_FLOOR && self.slots.len() < capacity / 4 {
            self.slots
                .shrink_to((2 * self.slots.len()).max(SHRINK_FLOOR));
        }
        value
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
    #[inline(always)]
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

    /// Pushes slot `index` on the head of list `list`.
    #[inline(always)]
    fn push(&mut self, list: usize, index: u32) {
        let head = self.heads[list];
        let slot = &mut self.slots[index as usize];
        slot.list = list as u16;
        slot.prev = NIL;
        slot.next = head;
        if head != NIL {
            self.slots[head as usize].prev = index;
        }
        self.heads[list] = index;
        if list < OVERFLOW {
            self.occupied[list / SLOTS] |= 1 << (list % SLOTS);
        }
    }

    /// Pushes vacant slot `index` on the free list (`push`, whose
    /// occupancy bit the free list skips: `FREE` is past `OVERFLOW`).
    #[inline(always)]
    fn push_free(&mut self, index: u32) {
        self.push(FREE, index);
    }

    /// Takes slot `index` off its list.
    #[inline(always)]
    fn unlink(&mut self, index: u32) {
        let slot = &self.slots[index as usize];
        let (prev, next, list) = (slot.prev, slot.next, slot.list as usize);
        if prev == NIL {
            self.heads[list] = next;
            if next == NIL && list < OVERFLOW {
                self.occupied[list / SLOTS] &= !(1 << (list % SLOTS));
            }
        } else {
            self.slots[prev as usize].next = next;
        }
        if next != NIL {
            self.slots[next as usize].prev = prev;
        }
    }

    /// Empties list `list`, now due at `elapsed`: fires what is due, relinks
    /// the rest (to a lower level; overflow entries to the wheel or back).
    fn drain(&mut self, list: usize, expired: &mut dyn FnMut(u64, T)) {
        let mut index = std::mem::replace(&mut self.heads[list], NIL);
        if list < OVERFLOW {
            self.occupied[list / SLOTS] &= !(1 << (list % SLOTS));
        }
        while index != NIL {
            let slot = &self.slots[index as usize];
            // Read before relinking: the overflow list may take it back.
            let (next, when) = (slot.next, slot.when);
            if when <= self.elapsed {
                expired(when, self.release(index));
            } else {
                self.push(self.list_for(when), index);
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
