//! A task's life as its parties drive it: creating, taking (with the provider's stake),
//! starting, completing, failing and settling, and who may act for the requester.

use crate::*;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, MutateHold},
		tokens::{Fortitude, Precision, Preservation, Restriction},
		Get,
	},
};
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// `create_task` by `requester`.
	pub(crate) fn do_create(new: NewTask<T>) -> DispatchResult {
		let requester = &new.requester;
		ensure!(Self::is_participant(requester), Error::<T>::NotParticipant);
		if let Some(p) = &new.product {
			ensure!(T::Provenance::in_production(p), Error::<T>::ProductNotInProduction);
			ensure!(
				T::Provenance::custodian(p).as_ref() == Some(requester),
				Error::<T>::NotCustodian
			);
		}
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			new.deadline > now && new.deadline <= now.saturating_add(T::MaxDeadline::get()),
			Error::<T>::InvalidDeadline
		);
		if let Some(c) = new.challenge {
			ensure!(
				c >= T::MinChallengePeriod::get() && c <= T::MaxChallengePeriod::get(),
				Error::<T>::InvalidChallengePeriod
			);
		}
		Self::new_task(new).map(|_| ())
	}

	/// `accept_task` by `who` for `machine`.
	pub(crate) fn do_accept(
		who: T::AccountId,
		task: TaskId,
		machine: T::AccountId,
	) -> DispatchResult {
		let mut t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
		ensure!(t.state == TaskState::Open, Error::<T>::WrongState);
		ensure!(Self::acts_for(&who, &machine), Error::<T>::NotProvider);
		if let Some(d) = &t.designated {
			ensure!(d == &machine, Error::<T>::NotDesignated);
		}
		Self::check_provider(&machine, &t.capability)?;
		Self::assign(task, &mut t, machine)?;
		TaskRecords::<T>::insert(task, t);
		Ok(())
	}

	/// `start_task` by `who`.
	pub(crate) fn do_start(who: T::AccountId, task: TaskId) -> DispatchResult {
		let mut t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
		ensure!(t.state == TaskState::Assigned, Error::<T>::WrongState);
		let machine = t.provider.clone().ok_or(Error::<T>::WrongState)?;
		ensure!(Self::acts_for(&who, &machine), Error::<T>::NotProvider);
		t.state = TaskState::InProgress;
		t.started = Some(Self::now());
		TaskRecords::<T>::insert(task, t);
		Self::deposit_event(Event::TaskStarted { task, machine });
		Ok(())
	}

	/// `complete_task` by `who`; whether the task was on a product. A completion stands even
	/// when no block near its challenge end has room in the schedule: it is then settled by
	/// `settle_task` once the period is over.
	pub(crate) fn do_complete(
		who: T::AccountId,
		task: TaskId,
		result: ResultDetail,
		evidence: Evidence,
	) -> Result<bool, DispatchError> {
		let mut t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
		ensure!(
			matches!(t.state, TaskState::Assigned | TaskState::InProgress),
			Error::<T>::WrongState
		);
		let machine = t.provider.clone().ok_or(Error::<T>::WrongState)?;
		ensure!(Self::acts_for(&who, &machine), Error::<T>::NotProvider);
		let now = Self::stamp();
		let had_product = t.product.is_some();
		if let Some(product) = &t.product {
			T::Provenance::record_step(
				&machine,
				product,
				Self::step_of(task, &t, &machine, StepResult::Ok(result.clone()), now.time),
			)?;
		}
		// A machine its owner set offline (or retired) while working is no longer busy with the
		// task: the completion stands, only its counters stay as they were.
		#[allow(clippy::let_underscore_must_use, reason = "see the comment above")]
		let _ = T::Machines::finish_task(&machine, task, true);
		Self::unschedule(Schedule::Deadline, t.deadline, task);
		let period = ChallengePeriods::<T>::take(task).unwrap_or_else(T::ChallengePeriod::get);
		let end = now.block.saturating_add(period);
		let challenge_end = Self::schedule(Schedule::ChallengeEnd, end, task).unwrap_or(end);
		t.state = TaskState::Completed;
		t.completion = Some(Completion { result, evidence, at: now, challenge_end });
		let order = t.order;
		TaskRecords::<T>::insert(task, t);
		Self::deposit_event(Event::TaskCompleted { task, machine, evidence });
		if let Some((order, step)) = order {
			Self::advance_order_or_stop(order, step);
		}
		Ok(had_product)
	}

	/// `fail_task` by `who`.
	pub(crate) fn do_fail(who: T::AccountId, task: TaskId, reason: ResultDetail) -> DispatchResult {
		let mut t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
		ensure!(
			matches!(t.state, TaskState::Assigned | TaskState::InProgress),
			Error::<T>::WrongState
		);
		let machine = t.provider.clone().ok_or(Error::<T>::WrongState)?;
		ensure!(Self::acts_for(&who, &machine), Error::<T>::NotProvider);
		if let Some(product) = &t.product {
			// The failure is part of the product's story; a product that cannot take it
			// (e.g. recalled meanwhile) must not keep the task from failing.
			let step = Self::step_of(task, &t, &machine, StepResult::Failed(reason), Self::now());
			#[allow(clippy::let_underscore_must_use, reason = "see the comment above")]
			let _ = T::Provenance::record_step(&machine, product, step);
		}
		Self::unschedule(Schedule::Deadline, t.deadline, task);
		Self::refund(task, &mut t, TaskState::Failed);
		TaskRecords::<T>::insert(task, t);
		Self::deposit_event(Event::TaskFailed { task, machine });
		Ok(())
	}

	/// `confirm_task` by `who`.
	pub(crate) fn do_confirm(who: &T::AccountId, task: TaskId) -> DispatchResult {
		let mut t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
		ensure!(Self::for_requester(who, &t), Error::<T>::NotRequester);
		ensure!(t.state == TaskState::Completed, Error::<T>::WrongState);
		if let Some(c) = &t.completion {
			Self::unschedule(Schedule::ChallengeEnd, c.challenge_end, task);
		}
		Self::pay(task, &mut t)?;
		TaskRecords::<T>::insert(task, t);
		Ok(())
	}

	/// `cancel_task` by `who`.
	pub(crate) fn do_cancel(who: &T::AccountId, task: TaskId) -> DispatchResult {
		let mut t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
		ensure!(&t.requester == who, Error::<T>::NotRequester);
		ensure!(t.state == TaskState::Open, Error::<T>::WrongState);
		Self::unschedule(Schedule::Deadline, t.deadline, task);
		Self::refund(task, &mut t, TaskState::Cancelled);
		TaskRecords::<T>::insert(task, t);
		Self::deposit_event(Event::TaskCancelled { task });
		Ok(())
	}

	/// `assign_task`: matches the open `task` now.
	pub(crate) fn do_assign(task: TaskId) -> DispatchResult {
		let mut t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
		ensure!(t.state == TaskState::Open, Error::<T>::WrongState);
		ensure!(Self::match_and_assign(task, &mut t), Error::<T>::NoProviderAvailable);
		TaskRecords::<T>::insert(task, t);
		Ok(())
	}

	/// `settle_task`: pays a completion whose challenge period, or undecided dispute, is over.
	pub(crate) fn do_settle(task: TaskId) -> DispatchResult {
		let mut t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
		ensure!(
			matches!(t.state, TaskState::Completed | TaskState::Disputed),
			Error::<T>::WrongState
		);
		let end = t.completion.as_ref().map(|c| c.challenge_end).ok_or(Error::<T>::WrongState)?;
		ensure!(frame_system::Pallet::<T>::block_number() >= end, Error::<T>::ChallengeNotOver);
		Self::unschedule(Schedule::ChallengeEnd, end, task);
		let lapsed = t.state == TaskState::Disputed;
		Self::pay(task, &mut t)?;
		TaskRecords::<T>::insert(task, t);
		if lapsed {
			Self::deposit_event(Event::DisputeLapsed { task });
		}
		Ok(())
	}

	/// Whether `who` may confirm or dispute for `t`'s requester: the requester, whoever acts
	/// for its DID now (its controller or an authentication delegate such as its gateway; a
	/// machine requester's owner), or, for an order's step, a gateway the requester gave an
	/// order budget.
	pub(crate) fn for_requester(who: &T::AccountId, t: &TaskOf<T>) -> bool {
		who == &t.requester
			|| Self::acts_for(who, &t.requester)
			|| (t.order.is_some() && Self::is_order_gateway(who, &t.requester))
	}

	/// What the provider stakes on `t`.
	pub(crate) fn stake_of(t: &TaskOf<T>) -> BalanceOf<T> {
		T::ProviderStake::get() * t.reward
	}

	/// Whether `machine`'s owner can hold the stake of `t`.
	pub(crate) fn can_stake(machine: &T::AccountId, t: &TaskOf<T>) -> bool {
		let stake = Self::stake_of(t);
		stake.is_zero()
			|| T::Machines::owner(machine).is_some_and(|owner| {
				T::Currency::reducible_balance(&owner, Preservation::Preserve, Fortitude::Polite)
					>= stake
			})
	}

	/// Holds the stake of `t` from `machine`'s owner.
	pub(crate) fn hold_stake(
		task: TaskId,
		t: &TaskOf<T>,
		machine: &T::AccountId,
	) -> DispatchResult {
		let stake = Self::stake_of(t);
		if stake.is_zero() {
			return Ok(());
		}
		let owner = T::Machines::owner(machine).ok_or(Error::<T>::UnknownMachine)?;
		T::Currency::hold(&HoldReason::ProviderStake.into(), &owner, stake)
			.map_err(|_| Error::<T>::StakeUnavailable)?;
		Stakes::<T>::insert(task, (owner.clone(), stake));
		Self::deposit_event(Event::StakeHeld { task, owner, stake });
		Ok(())
	}

	/// Gives the stake on `task` back to whoever staked it.
	pub(crate) fn release_stake(task: TaskId) {
		let Some((owner, stake)) = Stakes::<T>::take(task) else { return };
		#[allow(
			clippy::let_underscore_must_use,
			reason = "a best-effort release of what this pallet holds for the item cannot fail; the item goes either way"
		)]
		let _ = T::Currency::release(
			&HoldReason::ProviderStake.into(),
			&owner,
			stake,
			Precision::BestEffort,
		);
	}

	/// A dispute went against the provider: its owner's stake on `task` goes to `requester`.
	pub(crate) fn slash_stake(task: TaskId, requester: &T::AccountId) {
		let Some((owner, stake)) = Stakes::<T>::take(task) else { return };
		let moved = T::Currency::transfer_on_hold(
			&HoldReason::ProviderStake.into(),
			&owner,
			requester,
			stake,
			Precision::BestEffort,
			Restriction::Free,
			Fortitude::Force,
		);
		match moved {
			Ok(stake) => Self::deposit_event(Event::StakeSlashed {
				task,
				owner,
				to: requester.clone(),
				stake,
			}),
			// The requester's account cannot take it (it would stay below the existential
			// deposit): the stake is released instead of lost.
			Err(_) => {
				#[allow(clippy::let_underscore_must_use, reason = "best effort, as above")]
				let _ = T::Currency::release(
					&HoldReason::ProviderStake.into(),
					&owner,
					stake,
					Precision::BestEffort,
				);
			},
		}
	}
}

impl<T: Config> Pallet<T> {
	pub(crate) fn now() -> Moment {
		now_ms::<T, T::Time>()
	}

	pub(crate) fn stamp() -> Stamp<frame_system::pallet_prelude::BlockNumberFor<T>> {
		stamp_now::<T, T::Time>()
	}

	/// The constants make sense together (the `integrity_test` hook).
	pub(crate) fn check_constants() {
		assert!(
			T::MinReward::get() >= T::Currency::minimum_balance(),
			"MinReward below the existential deposit: a settlement could fail"
		);
		assert!(T::MaxTasksPerBlock::get() >= 1, "MaxTasksPerBlock: no task could be created");
		assert!(!T::ChallengePeriod::get().is_zero(), "ChallengePeriod: no time to dispute");
		assert!(
			!T::MinChallengePeriod::get().is_zero()
				&& T::MinChallengePeriod::get() <= T::ChallengePeriod::get()
				&& T::ChallengePeriod::get() <= T::MaxChallengePeriod::get(),
			"ChallengePeriod outside MinChallengePeriod ..= MaxChallengePeriod"
		);
		assert!(T::MaxWaitingPerRequester::get() >= 1, "MaxWaitingPerRequester: no queue");
		assert!(!T::DisputePeriod::get().is_zero(), "DisputePeriod: no time to decide");
		assert!(T::MaxLiveTasksPerRequester::get() >= 1, "MaxLiveTasksPerRequester: no task");
		assert!(
			T::TaskRetention::get()
				>= T::MaxChallengePeriod::get().saturating_add(T::DisputePeriod::get()),
			"TaskRetention shorter than a challenge and a dispute: an order could be reaped while \
			 a step may still change"
		);
	}
}
