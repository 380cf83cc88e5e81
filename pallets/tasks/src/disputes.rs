//! Disputes. The requester disputes a completion within the challenge period; an arbiter who is
//! no party to the task decides within `DisputePeriod` blocks. A dispute nobody decides in time
//! lapses and the completion stands: the provider is paid. So a requester who disputes honest
//! work cannot keep the reward by waiting — overturning a completion needs an arbiter's decision
//! — and no escrow is held for ever. A decision against the provider also gives the requester
//! the stake the provider's owner put up when its machine took the task.

use super::*;
use frame_support::{ensure, pallet_prelude::DispatchResult, traits::Get};
use sp_runtime::Saturating;

impl<T: Config> Pallet<T> {
	/// `who` (the requester or whoever acts for it) disputes the completed `task`: its challenge
	/// end becomes the dispute's deadline. A dispute stands even when no block near its deadline
	/// has room in the schedule: it then lapses through `settle_task`.
	pub(crate) fn do_dispute(who: &T::AccountId, task: TaskId) -> DispatchResult {
		let mut t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
		ensure!(Self::for_requester(who, &t), Error::<T>::NotRequester);
		ensure!(t.state == TaskState::Completed, Error::<T>::WrongState);
		let completion = t.completion.as_mut().ok_or(Error::<T>::WrongState)?;
		let now = frame_system::Pallet::<T>::block_number();
		let deadline = now.saturating_add(T::DisputePeriod::get());
		let until = Self::schedule(Schedule::ChallengeEnd, deadline, task).unwrap_or(deadline);
		Self::unschedule(Schedule::ChallengeEnd, completion.challenge_end, task);
		completion.challenge_end = until;
		t.state = TaskState::Disputed;
		TaskRecords::<T>::insert(task, t);
		Self::deposit_event(Event::TaskDisputed { task, until });
		Ok(())
	}

	/// `arbiter` decides the disputed `task`, unless it is a party to it.
	pub(crate) fn do_resolve(
		arbiter: T::AccountId,
		task: TaskId,
		for_provider: bool,
	) -> DispatchResult {
		let mut t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
		ensure!(t.state == TaskState::Disputed, Error::<T>::WrongState);
		ensure!(!Self::is_party(&arbiter, &t), Error::<T>::PartyToDispute);
		if let Some(c) = &t.completion {
			Self::unschedule(Schedule::ChallengeEnd, c.challenge_end, task);
		}
		if for_provider {
			Self::pay(task, &mut t)?;
		} else {
			Self::release(&t);
			Self::slash_stake(task, &t.requester);
			Self::over(task, &t);
			t.state = TaskState::Refunded;
		}
		TaskRecords::<T>::insert(task, t);
		Self::deposit_event(Event::DisputeResolved { task, arbiter, for_provider });
		Ok(())
	}

	/// Whether `who` is a party to `t`: the requester, or whoever acts for the requester machine
	/// or the provider machine (its owner, its DID's controller or delegates).
	pub(crate) fn is_party(who: &T::AccountId, t: &TaskOf<T>) -> bool {
		who == &t.requester
			|| Self::acts_for(who, &t.requester)
			|| t.provider.as_ref().is_some_and(|m| who == m || Self::acts_for(who, m))
	}
}
