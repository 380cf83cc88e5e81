//! Types of the machines pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// Times and block stamps are the DID pallet's: ms since the Unix epoch, block + timestamp.
pub use pallet_did::{Moment, Stamp};

/// A task's id (assigned by the M2M tasks pallet).
pub type TaskId = u64;

/// A short text field of the nameplate (UTF-8, up to 64 bytes).
pub type NameplateText = BoundedVec<u8, ConstU32<64>>;

/// The machine's nameplate: the Asset Administration Shell's *Digital Nameplate* core fields.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Nameplate {
	/// `ManufacturerName`, e.g. "fischertechnik".
	pub manufacturer_name: NameplateText,
	/// `ManufacturerProductDesignation`, the model, e.g. "Multi-processing station with kiln".
	pub model: NameplateText,
	/// `SerialNumber`.
	pub serial_number: NameplateText,
	/// `YearOfConstruction`.
	pub year_of_construction: u16,
}

/// What a machine is doing.
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
pub enum MachineStatus {
	/// Ready for work.
	Idle,
	/// Working on a task.
	Busy(TaskId),
	/// Under maintenance.
	Maintenance,
	/// Not reachable (e.g. its gateway reported it down).
	Offline,
	/// Out of service for good.
	Retired,
}

/// A registered machine.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Machine<AccountId, Balance, BlockNumber> {
	/// Who owns (operates) it; the manufacturer that registered it at first.
	pub owner: AccountId,
	/// The manufacturer that registered it.
	pub manufacturer: AccountId,
	/// Its nameplate.
	pub nameplate: Nameplate,
	/// Its current status.
	pub status: MachineStatus,
	/// Since when.
	pub status_since: Stamp<BlockNumber>,
	/// When it was registered.
	pub registered: Stamp<BlockNumber>,
	/// Tasks it completed.
	pub tasks_completed: u32,
	/// Tasks it failed.
	pub tasks_failed: u32,
	/// Times it went into maintenance.
	pub maintenance_events: u32,
	/// How many capabilities it has.
	pub capabilities: u32,
	/// The deposit held from the registering manufacturer.
	pub deposit: Balance,
}

/// Tells other pallets (M2M tasks) about machines and lets them record task outcomes.
pub trait MachineRegistry<AccountId> {
	/// Whether `machine` is registered, not retired, and holds `capability` backed by a valid
	/// credential now.
	fn can_perform(machine: &AccountId, capability: &[u8]) -> bool;
	/// The machine's status, if registered.
	fn status(machine: &AccountId) -> Option<MachineStatus>;
	/// The machine's owner, if registered.
	fn owner(machine: &AccountId) -> Option<AccountId>;
	/// Idle machines that can perform `capability` now, from at most `max` entries of the
	/// capability index: each with its load (tasks completed and failed) and since when it is
	/// idle (ms since the epoch).
	fn idle_candidates(capability: &[u8], max: u32) -> alloc::vec::Vec<(AccountId, u32, Moment)>;
	/// Marks `machine` busy with `task` (from `Idle`).
	fn start_task(machine: &AccountId, task: TaskId) -> Result<(), ()>;
	/// Marks `machine` idle again and counts the task as completed or failed. A machine put
	/// into maintenance while busy stays in maintenance.
	fn finish_task(machine: &AccountId, task: TaskId, success: bool) -> Result<(), ()>;
	/// Puts `machine` into maintenance (from `Idle` or `Busy`; a task it is busy with may still
	/// be completed). Fails for unknown, offline, retired machines and ones already in
	/// maintenance.
	fn enter_maintenance(machine: &AccountId) -> Result<(), ()>;
}

/// Sets up what benchmarks need from other pallets.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Anchors a valid `MachineCapability` credential for `machine` claiming `capability` and
	/// returns its digest.
	fn anchor_capability(machine: &AccountId, capability: &[u8]) -> pallet_credentials::Digest;
	/// Makes `gateway` an authentication delegate of `machine`'s DID.
	fn make_gateway(machine: &AccountId, gateway: &AccountId);
}
