#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
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

mod custody;
mod impl_recorder;
mod queries;
mod recall;
mod steps;

use frame_support::{traits::fungible, weights::Weight};
use twinchain_primitives::{
	stamp_now, CapabilityError, CapabilityKey, CredentialCheck, DidAuthority, DidCreator,
	DidHandOver, Digest, EnvironmentAnchors, EnvironmentRef, LotId, LotList, MachineRegistry,
	MachineStatus, Moment, ProductType, ProvenanceRecorder, RoleProvider, ShortText, Stamp,
	StepInput, TagId, TaskId, TelemetryRef,
};

/// A balance of the deposit currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;
type BlockNumberOf<T> = frame_system::pallet_prelude::BlockNumberFor<T>;
type AccountOf<T> = <T as frame_system::Config>::AccountId;

/// A product of this runtime.
pub type ProductOf<T> = Product<AccountOf<T>, BalanceOf<T>, BlockNumberOf<T>>;
/// A recorded step of this runtime.
pub type StepOf<T> = Step<AccountOf<T>, BlockNumberOf<T>>;
/// A lot of this runtime.
pub type LotOf<T> = Lot<AccountOf<T>, BalanceOf<T>, BlockNumberOf<T>>;
/// A recall of this runtime.
pub type RecallOf<T> = Recall<AccountOf<T>, BlockNumberOf<T>>;
/// A product's trace of this runtime.
pub type TraceOf<T> = Trace<AccountOf<T>, BalanceOf<T>, BlockNumberOf<T>>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible::MutateHold, UnixTime},
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
		/// Who creates products (active manufacturers); yields the manufacturer.
		type CreateOrigin: EnsureOrigin<Self::RuntimeOrigin, Success = Self::AccountId>;
		/// Who registers lots (active suppliers); yields the supplier.
		type SupplierOrigin: EnsureOrigin<Self::RuntimeOrigin, Success = Self::AccountId>;
		/// Who may recall any lot or machine range (e.g. the consortium).
		type RecallOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// DIDs: products get theirs here; machines' gateways are delegates there.
		type Dids: DidAuthority<Self::AccountId>
			+ DidCreator<Self::AccountId>
			+ DidHandOver<Self::AccountId>;
		/// The machines and their credentialed capabilities.
		type Machines: MachineRegistry<Self::AccountId>;
		/// Checks the credentials attached to products.
		type Credentials: CredentialCheck<Self::AccountId>;
		/// Who is a registered actor (custody goes only to actors).
		type Actors: RoleProvider<Self::AccountId>;
		/// The anchored telemetry windows step environments refer to.
		type Environment: EnvironmentAnchors<Self::AccountId>;
		/// The deposit held for a product (besides its DID's record deposit).
		#[pallet::constant]
		type ProductDeposit: Get<BalanceOf<Self>>;
		/// The deposit held for a lot.
		#[pallet::constant]
		type LotDeposit: Get<BalanceOf<Self>>;
		/// The most process steps a product's log holds.
		#[pallet::constant]
		type MaxSteps: Get<u32>;
		/// The longest a step may take, in ms (bounds a machine-range recall's walk).
		#[pallet::constant]
		type MaxStepDuration: Get<Moment>;
		/// The most products built into one product.
		#[pallet::constant]
		type MaxComponents: Get<u32>;
		/// The most custody transfers of one product.
		#[pallet::constant]
		type MaxTransfers: Get<u32>;
		/// The most credentials attached to one product.
		#[pallet::constant]
		type MaxCredentials: Get<u32>;
		/// The most recalled time ranges kept per machine; its owner's recalls use at most half.
		#[pallet::constant]
		type MaxRecallRanges: Get<u32>;
		/// The most recalls being walked at once; members' recalls use at most half.
		#[pallet::constant]
		type MaxQueuedRecalls: Get<u32>;
		/// The most recalls one member may have waiting or being walked at once.
		#[pallet::constant]
		type MaxQueuedRecallsPerCaller: Get<u32>;
		/// The most index entries a block's `on_idle` walks for recalls.
		#[pallet::constant]
		type MaxRecallItemsPerBlock: Get<u32>;
		/// Weights from this pallet's benchmarks.
		type WeightInfo: WeightInfo;
		/// Sets up machines, credentials and actors in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit for a product.
		ProductDeposit,
		/// The deposit for a lot.
		LotDeposit,
	}

	/// Products, by their DID's account.
	#[pallet::storage]
	pub type Products<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, ProductOf<T>>;

	/// Products by the NFC tag they carry.
	#[pallet::storage]
	pub type ProductByTag<T: Config> = StorageMap<_, Blake2_128Concat, TagId, T::AccountId>;

	/// Each product's process log, by step index (0, 1, …).
	#[pallet::storage]
	pub type Steps<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, u32, StepOf<T>>;

	/// The steps each machine performed, ordered by start time (see [`MachineStepKey`]), with
	/// each step's end.
	#[pallet::storage]
	pub type MachineSteps<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Identity,
		MachineStepKey<T::AccountId>,
		Moment,
	>;

	/// The products built into each product.
	#[pallet::storage]
	pub type Components<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Blake2_128Concat, T::AccountId, ()>;

	/// Each product's custody transfers, by index.
	#[pallet::storage]
	pub type Custody<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		u32,
		Transfer<T::AccountId, BlockNumberFor<T>>,
	>;

	/// The credentials attached to each product.
	#[pallet::storage]
	pub type ProductCredentials<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Identity,
		Digest,
		Attachment<T::AccountId, BlockNumberFor<T>>,
	>;

	/// Supplier lots.
	#[pallet::storage]
	pub type Lots<T: Config> = StorageMap<_, Twox64Concat, LotId, LotOf<T>>;

	/// The id the next lot gets.
	#[pallet::storage]
	pub type NextLotId<T: Config> = StorageValue<_, LotId, ValueQuery>;

	/// The products made from each lot.
	#[pallet::storage]
	pub type LotProducts<T: Config> =
		StorageDoubleMap<_, Twox64Concat, LotId, Blake2_128Concat, T::AccountId, ()>;

	/// Recalls.
	#[pallet::storage]
	pub type Recalls<T: Config> = StorageMap<_, Twox64Concat, RecallId, RecallOf<T>>;

	/// The id the next recall gets.
	#[pallet::storage]
	pub type NextRecallId<T: Config> = StorageValue<_, RecallId, ValueQuery>;

	/// Each machine's recalled time ranges: `(recall, from, to)`.
	#[pallet::storage]
	pub type MachineRecalls<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<(RecallId, Moment, Moment), T::MaxRecallRanges>,
		ValueQuery,
	>;

	/// The recalls still being walked, oldest first.
	#[pallet::storage]
	pub type RecallQueue<T: Config> =
		StorageValue<_, BoundedVec<RecallJob<T::AccountId>, T::MaxQueuedRecalls>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A supplier registered a lot.
		LotRegistered { lot: LotId, supplier: T::AccountId },
		/// A manufacturer created a product (its DID is `product`).
		ProductCreated { product: T::AccountId, manufacturer: T::AccountId },
		/// A process step was appended to a product's log.
		StepRecorded {
			product: T::AccountId,
			index: u32,
			machine: T::AccountId,
			capability: CapabilityKey,
			task: Option<TaskId>,
		},
		/// A step's environment (telemetry window) was attached.
		EnvironmentAttached {
			product: T::AccountId,
			index: u32,
			sensor: T::AccountId,
			start: Moment,
			root: TelemetryRef,
		},
		/// A product was finished.
		ProductFinished { product: T::AccountId },
		/// A finished product was built into another.
		ComponentAdded { parent: T::AccountId, component: T::AccountId },
		/// A custodian offered a product to a receiver.
		CustodyOffered { product: T::AccountId, from: T::AccountId, to: T::AccountId },
		/// A custody offer was withdrawn.
		CustodyOfferWithdrawn { product: T::AccountId },
		/// A receiver accepted a product.
		CustodyTransferred { product: T::AccountId, from: T::AccountId, to: T::AccountId },
		/// A credential was attached to a product.
		CredentialAttached { product: T::AccountId, credential: Digest },
		/// A lot was recalled; its products are being marked.
		LotRecalled { lot: LotId, recall: RecallId },
		/// A machine's time range was recalled; the products it worked on are being marked.
		MachineRangeRecalled { machine: T::AccountId, from: Moment, to: Moment, recall: RecallId },
		/// A recall reached a product.
		ProductRecalled { product: T::AccountId, recall: RecallId },
		/// A recall has marked every affected product.
		RecallCompleted { recall: RecallId, affected: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No product has this DID.
		UnknownProduct,
		/// No lot has this id.
		UnknownLot,
		/// A product lists the same lot twice.
		DuplicateLot,
		/// The lot is recalled; it cannot be used.
		LotRecalled,
		/// Another product carries this NFC tag.
		TagInUse,
		/// Only the product's custodian may do this.
		NotCustodian,
		/// Only the custodian, the machine or its gateway may record this machine's steps.
		NotAuthorized,
		/// The product is not in production (no more steps or components).
		NotInProduction,
		/// Only an in-production product can be finished.
		AlreadyFinished,
		/// The product's log holds `MaxSteps` steps already.
		TooManySteps,
		/// A step ends before it starts, or in the future.
		InvalidTimes,
		/// A step takes longer than `MaxStepDuration`.
		StepTooLong,
		/// No step has this index.
		UnknownStep,
		/// The step's environment is set already.
		EnvironmentSet,
		/// No telemetry window of that machine starting then is anchored (or its root differs).
		EnvironmentNotAnchored,
		/// The telemetry window does not overlap the step.
		EnvironmentNotCovering,
		/// The machine is not registered.
		UnknownMachine,
		/// The machine is retired.
		MachineRetired,
		/// The machine does not hold the capability with a credential valid now.
		CapabilityNotValid,
		/// A product cannot be built into itself.
		SelfComponent,
		/// Only a finished product can be built into another.
		ComponentNotFinished,
		/// The product is built into another already; it moves with it.
		PartOfAssembly,
		/// The product holds `MaxComponents` components already.
		TooManyComponents,
		/// The receiver is not a registered, active actor.
		ReceiverNotActor,
		/// The custodian (or receiver) is suspended: it cannot act on products until reactivated.
		NotActiveActor,
		/// The receiver is the custodian.
		SelfTransfer,
		/// A custody offer is pending already.
		OfferPending,
		/// No custody offer is pending.
		NoOffer,
		/// Only the offer's receiver may accept it.
		NotReceiver,
		/// The product went through `MaxTransfers` transfers already.
		TooManyTransfers,
		/// The credential is not anchored.
		CredentialUnknown,
		/// The credential is about another subject.
		CredentialNotForProduct,
		/// The credential is not valid now.
		CredentialNotValidNow,
		/// The credential is revoked.
		CredentialRevoked,
		/// The credential is suspended.
		CredentialSuspended,
		/// The credential is attached already.
		CredentialAttached,
		/// The product holds `MaxCredentials` credentials already.
		TooManyCredentials,
		/// Only the lot's supplier, the machine's owner or the recall origin may recall.
		NotAllowedToRecall,
		/// The lot, or this machine range, is recalled already.
		AlreadyRecalled,
		/// The range ends before it starts.
		InvalidRange,
		/// The machine has `MaxRecallRanges` recalled ranges already, or its owner half of them:
		/// recall a range that covers earlier ones (it replaces them), or ask the recall origin.
		TooManyRecallRanges,
		/// `MaxQueuedRecalls` recalls are being walked, or members' recalls fill their half of
		/// the queue, or the caller has `MaxQueuedRecallsPerCaller` recalls queued; try again in
		/// a few blocks.
		RecallQueueFull,
		/// The step's machine is not the custodian's: another owner's machine works on a
		/// product through an M2M task.
		MachineNotPutToWork,
		/// The step starts before the product was created.
		StepBeforeCreation,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(
				T::MaxRecallItemsPerBlock::get() >= 1,
				"MaxRecallItemsPerBlock: recalls would never be walked"
			);
			assert!(
				T::MaxQueuedRecalls::get() >= 2,
				"MaxQueuedRecalls: members get half the queue, so it needs two places"
			);
			assert!(
				T::MaxRecallRanges::get() >= 2,
				"MaxRecallRanges: owners get half the ranges, so a machine needs two"
			);
			assert!(
				T::MaxQueuedRecallsPerCaller::get() >= 1,
				"MaxQueuedRecallsPerCaller: no member could recall"
			);
			assert!(T::MaxStepDuration::get() > 0, "MaxStepDuration: no step could be recorded");
		}

		/// Walks queued recalls with the block's leftover weight, at most
		/// `MaxRecallItemsPerBlock` index entries.
		fn on_idle(_n: BlockNumberFor<T>, remaining: Weight) -> Weight {
			if RecallQueue::<T>::decode_len().unwrap_or(0) == 0 {
				return T::DbWeight::get().reads(1);
			}
			let base = T::WeightInfo::process_recalls(0);
			let per_item = T::WeightInfo::process_recalls(1).saturating_sub(base);
			let Some(room) = remaining.checked_sub(&base) else { return Weight::zero() };
			let by_time = room.ref_time().checked_div(per_item.ref_time()).unwrap_or(u64::MAX);
			let by_proof = room.proof_size().checked_div(per_item.proof_size()).unwrap_or(u64::MAX);
			let max = by_time.min(by_proof).min(T::MaxRecallItemsPerBlock::get() as u64) as u32;
			if max == 0 {
				return Weight::zero();
			}
			let done = Self::process_recalls(max);
			T::WeightInfo::process_recalls(done)
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers a lot of `quantity` units of `material` under the supplier's own
		/// `reference`. Active suppliers only; the lot deposit is held. The lot's id is in the
		/// `LotRegistered` event.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_lot())]
		pub fn register_lot(
			origin: OriginFor<T>,
			reference: ShortText,
			material: ShortText,
			quantity: u32,
		) -> DispatchResult {
			let supplier = T::SupplierOrigin::ensure_origin(origin)?;
			let deposit = T::LotDeposit::get();
			if !deposit.is_zero() {
				T::Currency::hold(&HoldReason::LotDeposit.into(), &supplier, deposit)?;
			}
			let lot = NextLotId::<T>::get();
			NextLotId::<T>::put(lot.saturating_add(1));
			Lots::<T>::insert(
				lot,
				Lot {
					supplier: supplier.clone(),
					reference,
					material,
					quantity,
					registered: Self::stamp(),
					used_by: 0,
					recall: None,
					deposit,
				},
			);
			Self::deposit_event(Event::LotRegistered { lot, supplier });
			Ok(())
		}

		/// Creates a product of `product_type` made from `lots`, with a new DID controlled by
		/// the manufacturer. Active manufacturers only; the product deposit and the DID's record
		/// deposit are held. The product's DID is in the `ProductCreated` event.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::create_product(lots.len() as u32))]
		pub fn create_product(
			origin: OriginFor<T>,
			product_type: ProductType,
			lots: LotList,
		) -> DispatchResult {
			let manufacturer = T::CreateOrigin::ensure_origin(origin)?;
			Self::do_create(manufacturer, product_type, lots).map(|_| ())
		}

		/// Appends `step` to the log of `product` (in production). The custodian may, or whoever
		/// acts for the custodian's DID (its controller or an authentication delegate, e.g. the
		/// factory's gateway). The step's machine must be one the custodian owns: a machine of
		/// another owner works on the product through an M2M task, whose step the tasks pallet
		/// records. The machine must hold the step's capability backed by a credential valid
		/// now; the step must start no earlier than the product was created, have ended, and not
		/// take longer than `MaxStepDuration`. A step overlapping a recalled range of its machine
		/// recalls the product at once.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::record_step())]
		pub fn record_step(
			origin: OriginFor<T>,
			product: T::AccountId,
			step: StepInput<T::AccountId>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let p = Products::<T>::get(&product).ok_or(Error::<T>::UnknownProduct)?;
			ensure!(
				who == p.custodian || T::Dids::acts_for(&p.custodian, &who),
				Error::<T>::NotAuthorized
			);
			ensure!(Self::is_actor(&p.custodian), Error::<T>::NotActiveActor);
			match T::Machines::owner(&step.machine) {
				None => return Err(Error::<T>::UnknownMachine.into()),
				Some(owner) => ensure!(owner == p.custodian, Error::<T>::MachineNotPutToWork),
			}
			Self::append_step(&who, &product, p, step)
		}

		/// Sets the environment of step `index` of `product`: `sensor`'s telemetry window
		/// starting at `start`, which must be anchored and overlap the step (its Merkle root is
		/// taken from the chain). Once only; the custodian, the step's machine or its gateway
		/// may.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::attach_environment())]
		pub fn attach_environment(
			origin: OriginFor<T>,
			product: T::AccountId,
			index: u32,
			sensor: T::AccountId,
			start: Moment,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_attach_environment(who, product, index, sensor, start)
		}

		/// Marks `product` finished: no more steps. Custodian only.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::finish())]
		pub fn finish(origin: OriginFor<T>, product: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let p = Products::<T>::get(&product).ok_or(Error::<T>::UnknownProduct)?;
			Self::ensure_custodian(&who, &p)?;
			Self::do_finish(&product, p)
		}

		/// Builds the finished `component` into `parent` (in production). The custodian of both
		/// may. The component then moves with its parent and shares its recalls.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::add_component())]
		pub fn add_component(
			origin: OriginFor<T>,
			parent: T::AccountId,
			component: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(parent != component, Error::<T>::SelfComponent);
			let mut p = Products::<T>::get(&parent).ok_or(Error::<T>::UnknownProduct)?;
			let mut c = Products::<T>::get(&component).ok_or(Error::<T>::UnknownProduct)?;
			Self::ensure_custodian(&who, &p)?;
			ensure!(c.custodian == who, Error::<T>::NotCustodian);
			ensure!(p.lifecycle == Lifecycle::InProduction, Error::<T>::NotInProduction);
			// Only finished products become components and only products in production take
			// them, and neither state comes back: no cycle can form.
			ensure!(c.lifecycle == Lifecycle::Finished, Error::<T>::ComponentNotFinished);
			ensure!(c.parent.is_none(), Error::<T>::PartOfAssembly);
			ensure!(c.offer.is_none(), Error::<T>::OfferPending);
			ensure!(p.components < T::MaxComponents::get(), Error::<T>::TooManyComponents);
			p.components += 1;
			c.parent = Some(parent.clone());
			Products::<T>::insert(&parent, p);
			Products::<T>::insert(&component, c);
			Components::<T>::insert(&parent, &component, ());
			Self::deposit_event(Event::ComponentAdded { parent, component });
			Ok(())
		}

		/// Offers `product` to `to`, a registered active actor, who must accept it. A finished
		/// or delivered product becomes `Shipped`. Custodian only; not for a product built into
		/// another.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::offer_custody())]
		pub fn offer_custody(
			origin: OriginFor<T>,
			product: T::AccountId,
			to: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_offer_custody(who, product, to)
		}

		/// Accepts the custody of `product` offered to the caller. A shipped product becomes
		/// `Delivered`. The product's DID goes with it: the new custodian controls it, the old
		/// one's delegates and attributes are removed (so a seller cannot deactivate a sold
		/// product's DID).
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::accept_custody().saturating_add(T::Dids::hand_over_weight()))]
		pub fn accept_custody(origin: OriginFor<T>, product: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_accept_custody(who, product)
		}

		/// Withdraws the pending custody offer of `product`; a product the offer made `Shipped`
		/// goes back to what it was (one finished or recalled meanwhile stays so). Custodian
		/// only.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::withdraw_offer())]
		pub fn withdraw_offer(origin: OriginFor<T>, product: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_offer(who, product)
		}

		/// Attaches the anchored `credential` about `product` (e.g. a quality certificate),
		/// which must be valid now. The custodian or the credential's issuer may; issuers other
		/// than the custodian fill at most half of `MaxCredentials`.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::attach_credential())]
		pub fn attach_credential(
			origin: OriginFor<T>,
			product: T::AccountId,
			credential: Digest,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut p = Products::<T>::get(&product).ok_or(Error::<T>::UnknownProduct)?;
			let issuer =
				T::Credentials::check_credential(&product, &credential).map_err(|e| match e {
					CapabilityError::Unknown => Error::<T>::CredentialUnknown,
					CapabilityError::WrongSubject | CapabilityError::WrongCapability => {
						Error::<T>::CredentialNotForProduct
					},
					CapabilityError::OutsideValidity => Error::<T>::CredentialNotValidNow,
					CapabilityError::Revoked => Error::<T>::CredentialRevoked,
					CapabilityError::Suspended => Error::<T>::CredentialSuspended,
				})?;
			ensure!(p.custodian == who || issuer == who, Error::<T>::NotCustodian);
			ensure!(
				!ProductCredentials::<T>::contains_key(&product, credential),
				Error::<T>::CredentialAttached
			);
			ensure!(p.credentials < T::MaxCredentials::get(), Error::<T>::TooManyCredentials);
			// Certifiers attaching on their own use at most half the slots: the custodian always
			// has room for the certificates it chooses.
			if who != p.custodian {
				let by_others = ProductCredentials::<T>::iter_prefix_values(&product)
					.filter(|a| a.by != p.custodian)
					.count() as u32;
				ensure!(by_others < T::MaxCredentials::get() / 2, Error::<T>::TooManyCredentials);
			}
			p.credentials += 1;
			Products::<T>::insert(&product, p);
			ProductCredentials::<T>::insert(
				&product,
				credential,
				Attachment { issuer, by: who, at: Self::stamp() },
			);
			Self::deposit_event(Event::CredentialAttached { product, credential });
			Ok(())
		}

		/// Recalls `lot`: every product made from it, and every product those were built into,
		/// becomes `Recalled` (walked in `on_idle`); the lot cannot be used any more. The lot's
		/// supplier or the recall origin may.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::recall_lot())]
		pub fn recall_lot(origin: OriginFor<T>, lot: LotId, reason: Reason) -> DispatchResult {
			let by = Self::recaller(origin)?;
			Self::do_recall_lot(by, lot, reason)
		}

		/// Recalls what `machine` did from `from` to `to` (ms since the epoch, inclusive): every
		/// product with a step on it overlapping the range, and every product those were built
		/// into, becomes `Recalled` (walked in `on_idle`; steps recorded later that overlap are
		/// caught when recorded). The machine's owner or the recall origin may.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::recall_machine_range())]
		pub fn recall_machine_range(
			origin: OriginFor<T>,
			machine: T::AccountId,
			from: Moment,
			to: Moment,
			reason: Reason,
		) -> DispatchResult {
			let by = Self::recaller(origin)?;
			Self::do_recall_machine_range(by, machine, from, to, reason)
		}
	}
}
