//! # DID pallet: the `did:twin` method
//!
//! Every account is a DID: `did:twin:<SS58 address>`. Nothing has to be registered to have one
//! (like `did:ethr`); the *implicit* document of an untouched DID lists the account's own key.
//! This pallet stores what changes that document, with the guarantees of ERC-1056 (the
//! Ethereum DID registry the project's thesis used) and what ERC-1056 lacks:
//!
//! - **Controller rotation** ([`Pallet::change_controller`]): another account's key controls the
//!   DID from now on (ERC-1056 `changeOwner`).
//! - **Delegates** ([`Pallet::add_delegate`], [`Pallet::revoke_delegate`]): accounts that may
//!   authenticate as the DID or make assertions (sign credentials) for it, within a validity
//!   window (ERC-1056 `addDelegate`/`revokeDelegate`).
//! - **Attributes** ([`Pallet::set_attribute`], [`Pallet::revoke_attribute`]): public keys
//!   (Ed25519, Sr25519, X25519 for key agreement) and service endpoints, each with a validity
//!   window and a name that becomes its fragment in the document (ERC-1056 `setAttribute`, but
//!   typed and validated on chain instead of free-form).
//! - **Deactivation** ([`Pallet::deactivate`]): permanent; every deposit is released.
//! - **Signed operations** ([`Pallet::execute_signed`]): each of the above, signed off chain by
//!   the controller over a payload with the DID's nonce, the chain's genesis hash, a last block
//!   and optionally the one account that may submit it, submitted
//!   by any account (a machine without funds is managed by its gateway). Replays and signatures
//!   for another chain are rejected.
//! - **New DIDs for machines and products** ([`Pallet::create_did`]): a manufacturer creates a
//!   DID it controls, for a thing that has no key of its own.
//!
//! Every stored item (the DID's record, each delegate, each attribute) holds a deposit from the
//! account that paid for it; counts per DID are bounded by `MaxDelegates` and `MaxAttributes`.
//! Revoked items stay stored with their window closed at revocation time (until their name is
//! reused or the DID is deactivated), so a verifier can tell when a key stopped being valid;
//! windows never start in the past, so a key cannot be backdated. The complete history is in the
//! events and in historic state (resolution by `versionId`).
//!
//! Every change advances the DID's nonce, so an off-chain signature is good for exactly the
//! state it was made for: once anything changed (or it was used), it is stale.
//!
//! [`document`] builds W3C DID Core 1.0 documents and DID resolution results from this state;
//! the runtime exposes them through [`runtime_api::DidApi`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

/// The DID [`Pallet::create_did`] gives `creator` when `count` DIDs were created on the chain
/// before: `BLAKE2b-256(SCALE("twinchain/did/new", creator, count))` as an account. Genesis
/// presets use it to know the accounts of the DIDs they create.
pub fn derived_did<AccountId: codec::Codec>(creator: &AccountId, count: u64) -> Option<AccountId> {
	use codec::Encode;
	let seed = (b"twinchain/did/new", creator, count).using_encoded(sp_io::hashing::blake2_256);
	AccountId::decode(&mut sp_runtime::traits::TrailingZeroInput::new(&seed[..])).ok()
}
use twinchain_primitives::{
	now_ms, stamp_now, DelegateType, DidAuthority, DidCreator, DidHandOver, Moment, Stamp,
};
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod document;
#[cfg(test)]
mod mock;
pub mod runtime_api;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "try-runtime", test))]
mod try_state;
mod types;

mod impl_traits;
mod operations;
pub mod weights;

use frame_support::traits::fungible;

/// A balance of the deposit currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// The stored record of a DID.
pub type DidRecordOf<T> = DidRecord<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use codec::Encode;
	use frame_support::{
		dispatch::{DispatchResultWithPostInfo, PostDispatchInfo},
		pallet_prelude::*,
		traits::{fungible::MutateHold, tokens::Precision, UnixTime},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::{IdentifyAccount, Verify, Zero};

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
		/// The chain's clock (validity windows and document timestamps).
		type Time: UnixTime;
		/// A signature over a signed operation's payload.
		type OffchainSignature: Verify<Signer = Self::SigningPublicKey> + Parameter;
		/// The public key behind an account, for signature checks.
		type SigningPublicKey: IdentifyAccount<AccountId = Self::AccountId>;
		/// Who may create new DIDs for machines and products (manufacturers); yields the
		/// creator, who becomes the new DID's controller.
		type CreateOrigin: EnsureOrigin<Self::RuntimeOrigin, Success = Self::AccountId>;
		/// The deposit held for a DID's record (created by its first change).
		#[pallet::constant]
		type RecordDeposit: Get<BalanceOf<Self>>;
		/// The deposit held for each delegate or attribute.
		#[pallet::constant]
		type ItemDeposit: Get<BalanceOf<Self>>;
		/// The most delegates a DID may store.
		#[pallet::constant]
		type MaxDelegates: Get<u32>;
		/// The most attributes a DID may store.
		#[pallet::constant]
		type MaxAttributes: Get<u32>;
		/// Weights from this pallet's benchmarks.
		type WeightInfo: WeightInfo;
		/// Signs payloads in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, Self::OffchainSignature>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A deposit for a DID's record, delegate or attribute.
		DidDeposit,
	}

	/// The records of DIDs that changed since genesis. A DID without one is implicit.
	#[pallet::storage]
	pub type Dids<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, DidRecordOf<T>>;

	/// The delegates of each DID.
	#[pallet::storage]
	pub type Delegates<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		(DelegateType, T::AccountId),
		Delegate<T::AccountId, BalanceOf<T>>,
	>;

	/// The attributes (keys and services) of each DID, by name.
	#[pallet::storage]
	pub type Attributes<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		AttributeName,
		Attribute<T::AccountId, BalanceOf<T>>,
	>;

	/// How many DIDs [`Pallet::create_did`] has created (part of each new DID's derivation).
	#[pallet::storage]
	pub type CreatedCount<T: Config> = StorageValue<_, u64, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A manufacturer created a DID for a machine or product.
		DidCreated { did: T::AccountId, controller: T::AccountId },
		/// Another account controls the DID now.
		ControllerChanged { did: T::AccountId, controller: T::AccountId },
		/// A delegate was added (or its window replaced).
		DelegateAdded {
			did: T::AccountId,
			delegate_type: DelegateType,
			delegate: T::AccountId,
			validity: Validity,
		},
		/// A delegate was revoked.
		DelegateRevoked { did: T::AccountId, delegate_type: DelegateType, delegate: T::AccountId },
		/// An attribute was set (or replaced).
		AttributeSet {
			did: T::AccountId,
			name: AttributeName,
			value: AttributeValue,
			validity: Validity,
		},
		/// An attribute was revoked.
		AttributeRevoked { did: T::AccountId, name: AttributeName },
		/// The DID was deactivated for good.
		Deactivated { did: T::AccountId },
		/// The controller's signed operation with this nonce was executed for `submitter`.
		SignedOperationExecuted { did: T::AccountId, nonce: u64, submitter: T::AccountId },
		/// The thing the DID names changed hands: its delegates and attributes are gone, and
		/// `owner` controls it now (or, if the DID controls itself, is its authentication
		/// delegate).
		HandedOver { did: T::AccountId, owner: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The signer does not control this DID.
		NotController,
		/// The DID is deactivated; it cannot change any more.
		Deactivated,
		/// The DID has `MaxDelegates` delegates stored already.
		TooManyDelegates,
		/// The DID has `MaxAttributes` attributes stored already.
		TooManyAttributes,
		/// The validity window is empty, over or backdated: `valid_from` must not lie before
		/// now, `valid_until` must lie after `valid_from`.
		InvalidValidity,
		/// The DID has no such delegate.
		DelegateNotFound,
		/// The DID has no attribute of this name.
		AttributeNotFound,
		/// The delegate or attribute is revoked or expired already.
		AlreadyRevoked,
		/// An attribute name must be 1–32 of `A–Z a–z 0–9 . _ -` and not start with
		/// `controller` or `delegate`.
		InvalidName,
		/// A service type must be 1–32 of `A–Z a–z 0–9`.
		InvalidServiceType,
		/// A service endpoint must be a URI: a scheme, `:`, then printable ASCII without spaces.
		InvalidEndpoint,
		/// X25519 keys serve `keyAgreement` only; signing keys serve `authentication` and/or
		/// `assertionMethod`, at least one.
		InvalidKeyPurposes,
		/// The signed operation's nonce is not the DID's current nonce (a replay, or stale).
		BadNonce,
		/// The signed operation's `valid_until` block has passed.
		Expired,
		/// The controller named another account to submit the signed operation.
		WrongSubmitter,
		/// The signature is not the controller's over this chain's payload.
		BadSignature,
		/// The new controller is the current one.
		SameController,
		/// The DID cannot be its own delegate.
		SelfDelegation,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(T::MaxDelegates::get() >= 1, "MaxDelegates: no DID could have a gateway");
			assert!(T::MaxAttributes::get() >= 1, "MaxAttributes: no DID could list a key");
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Hands control of `did` to `new_controller` (key rotation). Signed by the current
		/// controller. Creates the DID's record (and holds its deposit) if it is still implicit.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::change_controller())]
		pub fn change_controller(
			origin: OriginFor<T>,
			did: T::AccountId,
			new_controller: T::AccountId,
		) -> DispatchResultWithPostInfo {
			let who = Self::ensure_controller(origin, &did)?;
			Self::apply(&did, &who, DidOperation::ChangeController { new_controller })
		}

		/// Adds `delegate` as a `delegate_type` delegate of `did` from `valid_from` (default
		/// now) until `valid_until` (exclusive; default until revoked), or replaces the window
		/// of that delegate. Signed by the controller; holds `ItemDeposit` for a new delegate.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::add_delegate())]
		pub fn add_delegate(
			origin: OriginFor<T>,
			did: T::AccountId,
			delegate_type: DelegateType,
			delegate: T::AccountId,
			valid_from: Option<Moment>,
			valid_until: Option<Moment>,
		) -> DispatchResultWithPostInfo {
			let who = Self::ensure_controller(origin, &did)?;
			Self::apply(
				&did,
				&who,
				DidOperation::AddDelegate { delegate_type, delegate, valid_from, valid_until },
			)
		}

		/// Revokes a delegate of `did`: its window closes now. Signed by the controller.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::revoke_delegate())]
		pub fn revoke_delegate(
			origin: OriginFor<T>,
			did: T::AccountId,
			delegate_type: DelegateType,
			delegate: T::AccountId,
		) -> DispatchResultWithPostInfo {
			let who = Self::ensure_controller(origin, &did)?;
			Self::apply(&did, &who, DidOperation::RevokeDelegate { delegate_type, delegate })
		}

		/// Sets the attribute `name` of `did` (a public key or a service endpoint), valid from
		/// `valid_from` (default now) until `valid_until` (exclusive; default until revoked).
		/// Replaces an attribute of the same name, revoked or not. Signed by the controller;
		/// holds `ItemDeposit` for a new name.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_attribute())]
		pub fn set_attribute(
			origin: OriginFor<T>,
			did: T::AccountId,
			name: AttributeName,
			value: AttributeValue,
			valid_from: Option<Moment>,
			valid_until: Option<Moment>,
		) -> DispatchResultWithPostInfo {
			let who = Self::ensure_controller(origin, &did)?;
			Self::apply(
				&did,
				&who,
				DidOperation::SetAttribute { name, value, valid_from, valid_until },
			)
		}

		/// Revokes the attribute `name` of `did`: its window closes now. Signed by the
		/// controller.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::revoke_attribute())]
		pub fn revoke_attribute(
			origin: OriginFor<T>,
			did: T::AccountId,
			name: AttributeName,
		) -> DispatchResultWithPostInfo {
			let who = Self::ensure_controller(origin, &did)?;
			Self::apply(&did, &who, DidOperation::RevokeAttribute { name })
		}

		/// Deactivates `did` for good: its delegates and attributes are removed, every deposit
		/// is released, and no operation on it succeeds afterwards. Signed by the controller.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::deactivate(
			T::MaxDelegates::get(),
			T::MaxAttributes::get()
		))]
		pub fn deactivate(origin: OriginFor<T>, did: T::AccountId) -> DispatchResultWithPostInfo {
			let who = Self::ensure_controller(origin, &did)?;
			Self::apply(&did, &who, DidOperation::Deactivate)
		}

		/// Executes `operation` on `did` as its controller signed it off chain. Any account may
		/// submit it — or only `submitter`, if the controller named one — and pays the fee and
		/// any deposit. The signature must be the current controller's over the SCALE encoding
		/// of [`SignedPayload`] (domain tag, this chain's genesis hash, `did`, `nonce`,
		/// `valid_until`, `submitter`, `operation`); `nonce` must be the DID's current nonce and
		/// the block no later than `valid_until` (`Expired`). Like every change, the operation
		/// advances the nonce, so the signature cannot be replayed, and a signature made before
		/// any other change of the DID is stale.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::verify_signature().saturating_add(Pallet::<T>::operation_weight(operation)))]
		pub fn execute_signed(
			origin: OriginFor<T>,
			did: T::AccountId,
			operation: DidOperation<T::AccountId>,
			nonce: u64,
			valid_until: BlockNumberFor<T>,
			submitter: Option<T::AccountId>,
			signature: T::OffchainSignature,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let (controller, current_nonce) = match Dids::<T>::get(&did) {
				Some(record) => {
					ensure!(!record.deactivated, Error::<T>::Deactivated);
					(record.controller, record.nonce)
				},
				None => (did.clone(), 0),
			};
			ensure!(nonce == current_nonce, Error::<T>::BadNonce);
			ensure!(frame_system::Pallet::<T>::block_number() <= valid_until, Error::<T>::Expired);
			ensure!(submitter.as_ref().is_none_or(|s| *s == who), Error::<T>::WrongSubmitter);
			let message = Self::signed_payload(&did, nonce, valid_until, &submitter, &operation);
			ensure!(signature.verify(&message[..], &controller), Error::<T>::BadSignature);

			// `apply` advances the nonce, also when this very operation deactivates the DID.
			let post = Self::apply(&did, &who, operation)?;
			Self::deposit_event(Event::SignedOperationExecuted { did, nonce, submitter: who });
			Ok(PostDispatchInfo {
				actual_weight: post
					.actual_weight
					.map(|w| w.saturating_add(T::WeightInfo::verify_signature())),
				pays_fee: Pays::Yes,
			})
		}

		/// Creates a new DID for a machine or product, controlled by the caller, which must be
		/// an active manufacturer. The DID's account is derived from the creator and a counter;
		/// no key exists for it, so only its controller (or the controller's signed operations)
		/// can change it. Holds `RecordDeposit` from the creator.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::create_did())]
		pub fn create_did(origin: OriginFor<T>) -> DispatchResult {
			let creator = T::CreateOrigin::ensure_origin(origin)?;
			Self::derive_did(&creator).map(|_| ())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Creates a DID controlled by `creator` under an account derived from the creator and
		/// a chain-wide counter, holding the record deposit from `creator`.
		pub(crate) fn derive_did(creator: &T::AccountId) -> Result<T::AccountId, DispatchError> {
			let count = CreatedCount::<T>::get();
			let did = derived_did::<T::AccountId>(creator, count)
				.ok_or(DispatchError::Other("cannot derive an account"))?;
			CreatedCount::<T>::put(count.saturating_add(1));
			let mut record = Self::new_record(&did, creator)?;
			record.controller = creator.clone();
			Dids::<T>::insert(&did, record);
			Self::deposit_event(Event::DidCreated {
				did: did.clone(),
				controller: creator.clone(),
			});
			Ok(did)
		}

		/// The account that controls `did` now (itself if the DID is implicit).
		pub fn controller_of(did: &T::AccountId) -> T::AccountId {
			Dids::<T>::get(did).map(|r| r.controller).unwrap_or_else(|| did.clone())
		}

		/// The bytes a controller signs for [`Pallet::execute_signed`].
		pub fn signed_payload(
			did: &T::AccountId,
			nonce: u64,
			valid_until: BlockNumberFor<T>,
			submitter: &Option<T::AccountId>,
			operation: &DidOperation<T::AccountId>,
		) -> alloc::vec::Vec<u8> {
			SignedPayload {
				domain: SIGNED_PAYLOAD_DOMAIN,
				genesis_hash: frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero()),
				did,
				nonce,
				valid_until,
				submitter,
				operation,
			}
			.encode()
		}

		/// The chain's time, ms since the Unix epoch.
		pub fn now() -> Moment {
			now_ms::<T, T::Time>()
		}

		/// The weight an operation is charged before dispatch.
		pub fn operation_weight(operation: &DidOperation<T::AccountId>) -> Weight {
			match operation {
				DidOperation::ChangeController { .. } => T::WeightInfo::change_controller(),
				DidOperation::AddDelegate { .. } => T::WeightInfo::add_delegate(),
				DidOperation::RevokeDelegate { .. } => T::WeightInfo::revoke_delegate(),
				DidOperation::SetAttribute { .. } => T::WeightInfo::set_attribute(),
				DidOperation::RevokeAttribute { .. } => T::WeightInfo::revoke_attribute(),
				DidOperation::Deactivate => {
					T::WeightInfo::deactivate(T::MaxDelegates::get(), T::MaxAttributes::get())
				},
			}
		}

		fn ensure_controller(
			origin: OriginFor<T>,
			did: &T::AccountId,
		) -> Result<T::AccountId, DispatchError> {
			let who = ensure_signed(origin)?;
			ensure!(Self::controller_of(did) == who, Error::<T>::NotController);
			Ok(who)
		}

		pub(crate) fn stamp() -> Stamp<BlockNumberFor<T>> {
			stamp_now::<T, T::Time>()
		}

		pub(crate) fn hold(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
			if !amount.is_zero() {
				T::Currency::hold(&HoldReason::DidDeposit.into(), who, amount)?;
			}
			Ok(())
		}

		pub(crate) fn release(who: &T::AccountId, amount: BalanceOf<T>) {
			if !amount.is_zero() {
				#[allow(
					clippy::let_underscore_must_use,
					reason = "a best-effort release of what this pallet holds for the item cannot fail; the item goes either way"
				)]
				let _ = T::Currency::release(
					&HoldReason::DidDeposit.into(),
					who,
					amount,
					Precision::BestEffort,
				);
			}
		}
	}
}
