//! # Credentials pallet
//!
//! What the chain holds so that anyone can trust Twinchain's verifiable credentials, which live
//! off chain as W3C VC-JWTs:
//!
//! - **Schemas** ([`Pallet::register_schema`]): credential types registered by the hash of their
//!   JSON Schema text, like KILT's CTypes. The genesis config registers `MachineCapability` and
//!   `QualityCertificate`.
//! - **Anchors** ([`Pallet::anchor`]): a certifier (the `IssuerOrigin`, an active actor with the
//!   certifier role) records a credential's digest with its subject, schema, validity window and,
//!   for capability credentials, the capability claims, so the runtime can check a machine's
//!   capability without parsing JWTs ([`CapabilityCheck`]). A certifier that was withdrawn can no
//!   longer anchor; what it anchored before stays valid unless revoked.
//! - **Status** ([`Pallet::revoke`], [`Pallet::suspend`], [`Pallet::unsuspend`]): each anchored
//!   credential gets an index in its issuer's two W3C Bitstring Status Lists (revocation and
//!   suspension; bit `i` is bit `7 - i % 8` of byte `i / 8`, the leftmost first). A verifier
//!   reads one storage item per purpose to learn the status of any of the issuer's credentials.
//! - [`Pallet::remove`] frees a revoked or expired anchor's deposit; its status bits stay.
//!
//! Schemas and anchors hold deposits; schemas and capability claims are bounded; status lists
//! hold at most `MaxStatusListBytes * 8` credentials per issuer.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
use twinchain_primitives::{
	now_ms, Capability, CapabilityCheck, CapabilityError, CapabilityKey, CapabilityValue,
	CredentialCheck, Digest, Moment, RoleProvider, Stamp,
};
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(feature = "std")]
pub mod jwt;
#[cfg(test)]
mod mock;
#[allow(
	clippy::multiple_bound_locations,
	reason = "decl_runtime_apis! repeats the API's generic bounds in what it generates"
)]
pub mod runtime_api;
pub mod schemas;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "try-runtime", test))]
mod try_state;
mod types;
pub mod weights;

use frame_support::traits::fungible;

/// A balance of the deposit currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// An anchored credential of this runtime.
pub type CredentialOf<T> = Credential<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
>;

/// A registered schema of this runtime.
pub type SchemaOf<T> = Schema<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible::MutateHold, tokens::Precision, UnixTime},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::Zero;

	/// The storage layout's version; a change of layout comes with a migration.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

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
		/// Who may anchor credentials (active certifiers); yields the issuer.
		type IssuerOrigin: EnsureOrigin<Self::RuntimeOrigin, Success = Self::AccountId>;
		/// Who may revoke any credential (the consortium's privileged origin), e.g. those of a
		/// compromised certifier.
		type ForceOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The actors: a credential counts as suspended while its issuer is suspended.
		type Issuers: RoleProvider<Self::AccountId>;
		/// The deposit held for a registered schema.
		#[pallet::constant]
		type SchemaDeposit: Get<BalanceOf<Self>>;
		/// The deposit held for an anchored credential.
		#[pallet::constant]
		type CredentialDeposit: Get<BalanceOf<Self>>;
		/// The size of each status list of an issuer, in bytes (8 credentials per byte).
		#[pallet::constant]
		type MaxStatusListBytes: Get<u32>;
		/// Weights from this pallet's benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A deposit for a schema or an anchored credential.
		CredentialDeposit,
	}

	/// Registered schemas, by the hash of their text.
	#[pallet::storage]
	pub type Schemas<T: Config> = StorageMap<_, Identity, SchemaId, SchemaOf<T>>;

	/// Anchored credentials, by digest.
	#[pallet::storage]
	pub type Anchors<T: Config> = StorageMap<_, Identity, Digest, CredentialOf<T>>;

	/// Each issuer's W3C Bitstring Status Lists, one per purpose; grown as indices are used.
	#[pallet::storage]
	pub type StatusLists<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		StatusPurpose,
		BoundedVec<u8, T::MaxStatusListBytes>,
		ValueQuery,
	>;

	/// Tombstones: the digests of removed anchors, with their issuer and status index, so a
	/// removed credential can never be anchored again (with a fresh, unrevoked index) and stays
	/// revoked or expired for verifiers. 32 + 36 bytes each, kept for good.
	#[pallet::storage]
	pub type Removed<T: Config> = StorageMap<_, Identity, Digest, (T::AccountId, u32)>;

	/// The next free status-list index of each issuer.
	#[pallet::storage]
	pub type NextStatusIndex<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Schemas registered at genesis: name and JSON Schema text.
		pub schemas: Vec<(Vec<u8>, Vec<u8>)>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (name, body) in &self.schemas {
				let name =
					SchemaName::try_from(name.clone()).expect("genesis: schema name too long");
				let body = SchemaBody::try_from(body.clone()).expect("genesis: schema too long");
				Pallet::<T>::check_schema(&body).expect("genesis: invalid schema");
				let id = sp_io::hashing::blake2_256(&body);
				Schemas::<T>::insert(
					id,
					Schema {
						name,
						body,
						creator: None,
						deposit: Zero::zero(),
						registered: Zero::zero(),
					},
				);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A schema was registered.
		SchemaRegistered { id: SchemaId, name: SchemaName, creator: T::AccountId },
		/// A certifier anchored a credential.
		CredentialAnchored {
			digest: Digest,
			issuer: T::AccountId,
			subject: T::AccountId,
			schema: SchemaId,
			status_index: u32,
		},
		/// The issuer revoked a credential, for good.
		CredentialRevoked { digest: Digest, issuer: T::AccountId },
		/// The issuer suspended a credential.
		CredentialSuspended { digest: Digest, issuer: T::AccountId },
		/// The issuer lifted a suspension.
		CredentialUnsuspended { digest: Digest, issuer: T::AccountId },
		/// The issuer removed a revoked or expired anchor and got its deposit back.
		CredentialRemoved { digest: Digest, issuer: T::AccountId },
		/// The privileged origin revoked a credential, for good.
		CredentialForceRevoked { digest: Digest, issuer: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A schema with this text is registered already.
		SchemaExists,
		/// A schema must be a JSON object with `"type": "object"` and a `properties` object,
		/// and have a name.
		InvalidSchema,
		/// No schema with this id is registered.
		UnknownSchema,
		/// A credential with this digest is anchored already.
		AlreadyAnchored,
		/// The validity window is empty or already over.
		InvalidValidity,
		/// A capability id and parameter names are 1–32 of `a–z A–Z 0–9 _ -`; parameters are
		/// sorted by name without duplicates; values are UTF-8.
		InvalidCapability,
		/// The issuer's status lists are full.
		StatusListFull,
		/// No credential is anchored under this digest.
		UnknownCredential,
		/// Only the credential's issuer may change its status.
		NotIssuer,
		/// The credential is revoked (for good).
		AlreadyRevoked,
		/// The credential is suspended already.
		AlreadySuspended,
		/// The credential is not suspended.
		NotSuspended,
		/// Only a revoked or expired anchor may be removed.
		StillValid,
		/// This digest was anchored and removed: it can never be anchored again.
		RemovedBefore,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(
				T::MaxStatusListBytes::get() >= 1,
				"MaxStatusListBytes: no credential could be anchored"
			);
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers a credential schema: `name` and its JSON Schema text `body` (a JSON object
		/// with `"type": "object"` and `properties`). Its id is the BLAKE2b-256 hash of `body`.
		/// Anyone may register one; it holds `SchemaDeposit`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_schema(body.len() as u32))]
		pub fn register_schema(
			origin: OriginFor<T>,
			name: SchemaName,
			body: SchemaBody,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!name.is_empty(), Error::<T>::InvalidSchema);
			Self::check_schema(&body)?;
			let id = sp_io::hashing::blake2_256(&body);
			ensure!(!Schemas::<T>::contains_key(id), Error::<T>::SchemaExists);
			let deposit = T::SchemaDeposit::get();
			Self::hold(&who, deposit)?;
			Schemas::<T>::insert(
				id,
				Schema {
					name: name.clone(),
					body,
					creator: Some(who.clone()),
					deposit,
					registered: frame_system::Pallet::<T>::block_number(),
				},
			);
			Self::deposit_event(Event::SchemaRegistered { id, name, creator: who });
			Ok(())
		}

		/// Anchors the credential with `digest` (BLAKE2b-256 of the issued VC-JWT): its
		/// `subject`, `schema`, validity window (`valid_from` default now; `valid_until`
		/// exclusive, default until revoked) and, for a capability credential, the
		/// `capability` it claims. Only active certifiers; holds `CredentialDeposit` and
		/// assigns the credential the issuer's next status-list index.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::anchor())]
		pub fn anchor(
			origin: OriginFor<T>,
			digest: Digest,
			subject: T::AccountId,
			schema: SchemaId,
			valid_from: Option<Moment>,
			valid_until: Option<Moment>,
			capability: Option<Capability>,
		) -> DispatchResult {
			let issuer = T::IssuerOrigin::ensure_origin(origin)?;
			ensure!(Schemas::<T>::contains_key(schema), Error::<T>::UnknownSchema);
			ensure!(!Anchors::<T>::contains_key(digest), Error::<T>::AlreadyAnchored);
			ensure!(!Removed::<T>::contains_key(digest), Error::<T>::RemovedBefore);
			let now = Self::now();
			let valid_from = valid_from.unwrap_or(now);
			if let Some(until) = valid_until {
				ensure!(until > valid_from && until > now, Error::<T>::InvalidValidity);
			}
			if let Some(c) = &capability {
				Self::check_capability_claims(c)?;
			}
			let status_index = NextStatusIndex::<T>::get(&issuer);
			ensure!(
				(status_index as u64) < (T::MaxStatusListBytes::get() as u64) * 8,
				Error::<T>::StatusListFull
			);
			let deposit = T::CredentialDeposit::get();
			Self::hold(&issuer, deposit)?;
			NextStatusIndex::<T>::insert(&issuer, status_index + 1);
			Anchors::<T>::insert(
				digest,
				Credential {
					issuer: issuer.clone(),
					subject: subject.clone(),
					schema,
					valid_from,
					valid_until,
					status_index,
					anchored: Stamp { block: frame_system::Pallet::<T>::block_number(), time: now },
					capability,
					deposit,
				},
			);
			Self::deposit_event(Event::CredentialAnchored {
				digest,
				issuer,
				subject,
				schema,
				status_index,
			});
			Ok(())
		}

		/// Revokes a credential for good: sets its bit in the issuer's revocation list. Its
		/// issuer only (also after the issuer lost the certifier role).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::revoke())]
		pub fn revoke(origin: OriginFor<T>, digest: Digest) -> DispatchResult {
			let (issuer, credential) = Self::ensure_issuer(origin, &digest)?;
			Self::revoke_bit(&issuer, credential.status_index)?;
			Self::deposit_event(Event::CredentialRevoked { digest, issuer });
			Ok(())
		}

		/// Suspends a credential until [`Pallet::unsuspend`]: sets its bit in the issuer's
		/// suspension list. Its issuer only.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::suspend())]
		pub fn suspend(origin: OriginFor<T>, digest: Digest) -> DispatchResult {
			let (issuer, credential) = Self::ensure_issuer(origin, &digest)?;
			let index = credential.status_index;
			ensure!(
				!Self::bit(&issuer, StatusPurpose::Revocation, index),
				Error::<T>::AlreadyRevoked
			);
			ensure!(
				!Self::bit(&issuer, StatusPurpose::Suspension, index),
				Error::<T>::AlreadySuspended
			);
			Self::set_bit(&issuer, StatusPurpose::Suspension, index, true);
			Self::deposit_event(Event::CredentialSuspended { digest, issuer });
			Ok(())
		}

		/// Lifts a credential's suspension. Its issuer only.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::unsuspend())]
		pub fn unsuspend(origin: OriginFor<T>, digest: Digest) -> DispatchResult {
			let (issuer, credential) = Self::ensure_issuer(origin, &digest)?;
			let index = credential.status_index;
			ensure!(
				!Self::bit(&issuer, StatusPurpose::Revocation, index),
				Error::<T>::AlreadyRevoked
			);
			ensure!(Self::bit(&issuer, StatusPurpose::Suspension, index), Error::<T>::NotSuspended);
			Self::set_bit(&issuer, StatusPurpose::Suspension, index, false);
			Self::deposit_event(Event::CredentialUnsuspended { digest, issuer });
			Ok(())
		}

		/// Removes a revoked or expired anchor and releases its deposit. Its status bits stay
		/// (and its index is never reused), so the credential stays revoked or expired for
		/// verifiers, and a tombstone ([`Removed`]) keeps the digest from being anchored again.
		/// Its issuer only.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::remove())]
		pub fn remove(origin: OriginFor<T>, digest: Digest) -> DispatchResult {
			let (issuer, credential) = Self::ensure_issuer(origin, &digest)?;
			let revoked = Self::bit(&issuer, StatusPurpose::Revocation, credential.status_index);
			let expired = credential.valid_until.is_some_and(|u| u <= Self::now());
			ensure!(revoked || expired, Error::<T>::StillValid);
			Anchors::<T>::remove(digest);
			Removed::<T>::insert(digest, (issuer.clone(), credential.status_index));
			Self::release(&issuer, credential.deposit);
			Self::deposit_event(Event::CredentialRemoved { digest, issuer });
			Ok(())
		}

		/// Revokes any credential for good, whoever issued it: the consortium's answer to a
		/// compromised or dishonest certifier (suspending the certifier suspends its credentials
		/// only while it is suspended). The privileged origin only.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::revoke())]
		pub fn force_revoke(origin: OriginFor<T>, digest: Digest) -> DispatchResult {
			T::ForceOrigin::ensure_origin(origin)?;
			let credential = Anchors::<T>::get(digest).ok_or(Error::<T>::UnknownCredential)?;
			let issuer = credential.issuer;
			Self::revoke_bit(&issuer, credential.status_index)?;
			Self::deposit_event(Event::CredentialForceRevoked { digest, issuer });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Sets bit `index` of `issuer`'s revocation list, unless it is set already.
		fn revoke_bit(issuer: &T::AccountId, index: u32) -> DispatchResult {
			ensure!(
				!Self::bit(issuer, StatusPurpose::Revocation, index),
				Error::<T>::AlreadyRevoked
			);
			Self::set_bit(issuer, StatusPurpose::Revocation, index, true);
			Ok(())
		}

		/// The chain's time, ms since the Unix epoch.
		pub fn now() -> Moment {
			now_ms::<T, T::Time>()
		}

		fn ensure_issuer(
			origin: OriginFor<T>,
			digest: &Digest,
		) -> Result<(T::AccountId, CredentialOf<T>), DispatchError> {
			let who = ensure_signed(origin)?;
			let credential = Anchors::<T>::get(digest).ok_or(Error::<T>::UnknownCredential)?;
			ensure!(credential.issuer == who, Error::<T>::NotIssuer);
			Ok((who, credential))
		}

		fn hold(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
			if !amount.is_zero() {
				T::Currency::hold(&HoldReason::CredentialDeposit.into(), who, amount)?;
			}
			Ok(())
		}

		fn release(who: &T::AccountId, amount: BalanceOf<T>) {
			if !amount.is_zero() {
				#[allow(
					clippy::let_underscore_must_use,
					reason = "a best-effort release of what this pallet holds for the item cannot fail; the item goes either way"
				)]
				let _ = T::Currency::release(
					&HoldReason::CredentialDeposit.into(),
					who,
					amount,
					Precision::BestEffort,
				);
			}
		}

		/// Checks that `body` is a JSON object schema with properties.
		pub fn check_schema(body: &[u8]) -> DispatchResult {
			let value: serde_json::Value =
				serde_json::from_slice(body).map_err(|_| Error::<T>::InvalidSchema)?;
			let ok = value.get("type").and_then(|t| t.as_str()) == Some("object")
				&& value.get("properties").is_some_and(|p| p.is_object());
			ensure!(ok, Error::<T>::InvalidSchema);
			Ok(())
		}

		fn check_capability_claims(c: &Capability) -> DispatchResult {
			let key_ok = |k: &[u8]| {
				!k.is_empty() && k.iter().all(|b| b.is_ascii_alphanumeric() || b"_-".contains(b))
			};
			let ok = key_ok(&c.id)
				&& c.params.iter().all(|(k, v)| key_ok(k) && core::str::from_utf8(v).is_ok())
				&& c.params.windows(2).all(|w| w[0].0 < w[1].0);
			ensure!(ok, Error::<T>::InvalidCapability);
			Ok(())
		}

		/// Bit `index` of `issuer`'s `purpose` list.
		pub fn bit(issuer: &T::AccountId, purpose: StatusPurpose, index: u32) -> bool {
			let list = StatusLists::<T>::get(issuer, purpose);
			list.get((index / 8) as usize)
				.is_some_and(|byte| byte & (0x80 >> (index % 8)) != 0)
		}

		fn set_bit(issuer: &T::AccountId, purpose: StatusPurpose, index: u32, on: bool) {
			StatusLists::<T>::mutate(issuer, purpose, |list| {
				let byte = (index / 8) as usize;
				// `anchor` only hands out indices that fit the bound.
				while list.len() <= byte && list.try_push(0).is_ok() {}
				if let Some(b) = list.get_mut(byte) {
					if on {
						*b |= 0x80 >> (index % 8);
					} else {
						*b &= !(0x80 >> (index % 8));
					}
				}
			});
		}

		/// The status of the credential with `digest`, if it is anchored.
		pub fn status(digest: &Digest) -> Option<CredentialStatus> {
			let c = Anchors::<T>::get(digest)?;
			Some(CredentialStatus {
				revoked: Self::bit(&c.issuer, StatusPurpose::Revocation, c.status_index),
				suspended: Self::bit(&c.issuer, StatusPurpose::Suspension, c.status_index),
			})
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Whether the anchored credential `c` is valid now and neither revoked nor suspended (by
	/// its issuer, or because its issuer is suspended: a certifier suspended as compromised
	/// vouches for nothing until reactivated; one whose role was withdrawn in the ordinary
	/// way leaves what it anchored before valid).
	fn check_live(c: &CredentialOf<T>) -> Result<(), CapabilityError> {
		let now = Pallet::<T>::now();
		if now < c.valid_from || c.valid_until.is_some_and(|u| now >= u) {
			return Err(CapabilityError::OutsideValidity);
		}
		if Pallet::<T>::bit(&c.issuer, StatusPurpose::Revocation, c.status_index) {
			return Err(CapabilityError::Revoked);
		}
		if Pallet::<T>::bit(&c.issuer, StatusPurpose::Suspension, c.status_index)
			|| T::Issuers::is_suspended(&c.issuer)
		{
			return Err(CapabilityError::Suspended);
		}
		Ok(())
	}
}

impl<T: Config> CapabilityCheck<T::AccountId> for Pallet<T> {
	fn check_capability(
		subject: &T::AccountId,
		capability: &[u8],
		credential: &Digest,
	) -> Result<Capability, CapabilityError> {
		let c = Anchors::<T>::get(credential).ok_or(CapabilityError::Unknown)?;
		if &c.subject != subject {
			return Err(CapabilityError::WrongSubject);
		}
		let claimed = c.capability.clone().ok_or(CapabilityError::WrongCapability)?;
		if &claimed.id[..] != capability {
			return Err(CapabilityError::WrongCapability);
		}
		Pallet::<T>::check_live(&c)?;
		Ok(claimed)
	}
}

impl<T: Config> CredentialCheck<T::AccountId> for Pallet<T> {
	fn check_credential(
		subject: &T::AccountId,
		credential: &Digest,
	) -> Result<T::AccountId, CapabilityError> {
		let c = Anchors::<T>::get(credential).ok_or(CapabilityError::Unknown)?;
		if &c.subject != subject {
			return Err(CapabilityError::WrongSubject);
		}
		Pallet::<T>::check_live(&c)?;
		Ok(c.issuer)
	}
}
