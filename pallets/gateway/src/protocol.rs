//! The protocol of the two submitters of gateway transactions — this pallet's offchain worker
//! and the node's bridge, which signs and submits each call it queues at once — written once
//! and used by both, so that they never sign two transactions with one nonce. (A transaction
//! signed with a nonce a transaction still in the pool carries pushes one of them out: a lost
//! anchor, or a lost task completion.)
//!
//! - **One submitter at a time**: each holds the [`SubmitLock`] ([`LOCK_KEY`] in the offchain
//!   database's PERSISTENT storage) while it reads the nonces, signs, submits and notes what it
//!   submitted.
//! - **One batch in flight per gateway key** ([`Batches`], under [`IN_FLIGHT_KEY`]): a
//!   submitter notes each batch it submitted; [`Batches::next_nonce`] is the rule for the next
//!   one. The worker, which sees only the chain, starts a batch at the chain's nonce once the
//!   previous batch is included, or taken as dropped after `RetryAfter` blocks. The node, which
//!   also sees its pool, appends to the batch in flight while the pool holds all of it, and
//!   leaves everything else to the worker.
//!
//! Both reach the database through [`OffchainDb`]: the worker through the runtime's host
//! functions ([`WorkerDb`]), the node through its offchain storage.

use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

/// The lock both submitters hold while they read the nonces, sign, submit and note what they
/// submitted: absent when free, else the SCALE `u64` unix time in milliseconds until which it
/// is held (the encoding of `sp_runtime::offchain::storage_lock::StorageLock<Time>`); taken by
/// compare-and-set, freed by removing it.
pub const LOCK_KEY: &[u8] = b"twinchain/gateway/lock";
/// How long the lock is held at most (a holder that died frees it after this).
pub const LOCK_MS: u64 = 2_000;
/// Where the submitters note, per gateway key, the batch submitted last: SCALE
/// `Vec<InFlight>`.
pub const IN_FLIGHT_KEY: &[u8] = b"twinchain/gateway/in-flight";

/// The offchain database's PERSISTENT storage, as a submitter reaches it.
pub trait OffchainDb {
	/// The value under `key`.
	fn get(&self, key: &[u8]) -> Option<Vec<u8>>;
	/// Stores `value` under `key`.
	fn set(&self, key: &[u8], value: &[u8]);
	/// Stores `new` under `key` if it holds `old` (`None`: absent); whether it did.
	fn compare_and_set(&self, key: &[u8], old: Option<&[u8]>, new: &[u8]) -> bool;
	/// Removes `key`.
	fn remove(&self, key: &[u8]);
}

/// The PERSISTENT storage as an offchain worker reaches it (the runtime's host functions).
pub struct WorkerDb;

impl OffchainDb for WorkerDb {
	fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
		sp_io::offchain::local_storage_get(sp_core::offchain::StorageKind::PERSISTENT, key)
	}
	fn set(&self, key: &[u8], value: &[u8]) {
		sp_io::offchain::local_storage_set(sp_core::offchain::StorageKind::PERSISTENT, key, value)
	}
	fn compare_and_set(&self, key: &[u8], old: Option<&[u8]>, new: &[u8]) -> bool {
		sp_io::offchain::local_storage_compare_and_set(
			sp_core::offchain::StorageKind::PERSISTENT,
			key,
			old.map(|o| o.to_vec()),
			new,
		)
	}
	fn remove(&self, key: &[u8]) {
		sp_io::offchain::local_storage_clear(sp_core::offchain::StorageKind::PERSISTENT, key)
	}
}

/// The submitters' lock, held until dropped.
pub struct SubmitLock<'a, D: OffchainDb>(&'a D);

impl<'a, D: OffchainDb> SubmitLock<'a, D> {
	/// Takes the lock at unix time `now_ms` (ms), for [`LOCK_MS`] at most, unless another
	/// submitter holds it: its deadline is not past yet.
	pub fn try_take(db: &'a D, now_ms: u64) -> Option<Self> {
		let old = db.get(LOCK_KEY);
		let held = old
			.as_deref()
			.and_then(|mut raw| u64::decode(&mut raw).ok())
			.is_some_and(|deadline| deadline >= now_ms);
		let deadline = now_ms.saturating_add(LOCK_MS);
		(!held && db.compare_and_set(LOCK_KEY, old.as_deref(), &deadline.encode()))
			.then_some(Self(db))
	}
}

impl<D: OffchainDb> Drop for SubmitLock<'_, D> {
	fn drop(&mut self) {
		self.0.remove(LOCK_KEY);
	}
}

/// The last batch a gateway key submitted: the account nonce the chain reaches once all of it
/// is included, and the block it was submitted at. Until then (or `RetryAfter` blocks, when it
/// is taken as dropped) no new batch starts at the chain's nonce: a new transaction signed with
/// the nonce the chain still shows would take the place of one of the batch in the pool.
#[derive(Clone, Debug, Decode, Encode, Eq, PartialEq, TypeInfo)]
pub struct InFlight {
	/// The gateway key.
	pub signer: [u8; 32],
	/// The account nonce once the batch is included.
	pub nonce_after: u64,
	/// The block it was submitted at.
	pub at: u64,
}

impl InFlight {
	/// Whether the chain, its signer's account at `chain_nonce`, has yet to include all of it.
	pub fn pending(&self, chain_nonce: u64) -> bool {
		self.nonce_after > chain_nonce
	}

	/// Whether at block `now` it is `retry_after` blocks old: taken as dropped, to be
	/// submitted again from the chain's nonce.
	pub fn overdue(&self, now: u64, retry_after: u64) -> bool {
		now >= self.at.saturating_add(retry_after)
	}
}

/// The batches in flight, one per gateway key, as kept under [`IN_FLIGHT_KEY`].
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Batches(Vec<InFlight>);

impl Batches {
	/// What `db` holds (none if absent or undecodable).
	pub fn load(db: &impl OffchainDb) -> Self {
		Self(
			db.get(IN_FLIGHT_KEY)
				.and_then(|raw| Vec::<InFlight>::decode(&mut &raw[..]).ok())
				.unwrap_or_default(),
		)
	}

	/// Stores them in `db`.
	pub fn save(&self, db: &impl OffchainDb) {
		db.set(IN_FLIGHT_KEY, &self.0.encode())
	}

	/// `signer`'s batch in flight, if any.
	pub fn of(&self, signer: &[u8; 32]) -> Option<&InFlight> {
		self.0.iter().find(|f| &f.signer == signer)
	}

	/// The nonce the next transaction of `signer` is signed with at block `now`, or `None`
	/// while this submitter must leave it: its account is at `chain_nonce`; `pool_next` is the
	/// nonce after its transactions the pool holds ready (as `system_accountNextIndex` counts
	/// it), for a submitter that sees the pool (the node), `None` for one that does not (the
	/// worker).
	///
	/// Without a batch in flight, or once the chain included it, a batch starts at
	/// `pool_next` (or the chain's nonce). While one is pending, the worker waits until it is
	/// overdue and then starts again at the chain's nonce (it is taken as dropped); the node
	/// appends at `pool_next` while the pool holds the whole batch and it is not overdue, and
	/// otherwise leaves it to the worker — a call appended behind a gap would wait, one
	/// appended to an overdue batch would collide with the worker's new one.
	pub fn next_nonce(
		&self,
		signer: &[u8; 32],
		chain_nonce: u64,
		pool_next: Option<u64>,
		now: u64,
		retry_after: u64,
	) -> Option<u64> {
		match self.of(signer) {
			Some(f) if f.pending(chain_nonce) => match pool_next {
				None => f.overdue(now, retry_after).then_some(chain_nonce),
				Some(next) => (!f.pending(next) && !f.overdue(now, retry_after)).then_some(next),
			},
			_ => Some(pool_next.unwrap_or(chain_nonce)),
		}
	}

	/// `signer` submitted a batch at block `at` after which its account nonce is
	/// `nonce_after`: it replaces the one noted before.
	pub fn submitted(&mut self, signer: [u8; 32], nonce_after: u64, at: u64) {
		self.0.retain(|f| f.signer != signer);
		self.0.push(InFlight { signer, nonce_after, at });
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use core::cell::RefCell;
	use std::collections::BTreeMap;

	#[derive(Default)]
	struct MemDb(RefCell<BTreeMap<Vec<u8>, Vec<u8>>>);

	impl OffchainDb for MemDb {
		fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
			self.0.borrow().get(key).cloned()
		}
		fn set(&self, key: &[u8], value: &[u8]) {
			self.0.borrow_mut().insert(key.to_vec(), value.to_vec());
		}
		fn compare_and_set(&self, key: &[u8], old: Option<&[u8]>, new: &[u8]) -> bool {
			let mut map = self.0.borrow_mut();
			if map.get(key).map(|v| v.as_slice()) != old {
				return false;
			}
			map.insert(key.to_vec(), new.to_vec());
			true
		}
		fn remove(&self, key: &[u8]) {
			self.0.borrow_mut().remove(key);
		}
	}

	#[test]
	fn one_submitter_holds_the_lock_until_it_drops_it_or_its_deadline_passes() {
		let db = MemDb::default();
		let lock = SubmitLock::try_take(&db, 1_000).expect("free");
		assert_eq!(db.get(LOCK_KEY), Some(3_000u64.encode()), "held until now + LOCK_MS");
		assert!(SubmitLock::try_take(&db, 3_000).is_none(), "held up to its deadline");
		drop(lock);
		assert_eq!(db.get(LOCK_KEY), None, "freed");
		// A holder that died: its lock is taken once the deadline passed.
		db.set(LOCK_KEY, &3_000u64.encode());
		assert!(SubmitLock::try_take(&db, 3_001).is_some());
		// Garbage under the key does not block anyone.
		db.set(LOCK_KEY, b"?");
		assert!(SubmitLock::try_take(&db, 0).is_some());
	}

	#[test]
	fn the_nonce_rule_of_the_worker_and_of_the_node() {
		let g = [1; 32];
		let mut b = Batches::default();
		// Nothing in flight: the worker starts at the chain's nonce, the node after its pool.
		assert_eq!(b.next_nonce(&g, 5, None, 100, 10), Some(5));
		assert_eq!(b.next_nonce(&g, 5, Some(7), 100, 10), Some(7));
		// Nonces 5, 6, 7 in flight since block 100.
		b.submitted(g, 8, 100);
		assert_eq!(b.of(&g), Some(&InFlight { signer: g, nonce_after: 8, at: 100 }));
		// The worker waits for it, then takes it as dropped and starts again.
		assert_eq!(b.next_nonce(&g, 5, None, 109, 10), None);
		assert_eq!(b.next_nonce(&g, 5, None, 110, 10), Some(5));
		// The node appends while its pool holds all of it, and not once it is overdue.
		assert_eq!(b.next_nonce(&g, 5, Some(8), 109, 10), Some(8));
		assert_eq!(b.next_nonce(&g, 5, Some(8), 110, 10), None);
		// The pool lost part of it (a restart): the node leaves it to the worker.
		assert_eq!(b.next_nonce(&g, 5, Some(6), 101, 10), None);
		// Included: both go on.
		assert_eq!(b.next_nonce(&g, 8, None, 101, 10), Some(8));
		assert_eq!(b.next_nonce(&g, 8, Some(8), 101, 10), Some(8));
		// Another key's batch is its own.
		assert_eq!(b.next_nonce(&[2; 32], 0, None, 101, 10), Some(0));
		// Noted in the database, one batch per key.
		let db = MemDb::default();
		b.submitted(g, 9, 101);
		b.submitted([2; 32], 1, 101);
		b.save(&db);
		let again = Batches::load(&db);
		assert_eq!(again, b);
		assert_eq!(again.0.len(), 2);
		assert_eq!(
			Vec::<InFlight>::decode(&mut &db.get(IN_FLIGHT_KEY).unwrap()[..]).unwrap().len(),
			2
		);
	}
}
