//! # Actors pallet
//!
//! Who takes part in a Twinchain network and in which role. Every participant (a factory, a
//! supplier, a customer, a certification body, an auditor) is an account and therefore a
//! `did:twin` DID (see `pallet-did`); this pallet records which of them are *actors* and what they
//! may do.
//!
//! - **Registrars** are set in the genesis config and added or removed by the privileged origin
//!   (sudo on the dev chain, 2/3 of the council on a consortium network).
//! - A registrar registers an actor with a [`Role`] (manufacturer, supplier, customer,
//!   auditor), adds or revokes a role, suspends an actor or re-activates it — only for the actors
//!   it registered itself (`NotTheirRegistrar`), never for a registrar (itself included) and
//!   never the certifier role or a certifier (`PrivilegedOnly`): those, and every actor, are the
//!   privileged origin's to manage; what it registers has the [`consortium_account`] as its
//!   registrar of record. So a registrar who is also a member cannot certify itself, nor
//!   suspend or strip a competitor.
//! - Other pallets ask through [`RoleProvider`] or gate calls with [`EnsureActorWithRole`]; a
//!   suspended actor holds its roles but passes neither.
//!
//! ## Calls
//! - [`Pallet::add_registrar`], [`Pallet::remove_registrar`] (privileged origin)
//! - [`Pallet::register_actor`], [`Pallet::revoke_role`], [`Pallet::suspend_actor`],
//!   [`Pallet::reactivate_actor`] (a registrar within its scope, or the privileged origin)

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
use sp_runtime::traits::AccountIdConversion;
use twinchain_primitives::{Role, RoleProvider};

/// The registrar of record of the actors the privileged origin registers: an account nobody
/// holds a key for, derived from `twn/cons`.
pub fn consortium_account<AccountId: codec::Encode + codec::Decode>() -> AccountId {
	frame_support::PalletId(*b"twn/cons").into_account_truncating()
}
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod migrations;
#[cfg(test)]
mod mock;
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

use core::marker::PhantomData;
use frame_support::traits::{EnsureOrigin, Get};

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// The storage layout's version: 1 since the storage `ActorOf` was renamed `ActorRecords`
	/// ([`migrations::v1`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// Who adds and removes registrars, and manages any actor (the privileged origin).
		type RegistrarOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The most registrars.
		#[pallet::constant]
		type MaxRegistrars: Get<u32>;
		/// Weights from this pallet's benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The registrars, sorted.
	#[pallet::storage]
	pub type Registrars<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxRegistrars>, ValueQuery>;

	/// The registered actors.
	#[pallet::storage]
	pub type ActorRecords<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Actor<T::AccountId, BlockNumberFor<T>>>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The first registrars.
		pub registrars: Vec<T::AccountId>,
		/// Actors registered at genesis: account, role, display name. The registrar of record is
		/// the first genesis registrar.
		pub actors: Vec<(T::AccountId, Role, Vec<u8>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let mut registrars = self.registrars.clone();
			registrars.sort();
			registrars.dedup();
			let first = registrars.first().cloned();
			Registrars::<T>::put(
				BoundedVec::<_, T::MaxRegistrars>::try_from(registrars)
					.expect("genesis: more registrars than MaxRegistrars"),
			);
			for (who, role, name) in &self.actors {
				let registrar = first.clone().expect("genesis: actors need at least one registrar");
				let name = ActorName::try_from(name.clone()).expect("genesis: actor name too long");
				ActorRecords::<T>::mutate(who, |actor| match actor {
					Some(a) => a.roles = a.roles.with(*role),
					None => {
						*actor = Some(Actor {
							roles: Roles::default().with(*role),
							withdrawn: Roles::default(),
							status: ActorStatus::Active,
							name,
							registrar,
							since: Zero::zero(),
						})
					},
				});
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An account became a registrar.
		RegistrarAdded { registrar: T::AccountId },
		/// An account stopped being a registrar.
		RegistrarRemoved { registrar: T::AccountId },
		/// A registrar registered an actor in a role (a new actor, or a new role of one).
		ActorRegistered { actor: T::AccountId, role: Role, registrar: T::AccountId },
		/// A registrar suspended an actor.
		ActorSuspended { actor: T::AccountId, registrar: T::AccountId },
		/// A registrar re-activated a suspended actor.
		ActorReactivated { actor: T::AccountId, registrar: T::AccountId },
		/// A registrar took a role from an actor.
		RoleRevoked { actor: T::AccountId, role: Role, registrar: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The signer is not a registrar.
		NotRegistrar,
		/// The account is a registrar already.
		AlreadyRegistrar,
		/// There are `MaxRegistrars` registrars already.
		TooManyRegistrars,
		/// The actor holds this role already.
		AlreadyHasRole,
		/// The account is not a registered actor.
		UnknownActor,
		/// The actor is suspended already.
		AlreadySuspended,
		/// The actor is not suspended.
		NotSuspended,
		/// The actor does not hold this role.
		RoleNotHeld,
		/// Another registrar (or the privileged origin) registered this actor: only it may.
		NotTheirRegistrar,
		/// Registrars, certifiers and the certifier role are managed by the privileged origin
		/// only.
		PrivilegedOnly,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(T::MaxRegistrars::get() >= 1, "MaxRegistrars: no one could register actors");
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Makes `registrar` a registrar. Privileged origin only.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::add_registrar())]
		pub fn add_registrar(origin: OriginFor<T>, registrar: T::AccountId) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Registrars::<T>::try_mutate(|set| -> DispatchResult {
				let pos =
					set.binary_search(&registrar).err().ok_or(Error::<T>::AlreadyRegistrar)?;
				set.try_insert(pos, registrar.clone())
					.map_err(|_| Error::<T>::TooManyRegistrars)?;
				Ok(())
			})?;
			Self::deposit_event(Event::RegistrarAdded { registrar });
			Ok(())
		}

		/// Removes `registrar` from the registrars. Actors it registered stay registered.
		/// Privileged origin only.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove_registrar())]
		pub fn remove_registrar(origin: OriginFor<T>, registrar: T::AccountId) -> DispatchResult {
			T::RegistrarOrigin::ensure_origin(origin)?;
			Registrars::<T>::try_mutate(|set| -> DispatchResult {
				let pos = set.binary_search(&registrar).map_err(|_| Error::<T>::NotRegistrar)?;
				set.remove(pos);
				Ok(())
			})?;
			Self::deposit_event(Event::RegistrarRemoved { registrar });
			Ok(())
		}

		/// Registers `actor` in `role`. A new actor is active and gets `name` as its display
		/// name; for a registered actor the role is added (and a non-empty `name` replaces the
		/// old one). Its registrar or the privileged origin (see the crate docs). A name over 64 bytes does not decode: the transaction pool
		/// refuses it before anyone pays.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::register_actor())]
		pub fn register_actor(
			origin: OriginFor<T>,
			actor: T::AccountId,
			role: Role,
			name: ActorName,
		) -> DispatchResult {
			let registrar = Self::authorize(origin, &actor, Some(role))?;
			ActorRecords::<T>::try_mutate(&actor, |entry| -> DispatchResult {
				match entry {
					Some(a) => {
						ensure!(!a.roles.contains(role), Error::<T>::AlreadyHasRole);
						a.roles = a.roles.with(role);
						a.withdrawn = a.withdrawn.without(role);
						if !name.is_empty() {
							a.name = name;
						}
					},
					None => {
						*entry = Some(Actor {
							roles: Roles::default().with(role),
							withdrawn: Roles::default(),
							status: ActorStatus::Active,
							name,
							registrar: registrar.clone(),
							since: frame_system::Pallet::<T>::block_number(),
						})
					},
				}
				Ok(())
			})?;
			Self::deposit_event(Event::ActorRegistered { actor, role, registrar });
			Ok(())
		}

		/// Suspends `actor`: it keeps its roles but may not use them until re-activated.
		/// Its registrar or the privileged origin.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::suspend_actor())]
		pub fn suspend_actor(origin: OriginFor<T>, actor: T::AccountId) -> DispatchResult {
			let registrar = Self::authorize(origin, &actor, None)?;
			ActorRecords::<T>::try_mutate(&actor, |entry| -> DispatchResult {
				let a = entry.as_mut().ok_or(Error::<T>::UnknownActor)?;
				ensure!(a.status == ActorStatus::Active, Error::<T>::AlreadySuspended);
				a.status = ActorStatus::Suspended;
				Ok(())
			})?;
			Self::deposit_event(Event::ActorSuspended { actor, registrar });
			Ok(())
		}

		/// Re-activates a suspended `actor`. Its registrar or the privileged origin.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::reactivate_actor())]
		pub fn reactivate_actor(origin: OriginFor<T>, actor: T::AccountId) -> DispatchResult {
			let registrar = Self::authorize(origin, &actor, None)?;
			ActorRecords::<T>::try_mutate(&actor, |entry| -> DispatchResult {
				let a = entry.as_mut().ok_or(Error::<T>::UnknownActor)?;
				ensure!(a.status == ActorStatus::Suspended, Error::<T>::NotSuspended);
				a.status = ActorStatus::Active;
				Ok(())
			})?;
			Self::deposit_event(Event::ActorReactivated { actor, registrar });
			Ok(())
		}

		/// Takes `role` from `actor`; an actor without roles stays registered (and may get
		/// roles again). What the actor did in the role so far stays on chain. Its registrar or the privileged origin.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::revoke_role())]
		pub fn revoke_role(
			origin: OriginFor<T>,
			actor: T::AccountId,
			role: Role,
		) -> DispatchResult {
			let registrar = Self::authorize(origin, &actor, Some(role))?;
			ActorRecords::<T>::try_mutate(&actor, |entry| -> DispatchResult {
				let a = entry.as_mut().ok_or(Error::<T>::UnknownActor)?;
				ensure!(a.roles.contains(role), Error::<T>::RoleNotHeld);
				a.roles = a.roles.without(role);
				a.withdrawn = a.withdrawn.with(role);
				Ok(())
			})?;
			Self::deposit_event(Event::RoleRevoked { actor, role, registrar });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Who may manage `actor` (giving or taking `role`): the privileged origin always (the
		/// registrar of record is then the consortium's account); a registrar only for an actor
		/// it registered, or a new one, and never a registrar, a certifier or the certifier role.
		/// Returns the registrar to name.
		fn authorize(
			origin: OriginFor<T>,
			actor: &T::AccountId,
			role: Option<Role>,
		) -> Result<T::AccountId, DispatchError> {
			let origin = match T::RegistrarOrigin::try_origin(origin) {
				Ok(_) => return Ok(consortium_account()),
				Err(origin) => origin,
			};
			let who = ensure_signed(origin)?;
			ensure!(Self::is_registrar(&who), Error::<T>::NotRegistrar);
			let record = ActorRecords::<T>::get(actor);
			let certifier = role == Some(Role::Certifier)
				|| record.as_ref().is_some_and(|a| a.roles.contains(Role::Certifier));
			ensure!(!Self::is_registrar(actor) && !certifier, Error::<T>::PrivilegedOnly);
			if let Some(a) = record {
				ensure!(a.registrar == who, Error::<T>::NotTheirRegistrar);
			}
			Ok(who)
		}

		/// Whether `who` is a registrar.
		pub fn is_registrar(who: &T::AccountId) -> bool {
			Registrars::<T>::get().binary_search(who).is_ok()
		}
	}
}

impl<T: Config> RoleProvider<T::AccountId> for Pallet<T> {
	fn has_role(who: &T::AccountId, role: Role) -> bool {
		ActorRecords::<T>::get(who)
			.is_some_and(|a| a.status == ActorStatus::Active && a.roles.contains(role))
	}

	fn is_suspended(who: &T::AccountId) -> bool {
		ActorRecords::<T>::get(who).is_some_and(|a| a.status == ActorStatus::Suspended)
	}

	fn is_active_actor(who: &T::AccountId) -> bool {
		ActorRecords::<T>::get(who).is_some_and(|a| {
			a.status == ActorStatus::Active && Role::ALL.into_iter().any(|r| a.roles.contains(r))
		})
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn grant_role(who: &T::AccountId, role: Role) {
		ActorRecords::<T>::mutate(who, |entry| match entry {
			Some(a) => {
				a.roles = a.roles.with(role);
				a.withdrawn = a.withdrawn.without(role);
				a.status = ActorStatus::Active;
			},
			None => {
				*entry = Some(Actor {
					roles: Roles::default().with(role),
					withdrawn: Roles::default(),
					status: ActorStatus::Active,
					name: Default::default(),
					registrar: who.clone(),
					since: frame_system::Pallet::<T>::block_number(),
				})
			},
		});
	}
}

/// An origin check passing signed accounts that are active actors with the role `R`; its success
/// value is the account. Other pallets use it to gate calls by role, e.g. only a manufacturer
/// creates DIDs for machines and products.
pub struct EnsureActorWithRole<T, R>(PhantomData<(T, R)>);

impl<T: Config, R: Get<Role>> EnsureOrigin<T::RuntimeOrigin> for EnsureActorWithRole<T, R> {
	type Success = T::AccountId;

	fn try_origin(o: T::RuntimeOrigin) -> Result<Self::Success, T::RuntimeOrigin> {
		let who = frame_system::ensure_signed(o.clone()).map_err(|_| o.clone())?;
		if <Pallet<T> as RoleProvider<T::AccountId>>::has_role(&who, R::get()) {
			Ok(who)
		} else {
			Err(o)
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<T::RuntimeOrigin, ()> {
		let who: T::AccountId = frame_benchmarking::account("actor", 0, 0);
		<Pallet<T> as RoleProvider<T::AccountId>>::grant_role(&who, R::get());
		Ok(frame_system::RawOrigin::Signed(who).into())
	}
}

/// An origin check passing signed accounts that are registrars (e.g. the arbiters of disputed
/// M2M tasks); its success value is the account.
pub struct EnsureRegistrar<T>(PhantomData<T>);

impl<T: Config> EnsureOrigin<T::RuntimeOrigin> for EnsureRegistrar<T> {
	type Success = T::AccountId;

	fn try_origin(o: T::RuntimeOrigin) -> Result<Self::Success, T::RuntimeOrigin> {
		let who = frame_system::ensure_signed(o.clone()).map_err(|_| o.clone())?;
		if Registrars::<T>::get().contains(&who) {
			Ok(who)
		} else {
			Err(o)
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<T::RuntimeOrigin, ()> {
		let who: T::AccountId = frame_benchmarking::account("registrar", 0, 0);
		Registrars::<T>::try_mutate(|r| {
			if !r.contains(&who) {
				r.try_push(who.clone()).map_err(|_| ())?;
			}
			Ok::<(), ()>(())
		})?;
		Ok(frame_system::RawOrigin::Signed(who).into())
	}
}
