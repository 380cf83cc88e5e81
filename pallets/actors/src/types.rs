//! Types of the actors pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use twinchain_primitives::Role;

/// A set of roles, one bit each.
#[derive(
	Clone,
	Copy,
	Debug,
	Decode,
	DecodeWithMemTracking,
	Default,
	Encode,
	Eq,
	MaxEncodedLen,
	PartialEq,
	TypeInfo,
)]
pub struct Roles(pub u8);

impl Roles {
	/// Whether `role` is in the set.
	pub fn contains(self, role: Role) -> bool {
		self.0 & role.bit() != 0
	}
	/// The set with `role` added.
	pub fn with(self, role: Role) -> Self {
		Roles(self.0 | role.bit())
	}
	/// The set without `role`.
	pub fn without(self, role: Role) -> Self {
		Roles(self.0 & !role.bit())
	}
	/// Whether the set is empty.
	pub fn is_empty(self) -> bool {
		self.0 == 0
	}
}

/// Whether an actor may act in its roles.
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
pub enum ActorStatus {
	/// The actor may act in its roles.
	Active,
	/// A registrar suspended the actor; it holds its roles but may not use them.
	Suspended,
}

/// The most bytes of an actor's display name.
pub type MaxNameLength = ConstU32<64>;

/// An actor's display name (UTF-8), e.g. "Factory A".
pub type ActorName = BoundedVec<u8, MaxNameLength>;

/// A registered actor.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Actor<AccountId, BlockNumber> {
	/// Its roles.
	pub roles: Roles,
	/// Roles a registrar took away (and not given back since): a verifier tells a withdrawn
	/// certifier from an account that never was one.
	pub withdrawn: Roles,
	/// Whether it may use them.
	pub status: ActorStatus,
	/// Its display name.
	pub name: ActorName,
	/// The registrar that registered it first.
	pub registrar: AccountId,
	/// When it was registered.
	pub since: BlockNumber,
}
