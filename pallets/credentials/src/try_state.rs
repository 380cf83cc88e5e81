//! The credentials pallet's invariants, checked from storage alone: by the `try_state` hook
//! (with `try-runtime`) and after every call of the unit tests' random sequences.

use crate::*;
use alloc::collections::{BTreeMap, BTreeSet};
use frame_support::{
	ensure,
	traits::{fungible::InspectHold, Get},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	TryRuntimeError,
};

impl<T: Config> Pallet<T> {
	/// - each schema is stored under the BLAKE2b-256 hash of its text;
	/// - each anchor names a registered schema and a status index its issuer handed out, within
	///   the status lists' bound, and no two anchors of an issuer share one; a bounded validity
	///   window is not empty;
	/// - status lists exist only for issuers that anchored, no longer than their bound and than
	///   the indices handed out need;
	/// - a tombstone's digest is not anchored, and its status index is its own;
	/// - each account's credential-deposit hold is the deposits of the schemas it registered and
	///   the credentials it anchored.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let max_bytes = T::MaxStatusListBytes::get();
		let mut owed: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut add = |who: T::AccountId, amount: BalanceOf<T>| {
			let due = owed.entry(who).or_insert_with(Zero::zero);
			*due = due.saturating_add(amount);
		};
		for (id, s) in Schemas::<T>::iter() {
			ensure!(id == sp_io::hashing::blake2_256(&s.body), "a schema under another id");
			match s.creator {
				Some(creator) => add(creator, s.deposit),
				None => ensure!(s.deposit.is_zero(), "a genesis schema holds a deposit"),
			}
		}
		let mut indices = BTreeSet::new();
		for (_, c) in Anchors::<T>::iter() {
			ensure!(Schemas::<T>::contains_key(c.schema), "an anchor of an unknown schema");
			ensure!(
				c.status_index < NextStatusIndex::<T>::get(&c.issuer),
				"an anchor's status index was never handed out"
			);
			ensure!(
				c.status_index < max_bytes.saturating_mul(8),
				"an anchor's status index is beyond the status lists"
			);
			ensure!(
				indices.insert((c.issuer.clone(), c.status_index)),
				"two anchors share a status index"
			);
			ensure!(
				c.valid_until.is_none_or(|until| until > c.valid_from),
				"an empty validity window"
			);
			add(c.issuer, c.deposit);
		}
		for (digest, (issuer, index)) in Removed::<T>::iter() {
			ensure!(!Anchors::<T>::contains_key(digest), "a tombstone of an anchored digest");
			ensure!(
				index < NextStatusIndex::<T>::get(&issuer),
				"a tombstone's index never handed out"
			);
			ensure!(indices.insert((issuer, index)), "a tombstone shares a status index");
		}
		for (issuer, _, list) in StatusLists::<T>::iter() {
			let handed_out = NextStatusIndex::<T>::get(&issuer);
			ensure!(handed_out > 0, "a status list of an issuer that never anchored");
			ensure!(list.len() as u32 <= max_bytes, "a status list beyond its bound");
			ensure!(
				list.len() as u32 <= handed_out.div_ceil(8),
				"a status list longer than its indices need"
			);
		}
		for (who, due) in owed {
			let held = T::Currency::balance_on_hold(&HoldReason::CredentialDeposit.into(), &who);
			ensure!(held == due, "an account's hold is not what its schemas and anchors owe");
		}
		Ok(())
	}
}
