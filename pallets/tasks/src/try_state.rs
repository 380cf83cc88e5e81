//! The tasks pallet's invariants, checked from storage alone: by the `try_state` hook (with
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
	/// - each requester's escrow hold is the rewards of its tasks not yet over plus what its
	///   orders still hold for steps not begun; each manufacturer's recipe hold is the deposits
	///   of its recipes;
	/// - each requester's live-task count is the number of its tasks not yet over, within
	///   `MaxLiveTasksPerRequester`, and no count of zero is stored;
	/// - ids are below the next id; an assigned, started, completed or disputed task has a
	///   provider, an open one none; a running task is in its deadline's schedule, a completed
	///   one in its challenge end's; an order's current task is its current step's;
	/// - the deadline and challenge-end schedules, the waiting queue and orders' current tasks
	///   name only stored tasks;
	/// - a stake is held exactly for each task taken and not yet over, and each owner's stake
	///   hold is the sum of its stakes; own challenge periods exist only for tasks not yet
	///   completed;
	/// - each requester's waiting places count its entries in the queue, within
	///   `MaxWaitingPerRequester`; each manufacturer's budget hold is its budgets' deposits.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut escrow: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut add = |who: &T::AccountId, amount: BalanceOf<T>| {
			let due = escrow.entry(who.clone()).or_insert_with(Zero::zero);
			*due = due.saturating_add(amount);
		};
		let next_task = NextTaskId::<T>::get();
		let mut live: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for (id, t) in TaskRecords::<T>::iter() {
			if t.state.holds_reward() {
				*live.entry(t.requester.clone()).or_default() += 1;
			}
			ensure!(id < next_task, "a task id at or above the next id");
			// An order's step tasks carry their reward out of the order's hold.
			add(&t.requester, if t.state.holds_reward() { t.reward } else { Zero::zero() });
			match t.state {
				TaskState::Open => ensure!(t.provider.is_none(), "an open task has a provider"),
				TaskState::Assigned
				| TaskState::InProgress
				| TaskState::Completed
				| TaskState::Disputed => ensure!(t.provider.is_some(), "a taken task has no provider"),
				_ => {},
			}
			// A task not yet over is due somewhere: at its deadline, or at its challenge's end;
			// else its escrow would be held for ever.
			match t.state {
				TaskState::Open | TaskState::Assigned | TaskState::InProgress => ensure!(
					Deadlines::<T>::get(t.deadline).contains(&id),
					"a running task is missing from its deadline's schedule"
				),
				// Unless every block near its end was full: then `settle_task` pays it once the
				// end has come.
				TaskState::Completed | TaskState::Disputed => ensure!(
					t.completion.as_ref().is_some_and(|c| {
						let list = ChallengeEnds::<T>::get(c.challenge_end);
						list.contains(&id)
							|| list.len() as u32 >= T::MaxTasksPerBlock::get()
							|| c.challenge_end <= frame_system::Pallet::<T>::block_number()
					}),
					"a completed or disputed task is missing from its challenge end's schedule"
				),
				_ => {},
			}
			let taken = matches!(
				t.state,
				TaskState::Assigned
					| TaskState::InProgress
					| TaskState::Completed
					| TaskState::Disputed
			);
			ensure!(
				!Stakes::<T>::contains_key(id) || taken,
				"a stake is held for a task not taken or over"
			);
			ensure!(
				!ChallengePeriods::<T>::contains_key(id)
					|| t.state == TaskState::Open
					|| t.state == TaskState::Assigned
					|| t.state == TaskState::InProgress,
				"an own challenge period outlived its use"
			);
		}
		let stored: BTreeMap<T::AccountId, u32> = LiveTasks::<T>::iter().collect();
		ensure!(stored == live, "a requester's live-task count is not its tasks not yet over");
		ensure!(
			live.values().all(|n| *n <= T::MaxLiveTasksPerRequester::get()),
			"a requester beyond its live-task limit"
		);
		let next_order = NextOrderId::<T>::get();
		let mut running: BTreeMap<RecipeId, u32> = BTreeMap::new();
		for (id, o) in Orders::<T>::iter() {
			ensure!(id < next_order, "an order id at or above the next id");
			add(&o.requester, o.remaining);
			// A finished or failed order's last task may be reaped before the order is.
			match o.task.map(|task| (task, TaskRecords::<T>::get(task))) {
				Some((_, Some(t))) => ensure!(
					t.order == Some((id, o.step)),
					"an order's task belongs to another step"
				),
				Some((_, None)) => {
					ensure!(o.state != OrderState::Running, "a running order's task is not stored")
				},
				None => {},
			}
			if o.state == OrderState::Running {
				ensure!(Recipes::<T>::contains_key(o.recipe), "a running order of no recipe");
				*running.entry(o.recipe).or_default() += 1;
			}
		}
		ensure!(
			running.into_iter().eq(RecipeOrders::<T>::iter().collect::<BTreeMap<_, _>>()),
			"a recipe's running orders are not counted right"
		);
		for (who, due) in escrow {
			let held = T::Currency::balance_on_hold(&HoldReason::Escrow.into(), &who);
			ensure!(held == due, "a requester's escrow is not what its tasks and orders hold");
		}
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let next_recipe = NextRecipeId::<T>::get();
		for (id, r) in Recipes::<T>::iter() {
			ensure!(id < next_recipe, "a recipe id at or above the next id");
			let due = deposits.entry(r.manufacturer.clone()).or_insert_with(Zero::zero);
			*due = due.saturating_add(r.deposit);
		}
		for (who, due) in deposits {
			let held = T::Currency::balance_on_hold(&HoldReason::RecipeDeposit.into(), &who);
			ensure!(held == due, "a manufacturer's recipe hold is not its recipes' deposits");
		}
		for (_, tasks) in Deadlines::<T>::iter().chain(ChallengeEnds::<T>::iter()) {
			for task in tasks {
				ensure!(TaskRecords::<T>::contains_key(task), "a scheduled task is not stored");
			}
		}
		let mut places: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for task in Waiting::<T>::get() {
			let t = TaskRecords::<T>::get(task).ok_or("a waiting task is not stored")?;
			*places.entry(t.requester).or_default() += 1;
		}
		let stored: BTreeMap<T::AccountId, u32> = WaitingPlaces::<T>::iter().collect();
		ensure!(stored == places, "a requester's waiting places are not its queue entries");
		ensure!(
			places.values().all(|n| *n <= T::MaxWaitingPerRequester::get()),
			"a requester beyond its share of the queue"
		);
		let mut budgets: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (owner, _, b) in OrderBudgets::<T>::iter() {
			let due = budgets.entry(owner).or_insert_with(Zero::zero);
			*due = due.saturating_add(b.deposit);
		}
		for (who, due) in budgets {
			let held = T::Currency::balance_on_hold(&HoldReason::OrderBudget.into(), &who);
			ensure!(held == due, "a manufacturer's budget hold is not its budgets' deposits");
		}
		let mut records: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (task, deposit) in TaskDeposits::<T>::iter() {
			let t = TaskRecords::<T>::get(task).ok_or("a deposit for a task not stored")?;
			let due = records.entry(t.requester).or_insert_with(Zero::zero);
			*due = due.saturating_add(deposit);
		}
		for (order, deposit) in OrderDeposits::<T>::iter() {
			let o = Orders::<T>::get(order).ok_or("a deposit for an order not stored")?;
			let due = records.entry(o.requester).or_insert_with(Zero::zero);
			*due = due.saturating_add(deposit);
		}
		for (who, due) in records {
			let held = T::Currency::balance_on_hold(&HoldReason::RecordDeposit.into(), &who);
			ensure!(held == due, "a requester's record hold is not its records' deposits");
		}
		let mut stakes: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (task, (owner, stake)) in Stakes::<T>::iter() {
			ensure!(TaskRecords::<T>::contains_key(task), "a stake on a task not stored");
			let due = stakes.entry(owner).or_insert_with(Zero::zero);
			*due = due.saturating_add(stake);
		}
		for (who, due) in stakes {
			let held = T::Currency::balance_on_hold(&HoldReason::ProviderStake.into(), &who);
			ensure!(held == due, "an owner's stake hold is not its stakes");
		}
		Ok(())
	}
}
