//! # Tasks pallet: machine-to-machine task escrow and autonomous production orders
//!
//! - **Tasks** ([`Pallet::create_task`]): a requester — a registered machine or an actor —
//!   asks for a capability with parameters, optionally on a product (its custodian only) and
//!   for a designated machine, with a reward held in escrow (a balances hold) and a deadline.
//!   `Open` → `Assigned` ([`Pallet::accept_task`], or by the chain) → `InProgress`
//!   ([`Pallet::start_task`]) → `Completed` ([`Pallet::complete_task`], with a result and an
//!   evidence hash; the step joins the product's provenance) → `Settled` (the requester
//!   confirms, [`Pallet::confirm_task`], or the challenge period ends): the reward goes to the
//!   provider machine's owner. `Cancelled` ([`Pallet::cancel_task`], only while open),
//!   `Expired` (deadline passed; counted against the provider), `Failed`
//!   ([`Pallet::fail_task`]) refund the requester; `Disputed` ([`Pallet::dispute_task`]) is
//!   decided by an arbiter, a registrar who is no party to the task
//!   ([`Pallet::resolve_dispute`]), within `DisputePeriod`; undecided, the completion stands.
//! - **Providers**: a machine takes a task only while `Idle` and holding the capability backed
//!   by a credential valid at that moment (pallet-machines); taking it makes it `Busy(task)`,
//!   and completing, failing or expiring frees it (the work is over; settlement only moves the
//!   reward). The machine itself, its gateway (an authentication delegate of its DID) or its
//!   owner acts for it.
//! - **Automatic matching**: a task may ask the chain to assign it: the runtime picks,
//!   deterministically, the least loaded (fewest tasks done) and then longest idle capable
//!   machine among at most `MaxCandidates` entries of the capability index. Tasks no machine can
//!   take yet wait in a bounded queue retried in `on_initialize`.
//! - **Recipes and orders** ([`Pallet::register_recipe`], [`Pallet::place_order`]): a recipe is
//!   an ordered list of capability steps; an order creates the product and its first step's
//!   task with all step rewards held; completing step k appends it to the product's
//!   provenance and creates step k+1, until the product is finished. No person acts after the
//!   order.
//! - **Retention**: records hold per-byte deposits, returned when anyone reaps an over record
//!   ([`Pallet::reap_task`] after `TaskRetention`, [`Pallet::reap_order`]); see `retention.rs`.
//! - **Hooks**: deadlines and challenge ends are kept per block (at most `MaxTasksPerBlock`
//!   each), so `on_initialize` only takes the current block's lists, never scans tasks.

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
#[cfg(test)]
mod tests;
#[cfg(any(feature = "try-runtime", test))]
mod try_state;
mod types;
pub mod weights;

mod disputes;
mod escrow;
mod impl_maintenance;
mod lifecycle;
mod matching;
mod orders;
mod retention;

use escrow::{NewTask, Schedule};

use frame_support::weights::Weight;
use twinchain_primitives::{
	now_ms, stamp_now, CapabilityKey, DidAuthority, LotList, MachineRegistry, MachineStatus,
	MaintenanceRequest, Moment, ProductType, ProvenanceRecorder, ResultDetail, RoleProvider,
	ShortText, Stamp, StepInput, StepParams, StepResult, TaskId,
};

#[frame_support::pallet]
#[allow(clippy::too_many_arguments, reason = "an extrinsic's arguments are its API")]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible, fungible::MutateHold, UnixTime},
	};
	use frame_system::pallet_prelude::*;

	/// The storage layout's version: 1 since the storage `Registry` was renamed `TaskRecords`
	/// ([`migrations::v1`]), 2 since disputes lapse ([`migrations::v2`]), 3 since requesters
	/// have a share of the waiting queue ([`migrations::v3`]), 4 since running orders are
	/// counted per recipe ([`migrations::v4`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(4);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency rewards are held in.
		type Currency: fungible::Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The runtime's hold reasons.
		type RuntimeHoldReason: From<HoldReason>;
		/// The chain's clock.
		type Time: UnixTime;
		/// The machines: capabilities, status, owners.
		type Machines: MachineRegistry<Self::AccountId>;
		/// Who acts for a machine: its gateway is an authentication delegate of its DID.
		type Dids: DidAuthority<Self::AccountId>;
		/// The products' provenance, which completed steps join.
		type Provenance: ProvenanceRecorder<Self::AccountId>;
		/// Who is a registered actor (requesters are actors or machines).
		type Actors: RoleProvider<Self::AccountId>;
		/// Who registers recipes and places orders (active manufacturers).
		type RecipeOrigin: EnsureOrigin<Self::RuntimeOrigin, Success = Self::AccountId>;
		/// Who decides disputes (registrars).
		type ArbiterOrigin: EnsureOrigin<Self::RuntimeOrigin, Success = Self::AccountId>;
		/// The smallest reward (at least the existential deposit, so a settlement can always
		/// be paid).
		#[pallet::constant]
		type MinReward: Get<BalanceOf<Self>>;
		/// The deposit held for a recipe.
		#[pallet::constant]
		type RecipeDeposit: Get<BalanceOf<Self>>;
		/// The deposit held for an order budget a manufacturer gives a gateway.
		#[pallet::constant]
		type BudgetDeposit: Get<BalanceOf<Self>>;
		/// Blocks after completion in which the requester may dispute, unless it set its own
		/// period for the task (`create_task`'s `challenge`); order steps and maintenance
		/// tasks always have this one.
		#[pallet::constant]
		type ChallengePeriod: Get<BlockNumberFor<Self>>;
		/// The shortest challenge period a requester may set for its task.
		#[pallet::constant]
		type MinChallengePeriod: Get<BlockNumberFor<Self>>;
		/// The longest challenge period a requester may set for its task.
		#[pallet::constant]
		type MaxChallengePeriod: Get<BlockNumberFor<Self>>;
		/// The share of a task's reward its provider's owner stakes when the machine takes
		/// it: held until the task is over, and paid to the requester if an arbiter decides a
		/// dispute against the provider.
		#[pallet::constant]
		type ProviderStake: Get<sp_runtime::Perbill>;
		/// Blocks an arbiter has to decide a dispute; undecided, the dispute lapses and the
		/// provider is paid.
		#[pallet::constant]
		type DisputePeriod: Get<BlockNumberFor<Self>>;
		/// The furthest a deadline may lie ahead, in blocks.
		#[pallet::constant]
		type MaxDeadline: Get<BlockNumberFor<Self>>;
		/// The most deadlines (and, separately, challenge ends) in one block.
		#[pallet::constant]
		type MaxTasksPerBlock: Get<u32>;
		/// The most capability-index entries automatic matching reads.
		#[pallet::constant]
		type MaxCandidates: Get<u32>;
		/// The most tasks waiting for a machine.
		#[pallet::constant]
		type MaxWaiting: Get<u32>;
		/// The most places in the waiting queue one requester's tasks take; its other tasks
		/// stay open for `accept_task`/`assign_task`.
		#[pallet::constant]
		type MaxWaitingPerRequester: Get<u32>;
		/// The most tasks one requester may have that are not over (open, running, completed
		/// or disputed), its orders' steps and its maintenance rules' tasks included: so no
		/// member fills the shared schedules and queue that others' tasks need.
		#[pallet::constant]
		type MaxLiveTasksPerRequester: Get<u32>;
		/// The most waiting tasks retried per block.
		#[pallet::constant]
		type MaxRetriesPerBlock: Get<u32>;
		/// Held from a task's or an order's requester for its record (plus
		/// `RecordDepositPerByte` per byte it may take) until it is reaped.
		#[pallet::constant]
		type RecordDepositBase: Get<BalanceOf<Self>>;
		/// See `RecordDepositBase`.
		#[pallet::constant]
		type RecordDepositPerByte: Get<BalanceOf<Self>>;
		/// Blocks past its deadline that an over task's record stays before anyone may reap it:
		/// at least the longest challenge and dispute periods.
		#[pallet::constant]
		type TaskRetention: Get<BlockNumberFor<Self>>;
		/// Weights from this pallet's benchmarks.
		type WeightInfo: WeightInfo;
		/// Sets up machines, funds and actors in benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Rewards in escrow.
		Escrow,
		/// The deposit for a recipe.
		RecipeDeposit,
		/// A provider's stake on a task its machine took.
		ProviderStake,
		/// The deposit for an order budget.
		OrderBudget,
		/// The deposit for a task's or an order's record.
		RecordDeposit,
	}

	/// Tasks.
	#[pallet::storage]
	pub type TaskRecords<T: Config> = StorageMap<_, Twox64Concat, TaskId, TaskOf<T>>;

	/// The id the next task gets.
	#[pallet::storage]
	pub type NextTaskId<T: Config> = StorageValue<_, TaskId, ValueQuery>;

	/// The tasks whose deadline is each block.
	#[pallet::storage]
	pub type Deadlines<T: Config> =
		StorageMap<_, Twox64Concat, BlockNumberFor<T>, BlockTasks<T>, ValueQuery>;

	/// The completed tasks that settle by themselves at each block.
	#[pallet::storage]
	pub type ChallengeEnds<T: Config> =
		StorageMap<_, Twox64Concat, BlockNumberFor<T>, BlockTasks<T>, ValueQuery>;

	/// How many tasks of each requester are not over (see `MaxLiveTasksPerRequester`).
	#[pallet::storage]
	pub type LiveTasks<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Open tasks that asked to be assigned and found no machine yet, oldest first.
	#[pallet::storage]
	pub type Waiting<T: Config> = StorageValue<_, BoundedVec<TaskId, T::MaxWaiting>, ValueQuery>;

	/// How many places of `Waiting` each requester's tasks take (see `MaxWaitingPerRequester`).
	#[pallet::storage]
	pub type WaitingPlaces<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// The stake held for each task a machine took and that is not over: who staked (the
	/// machine's owner then) and how much.
	#[pallet::storage]
	pub type Stakes<T: Config> = StorageMap<_, Twox64Concat, TaskId, (T::AccountId, BalanceOf<T>)>;

	/// What each manufacturer's gateways may still commit in orders placed for it
	/// (`place_order_for`), with the deposit held for the entry.
	#[pallet::storage]
	pub type OrderBudgets<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		T::AccountId,
		OrderBudget<BalanceOf<T>>,
	>;

	/// Each task record's deposit, held from its requester (none before runtime 112).
	#[pallet::storage]
	pub type TaskDeposits<T: Config> = StorageMap<_, Twox64Concat, TaskId, BalanceOf<T>>;

	/// Each order record's deposit, held from its requester.
	#[pallet::storage]
	pub type OrderDeposits<T: Config> = StorageMap<_, Twox64Concat, OrderId, BalanceOf<T>>;

	/// The challenge period of each task not yet completed whose requester set its own.
	#[pallet::storage]
	pub type ChallengePeriods<T: Config> = StorageMap<_, Twox64Concat, TaskId, BlockNumberFor<T>>;

	/// Recipes.
	#[pallet::storage]
	pub type Recipes<T: Config> = StorageMap<_, Twox64Concat, RecipeId, RecipeOf<T>>;

	/// How many running orders follow each recipe (absent: none); a recipe in use stays.
	#[pallet::storage]
	pub type RecipeOrders<T: Config> = StorageMap<_, Twox64Concat, RecipeId, u32, ValueQuery>;

	/// The id the next recipe gets.
	#[pallet::storage]
	pub type NextRecipeId<T: Config> = StorageValue<_, RecipeId, ValueQuery>;

	/// Production orders.
	#[pallet::storage]
	pub type Orders<T: Config> = StorageMap<_, Twox64Concat, OrderId, OrderOf<T>>;

	/// The id the next order gets.
	#[pallet::storage]
	pub type NextOrderId<T: Config> = StorageValue<_, OrderId, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A task was created with its reward in escrow.
		TaskCreated {
			task: TaskId,
			requester: T::AccountId,
			capability: CapabilityKey,
			reward: BalanceOf<T>,
			deadline: BlockNumberFor<T>,
		},
		/// A machine took a task: everything its gateway needs to command it.
		TaskAssigned {
			task: TaskId,
			machine: T::AccountId,
			requester: T::AccountId,
			capability: CapabilityKey,
			params: StepParams,
			product: Option<T::AccountId>,
			deadline: BlockNumberFor<T>,
		},
		/// The provider started the work.
		TaskStarted { task: TaskId, machine: T::AccountId },
		/// The provider finished the work.
		TaskCompleted { task: TaskId, machine: T::AccountId, evidence: Evidence },
		/// The reward went from the requester's escrow to the provider's owner.
		TaskSettled { task: TaskId, from: T::AccountId, to: T::AccountId, reward: BalanceOf<T> },
		/// The requester cancelled an open task.
		TaskCancelled { task: TaskId },
		/// The deadline passed before completion.
		TaskExpired { task: TaskId, machine: Option<T::AccountId> },
		/// The provider reported the work failed.
		TaskFailed { task: TaskId, machine: T::AccountId },
		/// The requester disputes a completion; an arbiter decides by block `until`.
		TaskDisputed { task: TaskId, until: BlockNumberFor<T> },
		/// No arbiter decided the dispute in time: the completion stands.
		DisputeLapsed { task: TaskId },
		/// An arbiter decided a dispute.
		DisputeResolved { task: TaskId, arbiter: T::AccountId, for_provider: bool },
		/// A machine's owner staked on the task its machine took.
		StakeHeld { task: TaskId, owner: T::AccountId, stake: BalanceOf<T> },
		/// A dispute was decided against the provider: its owner's stake went to the requester.
		StakeSlashed { task: TaskId, owner: T::AccountId, to: T::AccountId, stake: BalanceOf<T> },
		/// A manufacturer registered a recipe.
		RecipeRegistered { recipe: RecipeId, manufacturer: T::AccountId },
		/// A manufacturer removed its recipe; its deposit went back.
		RecipeRemoved { recipe: RecipeId, manufacturer: T::AccountId },
		/// A manufacturer set (`Some`) or withdrew (`None`) what a gateway may commit in orders
		/// for it.
		OrderBudgetSet { owner: T::AccountId, gateway: T::AccountId, budget: Option<BalanceOf<T>> },
		/// A production order was placed; its product exists.
		OrderPlaced { order: OrderId, recipe: RecipeId, product: T::AccountId },
		/// An order's step got its task.
		OrderStepCreated { order: OrderId, step: u32, task: TaskId },
		/// Every step of an order is done; its product is finished.
		OrderFinished { order: OrderId, product: T::AccountId },
		/// An order stopped at a step that expired, failed or was cancelled.
		OrderFailed { order: OrderId, step: u32 },
		/// An over task's record was removed; its deposit went back to the requester.
		TaskReaped { task: TaskId, requester: T::AccountId, deposit: BalanceOf<T> },
		/// An over order's record was removed; its deposit went back to the requester.
		OrderReaped { order: OrderId, requester: T::AccountId, deposit: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No task has this id.
		UnknownTask,
		/// Only the task's requester may do this.
		NotRequester,
		/// Only the provider machine, its gateway or its owner may do this.
		NotProvider,
		/// The task is not in a state that allows this.
		WrongState,
		/// The reward is below `MinReward`.
		RewardTooLow,
		/// The deadline is not ahead, or too far ahead.
		InvalidDeadline,
		/// The deadline's block has `MaxTasksPerBlock` deadlines; choose another block.
		DeadlineBusy,
		/// No later block had room to schedule this.
		ScheduleFull,
		/// Requesters are registered actors or machines.
		NotParticipant,
		/// The product is not in production.
		ProductNotInProduction,
		/// Only the product's custodian may ask for work on it.
		NotCustodian,
		/// The machine is not registered.
		UnknownMachine,
		/// Another machine is designated for this task.
		NotDesignated,
		/// The machine does not hold the capability with a credential valid now.
		CapabilityNotValid,
		/// The machine is not idle.
		ProviderBusy,
		/// No capable idle machine was found.
		NoProviderAvailable,
		/// No recipe has this id.
		UnknownRecipe,
		/// A recipe needs at least one step.
		EmptyRecipe,
		/// The rewards of all steps overflow.
		Overflow,
		/// A capability or parameters too long for a task.
		BadInput,
		/// The machine cannot go into maintenance (unknown, offline, retired or already there).
		MachineUnavailable,
		/// An arbiter may not decide a dispute it is a party to (requester, or acting for the
		/// requester or provider machine).
		PartyToDispute,
		/// The machine's owner is not an active actor (suspended): it takes no work.
		OwnerSuspended,
		/// The requester has `MaxLiveTasksPerRequester` tasks that are not over.
		TooManyLiveTasks,
		/// The challenge period is outside `MinChallengePeriod ..= MaxChallengePeriod`.
		InvalidChallengePeriod,
		/// The machine's owner cannot hold the provider stake the task needs.
		StakeUnavailable,
		/// The task's challenge (or dispute) period is not over yet.
		ChallengeNotOver,
		/// The manufacturer gave the caller no order budget.
		NoOrderBudget,
		/// The order costs more than what is left of the caller's order budget.
		OverBudget,
		/// Orders are placed for active manufacturers only.
		NotManufacturer,
		/// No order has this id.
		UnknownOrder,
		/// The task or order is not over: its record is still needed.
		NotOver,
		/// The task's record is kept until `TaskRetention` blocks past its deadline.
		RetentionNotOver,
		/// The task of the order's last step is still kept: reap it first.
		StepStillKept,
		/// Only the manufacturer that registered the recipe may remove it.
		NotRecipeOwner,
		/// Running orders follow the recipe: it stays until they are over.
		RecipeInUse,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		/// Expires the tasks whose deadline is this block, settles those whose challenge period
		/// ends, and retries up to `MaxRetriesPerBlock` waiting tasks.
		fn on_initialize(n: BlockNumberFor<T>) -> Weight {
			let expired = Self::expire_due(n);
			let settled = Self::settle_due(n);
			let retried = Self::retry_waiting();
			T::WeightInfo::expire_tasks(expired)
				.saturating_add(T::WeightInfo::settle_tasks(settled))
				.saturating_add(T::WeightInfo::retry_waiting(retried))
		}

		fn integrity_test() {
			Self::check_constants()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Asks for `capability` with `params`, optionally on `product` (the caller must be its
		/// custodian) and by the `designated` machine only, paying `reward` (held now) if it is
		/// completed by block `deadline`. With `auto_assign` the chain assigns it to a capable
		/// idle machine, now or as soon as one is free. `challenge` sets the blocks after
		/// completion in which the requester may dispute (`MinChallengePeriod ..=
		/// MaxChallengePeriod`; `None`: `ChallengePeriod`). The caller must be a registered
		/// actor or machine. Without `auto_assign` nothing is matched, and the call weighs
		/// less.
		#[pallet::call_index(0)]
		#[pallet::weight(if *auto_assign {
			T::WeightInfo::create_task()
		} else {
			T::WeightInfo::create_task_unmatched()
		})]
		pub fn create_task(
			origin: OriginFor<T>,
			capability: CapabilityKey,
			params: StepParams,
			product: Option<T::AccountId>,
			designated: Option<T::AccountId>,
			reward: BalanceOf<T>,
			deadline: BlockNumberFor<T>,
			auto_assign: bool,
			challenge: Option<BlockNumberFor<T>>,
		) -> DispatchResult {
			let requester = ensure_signed(origin)?;
			Self::do_create(NewTask {
				requester,
				capability,
				params,
				product,
				designated,
				reward,
				deadline,
				auto_assign,
				order: None,
				challenge,
			})
		}

		/// `machine` takes the open `task`: it must be idle and hold the task's capability with
		/// a credential valid now (and be the designated machine, if one is named), and its
		/// owner stakes `ProviderStake` of the reward. The machine, its gateway or its owner
		/// may.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::accept_task())]
		pub fn accept_task(
			origin: OriginFor<T>,
			task: TaskId,
			machine: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_accept(who, task, machine)
		}

		/// The provider reports that it started `task`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::start_task())]
		pub fn start_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_start(who, task)
		}

		/// The provider reports `task` done with `result` and the hash of its `evidence`. The
		/// step joins the product's provenance; the machine is idle again; the reward settles
		/// when the requester (or its gateway) confirms or after the challenge period. The
		/// next step of a production order is created. A task without a product is charged
		/// less (no step, no next task).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::complete_task())]
		pub fn complete_task(
			origin: OriginFor<T>,
			task: TaskId,
			result: ResultDetail,
			evidence: Evidence,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let had_product = Self::do_complete(who, task, result, evidence)?;
			Ok(if had_product { None } else { Some(T::WeightInfo::complete_task_plain()) }.into())
		}

		/// The requester, or whoever acts for its DID (e.g. the custodian's gateway, an
		/// authentication delegate), confirms the completion of `task`: the reward goes to the
		/// provider's owner now and its stake is released.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::confirm_task())]
		pub fn confirm_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_confirm(&who, task)
		}

		/// The requester cancels the open `task`; the reward is refunded.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::cancel_task())]
		pub fn cancel_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel(&who, task)
		}

		/// The requester, or whoever acts for its DID, disputes the completion of `task` within
		/// the challenge period; an arbiter who is no party to it decides within
		/// `DisputePeriod`, else it lapses and the completion stands.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::dispute_task())]
		pub fn dispute_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_dispute(&who, task)
		}

		/// An arbiter decides the disputed `task`: the reward goes to the provider's owner
		/// (`for_provider`) or back to the requester, with the provider's stake. `PartyToDispute`
		/// if the arbiter is the requester or acts for the requester or provider machine.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::resolve_dispute())]
		pub fn resolve_dispute(
			origin: OriginFor<T>,
			task: TaskId,
			for_provider: bool,
		) -> DispatchResult {
			let arbiter = T::ArbiterOrigin::ensure_origin(origin)?;
			Self::do_resolve(arbiter, task, for_provider)
		}

		/// The provider reports that `task` failed (`reason`); the failure joins the product's
		/// provenance, the requester is refunded and the machine is idle again.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::fail_task())]
		pub fn fail_task(
			origin: OriginFor<T>,
			task: TaskId,
			reason: ResultDetail,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_fail(who, task, reason)
		}

		/// Asks the chain to assign the open `task` to a capable idle machine now. Anyone may
		/// (e.g. a gateway whose machine just became idle).
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::assign_task())]
		pub fn assign_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_assign(task)
		}

		/// Registers a recipe: `steps` in order, each a capability with parameters. Active
		/// manufacturers only; the recipe deposit is held.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::register_recipe(steps.len() as u32))]
		pub fn register_recipe(
			origin: OriginFor<T>,
			name: ShortText,
			steps: RecipeSteps,
		) -> DispatchResult {
			let manufacturer = T::RecipeOrigin::ensure_origin(origin)?;
			Self::do_register_recipe(manufacturer, name, steps)
		}

		/// Places a production order: creates a product of `product_type` from `lots`, holds
		/// `reward_per_step` for every step of `recipe`, and creates the first step's task,
		/// assigned by the chain; each step may take `step_blocks` blocks. Active manufacturers
		/// only. Machines do the rest.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::place_order())]
		pub fn place_order(
			origin: OriginFor<T>,
			recipe: RecipeId,
			product_type: ProductType,
			lots: LotList,
			reward_per_step: BalanceOf<T>,
			step_blocks: BlockNumberFor<T>,
		) -> DispatchResult {
			let requester = T::RecipeOrigin::ensure_origin(origin)?;
			Self::do_place_order(
				requester,
				recipe,
				product_type,
				lots,
				reward_per_step,
				step_blocks,
			)
		}

		/// Lets `gateway` place orders for the caller (`place_order_for`) committing at most
		/// `budget` of the caller's funds in rewards and deposits, all orders together; `None`
		/// withdraws it. Active manufacturers
		/// only; the budget deposit is held while the budget is set. The gateway may also confirm
		/// or dispute the steps of the caller's orders.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::set_order_budget())]
		pub fn set_order_budget(
			origin: OriginFor<T>,
			gateway: T::AccountId,
			budget: Option<BalanceOf<T>>,
		) -> DispatchResult {
			let owner = T::RecipeOrigin::ensure_origin(origin)?;
			Self::do_set_budget(owner, gateway, budget)
		}

		/// Places a production order for `owner` (an active manufacturer that gave the caller an
		/// order budget), as `place_order` does: `owner` holds the rewards and the product. All
		/// the order can hold from `owner` (rewards, the product's, the order's and the steps'
		/// deposits) comes off the caller's budget (`OverBudget` if it exceeds it, and nothing is
		/// placed). What a factory's gateway does with the orders it receives.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::place_order_for())]
		pub fn place_order_for(
			origin: OriginFor<T>,
			owner: T::AccountId,
			recipe: RecipeId,
			product_type: ProductType,
			lots: LotList,
			reward_per_step: BalanceOf<T>,
			step_blocks: BlockNumberFor<T>,
		) -> DispatchResult {
			let gateway = ensure_signed(origin)?;
			let order = (recipe, product_type, lots, reward_per_step, step_blocks);
			Self::do_place_order_for(gateway, owner, order)
		}

		/// Settles `task` whose challenge period (or undecided dispute) is over but that the
		/// block hook did not settle (its block's schedule was full). Anyone may.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::settle_task())]
		pub fn settle_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_settle(task)
		}

		/// Removes the record of `task`, over and `TaskRetention` blocks past its deadline; its
		/// deposit goes back to the requester. Anyone may.
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::reap_task())]
		pub fn reap_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_reap_task(task)
		}

		/// Removes the over `order` whose last step's task is reaped; refunds its deposit.
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::reap_order())]
		pub fn reap_order(origin: OriginFor<T>, order: OrderId) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_reap_order(order)
		}

		/// Removes the caller's `recipe`, which no running order follows; its deposit goes
		/// back. Orders placed with it keep its id.
		#[pallet::call_index(17)]
		#[pallet::weight(T::WeightInfo::remove_recipe())]
		pub fn remove_recipe(origin: OriginFor<T>, recipe: RecipeId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_recipe(who, recipe)
		}
	}
}
