//! The DID pallet's invariants, checked from storage alone: by the `try_state` hook (with
//! `try-runtime`) and after every call of the unit tests' random sequences.

use crate::*;
use alloc::collections::BTreeMap;
use frame_support::{
	ensure,
	traits::{fungible::InspectHold, Get},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	TryRuntimeError,
};

impl<T: Config> Pallet<T> {
	/// - each record's delegate and attribute counts are what is stored, within
	///   `MaxDelegates` / `MaxAttributes`; a deactivated DID keeps no items;
	/// - delegates and attributes exist only for DIDs with a record;
	/// - each account's DID-deposit hold is the deposits of the records and items it paid for.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut owed: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut add = |who: T::AccountId, amount: BalanceOf<T>| {
			let due = owed.entry(who).or_insert_with(Zero::zero);
			*due = due.saturating_add(amount);
		};
		for (did, r) in Dids::<T>::iter() {
			add(r.depositor, r.deposit);
			let delegates = Delegates::<T>::iter_prefix(&did).count() as u32;
			let attributes = Attributes::<T>::iter_prefix(&did).count() as u32;
			ensure!(r.delegates == delegates, "a DID's delegate count is off");
			ensure!(r.attributes == attributes, "a DID's attribute count is off");
			ensure!(delegates <= T::MaxDelegates::get(), "a DID holds too many delegates");
			ensure!(attributes <= T::MaxAttributes::get(), "a DID holds too many attributes");
			ensure!(
				!r.deactivated || (delegates == 0 && attributes == 0),
				"a deactivated DID keeps items"
			);
			for (_, d) in Delegates::<T>::iter_prefix(&did) {
				add(d.depositor, d.deposit);
			}
			for (_, a) in Attributes::<T>::iter_prefix(&did) {
				add(a.depositor, a.deposit);
			}
		}
		for (did, _) in Delegates::<T>::iter_keys() {
			ensure!(Dids::<T>::contains_key(&did), "a delegate of a DID without a record");
		}
		for (did, _) in Attributes::<T>::iter_keys() {
			ensure!(Dids::<T>::contains_key(&did), "an attribute of a DID without a record");
		}
		for (who, due) in owed {
			let held = T::Currency::balance_on_hold(&HoldReason::DidDeposit.into(), &who);
			ensure!(held == due, "an account's DID hold is not what its records and items owe");
		}
		Ok(())
	}
}
