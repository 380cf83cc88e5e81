//! How long task and order records stay: the per-byte deposit each holds from its requester,
//! and reaping a record once it is over and no longer needed, which gives the deposit back.
//! A reaped task's events and its product's provenance steps stay; the record goes.

use crate::*;
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision, Get},
};
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// The deposit for a record of `bytes` bytes: `RecordDepositBase` plus
	/// `RecordDepositPerByte` for each byte.
	pub(crate) fn record_deposit(bytes: usize) -> BalanceOf<T> {
		let bytes: BalanceOf<T> = u32::try_from(bytes).unwrap_or(u32::MAX).into();
		T::RecordDepositBase::get()
			.saturating_add(T::RecordDepositPerByte::get().saturating_mul(bytes))
	}

	/// Holds `deposit` from `who` for a record.
	pub(crate) fn hold_record_deposit(who: &T::AccountId, deposit: BalanceOf<T>) -> DispatchResult {
		if !deposit.is_zero() {
			T::Currency::hold(&HoldReason::RecordDeposit.into(), who, deposit)?;
		}
		Ok(())
	}

	fn release_record_deposit(who: &T::AccountId, deposit: BalanceOf<T>) {
		#[allow(
			clippy::let_underscore_must_use,
			reason = "a best-effort release of what this pallet holds for the item cannot fail; the item goes either way"
		)]
		let _ = T::Currency::release(
			&HoldReason::RecordDeposit.into(),
			who,
			deposit,
			Precision::BestEffort,
		);
	}

	/// `reap_task`: removes the record of an over task `TaskRetention` blocks past its
	/// deadline.
	pub(crate) fn do_reap_task(task: TaskId) -> DispatchResult {
		let t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
		ensure!(!t.state.holds_reward(), Error::<T>::NotOver);
		ensure!(
			frame_system::Pallet::<T>::block_number()
				>= t.deadline.saturating_add(T::TaskRetention::get()),
			Error::<T>::RetentionNotOver
		);
		TaskRecords::<T>::remove(task);
		ChallengePeriods::<T>::remove(task);
		let deposit = TaskDeposits::<T>::take(task).unwrap_or_default();
		Self::release_record_deposit(&t.requester, deposit);
		Self::deposit_event(Event::TaskReaped { task, requester: t.requester, deposit });
		Ok(())
	}

	/// `reap_order`: removes the record of a finished or failed order whose last step's task
	/// is reaped.
	pub(crate) fn do_reap_order(order: OrderId) -> DispatchResult {
		let o = Orders::<T>::get(order).ok_or(Error::<T>::UnknownOrder)?;
		ensure!(o.state != OrderState::Running, Error::<T>::NotOver);
		ensure!(
			o.task.is_none_or(|task| !TaskRecords::<T>::contains_key(task)),
			Error::<T>::StepStillKept
		);
		Orders::<T>::remove(order);
		let deposit = OrderDeposits::<T>::take(order).unwrap_or_default();
		Self::release_record_deposit(&o.requester, deposit);
		Self::deposit_event(Event::OrderReaped { order, requester: o.requester, deposit });
		Ok(())
	}
}
