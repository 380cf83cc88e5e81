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
mod matching;
mod orders;

use escrow::NewTask;

use frame_support::{traits::fungible, weights::Weight};
use twinchain_primitives::{
	now_ms, stamp_now, CapabilityKey, DidAuthority, LotList, MachineRegistry, MachineStatus,
	MaintenanceRequest, Moment, ProductType, ProvenanceRecorder, ResultDetail, RoleProvider,
	ShortText, Stamp, StepInput, StepParams, StepResult, TaskId,
};

/// A balance of the escrow currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;
type BlockNumberOf<T> = frame_system::pallet_prelude::BlockNumberFor<T>;
type AccountOf<T> = <T as frame_system::Config>::AccountId;
/// A task of this runtime.
pub type TaskOf<T> = TaskInfo<AccountOf<T>, BalanceOf<T>, BlockNumberOf<T>>;
/// A recipe of this runtime.
pub type RecipeOf<T> = Recipe<AccountOf<T>, BalanceOf<T>>;
/// An order of this runtime.
pub type OrderOf<T> = Order<AccountOf<T>, BalanceOf<T>, BlockNumberOf<T>>;

/// Which per-block schedule.
#[derive(Clone, Copy)]
enum Schedule {
	Deadline,
	ChallengeEnd,
}

/// How many later blocks are tried when a schedule's block is full.
const SCHEDULE_TRIES: u32 = 16;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible::MutateHold, UnixTime},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::{Saturating, Zero};

	/// The storage layout's version: 1 since the storage `Registry` was renamed `TaskRecords`
	/// ([`migrations::v1`]), 2 since disputes lapse ([`migrations::v2`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

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
		/// Blocks after completion in which the requester may dispute.
		#[pallet::constant]
		type ChallengePeriod: Get<BlockNumberFor<Self>>;
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
		/// The most tasks one requester may have that are not over (open, running, completed
		/// or disputed), its orders' steps and its maintenance rules' tasks included: so no
		/// member fills the shared schedules and queue that others' tasks need.
		#[pallet::constant]
		type MaxLiveTasksPerRequester: Get<u32>;
		/// The most waiting tasks retried per block.
		#[pallet::constant]
		type MaxRetriesPerBlock: Get<u32>;
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
	}

	/// Tasks.
	#[pallet::storage]
	pub type TaskRecords<T: Config> = StorageMap<_, Twox64Concat, TaskId, TaskOf<T>>;

	/// The id the next task gets.
	#[pallet::storage]
	pub type NextTaskId<T: Config> = StorageValue<_, TaskId, ValueQuery>;

	/// The tasks whose deadline is each block.
	#[pallet::storage]
	pub type Deadlines<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<TaskId, T::MaxTasksPerBlock>,
		ValueQuery,
	>;

	/// The completed tasks that settle by themselves at each block.
	#[pallet::storage]
	pub type ChallengeEnds<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<TaskId, T::MaxTasksPerBlock>,
		ValueQuery,
	>;

	/// How many tasks of each requester are not over (see `MaxLiveTasksPerRequester`).
	#[pallet::storage]
	pub type LiveTasks<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Open tasks that asked to be assigned and found no machine yet, oldest first.
	#[pallet::storage]
	pub type Waiting<T: Config> = StorageValue<_, BoundedVec<TaskId, T::MaxWaiting>, ValueQuery>;

	/// Recipes.
	#[pallet::storage]
	pub type Recipes<T: Config> = StorageMap<_, Twox64Concat, RecipeId, RecipeOf<T>>;

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
		/// A manufacturer registered a recipe.
		RecipeRegistered { recipe: RecipeId, manufacturer: T::AccountId },
		/// A production order was placed; its product exists.
		OrderPlaced { order: OrderId, recipe: RecipeId, product: T::AccountId },
		/// An order's step got its task.
		OrderStepCreated { order: OrderId, step: u32, task: TaskId },
		/// Every step of an order is done; its product is finished.
		OrderFinished { order: OrderId, product: T::AccountId },
		/// An order stopped at a step that expired, failed or was cancelled.
		OrderFailed { order: OrderId, step: u32 },
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
			use frame_support::traits::fungible::Inspect;
			assert!(
				T::MinReward::get() >= T::Currency::minimum_balance(),
				"MinReward below the existential deposit: a settlement could fail"
			);
			assert!(T::MaxTasksPerBlock::get() >= 1, "MaxTasksPerBlock: no task could be created");
			assert!(!T::ChallengePeriod::get().is_zero(), "ChallengePeriod: no time to dispute");
			assert!(!T::DisputePeriod::get().is_zero(), "DisputePeriod: no time to decide");
			assert!(T::MaxLiveTasksPerRequester::get() >= 1, "MaxLiveTasksPerRequester: no task");
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Asks for `capability` with `params`, optionally on `product` (the caller must be its
		/// custodian) and by the `designated` machine only, paying `reward` (held now) if it is
		/// completed by block `deadline`. With `auto_assign` the chain assigns it to a capable
		/// idle machine, now or as soon as one is free. The caller must be a registered actor
		/// or machine. Without `auto_assign` nothing is matched, and the call weighs less.
		#[pallet::call_index(0)]
		#[pallet::weight(if *auto_assign {
			T::WeightInfo::create_task()
		} else {
			T::WeightInfo::create_task_unmatched()
		})]
		#[allow(clippy::too_many_arguments, reason = "an extrinsic's arguments are its API")]
		pub fn create_task(
			origin: OriginFor<T>,
			capability: CapabilityKey,
			params: StepParams,
			product: Option<T::AccountId>,
			designated: Option<T::AccountId>,
			reward: BalanceOf<T>,
			deadline: BlockNumberFor<T>,
			auto_assign: bool,
		) -> DispatchResult {
			let requester = ensure_signed(origin)?;
			ensure!(Self::is_participant(&requester), Error::<T>::NotParticipant);
			if let Some(p) = &product {
				ensure!(T::Provenance::in_production(p), Error::<T>::ProductNotInProduction);
				ensure!(
					T::Provenance::custodian(p).as_ref() == Some(&requester),
					Error::<T>::NotCustodian
				);
			}
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(
				deadline > now && deadline <= now.saturating_add(T::MaxDeadline::get()),
				Error::<T>::InvalidDeadline
			);
			Self::new_task(NewTask {
				requester,
				capability,
				params,
				product,
				designated,
				reward,
				deadline,
				auto_assign,
				order: None,
			})
			.map(|_| ())
		}

		/// `machine` takes the open `task`: it must be idle and hold the task's capability with
		/// a credential valid now (and be the designated machine, if one is named). The
		/// machine, its gateway or its owner may.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::accept_task())]
		pub fn accept_task(
			origin: OriginFor<T>,
			task: TaskId,
			machine: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
			ensure!(t.state == TaskState::Open, Error::<T>::WrongState);
			ensure!(Self::acts_for(&who, &machine), Error::<T>::NotProvider);
			if let Some(d) = &t.designated {
				ensure!(d == &machine, Error::<T>::NotDesignated);
			}
			Self::check_provider(&machine, &t.capability)?;
			Self::assign(task, &mut t, machine)?;
			TaskRecords::<T>::insert(task, t);
			Ok(())
		}

		/// The provider reports that it started `task`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::start_task())]
		pub fn start_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
			ensure!(t.state == TaskState::Assigned, Error::<T>::WrongState);
			let machine = t.provider.clone().ok_or(Error::<T>::WrongState)?;
			ensure!(Self::acts_for(&who, &machine), Error::<T>::NotProvider);
			t.state = TaskState::InProgress;
			t.started = Some(Self::now());
			TaskRecords::<T>::insert(task, t);
			Self::deposit_event(Event::TaskStarted { task, machine });
			Ok(())
		}

		/// The provider reports `task` done with `result` and the hash of its `evidence`. The
		/// step joins the product's provenance; the machine is idle again; the reward settles
		/// when the requester confirms or after the challenge period. The next step of a
		/// production order is created. A task without a product is charged less (no step, no
		/// next task).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::complete_task())]
		pub fn complete_task(
			origin: OriginFor<T>,
			task: TaskId,
			result: ResultDetail,
			evidence: Evidence,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
			ensure!(
				matches!(t.state, TaskState::Assigned | TaskState::InProgress),
				Error::<T>::WrongState
			);
			let machine = t.provider.clone().ok_or(Error::<T>::WrongState)?;
			ensure!(Self::acts_for(&who, &machine), Error::<T>::NotProvider);
			let now = Self::stamp();
			let had_product = t.product.is_some();
			if let Some(product) = &t.product {
				T::Provenance::record_step(
					&machine,
					product,
					Self::step_of(task, &t, &machine, StepResult::Ok(result.clone()), now.time),
				)?;
			}
			// A machine its owner set offline (or retired) while working is no longer busy with
			// the task: the completion stands, only its counters stay as they were.
			#[allow(clippy::let_underscore_must_use, reason = "see the comment above")]
			let _ = T::Machines::finish_task(&machine, task, true);
			Self::unschedule(Schedule::Deadline, t.deadline, task);
			let challenge_end = Self::schedule(
				Schedule::ChallengeEnd,
				now.block.saturating_add(T::ChallengePeriod::get()),
				task,
			)?;
			t.state = TaskState::Completed;
			t.completion = Some(Completion { result, evidence, at: now, challenge_end });
			let order = t.order;
			TaskRecords::<T>::insert(task, t);
			Self::deposit_event(Event::TaskCompleted { task, machine, evidence });
			if let Some((order, step)) = order {
				Self::advance_order_or_stop(order, step);
			}
			Ok(if had_product { None } else { Some(T::WeightInfo::complete_task_plain()) }.into())
		}

		/// The requester confirms the completion of `task`: the reward goes to the provider's
		/// owner now.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::confirm_task())]
		pub fn confirm_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
			ensure!(t.requester == who, Error::<T>::NotRequester);
			ensure!(t.state == TaskState::Completed, Error::<T>::WrongState);
			if let Some(c) = &t.completion {
				Self::unschedule(Schedule::ChallengeEnd, c.challenge_end, task);
			}
			Self::pay(task, &mut t)?;
			TaskRecords::<T>::insert(task, t);
			Ok(())
		}

		/// The requester cancels the open `task`; the reward is refunded.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::cancel_task())]
		pub fn cancel_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
			ensure!(t.requester == who, Error::<T>::NotRequester);
			ensure!(t.state == TaskState::Open, Error::<T>::WrongState);
			Self::unschedule(Schedule::Deadline, t.deadline, task);
			Self::refund(task, &mut t, TaskState::Cancelled);
			TaskRecords::<T>::insert(task, t);
			Self::deposit_event(Event::TaskCancelled { task });
			Ok(())
		}

		/// The requester disputes the completion of `task` within the challenge period; an
		/// arbiter who is no party to it decides within `DisputePeriod`, else it lapses and the
		/// completion stands.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::dispute_task())]
		pub fn dispute_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_dispute(&who, task)
		}

		/// An arbiter decides the disputed `task`: the reward goes to the provider's owner
		/// (`for_provider`) or back to the requester. `PartyToDispute` if the arbiter is the
		/// requester or acts for the requester or provider machine.
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
			let mut t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
			ensure!(
				matches!(t.state, TaskState::Assigned | TaskState::InProgress),
				Error::<T>::WrongState
			);
			let machine = t.provider.clone().ok_or(Error::<T>::WrongState)?;
			ensure!(Self::acts_for(&who, &machine), Error::<T>::NotProvider);
			if let Some(product) = &t.product {
				// The failure is part of the product's story; a product that cannot take it
				// (e.g. recalled meanwhile) must not keep the task from failing.
				let step =
					Self::step_of(task, &t, &machine, StepResult::Failed(reason), Self::now());
				#[allow(clippy::let_underscore_must_use, reason = "see the comment above")]
				let _ = T::Provenance::record_step(&machine, product, step);
			}
			Self::unschedule(Schedule::Deadline, t.deadline, task);
			Self::refund(task, &mut t, TaskState::Failed);
			TaskRecords::<T>::insert(task, t);
			Self::deposit_event(Event::TaskFailed { task, machine });
			Ok(())
		}

		/// Asks the chain to assign the open `task` to a capable idle machine now. Anyone may
		/// (e.g. a gateway whose machine just became idle).
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::assign_task())]
		pub fn assign_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			ensure_signed(origin)?;
			let mut t = TaskRecords::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
			ensure!(t.state == TaskState::Open, Error::<T>::WrongState);
			let machine = Self::pick(&t).ok_or(Error::<T>::NoProviderAvailable)?;
			Self::assign(task, &mut t, machine)?;
			TaskRecords::<T>::insert(task, t);
			Ok(())
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
			ensure!(!steps.is_empty(), Error::<T>::EmptyRecipe);
			let deposit = T::RecipeDeposit::get();
			if !deposit.is_zero() {
				T::Currency::hold(&HoldReason::RecipeDeposit.into(), &manufacturer, deposit)?;
			}
			let recipe = NextRecipeId::<T>::get();
			NextRecipeId::<T>::put(recipe.saturating_add(1));
			Recipes::<T>::insert(
				recipe,
				Recipe { manufacturer: manufacturer.clone(), name, steps, deposit },
			);
			Self::deposit_event(Event::RecipeRegistered { recipe, manufacturer });
			Ok(())
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
	}

	impl<T: Config> Pallet<T> {
		pub(crate) fn now() -> Moment {
			now_ms::<T, T::Time>()
		}

		pub(crate) fn stamp() -> Stamp<BlockNumberFor<T>> {
			stamp_now::<T, T::Time>()
		}
	}
}
