//! What other pallets learn from and do to machines ([`MachineRegistry`]), and the index of
//! idle machines by capability that automatic matching reads.

use crate::*;
use alloc::vec::Vec;
use frame_support::ensure;

impl<T: Config> Pallet<T> {
	/// Puts idle `machine` in the idle index under each capability it holds.
	pub(crate) fn list_idle(machine: &T::AccountId) {
		for capability in Capabilities::<T>::iter_key_prefix(machine) {
			IdleByCapability::<T>::insert(&capability, machine, ());
		}
	}

	/// Takes `machine` out of the idle index.
	pub(crate) fn unlist_idle(machine: &T::AccountId) {
		for capability in Capabilities::<T>::iter_key_prefix(machine) {
			IdleByCapability::<T>::remove(&capability, machine);
		}
	}
}

impl<T: Config> MachineRegistry<T::AccountId> for Pallet<T> {
	fn can_perform(machine: &T::AccountId, capability: &[u8]) -> bool {
		let Some(m) = MachineRecords::<T>::get(machine) else { return false };
		if m.status == MachineStatus::Retired {
			return false;
		}
		let Ok(key) = CapabilityKey::try_from(capability.to_vec()) else { return false };
		Capabilities::<T>::get(machine, &key).is_some_and(|digest| {
			T::Credentials::check_capability(machine, capability, &digest).is_ok()
		})
	}

	fn status(machine: &T::AccountId) -> Option<MachineStatus> {
		MachineRecords::<T>::get(machine).map(|m| m.status)
	}

	fn owner(machine: &T::AccountId) -> Option<T::AccountId> {
		MachineRecords::<T>::get(machine).map(|m| m.owner)
	}

	fn idle_candidates(
		capability: &[u8],
		max: u32,
		usable: &dyn Fn(&T::AccountId) -> bool,
	) -> Vec<(T::AccountId, u32, Moment)> {
		let Ok(key) = CapabilityKey::try_from(capability.to_vec()) else {
			return Default::default();
		};
		let listed: Vec<T::AccountId> =
			IdleByCapability::<T>::iter_key_prefix(&key).take(max as usize).collect();
		let mut found = Vec::new();
		for machine in listed {
			let works = MachineRecords::<T>::get(&machine).filter(|m| {
				m.status == MachineStatus::Idle
					&& Capabilities::<T>::get(&machine, &key).is_some_and(|digest| {
						T::Credentials::check_capability(&machine, capability, &digest).is_ok()
					})
			});
			match works {
				Some(m) if usable(&machine) => {
					let load = m.tasks_completed.saturating_add(m.tasks_failed);
					found.push((machine, load, m.status_since.time));
				},
				_ => {
					IdleByCapability::<T>::remove(&key, &machine);
					Pallet::<T>::deposit_event(Event::LeftIdleIndex {
						machine,
						capability: key.clone(),
					});
				},
			}
		}
		found
	}

	fn start_task(machine: &T::AccountId, task: TaskId) -> sp_runtime::DispatchResult {
		let m = MachineRecords::<T>::get(machine).ok_or(Error::<T>::UnknownMachine)?;
		ensure!(m.status == MachineStatus::Idle, Error::<T>::NotIdle);
		let owner = m.owner.clone();
		Pallet::<T>::change_status(machine, m, MachineStatus::Busy(task), owner)
	}

	fn finish_task(
		machine: &T::AccountId,
		task: TaskId,
		success: bool,
	) -> sp_runtime::DispatchResult {
		let mut m = MachineRecords::<T>::get(machine).ok_or(Error::<T>::UnknownMachine)?;
		let busy = m.status == MachineStatus::Busy(task);
		ensure!(busy || m.status == MachineStatus::Maintenance, Error::<T>::NotBusyWithTask);
		if success {
			m.tasks_completed = m.tasks_completed.saturating_add(1);
		} else {
			m.tasks_failed = m.tasks_failed.saturating_add(1);
		}
		if busy {
			let owner = m.owner.clone();
			Pallet::<T>::change_status(machine, m, MachineStatus::Idle, owner)?;
		} else {
			MachineRecords::<T>::insert(machine, m);
		}
		Pallet::<T>::deposit_event(Event::TaskFinished { machine: machine.clone(), task, success });
		Ok(())
	}

	fn enter_maintenance(machine: &T::AccountId) -> sp_runtime::DispatchResult {
		let m = MachineRecords::<T>::get(machine).ok_or(Error::<T>::UnknownMachine)?;
		ensure!(
			matches!(m.status, MachineStatus::Idle | MachineStatus::Busy(_)),
			Error::<T>::CannotEnterMaintenance
		);
		let owner = m.owner.clone();
		Pallet::<T>::change_status(machine, m, MachineStatus::Maintenance, owner)
	}
}
