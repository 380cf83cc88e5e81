//! Types of the machines pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use twinchain_primitives::{Digest, MachineStatus, Stamp};

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

/// Sets up what benchmarks need from other pallets.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Anchors a valid `MachineCapability` credential for `machine` claiming `capability` and
	/// returns its digest.
	fn anchor_capability(machine: &AccountId, capability: &[u8]) -> Digest;
	/// Makes `gateway` an authentication delegate of `machine`'s DID.
	fn make_gateway(machine: &AccountId, gateway: &AccountId);
}
