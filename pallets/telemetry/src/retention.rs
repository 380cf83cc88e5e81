//! How long windows stay: the per-byte deposit each holds from whoever anchored it, and
//! pruning the windows anchored `WindowRetention` blocks ago, oldest first, which gives the
//! deposits back.

use crate::*;
use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision, Get},
};
use sp_runtime::traits::{CheckedSub, Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Holds the deposit for window `w` of `machine` starting at `start` from its anchorer.
	pub(crate) fn hold_window_deposit(
		machine: &T::AccountId,
		start: Moment,
		w: &WindowOf<T>,
	) -> DispatchResult {
		let bytes: BalanceOf<T> = u32::try_from(w.encoded_size()).unwrap_or(u32::MAX).into();
		let deposit = T::WindowDepositBase::get()
			.saturating_add(T::WindowDepositPerByte::get().saturating_mul(bytes));
		if !deposit.is_zero() {
			T::Currency::hold(&HoldReason::Window.into(), &w.gateway, deposit)?;
			WindowDeposits::<T>::insert(machine, window_key(start), deposit);
		}
		Ok(())
	}

	/// Prunes up to `max` of `machine`'s windows anchored `WindowRetention` blocks ago or
	/// earlier, oldest first; returns how many. A machine's windows are keyed by start and
	/// each is anchored after the one before it, so the expired ones come first.
	pub(crate) fn prune(machine: &T::AccountId, max: u32) -> u32 {
		let now = frame_system::Pallet::<T>::block_number();
		let Some(before) = now.checked_sub(&T::WindowRetention::get()) else { return 0 };
		let expired: Vec<(WindowKey, T::AccountId)> = Windows::<T>::iter_prefix(machine)
			.take(max as usize)
			.take_while(|(_, w)| w.anchored.block <= before)
			.map(|(key, w)| (key, w.gateway))
			.collect();
		for (key, anchorer) in &expired {
			Windows::<T>::remove(machine, key);
			if let Some(deposit) = WindowDeposits::<T>::take(machine, key) {
				#[allow(
					clippy::let_underscore_must_use,
					reason = "a best-effort release of what this pallet holds for the item cannot fail; the item goes either way"
				)]
				let _ = T::Currency::release(
					&HoldReason::Window.into(),
					anchorer,
					deposit,
					Precision::BestEffort,
				);
			}
		}
		let count = expired.len() as u32;
		if count > 0 {
			Self::deposit_event(Event::WindowsPruned { machine: machine.clone(), count, before });
		}
		count
	}
}
