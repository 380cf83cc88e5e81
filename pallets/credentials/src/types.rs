//! Types of the credentials pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// Times and block stamps are the DID pallet's: ms since the Unix epoch, block + timestamp.
pub use pallet_did::{Moment, Stamp};

/// A schema's id: the BLAKE2b-256 hash of its JSON text.
pub type SchemaId = [u8; 32];

/// A credential's digest: the BLAKE2b-256 hash of the credential as issued (for a VC-JWT, of
/// the compact JWS string).
pub type Digest = [u8; 32];

/// The longest schema name (e.g. `MachineCapability`).
pub type MaxSchemaNameLength = ConstU32<64>;
/// The longest schema text (a JSON Schema).
pub type MaxSchemaLength = ConstU32<4096>;
/// The longest capability id or parameter name.
pub type MaxCapabilityKeyLength = ConstU32<32>;
/// The longest capability parameter value.
pub type MaxCapabilityValueLength = ConstU32<64>;
/// The most parameters of a capability.
pub type MaxCapabilityParams = ConstU32<8>;

/// A schema's name.
pub type SchemaName = BoundedVec<u8, MaxSchemaNameLength>;
/// A schema's JSON text.
pub type SchemaBody = BoundedVec<u8, MaxSchemaLength>;
/// A capability id or parameter name: 1–32 of `a–z A–Z 0–9 _ -`.
pub type CapabilityKey = BoundedVec<u8, MaxCapabilityKeyLength>;
/// A capability parameter value (UTF-8, e.g. `1200` or `red,white,blue`).
pub type CapabilityValue = BoundedVec<u8, MaxCapabilityValueLength>;

/// A registered schema.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Schema<AccountId, Balance, BlockNumber> {
	/// The schema's name, e.g. `MachineCapability`.
	pub name: SchemaName,
	/// The JSON Schema text whose hash is the id.
	pub body: SchemaBody,
	/// Who registered it (`None` for genesis schemas).
	pub creator: Option<AccountId>,
	/// The deposit held from the creator.
	pub deposit: Balance,
	/// When it was registered.
	pub registered: BlockNumber,
}

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

/// An anchored credential.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Credential<AccountId, Balance, BlockNumber> {
	/// The issuer (a certifier when it anchored).
	pub issuer: AccountId,
	/// The subject: the machine, product or actor the credential is about.
	pub subject: AccountId,
	/// The schema it follows.
	pub schema: SchemaId,
	/// Valid from (ms since the epoch, inclusive).
	pub valid_from: Moment,
	/// Valid until (ms since the epoch, exclusive); `None` = until revoked.
	pub valid_until: Option<Moment>,
	/// Its index in the issuer's status lists.
	pub status_index: u32,
	/// When it was anchored.
	pub anchored: Stamp<BlockNumber>,
	/// The capability it claims, for capability credentials.
	pub capability: Option<Capability>,
	/// The deposit held from the issuer.
	pub deposit: Balance,
}

/// The purposes of an issuer's status lists (W3C Bitstring Status List `statusPurpose`).
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Encode,
	Eq,
	MaxEncodedLen,
	Ord,
	PartialEq,
	PartialOrd,
	TypeInfo,
)]
pub enum StatusPurpose {
	/// A set bit means revoked, for good.
	Revocation,
	/// A set bit means suspended, until unsuspended.
	Suspension,
}

/// A credential's status as the chain knows it.
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
pub struct CredentialStatus {
	/// Revoked by its issuer.
	pub revoked: bool,
	/// Suspended by its issuer.
	pub suspended: bool,
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
	/// Its issuer suspended it.
	Suspended,
}

/// Lets other pallets (e.g. provenance) check a credential about a subject, of any schema.
pub trait CredentialCheck<AccountId> {
	/// The issuer of `credential` if it is anchored, about `subject`, valid now, and neither
	/// revoked nor suspended; otherwise why not (never `WrongCapability`).
	fn check_credential(
		subject: &AccountId,
		credential: &Digest,
	) -> Result<AccountId, CapabilityError>;
}

/// Lets other pallets (e.g. M2M tasks) check a machine's capability credential.
pub trait CapabilityCheck<AccountId> {
	/// The capability `credential` grants `subject`, if it is anchored, about `subject`, claims
	/// `capability`, valid now, and neither revoked nor suspended.
	fn check_capability(
		subject: &AccountId,
		capability: &[u8],
		credential: &Digest,
	) -> Result<Capability, CapabilityError>;
}
