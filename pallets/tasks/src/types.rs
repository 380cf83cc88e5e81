//! Types of the M2M tasks pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use twinchain_primitives::{
	CapabilityKey, Moment, ResultDetail, Role, ShortText, Stamp, StepParams, TaskId,
};

/// A balance of the escrow currency.
pub type BalanceOf<T> =
	<<T as crate::Config>::Currency as frame_support::traits::fungible::Inspect<
		<T as frame_system::Config>::AccountId,
	>>::Balance;
pub(crate) type BlockNumberOf<T> = frame_system::pallet_prelude::BlockNumberFor<T>;
pub(crate) type AccountOf<T> = <T as frame_system::Config>::AccountId;
/// A task of this runtime.
pub type TaskOf<T> = TaskInfo<AccountOf<T>, BalanceOf<T>, BlockNumberOf<T>>;
/// A recipe of this runtime.
pub type RecipeOf<T> = Recipe<AccountOf<T>, BalanceOf<T>>;
/// An order of this runtime.
pub type OrderOf<T> = Order<AccountOf<T>, BalanceOf<T>, BlockNumberOf<T>>;

/// The tasks scheduled for one block (a deadline or a challenge end).
pub type BlockTasks<T> = BoundedVec<TaskId, <T as crate::Config>::MaxTasksPerBlock>;

/// A recipe's id, assigned in order.
pub type RecipeId = u32;
/// A production order's id, assigned in order.
pub type OrderId = u64;
/// The hash of a task's evidence (e.g. of the machine's completion message and telemetry).
pub type Evidence = [u8; 32];
/// The most steps a recipe has.
pub const MAX_RECIPE_STEPS: u32 = 16;

/// Where a task is in its life.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
)]
pub enum TaskState {
	/// Waiting for a provider.
	Open,
	/// A provider took it; its machine is busy with it.
	Assigned,
	/// The provider started the work.
	InProgress,
	/// The provider finished; the reward is paid when the requester confirms or the challenge
	/// period ends.
	Completed,
	/// The requester disputes the completion; an arbiter decides.
	Disputed,
	/// The reward went to the provider's owner.
	Settled,
	/// The requester cancelled it before assignment; refunded.
	Cancelled,
	/// The deadline passed before completion; refunded, counted against the provider.
	Expired,
	/// The provider reported that the work failed; refunded, counted against the provider.
	Failed,
	/// An arbiter decided the dispute for the requester; refunded.
	Refunded,
}

impl TaskState {
	/// Whether the reward is still held (the task is not over).
	pub fn holds_reward(self) -> bool {
		matches!(
			self,
			TaskState::Open
				| TaskState::Assigned
				| TaskState::InProgress
				| TaskState::Completed
				| TaskState::Disputed
		)
	}
}

/// How a provider finished a task.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Completion<BlockNumber> {
	/// The result detail (e.g. a measured value).
	pub result: ResultDetail,
	/// The hash of the evidence.
	pub evidence: Evidence,
	/// When.
	pub at: Stamp<BlockNumber>,
	/// The block from which it settles by itself.
	pub challenge_end: BlockNumber,
}

/// A machine-to-machine task.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct TaskInfo<AccountId, Balance, BlockNumber> {
	/// Who asked for it (a machine or an actor) and holds the reward in escrow.
	pub requester: AccountId,
	/// What must be done.
	pub capability: CapabilityKey,
	/// With which parameters.
	pub params: StepParams,
	/// The product it is done on (its provenance gets the step), if any.
	pub product: Option<AccountId>,
	/// The only machine that may take it, if the requester named one.
	pub designated: Option<AccountId>,
	/// The machine that took it.
	pub provider: Option<AccountId>,
	/// The reward held in escrow.
	pub reward: Balance,
	/// The block by which it must be completed.
	pub deadline: BlockNumber,
	/// Where it is.
	pub state: TaskState,
	/// Whether the chain assigns it to a capable idle machine.
	pub auto_assign: bool,
	/// The production order and recipe step it is part of.
	pub order: Option<(OrderId, u32)>,
	/// When it was created.
	pub created: Stamp<BlockNumber>,
	/// When the provider started (ms since the epoch).
	pub started: Option<Moment>,
	/// How the provider finished it.
	pub completion: Option<Completion<BlockNumber>>,
}

/// A step of a recipe.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct RecipeStep {
	/// The capability it needs, e.g. "mill".
	pub capability: CapabilityKey,
	/// The parameters the machine gets.
	pub params: StepParams,
}

/// The steps of a recipe, in order.
pub type RecipeSteps = BoundedVec<RecipeStep, ConstU32<MAX_RECIPE_STEPS>>;

/// A process plan: an ordered list of capability steps.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Recipe<AccountId, Balance> {
	/// The manufacturer that registered it.
	pub manufacturer: AccountId,
	/// Its name, e.g. "white workpiece, fired and milled".
	pub name: ShortText,
	/// Its steps.
	pub steps: RecipeSteps,
	/// The deposit held from the manufacturer.
	pub deposit: Balance,
}

/// Where a production order is.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
)]
pub enum OrderState {
	/// Its steps are being done.
	Running,
	/// Every step is done; the product is finished.
	Finished,
	/// A step expired or failed; the rewards of the steps not begun are refunded.
	Failed,
}

/// A production order: one product made by a recipe, step by step, by machines.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Order<AccountId, Balance, BlockNumber> {
	/// Who placed it and pays the rewards.
	pub requester: AccountId,
	/// The recipe.
	pub recipe: RecipeId,
	/// The product being made.
	pub product: AccountId,
	/// The reward of each step.
	pub reward_per_step: Balance,
	/// How many blocks each step may take.
	pub step_blocks: BlockNumber,
	/// The index of the current step.
	pub step: u32,
	/// The current step's task; once the order is over, its last step's (orders finished
	/// before runtime 112 have none).
	pub task: Option<TaskId>,
	/// Where it is.
	pub state: OrderState,
	/// The rewards held for steps that have no task yet.
	pub remaining: Balance,
}

/// What a manufacturer's gateway may still commit in orders for it.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct OrderBudget<Balance> {
	/// What it may still commit (rewards and deposits), all orders together.
	pub remaining: Balance,
	/// The deposit held from the manufacturer for the entry.
	pub deposit: Balance,
}

/// Sets up what benchmarks need from other pallets.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Registers `machine`, owned by `owner`, idle and able to perform `capability` now.
	fn machine(owner: &AccountId, machine: &AccountId, capability: &[u8]);
	/// Gives `who` enough funds for any reward and deposit a benchmark needs.
	fn fund(who: &AccountId);
	/// Makes `who` an active actor with `role`.
	fn actor(who: &AccountId, role: Role);
}
