//! Matching tasks to machines: the designated machine, or the least loaded then longest idle
//! capable idle machine; the queue of tasks waiting for one.

use crate::*;
use alloc::vec::Vec;
use codec::Encode;
use frame_support::{pallet_prelude::*, traits::Get};

impl<T: Config> Pallet<T> {
	/// Registered actors and registered machines may request; a machine only with the key
	/// that controls its DID now (not one rotated away), not once its DID is deactivated, and
	/// only while its owner is an active actor (not suspended).
	pub(crate) fn is_participant(who: &T::AccountId) -> bool {
		(T::Machines::status(who).is_some()
			&& T::Dids::acts_for(who, who)
			&& Self::owner_active(who))
			|| T::Actors::is_active_actor(who)
	}

	/// Whether `machine`'s owner is an active actor: a suspended member's machines neither ask
	/// for nor take work, so they earn nothing while it is suspended.
	pub(crate) fn owner_active(machine: &T::AccountId) -> bool {
		T::Machines::owner(machine).is_some_and(|o| T::Actors::is_active_actor(&o))
	}

	/// Whether `who` acts for `machine`: its owner, or whoever acts for its DID now (its
	/// controller or gateway; never an old key, never for a deactivated DID).
	pub(crate) fn acts_for(who: &T::AccountId, machine: &T::AccountId) -> bool {
		T::Dids::acts_for(machine, who) || T::Machines::owner(machine).as_ref() == Some(who)
	}

	pub(crate) fn check_provider(machine: &T::AccountId, capability: &[u8]) -> DispatchResult {
		match T::Machines::status(machine) {
			None => Err(Error::<T>::UnknownMachine.into()),
			Some(_) if !Self::owner_active(machine) => Err(Error::<T>::OwnerSuspended.into()),
			Some(_) if !T::Machines::can_perform(machine, capability) => {
				Err(Error::<T>::CapabilityNotValid.into())
			},
			Some(MachineStatus::Idle) => Ok(()),
			Some(_) => Err(Error::<T>::ProviderBusy.into()),
		}
	}

	/// The machines that may take `t` now, best first: the designated machine if it can; else
	/// the least loaded, then longest idle, capable idle machines among `MaxCandidates` entries
	/// of the idle index whose owner is active and can stake. Machines that cannot work any more
	/// leave the index (see [`MachineRegistry::idle_candidates`]).
	pub(crate) fn candidates(t: &TaskOf<T>) -> Vec<T::AccountId> {
		if let Some(d) = &t.designated {
			let ok = Self::check_provider(d, &t.capability).is_ok() && Self::can_stake(d, t);
			return if ok { alloc::vec![d.clone()] } else { Vec::new() };
		}
		let usable = |m: &T::AccountId| Self::owner_active(m) && Self::can_stake(m, t);
		let mut found =
			T::Machines::idle_candidates(&t.capability, T::MaxCandidates::get(), &usable);
		found.sort_by_key(|(machine, load, since)| (*load, *since, machine.encode()));
		found.into_iter().map(|(machine, _, _)| machine).collect()
	}

	/// Assigns the open `t` (`task`) to the best machine that takes it; whether one did.
	pub(crate) fn match_and_assign(task: TaskId, t: &mut TaskOf<T>) -> bool {
		Self::candidates(t)
			.into_iter()
			.any(|machine| Self::assign(task, t, machine).is_ok())
	}

	/// `machine` takes `t` (`task`): it becomes busy with it and its owner's stake is held;
	/// either both or neither.
	pub(crate) fn assign(task: TaskId, t: &mut TaskOf<T>, machine: T::AccountId) -> DispatchResult {
		frame_support::storage::with_storage_layer(|| {
			T::Machines::start_task(&machine, task).map_err(|_| Error::<T>::ProviderBusy)?;
			Self::hold_stake(task, t, &machine)
		})?;
		t.state = TaskState::Assigned;
		t.provider = Some(machine.clone());
		// The assignment time stands for the start until the provider reports one.
		t.started = Some(Self::now());
		Self::deposit_event(Event::TaskAssigned {
			task,
			machine,
			requester: t.requester.clone(),
			capability: t.capability.clone(),
			params: t.params.clone(),
			product: t.product.clone(),
			deadline: t.deadline,
		});
		Ok(())
	}

	/// Queues `task` of `requester` for a machine, if the queue and the requester's share of
	/// it have room.
	pub(crate) fn enqueue(task: TaskId, requester: &T::AccountId) {
		let places = WaitingPlaces::<T>::get(requester);
		if places >= T::MaxWaitingPerRequester::get() || Waiting::<T>::try_append(task).is_err() {
			return;
		}
		WaitingPlaces::<T>::insert(requester, places.saturating_add(1));
	}

	/// `requester`'s task left the queue.
	fn dequeued(requester: &T::AccountId) {
		WaitingPlaces::<T>::mutate_exists(requester, |n| {
			*n = n.and_then(|n| n.checked_sub(1)).filter(|n| *n > 0);
		});
	}

	/// Tries to assign up to `MaxRetriesPerBlock` waiting tasks; returns how many it tried.
	pub(crate) fn retry_waiting() -> u32 {
		let mut waiting = Waiting::<T>::get();
		if waiting.is_empty() {
			return 0;
		}
		let tries = (waiting.len() as u32).min(T::MaxRetriesPerBlock::get());
		let mut still = Vec::new();
		for id in waiting.iter().take(tries as usize) {
			let Some(mut t) = TaskRecords::<T>::get(id) else { continue };
			if t.state != TaskState::Open {
				Self::dequeued(&t.requester);
				continue;
			}
			if Self::match_and_assign(*id, &mut t) {
				Self::dequeued(&t.requester);
				TaskRecords::<T>::insert(id, t);
			} else {
				still.push(*id);
			}
		}
		// The ones tried and still waiting go to the back, behind those not tried.
		let rest: Vec<TaskId> = waiting.iter().skip(tries as usize).copied().chain(still).collect();
		waiting = BoundedVec::truncate_from(rest);
		Waiting::<T>::put(waiting);
		tries
	}
}
