//! A FIFO list of waiters, kept in a slab and linked by keys: O(1) push at
//! either end, O(1) unlink from anywhere (a cancelled waiter), and no
//! `unsafe`.
//!
//! It is always used under its owner's lock (the semaphore's, `Notify`'s).
//! A waiter's *entry* (its key in the slab) belongs to the future that
//! pushed it, from the push until that future removes it, when it completes
//! or is dropped. Whoever serves the list (a release, a notification) only
//! *unlinks* an entry and writes the outcome into it; it never removes it.
//! So a key is never reused while its future still holds it, and the
//! future always finds its own outcome there.

use slab::Slab;

/// Key of an entry: the slab's index.
pub(crate) type Key = usize;

#[derive(Debug)]
struct Node<T> {
    value: T,
    /// Neighbours in the queue while linked.
    prev: Option<Key>,
    next: Option<Key>,
    linked: bool,
}

/// The list; see the [module docs](self).
#[derive(Debug)]
pub(crate) struct WaitList<T> {
    slab: Slab<Node<T>>,
    head: Option<Key>,
    tail: Option<Key>,
}

impl<T> WaitList<T> {
    pub(crate) const fn new() -> WaitList<T> {
        WaitList {
            slab: Slab::new(),
            head: None,
            tail: None,
        }
    }

    /// Links a new entry at the back; returns its key.
    pub(crate) fn push_back(&mut self, value: T) -> Key {
        let key = self.slab.insert(Node {
            value,
            prev: self.tail,
            next: None,
            linked: true,
        });
        match self.tail {
            Some(tail) => self.slab[tail].next = Some(key),
            None => self.head = Some(key),
        }
        self.tail = Some(key);
        key
    }

    /// The first linked entry.
    pub(crate) fn front(&self) -> Option<Key> {
        self.head
    }

    /// The last linked entry.
    pub(crate) fn back(&self) -> Option<Key> {
        self.tail
    }

    /// Takes `key`'s entry out of the queue; it stays in the slab for its
    /// future. A no-op if it is not linked.
    pub(crate) fn unlink(&mut self, key: Key) {
        let node = &mut self.slab[key];
        if !node.linked {
            return;
        }
        node.linked = false;
        let (prev, next) = (node.prev.take(), node.next.take());
        match prev {
            Some(prev) => self.slab[prev].next = next,
            None => self.head = next,
        }
        match next {
            Some(next) => self.slab[next].prev = prev,
            None => self.tail = prev,
        }
    }

    /// The entry's value.
    pub(crate) fn get_mut(&mut self, key: Key) -> &mut T {
        &mut self.slab[key].value
    }

    /// Unlinks the entry if needed and frees its key (its future is done
    /// with it).
    pub(crate) fn remove(&mut self, key: Key) -> T {
        self.unlink(key);
        self.slab.remove(key).value
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    fn order(list: &WaitList<u32>) -> Vec<u32> {
        let mut out = Vec::new();
        let mut at = list.head;
        while let Some(key) = at {
            out.push(list.slab[key].value);
            at = list.slab[key].next;
        }
        out
    }

    #[test]
    fn fifo_with_unlink_anywhere() {
        let mut list = WaitList::new();
        let keys: Vec<Key> = (0..4).map(|i| list.push_back(i)).collect();
        list.unlink(keys[1]);
        assert_eq!(order(&list), [0, 2, 3]);
        list.unlink(keys[0]);
        list.unlink(keys[3]);
        assert_eq!(order(&list), [2]);
        assert_eq!(list.front(), Some(keys[2]));
        assert_eq!(list.back(), Some(keys[2]));
        list.unlink(keys[2]);
        assert_eq!(list.front(), None);
        assert_eq!(list.back(), None);
        // Unlinked entries stay for their futures until removed.
        assert_eq!(*list.get_mut(keys[1]), 1);
        for key in keys {
            list.remove(key);
        }
        assert!(list.slab.is_empty());
    }
}
