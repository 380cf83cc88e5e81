//! The storage migrations of this pallet, one module per storage version; the runtime lists the
//! ones a live chain still needs in its `Migrations`.

/// Version 0 → 1: the storage `Registry` is called `MachineRecords` (same keys, same values), a name that
/// says what it holds.
pub mod v1 {
	use crate::{Config, Pallet};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, PalletInfoAccess, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};

	/// Moves every entry of `Registry` to `MachineRecords`, all in the upgrade's block: two reads and two writes an entry,
	/// ≈ 0.12 ms of weight with ParityDB's, so 10,000 entries weigh ≈ 1.2 s of the 2 s block. A
	/// chain with far more would need this as a multi-block migration.
	pub struct RenameRegistry<T>(PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for RenameRegistry<T> {
		fn on_runtime_upgrade() -> Weight {
			let pallet = <Pallet<T> as PalletInfoAccess>::name();
			let moved = twinchain_primitives::migration::rename_storage(
				pallet.as_bytes(),
				b"Registry",
				b"MachineRecords",
			);
			log::info!(target: "runtime::machines", "v1: moved {moved} entries of Registry to MachineRecords");
			// Per entry: the key found (`next_key`), its value read, written anew, the old one
			// removed; once: the storage value under the prefix itself.
			T::DbWeight::get()
				.reads_writes(moved.saturating_mul(2).saturating_add(2), moved.saturating_mul(2))
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			use codec::Encode;
			let pallet = <Pallet<T> as PalletInfoAccess>::name();
			Ok(count(pallet.as_bytes(), b"Registry").encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			use codec::Decode;
			let before = u64::decode(&mut &state[..]).map_err(|_| "the pre-upgrade count")?;
			let pallet = <Pallet<T> as PalletInfoAccess>::name();
			frame_support::ensure!(
				count(pallet.as_bytes(), b"Registry") == 0,
				"entries left behind"
			);
			frame_support::ensure!(
				count(pallet.as_bytes(), b"MachineRecords") == before,
				"entries lost or made up"
			);
			Ok(())
		}
	}

	/// How many keys `pallet`'s storage `item` holds.
	#[cfg(feature = "try-runtime")]
	fn count(pallet: &[u8], item: &[u8]) -> u64 {
		let prefix = frame_support::storage::storage_prefix(pallet, item);
		frame_support::storage::KeyPrefixIterator::<()>::new(
			prefix.to_vec(),
			prefix.to_vec(),
			|_| Ok(()),
		)
		.count() as u64
	}

	/// The migration the runtime runs: only on a chain whose `Machines` storage is at
	/// version 0, which it leaves at version 1.
	pub type MigrateV0ToV1<T> = VersionedMigration<
		0,
		1,
		RenameRegistry<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 1 → 2: automatic matching reads an index of idle machines by capability
/// (`IdleByCapability`) instead of every machine holding the capability. It is built from the
/// machines that are idle at the upgrade.
pub mod v2 {
	use crate::{Capabilities, Config, IdleByCapability, MachineRecords, Pallet};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use twinchain_primitives::MachineStatus;

	/// Lists every idle machine under each capability it holds, all in the upgrade's block:
	/// one read a machine, one read and one write a capability of an idle one (≈ 25 µs a
	/// machine with ParityDB's weights and 16 capabilities at most, so 10,000 machines weigh
	/// well under the 2 s block).
	pub struct BuildIdleIndex<T>(PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for BuildIdleIndex<T> {
		fn on_runtime_upgrade() -> Weight {
			let (mut machines, mut listed) = (0u64, 0u64);
			for (id, m) in MachineRecords::<T>::iter() {
				machines += 1;
				if m.status != MachineStatus::Idle {
					continue;
				}
				for capability in Capabilities::<T>::iter_key_prefix(&id) {
					IdleByCapability::<T>::insert(&capability, &id, ());
					listed += 1;
				}
			}
			log::info!(target: "runtime::machines", "v2: {listed} idle index entries for {machines} machines");
			T::DbWeight::get().reads_writes(machines.saturating_add(listed), listed)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			for (id, m) in MachineRecords::<T>::iter() {
				if m.status == MachineStatus::Idle {
					for capability in Capabilities::<T>::iter_key_prefix(&id) {
						frame_support::ensure!(
							IdleByCapability::<T>::contains_key(&capability, &id),
							"an idle machine is not in the idle index"
						);
					}
				}
			}
			Pallet::<T>::do_try_state()
		}
	}

	/// The migration the runtime runs: only on a chain whose `Machines` storage is at
	/// version 1, which it leaves at version 2.
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		BuildIdleIndex<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
