//! Types of the credentials pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use twinchain_primitives::{Capability, Moment, Stamp};

/// A schema's id: the BLAKE2b-256 hash of its JSON text.
pub type SchemaId = [u8; 32];

/// The longest schema name (e.g. `MachineCapability`).
pub type MaxSchemaNameLength = ConstU32<64>;
/// The longest schema text (a JSON Schema).
pub type MaxSchemaLength = ConstU32<4096>;

/// A schema's name.
pub type SchemaName = BoundedVec<u8, MaxSchemaNameLength>;
/// A schema's JSON text.
pub type SchemaBody = BoundedVec<u8, MaxSchemaLength>;

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
