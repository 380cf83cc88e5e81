//! Credentials as other pallets see them: digests, and the capabilities a machine's capability
//! credential claims (the runtime checks capabilities from these, without parsing JWTs).

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// A credential's digest: the BLAKE2b-256 hash of the credential as issued (for a VC-JWT, of
/// the compact JWS string).
pub type Digest = [u8; 32];

/// The longest capability id or parameter name.
pub type MaxCapabilityKeyLength = ConstU32<32>;
/// The longest capability parameter value.
pub type MaxCapabilityValueLength = ConstU32<64>;
/// The most parameters of a capability.
pub type MaxCapabilityParams = ConstU32<8>;

/// A capability id or parameter name: 1–32 of `a–z A–Z 0–9 _ -`.
pub type CapabilityKey = BoundedVec<u8, MaxCapabilityKeyLength>;
/// A capability parameter value (UTF-8, e.g. `1200` or `red,white,blue`).
pub type CapabilityValue = BoundedVec<u8, MaxCapabilityValueLength>;

/// What a machine can do, as a capability credential claims it: e.g. `kiln` with
/// `maxTemperatureC = 1200`. The runtime checks capabilities from this, without parsing JWTs.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Capability {
	/// The capability id, e.g. `mill`, `kiln`, `sort`.
	pub id: CapabilityKey,
	/// Its parameters, by name, sorted and unique.
	pub params: BoundedVec<(CapabilityKey, CapabilityValue), MaxCapabilityParams>,
}

/// Why a capability check failed.
#[derive(Clone, Copy, Debug, Decode, Encode, Eq, PartialEq)]
pub enum CapabilityError {
	/// No credential is anchored under this digest.
	Unknown,
	/// The credential is about another subject.
	WrongSubject,
	/// The credential claims no capability, or another one.
	WrongCapability,
	/// The credential is not valid now (not yet, or expired).
	OutsideValidity,
	/// Its issuer revoked it.
	Revoked,
	/// Its issuer suspended it, or its issuer is suspended (while it is).
	Suspended,
}
