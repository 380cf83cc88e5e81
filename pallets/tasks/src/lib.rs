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
//!   decided by an arbiter, a registrar ([`Pallet::resolve_dispute`]).
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
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

use codec::Encode;
use frame_support::{traits::fungible, weights::Weight};
use pallet_actors::RoleProvider;
use pallet_did::{DelegateType, DidAuthority};
use pallet_machines::{MachineRegistry, MachineStatus};
use pallet_provenance::{ProvenanceRecorder, StepInput};

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
		traits::{
			fungible::MutateHold,
			tokens::{Fortitude, Precision, Restriction},
			UnixTime,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::{CheckedMul, Saturating, Zero};

	#[pallet::pallet]
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
	pub type Registry<T: Config> = StorageMap<_, Twox64Concat, TaskId, TaskOf<T>>;

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
		/// The requester disputes a completion.
		TaskDisputed { task: TaskId },
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
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
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
			Self::new_task(
				requester,
				capability,
				params,
				product,
				designated,
				reward,
				deadline,
				auto_assign,
				None,
			)
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
			let mut t = Registry::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
			ensure!(t.state == TaskState::Open, Error::<T>::WrongState);
			ensure!(Self::acts_for(&who, &machine), Error::<T>::NotProvider);
			if let Some(d) = &t.designated {
				ensure!(d == &machine, Error::<T>::NotDesignated);
			}
			Self::check_provider(&machine, &t.capability)?;
			Self::assign(task, &mut t, machine)?;
			Registry::<T>::insert(task, t);
			Ok(())
		}

		/// The provider reports that it started `task`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::start_task())]
		pub fn start_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut t = Registry::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
			ensure!(t.state == TaskState::Assigned, Error::<T>::WrongState);
			let machine = t.provider.clone().ok_or(Error::<T>::WrongState)?;
			ensure!(Self::acts_for(&who, &machine), Error::<T>::NotProvider);
			t.state = TaskState::InProgress;
			t.started = Some(Self::now());
			Registry::<T>::insert(task, t);
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
			result: pallet_provenance::ResultDetail,
			evidence: Evidence,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut t = Registry::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
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
			Registry::<T>::insert(task, t);
			Self::deposit_event(Event::TaskCompleted { task, machine, evidence });
			if let Some((order, step)) = order {
				Self::advance_order(order, step)?;
			}
			Ok(if had_product { None } else { Some(T::WeightInfo::complete_task_plain()) }.into())
		}

		/// The requester confirms the completion of `task`: the reward goes to the provider's
		/// owner now.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::confirm_task())]
		pub fn confirm_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut t = Registry::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
			ensure!(t.requester == who, Error::<T>::NotRequester);
			ensure!(t.state == TaskState::Completed, Error::<T>::WrongState);
			if let Some(c) = &t.completion {
				Self::unschedule(Schedule::ChallengeEnd, c.challenge_end, task);
			}
			Self::pay(task, &mut t)?;
			Registry::<T>::insert(task, t);
			Ok(())
		}

		/// The requester cancels the open `task`; the reward is refunded.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::cancel_task())]
		pub fn cancel_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut t = Registry::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
			ensure!(t.requester == who, Error::<T>::NotRequester);
			ensure!(t.state == TaskState::Open, Error::<T>::WrongState);
			Self::unschedule(Schedule::Deadline, t.deadline, task);
			Self::refund(task, &mut t, TaskState::Cancelled);
			Registry::<T>::insert(task, t);
			Self::deposit_event(Event::TaskCancelled { task });
			Ok(())
		}

		/// The requester disputes the completion of `task` within the challenge period; an
		/// arbiter decides.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::dispute_task())]
		pub fn dispute_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut t = Registry::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
			ensure!(t.requester == who, Error::<T>::NotRequester);
			ensure!(t.state == TaskState::Completed, Error::<T>::WrongState);
			if let Some(c) = &t.completion {
				Self::unschedule(Schedule::ChallengeEnd, c.challenge_end, task);
			}
			t.state = TaskState::Disputed;
			Registry::<T>::insert(task, t);
			Self::deposit_event(Event::TaskDisputed { task });
			Ok(())
		}

		/// An arbiter decides the disputed `task`: the reward goes to the provider's owner
		/// (`for_provider`) or back to the requester.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::resolve_dispute())]
		pub fn resolve_dispute(
			origin: OriginFor<T>,
			task: TaskId,
			for_provider: bool,
		) -> DispatchResult {
			let arbiter = T::ArbiterOrigin::ensure_origin(origin)?;
			let mut t = Registry::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
			ensure!(t.state == TaskState::Disputed, Error::<T>::WrongState);
			if for_provider {
				Self::pay(task, &mut t)?;
			} else {
				Self::release(&t);
				t.state = TaskState::Refunded;
			}
			Registry::<T>::insert(task, t);
			Self::deposit_event(Event::DisputeResolved { task, arbiter, for_provider });
			Ok(())
		}

		/// The provider reports that `task` failed (`reason`); the failure joins the product's
		/// provenance, the requester is refunded and the machine is idle again.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::fail_task())]
		pub fn fail_task(
			origin: OriginFor<T>,
			task: TaskId,
			reason: pallet_provenance::ResultDetail,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut t = Registry::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
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
				let _ = T::Provenance::record_step(&machine, product, step);
			}
			Self::unschedule(Schedule::Deadline, t.deadline, task);
			Self::refund(task, &mut t, TaskState::Failed);
			Registry::<T>::insert(task, t);
			Self::deposit_event(Event::TaskFailed { task, machine });
			Ok(())
		}

		/// Asks the chain to assign the open `task` to a capable idle machine now. Anyone may
		/// (e.g. a gateway whose machine just became idle).
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::assign_task())]
		pub fn assign_task(origin: OriginFor<T>, task: TaskId) -> DispatchResult {
			ensure_signed(origin)?;
			let mut t = Registry::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
			ensure!(t.state == TaskState::Open, Error::<T>::WrongState);
			let machine = Self::pick(&t).ok_or(Error::<T>::NoProviderAvailable)?;
			Self::assign(task, &mut t, machine)?;
			Registry::<T>::insert(task, t);
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
			let r = Recipes::<T>::get(recipe).ok_or(Error::<T>::UnknownRecipe)?;
			ensure!(reward_per_step >= T::MinReward::get(), Error::<T>::RewardTooLow);
			ensure!(
				!step_blocks.is_zero() && step_blocks <= T::MaxDeadline::get(),
				Error::<T>::InvalidDeadline
			);
			let total = reward_per_step
				.checked_mul(&(r.steps.len() as u32).into())
				.ok_or(Error::<T>::Overflow)?;
			T::Currency::hold(&HoldReason::Escrow.into(), &requester, total)?;
			let product = T::Provenance::create_product(&requester, product_type, lots)?;
			let order = NextOrderId::<T>::get();
			NextOrderId::<T>::put(order.saturating_add(1));
			Orders::<T>::insert(
				order,
				Order {
					requester,
					recipe,
					product: product.clone(),
					reward_per_step,
					step_blocks,
					step: 0,
					task: None,
					state: OrderState::Running,
					remaining: total,
				},
			);
			Self::deposit_event(Event::OrderPlaced { order, recipe, product });
			Self::start_step(order, 0)
		}
	}

	impl<T: Config> Pallet<T> {
		pub(crate) fn now() -> Moment {
			pallet_did::now_ms::<T, T::Time>()
		}

		pub(crate) fn stamp() -> Stamp<BlockNumberFor<T>> {
			pallet_did::stamp_now::<T, T::Time>()
		}

		/// Registered actors and registered machines may request.
		fn is_participant(who: &T::AccountId) -> bool {
			T::Machines::status(who).is_some() || T::Actors::is_active_actor(who)
		}

		/// Whether `who` is `machine`, its gateway or its owner.
		fn acts_for(who: &T::AccountId, machine: &T::AccountId) -> bool {
			who == machine
				|| T::Dids::is_delegate(machine, who, DelegateType::Authentication)
				|| T::Machines::owner(machine).as_ref() == Some(who)
		}

		fn check_provider(machine: &T::AccountId, capability: &[u8]) -> DispatchResult {
			match T::Machines::status(machine) {
				None => Err(Error::<T>::UnknownMachine.into()),
				Some(_) if !T::Machines::can_perform(machine, capability) => {
					Err(Error::<T>::CapabilityNotValid.into())
				},
				Some(MachineStatus::Idle) => Ok(()),
				Some(_) => Err(Error::<T>::ProviderBusy.into()),
			}
		}

		/// The designated machine if it can take the task now; otherwise the least loaded,
		/// then longest idle, capable idle machine among `MaxCandidates` index entries.
		pub(crate) fn pick(t: &TaskOf<T>) -> Option<T::AccountId> {
			if let Some(d) = &t.designated {
				return Self::check_provider(d, &t.capability).ok().map(|_| d.clone());
			}
			T::Machines::idle_candidates(&t.capability, T::MaxCandidates::get())
				.into_iter()
				.min_by(|a, b| (a.1, a.2, a.0.encode()).cmp(&(b.1, b.2, b.0.encode())))
				.map(|(machine, _, _)| machine)
		}

		fn assign(task: TaskId, t: &mut TaskOf<T>, machine: T::AccountId) -> DispatchResult {
			T::Machines::start_task(&machine, task).map_err(|_| Error::<T>::ProviderBusy)?;
			t.state = TaskState::Assigned;
			t.provider = Some(machine.clone());
			// The assignment time stands for the start until the provider reports one.
			t.started = Some(Self::now());
			Self::deposit_event(Event::TaskAssigned {
				task,
				machine,
				requester: t.requester.clone(),
				capability: t.capability.clone(),
				params: t.params.clone(),
				product: t.product.clone(),
				deadline: t.deadline,
			});
			Ok(())
		}

		/// Creates a task (holding its reward unless an order holds it already), schedules its
		/// deadline and, if asked, assigns it or queues it for a machine.
		#[allow(clippy::too_many_arguments)]
		pub(crate) fn new_task(
			requester: T::AccountId,
			capability: CapabilityKey,
			params: StepParams,
			product: Option<T::AccountId>,
			designated: Option<T::AccountId>,
			reward: BalanceOf<T>,
			deadline: BlockNumberFor<T>,
			auto_assign: bool,
			order: Option<(OrderId, u32)>,
		) -> Result<TaskId, DispatchError> {
			ensure!(reward >= T::MinReward::get(), Error::<T>::RewardTooLow);
			let id = NextTaskId::<T>::get();
			let deadline = if order.is_some() {
				Self::schedule(Schedule::Deadline, deadline, id)?
			} else {
				Deadlines::<T>::try_mutate(deadline, |list| list.try_push(id))
					.map_err(|_| Error::<T>::DeadlineBusy)?;
				T::Currency::hold(&HoldReason::Escrow.into(), &requester, reward)?;
				deadline
			};
			NextTaskId::<T>::put(id.saturating_add(1));
			let mut t = TaskInfo {
				requester: requester.clone(),
				capability: capability.clone(),
				params,
				product,
				designated,
				provider: None,
				reward,
				deadline,
				state: TaskState::Open,
				auto_assign,
				order,
				created: Self::stamp(),
				started: None,
				completion: None,
			};
			Self::deposit_event(Event::TaskCreated {
				task: id,
				requester,
				capability,
				reward,
				deadline,
			});
			if auto_assign {
				match Self::pick(&t) {
					Some(machine) => Self::assign(id, &mut t, machine)?,
					None => {
						// A full queue leaves the task open for `accept_task`/`assign_task`.
						let _ = Waiting::<T>::try_append(id);
					},
				}
			}
			Registry::<T>::insert(id, t);
			Ok(id)
		}

		/// Puts `task` in the first block from `at` whose list has room.
		fn schedule(
			which: Schedule,
			at: BlockNumberFor<T>,
			task: TaskId,
		) -> Result<BlockNumberFor<T>, DispatchError> {
			let mut block = at;
			for _ in 0..SCHEDULE_TRIES {
				let pushed = match which {
					Schedule::Deadline => Deadlines::<T>::try_append(block, task).is_ok(),
					Schedule::ChallengeEnd => ChallengeEnds::<T>::try_append(block, task).is_ok(),
				};
				if pushed {
					return Ok(block);
				}
				block = block.saturating_add(1u32.into());
			}
			Err(Error::<T>::ScheduleFull.into())
		}

		fn unschedule(which: Schedule, at: BlockNumberFor<T>, task: TaskId) {
			let remove =
				|list: &mut BoundedVec<TaskId, T::MaxTasksPerBlock>| list.retain(|id| *id != task);
			match which {
				Schedule::Deadline => Deadlines::<T>::mutate(at, remove),
				Schedule::ChallengeEnd => ChallengeEnds::<T>::mutate(at, remove),
			}
		}

		fn step_of(
			task: TaskId,
			t: &TaskOf<T>,
			machine: &T::AccountId,
			result: StepResult,
			end: Moment,
		) -> StepInput<T::AccountId> {
			StepInput {
				capability: t.capability.clone(),
				machine: machine.clone(),
				task: Some(task),
				start: t.started.unwrap_or(end).min(end),
				end,
				params: t.params.clone(),
				result,
				environment: None,
			}
		}

		/// Gives the reward back to the requester.
		fn release(t: &TaskOf<T>) {
			let _ = T::Currency::release(
				&HoldReason::Escrow.into(),
				&t.requester,
				t.reward,
				Precision::BestEffort,
			);
		}

		/// Ends `task` with `state`, refunding the requester; a provider that had it counts a
		/// failure and is idle again; its order stops.
		fn refund(task: TaskId, t: &mut TaskOf<T>, state: TaskState) {
			Self::release(t);
			if let Some(machine) = &t.provider {
				let _ = T::Machines::finish_task(machine, task, false);
			}
			t.state = state;
			if let Some((order, step)) = t.order {
				Self::fail_order(order, step);
			}
		}

		/// Pays the reward to the provider's owner.
		fn pay(task: TaskId, t: &mut TaskOf<T>) -> DispatchResult {
			let machine = t.provider.clone().ok_or(Error::<T>::WrongState)?;
			let to = T::Machines::owner(&machine).ok_or(Error::<T>::UnknownMachine)?;
			T::Currency::transfer_on_hold(
				&HoldReason::Escrow.into(),
				&t.requester,
				&to,
				t.reward,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Polite,
			)?;
			t.state = TaskState::Settled;
			Self::deposit_event(Event::TaskSettled {
				task,
				from: t.requester.clone(),
				to,
				reward: t.reward,
			});
			Ok(())
		}

		/// Expires the tasks whose deadline is block `n`; returns how many it looked at.
		pub(crate) fn expire_due(n: BlockNumberFor<T>) -> u32 {
			let due = Deadlines::<T>::take(n);
			for id in due.iter() {
				Self::expire(*id);
			}
			due.len() as u32
		}

		/// Settles the tasks whose challenge period ends at block `n`; returns how many it
		/// looked at.
		pub(crate) fn settle_due(n: BlockNumberFor<T>) -> u32 {
			let due = ChallengeEnds::<T>::take(n);
			for id in due.iter() {
				Self::auto_settle(*id);
			}
			due.len() as u32
		}

		pub(crate) fn expire(task: TaskId) {
			let Some(mut t) = Registry::<T>::get(task) else { return };
			if !matches!(t.state, TaskState::Open | TaskState::Assigned | TaskState::InProgress) {
				return;
			}
			let machine = t.provider.clone();
			Self::refund(task, &mut t, TaskState::Expired);
			Registry::<T>::insert(task, t);
			Self::deposit_event(Event::TaskExpired { task, machine });
		}

		pub(crate) fn auto_settle(task: TaskId) {
			let Some(mut t) = Registry::<T>::get(task) else { return };
			if t.state != TaskState::Completed {
				return;
			}
			if Self::pay(task, &mut t).is_ok() {
				Registry::<T>::insert(task, t);
			}
		}

		/// Tries to assign up to `MaxRetriesPerBlock` waiting tasks; returns how many it tried.
		pub(crate) fn retry_waiting() -> u32 {
			let mut waiting = Waiting::<T>::get();
			if waiting.is_empty() {
				return 0;
			}
			let tries = (waiting.len() as u32).min(T::MaxRetriesPerBlock::get());
			let mut still = alloc::vec::Vec::new();
			for id in waiting.iter().take(tries as usize) {
				let Some(mut t) = Registry::<T>::get(id) else { continue };
				if t.state != TaskState::Open {
					continue;
				}
				let assigned = match Self::pick(&t) {
					Some(machine) => Self::assign(*id, &mut t, machine).is_ok(),
					None => false,
				};
				if assigned {
					Registry::<T>::insert(id, t);
				} else {
					still.push(*id);
				}
			}
			// The ones tried and still waiting go to the back, behind those not tried.
			let rest: alloc::vec::Vec<TaskId> =
				waiting.iter().skip(tries as usize).copied().chain(still).collect();
			waiting = BoundedVec::truncate_from(rest);
			Waiting::<T>::put(waiting);
			tries
		}

		/// Creates the task of step `step` of `order`, with the reward the order holds.
		fn start_step(order: OrderId, step: u32) -> DispatchResult {
			let mut o = Orders::<T>::get(order).ok_or(Error::<T>::UnknownRecipe)?;
			let r = Recipes::<T>::get(o.recipe).ok_or(Error::<T>::UnknownRecipe)?;
			let s = r.steps.get(step as usize).ok_or(Error::<T>::UnknownRecipe)?;
			let deadline = frame_system::Pallet::<T>::block_number().saturating_add(o.step_blocks);
			let task = Self::new_task(
				o.requester.clone(),
				s.capability.clone(),
				s.params.clone(),
				Some(o.product.clone()),
				None,
				o.reward_per_step,
				deadline,
				true,
				Some((order, step)),
			)?;
			o.remaining = o.remaining.saturating_sub(o.reward_per_step);
			o.step = step;
			o.task = Some(task);
			Orders::<T>::insert(order, o);
			Self::deposit_event(Event::OrderStepCreated { order, step, task });
			Ok(())
		}

		/// After step `step` of `order` completed: the next step, or the finished product.
		fn advance_order(order: OrderId, step: u32) -> DispatchResult {
			let Some(mut o) = Orders::<T>::get(order) else { return Ok(()) };
			if o.state != OrderState::Running {
				return Ok(());
			}
			let steps = Recipes::<T>::get(o.recipe).map(|r| r.steps.len() as u32).unwrap_or(0);
			if step + 1 < steps {
				return Self::start_step(order, step + 1);
			}
			T::Provenance::finish(&o.product)?;
			o.state = OrderState::Finished;
			o.task = None;
			let product = o.product.clone();
			Orders::<T>::insert(order, o);
			Self::deposit_event(Event::OrderFinished { order, product });
			Ok(())
		}

		/// Stops `order` at `step`, refunding the rewards of the steps not begun.
		fn fail_order(order: OrderId, step: u32) {
			let Some(mut o) = Orders::<T>::get(order) else { return };
			if o.state != OrderState::Running {
				return;
			}
			let _ = T::Currency::release(
				&HoldReason::Escrow.into(),
				&o.requester,
				o.remaining,
				Precision::BestEffort,
			);
			o.remaining = Zero::zero();
			o.state = OrderState::Failed;
			Orders::<T>::insert(order, o);
			Self::deposit_event(Event::OrderFailed { order, step });
		}
	}
}

impl<T: Config> MaintenanceRequest<T::AccountId, BalanceOf<T>, BlockNumberOf<T>> for Pallet<T> {
	fn open_maintenance(
		machine: &T::AccountId,
		payer: &T::AccountId,
		capability: &[u8],
		reward: BalanceOf<T>,
		blocks: BlockNumberOf<T>,
	) -> Result<TaskId, sp_runtime::DispatchError> {
		use frame_support::traits::Get;
		use sp_runtime::traits::{Saturating, Zero};
		frame_support::storage::with_storage_layer(|| {
			let capability =
				CapabilityKey::try_from(capability.to_vec()).map_err(|_| Error::<T>::BadInput)?;
			let params =
				StepParams::try_from(machine.encode()).map_err(|_| Error::<T>::BadInput)?;
			frame_support::ensure!(
				!blocks.is_zero() && blocks <= T::MaxDeadline::get(),
				Error::<T>::InvalidDeadline
			);
			T::Machines::enter_maintenance(machine).map_err(|_| Error::<T>::MachineUnavailable)?;
			let deadline = frame_system::Pallet::<T>::block_number().saturating_add(blocks);
			Self::new_task(
				payer.clone(),
				capability,
				params,
				None,
				None,
				reward,
				deadline,
				true,
				None,
			)
		})
	}
}
