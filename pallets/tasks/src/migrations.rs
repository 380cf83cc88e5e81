//! The storage migrations of this pallet, one module per storage version; the runtime lists the
//! ones a live chain still needs in its `Migrations`.

/// Version 0 → 1: the storage `Registry` is called `TaskRecords` (same keys, same values), a name that
/// says what it holds.
pub mod v1 {
	use crate::{Config, Pallet};
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, PalletInfoAccess, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};

	/// Moves every entry of `Registry` to `TaskRecords`, all in the upgrade's block: two reads and two writes an entry,
	/// ≈ 0.12 ms of weight with ParityDB's, so 10,000 entries weigh ≈ 1.2 s of the 2 s block. A
	/// chain with far more would need this as a multi-block migration.
	pub struct RenameRegistry<T>(PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for RenameRegistry<T> {
		fn on_runtime_upgrade() -> Weight {
			let pallet = <Pallet<T> as PalletInfoAccess>::name();
			let moved = twinchain_primitives::migration::rename_storage(
				pallet.as_bytes(),
				b"Registry",
				b"TaskRecords",
			);
			log::info!(target: "runtime::tasks", "v1: moved {moved} entries of Registry to TaskRecords");
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
				count(pallet.as_bytes(), b"TaskRecords") == before,
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

	/// The migration the runtime runs: only on a chain whose `Tasks` storage is at
	/// version 0, which it leaves at version 1.
	pub type MigrateV0ToV1<T> = VersionedMigration<
		0,
		1,
		RenameRegistry<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 1 → 2: disputes have a deadline, and requesters a live-task limit. A task disputed
/// before the upgrade was scheduled nowhere (its escrow held until an arbiter acted); each is
/// scheduled to lapse `DisputePeriod` blocks after the upgrade, like a dispute made that block.
/// `LiveTasks` is counted from the tasks not yet over (a requester above the new limit keeps
/// its tasks and creates no more until it is below).
pub mod v2 {
	use crate::{Config, LiveTasks, Pallet, Schedule, TaskRecords, TaskState};
	use alloc::collections::BTreeMap;
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use sp_runtime::Saturating;

	/// Schedules every disputed task's lapse. It reads every task once (the disputed ones are
	/// not indexed), all in the upgrade's block: one read a task, ≈ 25 µs with ParityDB's
	/// weights, so 40,000 tasks weigh ≈ 1 s of the 2 s block.
	pub struct ScheduleDisputeLapses<T>(PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for ScheduleDisputeLapses<T> {
		fn on_runtime_upgrade() -> Weight {
			let at =
				frame_system::Pallet::<T>::block_number().saturating_add(T::DisputePeriod::get());
			let (mut read, mut scheduled, mut unschedulable) = (0u64, 0u64, 0u64);
			let mut live: BTreeMap<T::AccountId, u32> = BTreeMap::new();
			let disputed: alloc::vec::Vec<_> = TaskRecords::<T>::iter()
				.inspect(|(_, t)| {
					read += 1;
					if t.state.holds_reward() {
						*live.entry(t.requester.clone()).or_default() += 1;
					}
				})
				.filter(|(_, t)| t.state == TaskState::Disputed)
				.collect();
			let requesters = live.len() as u64;
			for (who, n) in live {
				LiveTasks::<T>::insert(who, n);
			}
			for (id, mut t) in disputed {
				let Some(completion) = t.completion.as_mut() else { continue };
				match Pallet::<T>::schedule(Schedule::ChallengeEnd, at, id) {
					Ok(block) => {
						completion.challenge_end = block;
						TaskRecords::<T>::insert(id, t);
						scheduled += 1;
					},
					// Every slot of 16 blocks full: left for an arbiter, as before the upgrade.
					Err(_) => unschedulable += 1,
				}
			}
			log::info!(
				target: "runtime::tasks",
				"v2: {scheduled} disputes scheduled to lapse, {unschedulable} left to arbiters"
			);
			// Per task: read; per disputed task: the schedule's list read and written (at worst
			// 16 lists tried), the task written; per requester with live tasks: its count.
			T::DbWeight::get().reads_writes(
				read.saturating_add(scheduled.saturating_add(unschedulable).saturating_mul(16)),
				scheduled.saturating_mul(2).saturating_add(requesters),
			)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Pallet::<T>::do_try_state()
		}
	}

	/// The migration the runtime runs: only on a chain whose `Tasks` storage is at version 1,
	/// which it leaves at version 2.
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		ScheduleDisputeLapses<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 2 → 3: each requester's tasks take at most `MaxWaitingPerRequester` places of the
/// waiting queue, counted in `WaitingPlaces`. The queue is walked once: a requester's entries
/// beyond its share leave it (its tasks stay open for `accept_task`/`assign_task`), and the
/// places of the rest are counted. Tasks taken before the upgrade carry no provider stake.
pub mod v3 {
	use crate::{Config, Pallet, TaskRecords, Waiting, WaitingPlaces};
	use alloc::collections::BTreeMap;
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
		BoundedVec,
	};

	/// Counts (and caps) every requester's places in the waiting queue: one read a queued task
	/// (at most `MaxWaiting`), one write a requester.
	pub struct CountWaitingPlaces<T>(PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for CountWaitingPlaces<T> {
		fn on_runtime_upgrade() -> Weight {
			let queue = Waiting::<T>::get();
			let read = queue.len() as u64;
			let mut places: BTreeMap<T::AccountId, u32> = BTreeMap::new();
			let mut kept = alloc::vec::Vec::new();
			for id in queue {
				let Some(t) = TaskRecords::<T>::get(id) else { continue };
				let n = places.entry(t.requester).or_default();
				if *n < T::MaxWaitingPerRequester::get() {
					*n += 1;
					kept.push(id);
				}
			}
			let dropped = read.saturating_sub(kept.len() as u64);
			Waiting::<T>::put(BoundedVec::truncate_from(kept));
			let requesters = places.len() as u64;
			for (who, n) in places {
				WaitingPlaces::<T>::insert(who, n);
			}
			log::info!(
				target: "runtime::tasks",
				"v3: waiting places of {requesters} requesters counted, {dropped} entries beyond a share left the queue"
			);
			T::DbWeight::get().reads_writes(read.saturating_add(1), requesters.saturating_add(1))
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Pallet::<T>::do_try_state()
		}
	}

	/// The migration the runtime runs: only on a chain whose `Tasks` storage is at version 2,
	/// which it leaves at version 3.
	pub type MigrateV2ToV3<T> = VersionedMigration<
		2,
		3,
		CountWaitingPlaces<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 3 → 4: a recipe is removed only when no running order follows it, so the running
/// orders of each recipe are counted in `RecipeOrders`, from the orders once.
pub mod v4 {
	use crate::{Config, OrderState, Orders, Pallet, RecipeId, RecipeOrders};
	use alloc::collections::BTreeMap;
	use core::marker::PhantomData;
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};

	/// Counts the running orders of each recipe: one read an order, one write a recipe in use,
	/// all in the upgrade's block (orders are reaped since runtime 112, so few are kept).
	pub struct CountRecipeOrders<T>(PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for CountRecipeOrders<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut read = 0u64;
			let mut running: BTreeMap<RecipeId, u32> = BTreeMap::new();
			for (_, o) in Orders::<T>::iter() {
				read += 1;
				if o.state == OrderState::Running {
					*running.entry(o.recipe).or_default() += 1;
				}
			}
			let recipes = running.len() as u64;
			for (recipe, n) in running {
				RecipeOrders::<T>::insert(recipe, n);
			}
			log::info!(
				target: "runtime::tasks",
				"v4: {read} orders read, running orders of {recipes} recipes counted"
			);
			T::DbWeight::get().reads_writes(read.saturating_add(1), recipes)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			Pallet::<T>::do_try_state()
		}
	}

	/// The migration the runtime runs: only on a chain whose `Tasks` storage is at version 3,
	/// which it leaves at version 4.
	pub type MigrateV3ToV4<T> = VersionedMigration<
		3,
		4,
		CountRecipeOrders<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
