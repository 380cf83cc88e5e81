//! The machines pallet's invariants, checked from storage alone: by the `try_state` hook (with
//! `try-runtime`) and after every call of the unit tests' random sequences.

use crate::*;
use alloc::collections::BTreeMap;
use frame_support::traits::{fungible::InspectHold, Get};
use sp_runtime::{
	traits::{Saturating, Zero},
	TryRuntimeError,
};

impl<T: Config> Pallet<T> {
	/// - each machine's capability count is what `Capabilities` stores, at most
	///   `MaxCapabilities`; a retired machine holds no capability and no deposit;
	/// - the capability index and the capabilities agree both ways, and name only registered
	///   machines; the idle index names only idle machines under capabilities they hold; status histories exist only for registered machines;
	/// - each history holds 1 ..= `MaxStatusHistory` entries in time order, the last being the
	///   machine's status and since when;
	/// - each manufacturer's `MachineDeposit` hold is the sum of its machines' deposits.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut owed: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (id, m) in MachineRecords::<T>::iter() {
			let caps = Capabilities::<T>::iter_key_prefix(&id).count() as u32;
			ensure!(m.capabilities == caps, "a machine's capability count is off");
			ensure!(caps <= T::MaxCapabilities::get(), "a machine holds too many capabilities");
			if m.status == MachineStatus::Retired {
				ensure!(caps == 0, "a retired machine keeps capabilities");
				ensure!(m.deposit.is_zero(), "a retired machine keeps its deposit");
			}
			for cap in Capabilities::<T>::iter_key_prefix(&id) {
				ensure!(ByCapability::<T>::contains_key(&cap, &id), "a capability is not indexed");
			}
			let history = StatusHistory::<T>::get(&id);
			ensure!(!history.is_empty(), "a machine has no status history");
			ensure!(
				history.last() == Some(&(m.status_since, m.status)),
				"a machine's last status entry is not its status"
			);
			ensure!(
				history
					.windows(2)
					.all(|p| p[0].0.block <= p[1].0.block && p[0].0.time <= p[1].0.time),
				"a status history is out of order"
			);
			let due = owed.entry(m.manufacturer.clone()).or_insert_with(Zero::zero);
			*due = due.saturating_add(m.deposit);
		}
		for (cap, id) in IdleByCapability::<T>::iter_keys() {
			let m = MachineRecords::<T>::get(&id).ok_or("an idle index entry of no machine")?;
			ensure!(m.status == MachineStatus::Idle, "a machine in the idle index is not idle");
			ensure!(
				Capabilities::<T>::contains_key(&id, &cap),
				"an idle index entry for a capability the machine does not hold"
			);
		}
		for (cap, id) in ByCapability::<T>::iter_keys() {
			ensure!(
				Capabilities::<T>::contains_key(&id, &cap),
				"a dangling capability index entry"
			);
		}
		for (id, _) in Capabilities::<T>::iter_keys() {
			ensure!(MachineRecords::<T>::contains_key(&id), "a capability of an unknown machine");
		}
		for id in StatusHistory::<T>::iter_keys() {
			ensure!(MachineRecords::<T>::contains_key(&id), "a history of an unknown machine");
		}
		for (who, due) in owed {
			let held = T::Currency::balance_on_hold(&HoldReason::MachineDeposit.into(), &who);
			ensure!(held == due, "a manufacturer's deposit hold is not what its machines owe");
		}
		Ok(())
	}
}
