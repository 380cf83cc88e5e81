//! The storage migrations of this pallet, one module per storage version; the runtime lists the
//! ones a live chain still needs in its `Migrations`.

/// Version 0 → 1: the storage `ActorOf` is called `ActorRecords` (same keys, same values), a name that
/// says what it holds.
pub mod v1 {
	use crate::{Config, Pallet};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, PalletInfoAccess, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};

	/// Moves every entry of `ActorOf` to `ActorRecords`, all in the upgrade's block: two reads and two writes an entry,
	/// ≈ 0.12 ms of weight with ParityDB's, so 10,000 entries weigh ≈ 1.2 s of the 2 s block. A
	/// chain with far more would need this as a multi-block migration.
	pub struct RenameActorOf<T>(PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for RenameActorOf<T> {
		fn on_runtime_upgrade() -> Weight {
			let pallet = <Pallet<T> as PalletInfoAccess>::name();
			let moved = twinchain_primitives::migration::rename_storage(
				pallet.as_bytes(),
				b"ActorOf",
				b"ActorRecords",
			);
			log::info!(target: "runtime::actors", "v1: moved {moved} entries of ActorOf to ActorRecords");
			// Per entry: the key found (`next_key`), its value read, written anew, the old one
			// removed; once: the storage value under the prefix itself.
			T::DbWeight::get()
				.reads_writes(moved.saturating_mul(2).saturating_add(2), moved.saturating_mul(2))
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			use codec::Encode;
			let pallet = <Pallet<T> as PalletInfoAccess>::name();
			Ok(count(pallet.as_bytes(), b"ActorOf").encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			use codec::Decode;
			let before = u64::decode(&mut &state[..]).map_err(|_| "the pre-upgrade count")?;
			let pallet = <Pallet<T> as PalletInfoAccess>::name();
			frame_support::ensure!(
				count(pallet.as_bytes(), b"ActorOf") == 0,
				"entries left behind"
			);
			frame_support::ensure!(
				count(pallet.as_bytes(), b"ActorRecords") == before,
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

	/// The migration the runtime runs: only on a chain whose `Actors` storage is at
	/// version 0, which it leaves at version 1.
	pub type MigrateV0ToV1<T> = VersionedMigration<
		0,
		1,
		RenameActorOf<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
