//! Rate limits for log lines that a flood of messages would repeat: a factory publishing
//! thousands of bad messages a second must not turn the node's log into a copy of them.
//! Metrics still count every one ([`crate::metrics`]).

use std::{collections::HashMap, sync::Mutex};

/// One line per key is logged at most this often (ms).
pub const EVERY_MS: u64 = 10_000;
/// Keys tracked at once; a new key beyond it is held back until older ones have expired.
pub const MAX_KEYS: usize = 1_024;

/// Decides which recurring log lines to write: the first of each key, then at most one per
/// [`EVERY_MS`], with how many of that key were held back meanwhile.
#[derive(Default)]
pub struct Throttle {
	seen: Mutex<HashMap<String, Seen>>,
}

struct Seen {
	logged_at: u64,
	held: u64,
}

impl Throttle {
	/// Whether a line under `key` may be logged at `now` (ms): `Some(n)` with the `n` lines of
	/// that key held back since the last one logged, or `None` to hold this one back.
	pub fn admit(&self, key: &str, now: u64) -> Option<u64> {
		let mut seen = self.seen.lock().expect("not poisoned");
		if let Some(s) = seen.get_mut(key) {
			if now.saturating_sub(s.logged_at) < EVERY_MS {
				s.held += 1;
				return None;
			}
			s.logged_at = now;
			return Some(std::mem::take(&mut s.held));
		}
		if seen.len() >= MAX_KEYS {
			seen.retain(|_, s| now.saturating_sub(s.logged_at) < EVERY_MS);
			if seen.len() >= MAX_KEYS {
				return None;
			}
		}
		seen.insert(key.to_owned(), Seen { logged_at: now, held: 0 });
		Some(0)
	}
}

/// ` (N more like it since the last report)`, or nothing when none were held back.
pub fn held_back(n: u64) -> String {
	if n == 0 {
		String::new()
	} else {
		format!(" ({n} more like it since the last report)")
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_first_of_a_key_is_logged_then_one_per_period_with_the_count_held_back() {
		let t = Throttle::default();
		assert_eq!(t.admit("a", 1_000), Some(0));
		for i in 1..=500 {
			assert_eq!(t.admit("a", 1_000 + i), None, "held back within the period");
		}
		// Another key is not held back by the first.
		assert_eq!(t.admit("b", 1_500), Some(0));
		assert_eq!(t.admit("a", 1_000 + EVERY_MS), Some(500));
		assert_eq!(t.admit("a", 1_001 + EVERY_MS), None);
		assert_eq!(t.admit("a", 1_000 + 3 * EVERY_MS), Some(1));
		assert_eq!(held_back(0), "");
		assert_eq!(held_back(2), " (2 more like it since the last report)");
	}

	#[test]
	fn the_keys_tracked_are_bounded_and_expired_ones_make_room() {
		let t = Throttle::default();
		for k in 0..MAX_KEYS {
			assert_eq!(t.admit(&k.to_string(), 0), Some(0));
		}
		assert_eq!(t.admit("one too many", 1), None, "no room while every key is current");
		assert_eq!(t.seen.lock().unwrap().len(), MAX_KEYS);
		assert_eq!(t.admit("one too many", EVERY_MS), Some(0), "expired keys make room");
		assert_eq!(t.seen.lock().unwrap().len(), 1);
	}
}
