//! The runtime's storage migrations on a chain laid out as before them.

use super::*;
use frame_support::{
	storage::{storage_prefix, unhashed},
	traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion},
};

/// Every raw `(key suffix, value)` stored under `pallet`'s storage `item`.
fn raw_entries(pallet: &[u8], item: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
	let prefix = storage_prefix(pallet, item);
	let mut entries = Vec::new();
	let mut cursor = prefix.to_vec();
	while let Some(key) = sp_io::storage::next_key(&cursor) {
		if !key.starts_with(&prefix) {
			break;
		}
		entries.push((key[prefix.len()..].to_vec(), unhashed::get_raw(&key).expect("listed")));
		cursor = key;
	}
	entries
}

/// Spec 109 renamed `Actors::ActorOf`, `Machines::Registry` and `Tasks::Registry`. On a chain
/// of spec 108 (every entry under the old names, the three pallets at storage version 0), the
/// runtime's migrations move every entry under the new name unchanged, leave nothing under the
/// old one, set the versions to 1 (the later migrations take them on from there: machines
/// builds its idle index), charge for what they moved, and do nothing a second time.
#[test]
fn spec_109_renames_move_every_entry_once() {
	genesis_of("dev").execute_with(|| {
		let renames: [(&[u8], &[u8], &[u8]); 3] = [
			(b"Actors", b"ActorOf", b"ActorRecords"),
			(b"Machines", b"Registry", b"MachineRecords"),
			(b"Tasks", b"Registry", b"TaskRecords"),
		];
		// The dev genesis has actors and machines but no task: give it one, as raw bytes.
		let task_key = storage_prefix(b"Tasks", b"TaskRecords")
			.iter()
			.chain(&sp_io::hashing::twox_64(&7u64.to_le_bytes()))
			.chain(&7u64.to_le_bytes())
			.copied()
			.collect::<Vec<u8>>();
		unhashed::put_raw(&task_key, b"a task record of spec 108");
		let before: Vec<_> = renames.iter().map(|(p, _, new)| raw_entries(p, new)).collect();
		assert!(before.iter().all(|entries| !entries.is_empty()), "something to migrate");
		let machines = pallet_machines::MachineRecords::<Runtime>::iter().count();
		let actors = pallet_actors::ActorRecords::<Runtime>::iter().count();
		// Lay the state out as spec 108 did.
		for (pallet, old, new) in renames {
			twinchain_primitives::migration::rename_storage(pallet, new, old);
		}
		StorageVersion::new(0).put::<Actors>();
		StorageVersion::new(0).put::<Machines>();
		StorageVersion::new(0).put::<Tasks>();
		// …and no count of the running orders per recipe (spec 113): one order of recipe 1
		// runs, one of recipe 2 is over.
		for (order, recipe, state) in
			[(0, 1, pallet_tasks::OrderState::Running), (1, 2, pallet_tasks::OrderState::Finished)]
		{
			pallet_tasks::Orders::<Runtime>::insert(
				order,
				pallet_tasks::Order {
					requester: Alice.to_account_id(),
					recipe,
					product: Bob.to_account_id(),
					reward_per_step: 0,
					step_blocks: 1,
					step: 0,
					task: None,
					state,
					remaining: 0,
				},
			);
		}
		// Spec 108 had no idle index either.
		let idle = pallet_machines::IdleByCapability::<Runtime>::iter().count();
		assert!(idle > 0, "the dev machines are idle at genesis");
		assert!(pallet_machines::IdleByCapability::<Runtime>::clear(u32::MAX, None)
			.maybe_cursor
			.is_none());
		assert_eq!(pallet_machines::MachineRecords::<Runtime>::iter().count(), 0);

		let weight = <Migrations as OnRuntimeUpgrade>::on_runtime_upgrade();
		let moved: usize = before.iter().map(Vec::len).sum();
		let db = <Runtime as frame_system::Config>::DbWeight::get();
		assert!(weight.all_gte(db.reads_writes(moved as u64, 2 * moved as u64)), "{weight:?}");
		for ((pallet, old, new), entries) in renames.iter().zip(&before) {
			assert_eq!(&raw_entries(pallet, new), entries, "{}", String::from_utf8_lossy(new));
			assert!(raw_entries(pallet, old).is_empty(), "{}", String::from_utf8_lossy(old));
		}
		assert_eq!(Actors::on_chain_storage_version(), 1);
		// Machines goes on to 2 (the idle index is built from the moved records)…
		assert_eq!(Machines::on_chain_storage_version(), 2);
		// …and tasks on to 4 (disputes lapse, waiting places counted, running orders counted
		// per recipe): the task record above is no task they can read.
		assert_eq!(Tasks::on_chain_storage_version(), 4);
		assert_eq!(pallet_tasks::RecipeOrders::<Runtime>::iter().collect::<Vec<_>>(), [(1, 1)]);
		assert_eq!(pallet_machines::MachineRecords::<Runtime>::iter().count(), machines);
		assert_eq!(pallet_actors::ActorRecords::<Runtime>::iter().count(), actors);
		assert_eq!(pallet_machines::IdleByCapability::<Runtime>::iter().count(), idle);

		// Versioned: a second upgrade finds the pallets at their newest versions and moves
		// nothing.
		let old_key = storage_prefix(b"Machines", b"Registry");
		unhashed::put_raw(&[&old_key[..], b"stray"].concat(), b"not moved again");
		<Migrations as OnRuntimeUpgrade>::on_runtime_upgrade();
		assert_eq!(raw_entries(b"Machines", b"Registry").len(), 1);
	});
}

/// A new chain starts at the newest storage layout: no migration is due on it.
#[test]
fn genesis_starts_every_pallet_at_its_newest_storage_version() {
	genesis_of("local").execute_with(|| {
		assert_eq!(Actors::on_chain_storage_version(), Actors::in_code_storage_version());
		assert_eq!(Machines::on_chain_storage_version(), Machines::in_code_storage_version());
		assert_eq!(Tasks::on_chain_storage_version(), Tasks::in_code_storage_version());
		assert_eq!(Actors::in_code_storage_version(), 1);
	});
}

/// Every pallet's `try_state` invariants hold on both presets' genesis, and after the storage
/// migrations ran on a chain laid out as before them (`scripts/soak.sh try-runtime`).
#[cfg(feature = "try-runtime")]
#[test]
fn every_pallets_try_state_holds_at_genesis_and_after_the_migrations() {
	use frame_support::traits::{TryState, TryStateSelect};
	for preset in ["dev", "local"] {
		genesis_of(preset).execute_with(|| {
			let n = frame_system::Pallet::<Runtime>::block_number();
			AllPalletsWithSystem::try_state(n, TryStateSelect::All)
				.unwrap_or_else(|e| panic!("{preset}: {e:?}"));
			for (pallet, old, new) in [
				(&b"Actors"[..], &b"ActorOf"[..], &b"ActorRecords"[..]),
				(b"Machines", b"Registry", b"MachineRecords"),
			] {
				twinchain_primitives::migration::rename_storage(pallet, new, old);
			}
			StorageVersion::new(0).put::<Actors>();
			StorageVersion::new(0).put::<Machines>();
			<Migrations as OnRuntimeUpgrade>::on_runtime_upgrade();
			AllPalletsWithSystem::try_state(n, TryStateSelect::All)
				.unwrap_or_else(|e| panic!("{preset} after the migrations: {e:?}"));
		});
	}
}
