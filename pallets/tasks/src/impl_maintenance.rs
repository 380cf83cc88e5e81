//! How telemetry rules take a machine into maintenance: [`MaintenanceRequest`] for this pallet.

use crate::*;
use codec::Encode;

impl<T: Config> MaintenanceRequest<T::AccountId, BalanceOf<T>, BlockNumberOf<T>> for Pallet<T> {
	fn open_maintenance(
		machine: &T::AccountId,
		payer: &T::AccountId,
		capability: &[u8],
		reward: BalanceOf<T>,
		blocks: BlockNumberOf<T>,
	) -> Result<TaskId, sp_runtime::DispatchError> {
		use frame_support::traits::Get;
		use sp_runtime::traits::{Saturating, Zero};
		frame_support::storage::with_storage_layer(|| {
			let capability =
				CapabilityKey::try_from(capability.to_vec()).map_err(|_| Error::<T>::BadInput)?;
			let params =
				StepParams::try_from(machine.encode()).map_err(|_| Error::<T>::BadInput)?;
			frame_support::ensure!(
				!blocks.is_zero() && blocks <= T::MaxDeadline::get(),
				Error::<T>::InvalidDeadline
			);
			T::Machines::enter_maintenance(machine).map_err(|_| Error::<T>::MachineUnavailable)?;
			let deadline = frame_system::Pallet::<T>::block_number().saturating_add(blocks);
			Self::new_task(NewTask {
				requester: payer.clone(),
				capability,
				params,
				product: None,
				designated: None,
				reward,
				deadline,
				auto_assign: true,
				order: None,
				challenge: None,
			})
		})
	}
}
