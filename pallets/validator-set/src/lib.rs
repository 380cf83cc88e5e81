//! # Validator set pallet
//!
//! The consortium's block producers. Twinchain is a permissioned proof-of-authority chain:
//! each factory or supplier runs one validator, and the consortium adds or removes validators at
//! run time through a privileged origin (`sudo` on the dev chain, a 2/3 council majority on a
//! multi-party chain). No restart and no new chain spec are needed.
//!
//! The pallet is a [`pallet_session::SessionManager`]: it hands the current set to
//! `pallet-session` at the next session rotation. `pallet-session` queues the new set for one
//! session and then makes it active in every session handler, i.e. Aura (who authors) and GRANDPA
//! (who votes). A validator added during session `n` therefore authors from session `n + 2`; a
//! removed one stops at the same point.
//!
//! ## Calls
//! - [`Pallet::add_validator`]: add an account that has registered its session keys.
//! - [`Pallet::remove_validator`]: remove a validator, keeping at least `MinValidators`.
//!
//! ## Invariants
//! - The set is sorted, free of duplicates and bounded by `MaxValidators`.
//! - The set never shrinks below `MinValidators` through this pallet, so the chain cannot be
//!   left without block producers.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "try-runtime", test))]
mod try_state;
mod types;
pub mod weights;

const LOG_TARGET: &str = "runtime::validator-set";

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{pallet_prelude::*, traits::ValidatorRegistration};
	use frame_system::pallet_prelude::*;

	/// The storage layout's version; a change of layout comes with a migration.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Who may add and remove validators (sudo on dev, the council's 2/3 majority on a
		/// consortium network).
		type AddRemoveOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Tells whether an account has registered session keys (implemented by
		/// `pallet-session`). A validator without keys could not author or vote.
		type KeysRegistration: ValidatorRegistration<Self::AccountId>;
		/// The set never shrinks below this many validators.
		#[pallet::constant]
		type MinValidators: Get<u32>;
		/// The most validators the set may hold.
		#[pallet::constant]
		type MaxValidators: Get<u32>;
		/// Weights from this pallet's benchmarks.
		type WeightInfo: WeightInfo;
		/// Registers session keys for an account in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// The validator set, sorted. It takes effect through `pallet-session`.
	#[pallet::storage]
	pub type Validators<T: Config> = StorageValue<_, ValidatorsOf<T>, ValueQuery>;

	/// Whether the set changed since it was last handed to `pallet-session`.
	#[pallet::storage]
	pub type SetChanged<T: Config> = StorageValue<_, bool, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The validators of the first session.
		pub initial_validators: Vec<T::AccountId>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let mut set = self.initial_validators.clone();
			set.sort();
			let len = set.len();
			set.dedup();
			assert_eq!(len, set.len(), "duplicate validators in the genesis validator set");
			// An empty set is left to pallet-session to refuse (it needs validators for session
			// 0); a non-empty one must respect the minimum.
			assert!(
				set.is_empty() || set.len() as u32 >= T::MinValidators::get(),
				"the genesis validator set is smaller than MinValidators"
			);
			let set: ValidatorsOf<T> =
				set.try_into().expect("the genesis validator set exceeds MaxValidators");
			Validators::<T>::put(set);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A validator was added; it authors from the session after next.
		ValidatorAdded { who: T::AccountId },
		/// A validator was removed; it stops authoring from the session after next.
		ValidatorRemoved { who: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is already a validator.
		AlreadyValidator,
		/// The account is not a validator.
		NotValidator,
		/// The set already holds `MaxValidators` validators.
		TooManyValidators,
		/// Removing the validator would leave fewer than `MinValidators`.
		TooFewValidators,
		/// The account has not registered session keys (`session.setKeys`), so it could
		/// neither author blocks nor vote for finality.
		NoSessionKeys,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(T::MinValidators::get() >= 1, "MinValidators: the set must never be empty");
			assert!(
				T::MinValidators::get() <= T::MaxValidators::get(),
				"MinValidators above MaxValidators"
			);
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Add `who` to the validator set.
		///
		/// Origin: `AddRemoveOrigin`. `who` must have registered session keys first. The new
		/// validator authors and votes from the session after next. Emits `ValidatorAdded`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::add_validator(T::MaxValidators::get()))]
		pub fn add_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::AddRemoveOrigin::ensure_origin(origin)?;
			ensure!(T::KeysRegistration::is_registered(&who), Error::<T>::NoSessionKeys);
			Validators::<T>::try_mutate(|set| -> DispatchResult {
				let pos = set.binary_search(&who).err().ok_or(Error::<T>::AlreadyValidator)?;
				set.try_insert(pos, who.clone()).map_err(|_| Error::<T>::TooManyValidators)?;
				Ok(())
			})?;
			SetChanged::<T>::put(true);
			Self::deposit_event(Event::ValidatorAdded { who });
			Ok(())
		}

		/// Remove `who` from the validator set.
		///
		/// Origin: `AddRemoveOrigin`. The set keeps at least `MinValidators`. The validator
		/// stops authoring and voting from the session after next. Emits `ValidatorRemoved`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove_validator(T::MaxValidators::get()))]
		pub fn remove_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::AddRemoveOrigin::ensure_origin(origin)?;
			Validators::<T>::try_mutate(|set| -> DispatchResult {
				let pos = set.binary_search(&who).map_err(|_| Error::<T>::NotValidator)?;
				ensure!(set.len() as u32 > T::MinValidators::get(), Error::<T>::TooFewValidators);
				set.remove(pos);
				Ok(())
			})?;
			SetChanged::<T>::put(true);
			Self::deposit_event(Event::ValidatorRemoved { who });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The validator set as it stands (it may not be active yet).
		pub fn validators() -> Vec<T::AccountId> {
			Validators::<T>::get().into_inner()
		}

		/// Whether the set changed since it was last handed to `pallet-session`: the next
		/// session rotation has a new set to queue.
		pub fn change_pending() -> bool {
			SetChanged::<T>::get()
		}
	}
}

impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
	/// Hands the set to `pallet-session` when it changed; `None` keeps the current one.
	fn new_session(index: sp_staking::SessionIndex) -> Option<alloc::vec::Vec<T::AccountId>> {
		if !SetChanged::<T>::take() {
			return None;
		}
		let set = Self::validators();
		log::info!(target: LOG_TARGET, "session {index}: queueing {} validators", set.len());
		Some(set)
	}

	fn new_session_genesis(_: sp_staking::SessionIndex) -> Option<alloc::vec::Vec<T::AccountId>> {
		Some(Self::validators())
	}

	fn end_session(_: sp_staking::SessionIndex) {}

	fn start_session(_: sp_staking::SessionIndex) {}
}
