//! # Machines pallet: the machines' digital twins
//!
//! - **Registration** ([`Pallet::register_machine`]): an active manufacturer registers a machine
//!   under the machine's own DID (its account) with an Asset Administration Shell-style
//!   nameplate. The DID's controller must consent: the manufacturer must act for the DID (be its
//!   controller or an authentication delegate — the machine's key grants that with
//!   `did.addDelegate`, or signs it off chain for `did.executeSigned`), so nobody registers
//!   another member's machine, product or person. The manufacturer owns it at first;
//!   [`Pallet::transfer_ownership`] hands the machine *and its DID* to the factory that runs it
//!   (the old owner's gateways and keys lose their power, see [`DidHandOver`]). A deposit is
//!   held. The privileged origin can retire ([`Pallet::force_retire`]) or re-own
//!   ([`Pallet::force_transfer`]) a machine.
//! - **Capabilities** ([`Pallet::add_capability`], [`Pallet::remove_capability`]): each one
//!   names the `MachineCapability` credential anchored for this machine (pallet-credentials). It
//!   is accepted only if that credential is valid now, and it counts only while it stays valid
//!   (revoked, suspended or expired credentials stop it counting, see
//!   [`MachineRegistry::can_perform`]). An index from capability to machines answers "who can
//!   mill" without scanning all machines.
//! - **Status** ([`Pallet::set_status`]): `Idle`, `Busy(task)`, `Maintenance`, `Offline`, set by
//!   the owner or whoever acts for the machine's DID now (its controller or an authentication
//!   delegate such as its gateway); [`Pallet::retire`] ends the machine's service for good. Every change is an event and
//!   enters a bounded on-chain history, so "what was machine M doing at time T" is answered by
//!   [`Pallet::status_at`] (and by the events for times older than the history).
//! - **Counters**: tasks completed and failed (recorded by the M2M tasks pallet through
//!   [`MachineRegistry`]) and maintenance events.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod migrations;
#[cfg(test)]
mod mock;
mod registry;
#[allow(
	clippy::multiple_bound_locations,
	reason = "decl_runtime_apis! repeats the API's generic bounds in what it generates"
)]
pub mod runtime_api;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "try-runtime", test))]
mod try_state;
mod types;
pub mod weights;

use frame_support::{ensure, traits::fungible};
use twinchain_primitives::{
	stamp_now, CapabilityCheck, CapabilityError, CapabilityKey, DidAuthority, DidHandOver, Digest,
	MachineRegistry, MachineStatus, Moment, Stamp, TaskId,
};

/// A balance of the deposit currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// A registered machine of this runtime.
pub type MachineOf<T> = Machine<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
>;

/// A status history entry.
pub type HistoryEntry<T> = (Stamp<frame_system::pallet_prelude::BlockNumberFor<T>>, MachineStatus);

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible::MutateHold, tokens::Precision, UnixTime},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::Zero;

	/// The storage layout's version: 1 since the storage `Registry` was renamed `MachineRecords`
	/// ([`migrations::v1`]), 2 since matching reads the idle index ([`migrations::v2`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency deposits are held in.
		type Currency: fungible::Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The runtime's hold reasons.
		type RuntimeHoldReason: From<HoldReason>;
		/// The chain's clock.
		type Time: UnixTime;
		/// Who registers machines (active manufacturers); yields the manufacturer.
		type RegisterOrigin: EnsureOrigin<Self::RuntimeOrigin, Success = Self::AccountId>;
		/// Who acts for a DID (a machine's gateway is an authentication delegate of its DID),
		/// and the DID's hand-over when the machine changes hands.
		type Did: DidAuthority<Self::AccountId> + DidHandOver<Self::AccountId>;
		/// Who retires or re-owns any machine (the consortium's privileged origin).
		type ForceOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Checks the `MachineCapability` credentials behind capabilities.
		type Credentials: CapabilityCheck<Self::AccountId>;
		/// The deposit held for a registered machine.
		#[pallet::constant]
		type MachineDeposit: Get<BalanceOf<Self>>;
		/// The most capabilities a machine may hold.
		#[pallet::constant]
		type MaxCapabilities: Get<u32>;
		/// The most status changes kept on chain per machine (older ones remain as events).
		#[pallet::constant]
		type MaxStatusHistory: Get<u32>;
		/// Weights from this pallet's benchmarks.
		type WeightInfo: WeightInfo;
		/// Anchors valid capability credentials in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit for a registered machine.
		MachineDeposit,
	}

	/// Registered machines, by their DID's account.
	#[pallet::storage]
	pub type MachineRecords<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, MachineOf<T>>;

	/// Each machine's capabilities and the credential backing each.
	#[pallet::storage]
	pub type Capabilities<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		CapabilityKey,
		Digest,
	>;

	/// The index from capability to the machines that hold it.
	#[pallet::storage]
	pub type ByCapability<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, CapabilityKey, Blake2_128Concat, T::AccountId, ()>;

	/// The index from capability to the idle machines that hold it, which automatic matching
	/// reads: a machine enters when it becomes idle or gains (or re-backs) a capability while
	/// idle, and leaves when it stops being idle, loses the capability, or matching finds it
	/// cannot work (see [`MachineRegistry::idle_candidates`]).
	#[pallet::storage]
	pub type IdleByCapability<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, CapabilityKey, Blake2_128Concat, T::AccountId, ()>;

	/// Each machine's most recent status changes, oldest first.
	#[pallet::storage]
	pub type StatusHistory<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<HistoryEntry<T>, T::MaxStatusHistory>,
		ValueQuery,
	>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A manufacturer registered a machine.
		MachineRegistered { machine: T::AccountId, manufacturer: T::AccountId },
		/// A machine gained (or re-backed) a capability.
		CapabilityAdded { machine: T::AccountId, capability: CapabilityKey, credential: Digest },
		/// A machine lost a capability.
		CapabilityRemoved { machine: T::AccountId, capability: CapabilityKey },
		/// A machine's status changed.
		StatusChanged { machine: T::AccountId, status: MachineStatus, by: T::AccountId },
		/// A machine changed hands.
		OwnershipTransferred { machine: T::AccountId, from: T::AccountId, to: T::AccountId },
		/// A machine was retired for good.
		MachineRetired { machine: T::AccountId },
		/// A task on the machine finished.
		TaskFinished { machine: T::AccountId, task: TaskId, success: bool },
		/// Matching found the idle machine unable to work (its credential is no longer valid,
		/// or its owner is suspended or cannot stake): it left the idle index under
		/// `capability` until it is set idle again or the capability is backed again.
		LeftIdleIndex { machine: T::AccountId, capability: CapabilityKey },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The machine is registered already.
		AlreadyRegistered,
		/// No machine is registered under this DID.
		UnknownMachine,
		/// The machine's DID is deactivated.
		DidDeactivated,
		/// Only the machine's owner may do this.
		NotOwner,
		/// Only the owner or whoever acts for the machine's DID may set its status.
		NotAuthorized,
		/// The machine is retired; it cannot change any more.
		Retired,
		/// A machine is retired with `retire`, not `set_status`.
		UseRetire,
		/// The machine holds `MaxCapabilities` capabilities already.
		TooManyCapabilities,
		/// The machine does not hold this capability.
		UnknownCapability,
		/// No credential is anchored under this digest.
		CredentialUnknown,
		/// The credential is about another subject than this machine.
		CredentialNotForMachine,
		/// The credential claims no capability, or another one.
		CredentialWrongCapability,
		/// The credential is not valid now (not yet, or expired).
		CredentialNotValidNow,
		/// The credential is revoked.
		CredentialRevoked,
		/// The credential is suspended.
		CredentialSuspended,
		/// The nameplate's year is not a plausible year of construction.
		InvalidNameplate,
		/// The new owner is the current one.
		SameOwner,
		/// The machine is not idle, so it cannot start a task.
		NotIdle,
		/// The machine is neither busy with this task nor in maintenance.
		NotBusyWithTask,
		/// Only an idle or busy machine can enter maintenance.
		CannotEnterMaintenance,
		/// The machine DID's controller has not consented: the manufacturer must be the DID's
		/// controller or one of its authentication delegates.
		NoConsent,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(
				T::MaxCapabilities::get() >= 1,
				"MaxCapabilities: no machine could do anything"
			);
			assert!(
				T::MaxStatusHistory::get() >= 1,
				"MaxStatusHistory: the history must hold at least the current status"
			);
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers `machine` (its DID's account) with its `nameplate`. Active manufacturers
		/// only, and only with the consent of the DID's controller: the manufacturer must act for
		/// the DID (its controller or an authentication delegate). The manufacturer owns it at
		/// first and the deposit is held from it. The machine starts `Idle`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_machine())]
		pub fn register_machine(
			origin: OriginFor<T>,
			machine: T::AccountId,
			nameplate: Nameplate,
		) -> DispatchResult {
			let manufacturer = T::RegisterOrigin::ensure_origin(origin)?;
			ensure!(!MachineRecords::<T>::contains_key(&machine), Error::<T>::AlreadyRegistered);
			ensure!(!T::Did::is_deactivated(&machine), Error::<T>::DidDeactivated);
			ensure!(T::Did::acts_for(&machine, &manufacturer), Error::<T>::NoConsent);
			ensure!(
				(1900..=2200).contains(&nameplate.year_of_construction),
				Error::<T>::InvalidNameplate
			);
			let deposit = T::MachineDeposit::get();
			if !deposit.is_zero() {
				T::Currency::hold(&HoldReason::MachineDeposit.into(), &manufacturer, deposit)?;
			}
			let now = Self::stamp();
			MachineRecords::<T>::insert(
				&machine,
				Machine {
					owner: manufacturer.clone(),
					manufacturer: manufacturer.clone(),
					nameplate,
					status: MachineStatus::Idle,
					status_since: now,
					registered: now,
					tasks_completed: 0,
					tasks_failed: 0,
					maintenance_events: 0,
					capabilities: 0,
					deposit,
				},
			);
			Self::record(&machine, now, MachineStatus::Idle);
			Self::deposit_event(Event::MachineRegistered { machine, manufacturer });
			Ok(())
		}

		/// Gives `machine` the `capability` that the anchored `MachineCapability` credential
		/// `credential` claims for it; it must be valid now. Replaces the credential behind a
		/// capability the machine holds already. Owner only.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::add_capability())]
		pub fn add_capability(
			origin: OriginFor<T>,
			machine: T::AccountId,
			capability: CapabilityKey,
			credential: Digest,
		) -> DispatchResult {
			let mut m = Self::ensure_owner(origin, &machine)?;
			T::Credentials::check_capability(&machine, &capability, &credential)
				.map_err(Self::credential_error)?;
			if !Capabilities::<T>::contains_key(&machine, &capability) {
				ensure!(
					m.capabilities < T::MaxCapabilities::get(),
					Error::<T>::TooManyCapabilities
				);
				m.capabilities += 1;
				ByCapability::<T>::insert(&capability, &machine, ());
				MachineRecords::<T>::insert(&machine, m.clone());
			}
			Capabilities::<T>::insert(&machine, &capability, credential);
			if m.status == MachineStatus::Idle {
				IdleByCapability::<T>::insert(&capability, &machine, ());
			}
			Self::deposit_event(Event::CapabilityAdded { machine, capability, credential });
			Ok(())
		}

		/// Takes `capability` from `machine`. Owner only.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::remove_capability())]
		pub fn remove_capability(
			origin: OriginFor<T>,
			machine: T::AccountId,
			capability: CapabilityKey,
		) -> DispatchResult {
			let mut m = Self::ensure_owner(origin, &machine)?;
			ensure!(
				Capabilities::<T>::take(&machine, &capability).is_some(),
				Error::<T>::UnknownCapability
			);
			ByCapability::<T>::remove(&capability, &machine);
			IdleByCapability::<T>::remove(&capability, &machine);
			m.capabilities = m.capabilities.saturating_sub(1);
			MachineRecords::<T>::insert(&machine, m);
			Self::deposit_event(Event::CapabilityRemoved { machine, capability });
			Ok(())
		}

		/// Sets `machine`'s status (`Idle`, `Busy(task)`, `Maintenance`, `Offline`). The owner,
		/// or whoever acts for the machine's DID now (its controller — the machine's own key until
		/// it is rotated away — or its gateway, an authentication delegate; nobody for a
		/// deactivated DID) may. Entering `Maintenance` counts a maintenance event.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_status())]
		pub fn set_status(
			origin: OriginFor<T>,
			machine: T::AccountId,
			status: MachineStatus,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let m = MachineRecords::<T>::get(&machine).ok_or(Error::<T>::UnknownMachine)?;
			let allowed = who == m.owner || T::Did::acts_for(&machine, &who);
			ensure!(allowed, Error::<T>::NotAuthorized);
			ensure!(status != MachineStatus::Retired, Error::<T>::UseRetire);
			Self::change_status(&machine, m, status, who)
		}

		/// Hands `machine` and its DID to `new_owner`. Owner only. The DID's delegates and
		/// attributes go (the old owner's gateways and keys lose their power); `new_owner`
		/// becomes the DID's controller, or, if the machine's own key controls it, its
		/// authentication delegate (paying that deposit).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::transfer_ownership().saturating_add(T::Did::hand_over_weight()))]
		pub fn transfer_ownership(
			origin: OriginFor<T>,
			machine: T::AccountId,
			new_owner: T::AccountId,
		) -> DispatchResult {
			let m = Self::ensure_owner(origin, &machine)?;
			Self::hand_over(machine, m, new_owner)
		}

		/// Retires `machine` for good: it loses its capabilities (and its place in the index),
		/// its status becomes `Retired`, its deposit is released; its record and history stay.
		/// Owner only.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::retire(T::MaxCapabilities::get()))]
		pub fn retire(origin: OriginFor<T>, machine: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let m = MachineRecords::<T>::get(&machine).ok_or(Error::<T>::UnknownMachine)?;
			ensure!(m.owner == who, Error::<T>::NotOwner);
			Self::do_retire(machine, m, who)
		}

		/// Retires any `machine`, as [`Pallet::retire`] does, e.g. one registered by a member
		/// that does not run it. The privileged origin only; the status change is recorded as
		/// made by the machine's owner.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::retire(T::MaxCapabilities::get()))]
		pub fn force_retire(origin: OriginFor<T>, machine: T::AccountId) -> DispatchResult {
			T::ForceOrigin::ensure_origin(origin)?;
			let m = MachineRecords::<T>::get(&machine).ok_or(Error::<T>::UnknownMachine)?;
			let owner = m.owner.clone();
			Self::do_retire(machine, m, owner)
		}

		/// Hands any `machine` and its DID to `new_owner`, as [`Pallet::transfer_ownership`]
		/// does. The privileged origin only.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::transfer_ownership().saturating_add(T::Did::hand_over_weight()))]
		pub fn force_transfer(
			origin: OriginFor<T>,
			machine: T::AccountId,
			new_owner: T::AccountId,
		) -> DispatchResult {
			T::ForceOrigin::ensure_origin(origin)?;
			let m = MachineRecords::<T>::get(&machine).ok_or(Error::<T>::UnknownMachine)?;
			ensure!(m.status != MachineStatus::Retired, Error::<T>::Retired);
			Self::hand_over(machine, m, new_owner)
		}
	}

	impl<T: Config> Pallet<T> {
		fn hand_over(
			machine: T::AccountId,
			mut m: MachineOf<T>,
			new_owner: T::AccountId,
		) -> DispatchResult {
			ensure!(m.owner != new_owner, Error::<T>::SameOwner);
			T::Did::hand_over(&machine, &new_owner)?;
			let from = core::mem::replace(&mut m.owner, new_owner.clone());
			MachineRecords::<T>::insert(&machine, m);
			Self::deposit_event(Event::OwnershipTransferred { machine, from, to: new_owner });
			Ok(())
		}

		fn do_retire(
			machine: T::AccountId,
			mut m: MachineOf<T>,
			who: T::AccountId,
		) -> DispatchResult {
			ensure!(m.status != MachineStatus::Retired, Error::<T>::Retired);
			for (capability, _) in Capabilities::<T>::drain_prefix(&machine) {
				ByCapability::<T>::remove(&capability, &machine);
				IdleByCapability::<T>::remove(&capability, &machine);
			}
			m.capabilities = 0;
			if !m.deposit.is_zero() {
				#[allow(
					clippy::let_underscore_must_use,
					reason = "a best-effort release of what this pallet holds for the item cannot fail; the item goes either way"
				)]
				let _ = T::Currency::release(
					&HoldReason::MachineDeposit.into(),
					&m.manufacturer,
					m.deposit,
					Precision::BestEffort,
				);
				m.deposit = Zero::zero();
			}
			Self::change_status(&machine, m, MachineStatus::Retired, who)?;
			Self::deposit_event(Event::MachineRetired { machine });
			Ok(())
		}

		fn stamp() -> Stamp<BlockNumberFor<T>> {
			stamp_now::<T, T::Time>()
		}

		fn ensure_owner(
			origin: OriginFor<T>,
			machine: &T::AccountId,
		) -> Result<MachineOf<T>, DispatchError> {
			let who = ensure_signed(origin)?;
			let m = MachineRecords::<T>::get(machine).ok_or(Error::<T>::UnknownMachine)?;
			ensure!(m.owner == who, Error::<T>::NotOwner);
			ensure!(m.status != MachineStatus::Retired, Error::<T>::Retired);
			Ok(m)
		}

		fn credential_error(e: CapabilityError) -> DispatchError {
			match e {
				CapabilityError::Unknown => Error::<T>::CredentialUnknown,
				CapabilityError::WrongSubject => Error::<T>::CredentialNotForMachine,
				CapabilityError::WrongCapability => Error::<T>::CredentialWrongCapability,
				CapabilityError::OutsideValidity => Error::<T>::CredentialNotValidNow,
				CapabilityError::Revoked => Error::<T>::CredentialRevoked,
				CapabilityError::Suspended => Error::<T>::CredentialSuspended,
			}
			.into()
		}

		/// Appends to the bounded history, dropping the oldest entry when full.
		fn record(machine: &T::AccountId, at: Stamp<BlockNumberFor<T>>, status: MachineStatus) {
			StatusHistory::<T>::mutate(machine, |history| {
				if history.is_full() {
					history.remove(0);
				}
				#[allow(clippy::let_underscore_must_use, reason = "room was made just above")]
				let _ = history.try_push((at, status));
			});
		}

		pub(crate) fn change_status(
			machine: &T::AccountId,
			mut m: MachineOf<T>,
			status: MachineStatus,
			by: T::AccountId,
		) -> DispatchResult {
			ensure!(m.status != MachineStatus::Retired, Error::<T>::Retired);
			if status == MachineStatus::Maintenance && m.status != MachineStatus::Maintenance {
				m.maintenance_events = m.maintenance_events.saturating_add(1);
			}
			let now = Self::stamp();
			if status == MachineStatus::Idle {
				// Also when it was idle already: a machine matching dropped comes back.
				Self::list_idle(machine);
			} else if m.status == MachineStatus::Idle {
				Self::unlist_idle(machine);
			}
			m.status = status;
			m.status_since = now;
			MachineRecords::<T>::insert(machine, m);
			Self::record(machine, now, status);
			Self::deposit_event(Event::StatusChanged { machine: machine.clone(), status, by });
			Ok(())
		}

		/// The machines holding `capability` backed by a credential valid now, idle first. Reads
		/// only the index entries of this capability, never all machines.
		pub fn by_capability(capability: &[u8]) -> alloc::vec::Vec<(T::AccountId, MachineStatus)> {
			let Ok(key) = CapabilityKey::try_from(capability.to_vec()) else {
				return Default::default();
			};
			let mut found: alloc::vec::Vec<_> = ByCapability::<T>::iter_key_prefix(&key)
				.filter(|m| {
					<Pallet<T> as MachineRegistry<T::AccountId>>::can_perform(m, capability)
				})
				.filter_map(|m| MachineRecords::<T>::get(&m).map(|r| (m, r.status)))
				.collect();
			found.sort_by_key(|(_, status)| *status != MachineStatus::Idle);
			found
		}

		/// What `machine` was doing at `time` (ms since the epoch), if the on-chain history
		/// reaches back that far (`None` before registration or before the oldest kept entry).
		pub fn status_at(machine: &T::AccountId, time: Moment) -> Option<MachineStatus> {
			let history = StatusHistory::<T>::get(machine);
			history.iter().rev().find(|(at, _)| at.time <= time).map(|(_, s)| *s)
		}
	}
}
