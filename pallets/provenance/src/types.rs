//! Types of the provenance pallet.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use twinchain_primitives::{
	Digest, LotId, LotList, Moment, ProductType, Role, ShortText, Stamp, StepInput, TelemetryRef,
};

/// A recall's id, assigned by the chain in order.
pub type RecallId = u32;
/// A recall's reason: up to 128 bytes of UTF-8.
pub type Reason = BoundedVec<u8, ConstU32<128>>;

/// Where a product is in its life.
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
pub enum Lifecycle {
	/// Being made: steps are recorded.
	InProduction,
	/// Made; no more steps.
	Finished,
	/// Offered to a receiver, who has not accepted it yet.
	Shipped,
	/// Accepted by its receiver.
	Delivered,
	/// Affected by a recall; stays so.
	Recalled,
}

/// A product's digital twin.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Product<AccountId, Balance, BlockNumber> {
	/// The manufacturer that created it.
	pub manufacturer: AccountId,
	/// Who has it now.
	pub custodian: AccountId,
	/// What it is.
	pub product_type: ProductType,
	/// Where it is in its life.
	pub lifecycle: Lifecycle,
	/// The supplier lots it was made from.
	pub lots: LotList,
	/// The product it was built into, if any.
	pub parent: Option<AccountId>,
	/// How many products were built into it.
	pub components: u32,
	/// How many process steps it has.
	pub steps: u32,
	/// How many custody transfers it went through.
	pub transfers: u32,
	/// How many credentials are attached.
	pub credentials: u32,
	/// A custody offer waiting for its receiver, and the lifecycle to go back to if withdrawn.
	pub offer: Option<(AccountId, Lifecycle)>,
	/// The recall that reached it, if any.
	pub recall: Option<RecallId>,
	/// When it was created.
	pub created: Stamp<BlockNumber>,
	/// The deposit held from the manufacturer.
	pub deposit: Balance,
}

/// A recorded process step.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Step<AccountId, BlockNumber> {
	/// What was done, by which machine, when, with which result.
	pub input: StepInput<AccountId>,
	/// Who recorded it (the custodian, the machine, its gateway, or the tasks pallet's
	/// provider).
	pub recorder: AccountId,
	/// When it was recorded.
	pub recorded: Stamp<BlockNumber>,
}

/// A custody transfer.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Transfer<AccountId, BlockNumber> {
	/// The custodian that offered it.
	pub from: AccountId,
	/// The receiver that accepted it.
	pub to: AccountId,
	/// When it was accepted.
	pub at: Stamp<BlockNumber>,
}

/// An attached quality credential.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Attachment<AccountId, BlockNumber> {
	/// The credential's issuer.
	pub issuer: AccountId,
	/// Who attached it.
	pub by: AccountId,
	/// When.
	pub at: Stamp<BlockNumber>,
}

/// A lot of parts or material registered by a supplier.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Lot<AccountId, Balance, BlockNumber> {
	/// The supplier.
	pub supplier: AccountId,
	/// The supplier's own lot number.
	pub reference: ShortText,
	/// What it contains, e.g. "workpiece blank, white".
	pub material: ShortText,
	/// How many units.
	pub quantity: u32,
	/// When it was registered.
	pub registered: Stamp<BlockNumber>,
	/// How many products used it.
	pub used_by: u32,
	/// The recall of this lot, if any.
	pub recall: Option<RecallId>,
	/// The deposit held from the supplier.
	pub deposit: Balance,
}

/// What a recall covers.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub enum RecallScope<AccountId> {
	/// Every product made from a lot.
	Lot(LotId),
	/// Every product with a step on `machine` overlapping `[from, to]` (ms since the epoch).
	MachineRange {
		/// The machine.
		machine: AccountId,
		/// The range's start.
		from: Moment,
		/// The range's end (inclusive).
		to: Moment,
	},
}

/// A recall.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Recall<AccountId, BlockNumber> {
	/// What it covers.
	pub scope: RecallScope<AccountId>,
	/// Why.
	pub reason: Reason,
	/// Who issued it (`None`: the privileged origin).
	pub by: Option<AccountId>,
	/// When.
	pub at: Stamp<BlockNumber>,
	/// Products marked so far (each also reached through its components counts once).
	pub affected: u32,
	/// Whether every affected product has been marked.
	pub complete: bool,
}

/// A recall's progress through the index it walks: the last storage key it processed, and a
/// product waiting to be marked because one of its components was (walked up one parent per
/// item, so each unit of work is bounded).
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct RecallJob<AccountId> {
	/// The recall.
	pub recall: RecallId,
	/// The raw key of the last index entry processed.
	pub cursor: BoundedVec<u8, ConstU32<256>>,
	/// A parent to mark next.
	pub pending_parent: Option<AccountId>,
}

/// The key of the index from machine to the steps it performed, ordered by start time: the
/// start time is stored big-endian under the identity hasher, so the storage order is the time
/// order and a time range is one contiguous walk.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct MachineStepKey<AccountId> {
	/// The step's start, big-endian ms since the epoch.
	pub start: [u8; 8],
	/// The product.
	pub product: AccountId,
	/// The step's index in the product's log.
	pub index: u32,
}

/// A step found through a machine: the product, the step's index, its start and end.
pub type MachineStep<AccountId> = (AccountId, u32, Moment, Moment);

/// The live state of an attached credential.
#[derive(Clone, Copy, Debug, Decode, Encode, Eq, PartialEq, TypeInfo)]
pub enum CredentialState {
	/// Valid now.
	Valid,
	/// Not valid now (not yet valid, or expired).
	OutsideValidity,
	/// Revoked by its issuer.
	Revoked,
	/// Suspended by its issuer.
	Suspended,
	/// No longer anchored.
	Unknown,
}

/// A product's whole story as the runtime API returns it (steps paged).
#[derive(Clone, Debug, Decode, Encode, Eq, PartialEq, TypeInfo)]
pub struct Trace<AccountId, Balance, BlockNumber> {
	/// The product.
	pub product: Product<AccountId, Balance, BlockNumber>,
	/// Its lots.
	pub lots: Vec<(LotId, Lot<AccountId, Balance, BlockNumber>)>,
	/// The products built into it.
	pub components: Vec<AccountId>,
	/// The page of steps asked for, each with its index.
	pub steps: Vec<(u32, Step<AccountId, BlockNumber>)>,
	/// Its custody transfers, oldest first.
	pub custody: Vec<Transfer<AccountId, BlockNumber>>,
	/// Its credentials with their state now.
	pub credentials: Vec<(Digest, Attachment<AccountId, BlockNumber>, CredentialState)>,
	/// The recall that reached it.
	pub recall: Option<(RecallId, Recall<AccountId, BlockNumber>)>,
}

/// Sets up what benchmarks need from other pallets.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Registers `machine`, owned by `owner`, able to perform `capability` now.
	fn machine(owner: &AccountId, machine: &AccountId, capability: &[u8]);
	/// Makes `gateway` an authentication delegate of `machine`'s DID.
	fn make_gateway(machine: &AccountId, gateway: &AccountId);
	/// Anchors a valid credential about `subject` issued by `issuer`; returns its digest.
	fn credential(issuer: &AccountId, subject: &AccountId) -> Digest;
	/// Makes `who` an active actor with `role`.
	fn actor(who: &AccountId, role: Role);
	/// Gives `who` enough funds for any number of deposits a benchmark needs.
	fn fund(who: &AccountId);
	/// Anchors a telemetry window of `sensor` from `start` to `end`; returns its root.
	fn environment(sensor: &AccountId, start: Moment, end: Moment) -> TelemetryRef;
}
