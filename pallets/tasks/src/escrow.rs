//! A task's money and time: creating it with its reward held in escrow, the per-block
//! schedules of deadlines and challenge ends, refunds and payment, and what the block hook does
//! when a deadline or challenge period ends.

use crate::*;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
		Get,
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Saturating;

/// Which per-block schedule.
#[derive(Clone, Copy)]
pub(crate) enum Schedule {
	Deadline,
	ChallengeEnd,
}

/// How many later blocks are tried when a schedule's block is full.
const SCHEDULE_TRIES: u32 = 16;

/// A task to create: what the requester (or an order, or a maintenance rule) asks for.
pub(crate) struct NewTask<T: Config> {
	/// Who pays the reward.
	pub requester: T::AccountId,
	/// What is to be done.
	pub capability: CapabilityKey,
	/// With which parameters.
	pub params: StepParams,
	/// The product it is done on, if any.
	pub product: Option<T::AccountId>,
	/// The machine that must do it, if one is named.
	pub designated: Option<T::AccountId>,
	/// The reward held in escrow.
	pub reward: BalanceOf<T>,
	/// The block by which it must be completed.
	pub deadline: BlockNumberFor<T>,
	/// Whether the chain assigns it.
	pub auto_assign: bool,
	/// The production order and step it belongs to, if any (the order holds its reward).
	pub order: Option<(OrderId, u32)>,
	/// The challenge period the requester set, if not the default.
	pub challenge: Option<BlockNumberFor<T>>,
}

impl<T: Config> Pallet<T> {
	/// Creates a task (holding its reward unless an order holds it already), schedules its
	/// deadline and, if asked, assigns it or queues it for a machine.
	pub(crate) fn new_task(new: NewTask<T>) -> Result<TaskId, DispatchError> {
		let NewTask {
			requester,
			capability,
			params,
			product,
			designated,
			reward,
			deadline,
			auto_assign,
			order,
			challenge,
		} = new;
		ensure!(reward >= T::MinReward::get(), Error::<T>::RewardTooLow);
		let live = LiveTasks::<T>::get(&requester);
		ensure!(live < T::MaxLiveTasksPerRequester::get(), Error::<T>::TooManyLiveTasks);
		LiveTasks::<T>::insert(&requester, live.saturating_add(1));
		let id = NextTaskId::<T>::get();
		let deadline = if order.is_some() {
			Self::schedule(Schedule::Deadline, deadline, id)?
		} else {
			Deadlines::<T>::try_mutate(deadline, |list| list.try_push(id))
				.map_err(|_| Error::<T>::DeadlineBusy)?;
			T::Currency::hold(&HoldReason::Escrow.into(), &requester, reward)?;
			deadline
		};
		NextTaskId::<T>::put(id.saturating_add(1));
		let mut t = TaskInfo {
			requester: requester.clone(),
			capability: capability.clone(),
			params,
			product,
			designated,
			provider: None,
			reward,
			deadline,
			state: TaskState::Open,
			auto_assign,
			order,
			created: Self::stamp(),
			started: None,
			completion: None,
		};
		// The record grows later by a provider, a start and a completion: its deposit covers
		// them now, besides the parameters as long as they are.
		let bytes = t
			.encoded_size()
			.saturating_add(T::AccountId::max_encoded_len())
			.saturating_add(Moment::max_encoded_len())
			.saturating_add(Completion::<BlockNumberFor<T>>::max_encoded_len());
		let deposit = Self::record_deposit(bytes);
		Self::hold_record_deposit(&t.requester, deposit)?;
		if !deposit.is_zero() {
			TaskDeposits::<T>::insert(id, deposit);
		}
		Self::deposit_event(Event::TaskCreated {
			task: id,
			requester,
			capability,
			reward,
			deadline,
		});
		if let Some(c) = challenge.filter(|c| *c != T::ChallengePeriod::get()) {
			ChallengePeriods::<T>::insert(id, c);
		}
		if auto_assign && !Self::match_and_assign(id, &mut t) {
			// A full queue, or the requester's share of it used up, leaves the task open for
			// `accept_task`/`assign_task`.
			Self::enqueue(id, &t.requester);
		}
		TaskRecords::<T>::insert(id, t);
		Ok(id)
	}

	/// Puts `task` in the first block from `at` whose list has room.
	pub(crate) fn schedule(
		which: Schedule,
		at: BlockNumberFor<T>,
		task: TaskId,
	) -> Result<BlockNumberFor<T>, DispatchError> {
		let mut block = at;
		for _ in 0..SCHEDULE_TRIES {
			let pushed = match which {
				Schedule::Deadline => Deadlines::<T>::try_append(block, task).is_ok(),
				Schedule::ChallengeEnd => ChallengeEnds::<T>::try_append(block, task).is_ok(),
			};
			if pushed {
				return Ok(block);
			}
			block = block.saturating_add(1u32.into());
		}
		Err(Error::<T>::ScheduleFull.into())
	}

	pub(crate) fn unschedule(which: Schedule, at: BlockNumberFor<T>, task: TaskId) {
		let remove =
			|list: &mut BoundedVec<TaskId, T::MaxTasksPerBlock>| list.retain(|id| *id != task);
		match which {
			Schedule::Deadline => Deadlines::<T>::mutate(at, remove),
			Schedule::ChallengeEnd => ChallengeEnds::<T>::mutate(at, remove),
		}
	}

	pub(crate) fn step_of(
		task: TaskId,
		t: &TaskOf<T>,
		machine: &T::AccountId,
		result: StepResult,
		end: Moment,
	) -> StepInput<T::AccountId> {
		StepInput {
			capability: t.capability.clone(),
			machine: machine.clone(),
			task: Some(task),
			start: t.started.unwrap_or(end).min(end),
			end,
			params: t.params.clone(),
			result,
			environment: None,
		}
	}

	/// `t` (`task`) is over (settled or refunded): one live task fewer for its requester; its
	/// provider's stake and its own challenge period go.
	pub(crate) fn over(task: TaskId, t: &TaskOf<T>) {
		Self::release_stake(task);
		ChallengePeriods::<T>::remove(task);
		LiveTasks::<T>::mutate_exists(&t.requester, |n| {
			*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
		});
	}

	/// Gives the reward back to the requester.
	pub(crate) fn release(t: &TaskOf<T>) {
		#[allow(
			clippy::let_underscore_must_use,
			reason = "a best-effort release of what this pallet holds for the item cannot fail; the item goes either way"
		)]
		let _ = T::Currency::release(
			&HoldReason::Escrow.into(),
			&t.requester,
			t.reward,
			Precision::BestEffort,
		);
	}

	/// Ends `task` with `state`, refunding the requester; a provider that had it counts a
	/// failure and is idle again; its order stops.
	pub(crate) fn refund(task: TaskId, t: &mut TaskOf<T>, state: TaskState) {
		Self::release(t);
		Self::over(task, t);
		if let Some(machine) = &t.provider {
			// A machine that went offline or was retired meanwhile is no longer busy with the
			// task: there is nothing to count, and the refund must happen all the same.
			#[allow(clippy::let_underscore_must_use, reason = "see the comment above")]
			let _ = T::Machines::finish_task(machine, task, false);
		}
		t.state = state;
		if let Some((order, step)) = t.order {
			Self::fail_order(order, step);
		}
	}

	/// Pays the reward to the provider's owner.
	pub(crate) fn pay(task: TaskId, t: &mut TaskOf<T>) -> DispatchResult {
		let machine = t.provider.clone().ok_or(Error::<T>::WrongState)?;
		let to = T::Machines::owner(&machine).ok_or(Error::<T>::UnknownMachine)?;
		T::Currency::transfer_on_hold(
			&HoldReason::Escrow.into(),
			&t.requester,
			&to,
			t.reward,
			Precision::Exact,
			Restriction::Free,
			Fortitude::Polite,
		)?;
		t.state = TaskState::Settled;
		Self::over(task, t);
		Self::deposit_event(Event::TaskSettled {
			task,
			from: t.requester.clone(),
			to,
			reward: t.reward,
		});
		Ok(())
	}

	/// Expires the tasks whose deadline is block `n`; returns how many it looked at.
	pub(crate) fn expire_due(n: BlockNumberFor<T>) -> u32 {
		let due = Deadlines::<T>::take(n);
		for id in due.iter() {
			Self::expire(*id);
		}
		due.len() as u32
	}

	/// Settles the tasks whose challenge period, or dispute period, ends at block `n`; returns
	/// how many it looked at.
	pub(crate) fn settle_due(n: BlockNumberFor<T>) -> u32 {
		let due = ChallengeEnds::<T>::take(n);
		for id in due.iter() {
			Self::auto_settle(*id);
		}
		due.len() as u32
	}

	pub(crate) fn expire(task: TaskId) {
		let Some(mut t) = TaskRecords::<T>::get(task) else { return };
		if !matches!(t.state, TaskState::Open | TaskState::Assigned | TaskState::InProgress) {
			return;
		}
		let machine = t.provider.clone();
		Self::refund(task, &mut t, TaskState::Expired);
		TaskRecords::<T>::insert(task, t);
		Self::deposit_event(Event::TaskExpired { task, machine });
	}

	/// Pays a completion whose challenge period ended, or whose dispute lapsed undecided.
	pub(crate) fn auto_settle(task: TaskId) {
		let Some(mut t) = TaskRecords::<T>::get(task) else { return };
		match t.state {
			TaskState::Completed => {},
			TaskState::Disputed => Self::deposit_event(Event::DisputeLapsed { task }),
			_ => return,
		}
		if Self::pay(task, &mut t).is_ok() {
			TaskRecords::<T>::insert(task, t);
		}
	}
}
