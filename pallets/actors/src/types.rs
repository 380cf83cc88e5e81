//! Types of the actors pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

/// What an actor does in the factory network. An actor may hold several roles.
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
	Serialize,
	Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Role {
	/// Builds machines and makes products; gives them their DIDs.
	Manufacturer,
	/// Delivers parts and materials.
	Supplier,
	/// Orders and receives products.
	Customer,
	/// Issues capability and quality credentials.
	Certifier,
	/// Inspects the chain's records.
	Auditor,
}

impl Role {
	/// Every role, in bit order.
	pub const ALL: [Role; 5] =
		[Role::Manufacturer, Role::Supplier, Role::Customer, Role::Certifier, Role::Auditor];

	/// This role's bit in a [`Roles`] set.
	pub const fn bit(self) -> u8 {
		1 << (self as u8)
	}
}

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

/// Tells other pallets whether an account is an active actor with a role.
pub trait RoleProvider<AccountId> {
	/// Whether `who` is registered with `role` and is not suspended.
	fn has_role(who: &AccountId, role: Role) -> bool;

	/// Whether `who` is registered and not suspended, with any role.
	fn is_active_actor(who: &AccountId) -> bool {
		Role::ALL.into_iter().any(|role| Self::has_role(who, role))
	}

	/// Makes `who` an active actor with `role` (benchmarks and tests of other pallets only).
	#[cfg(feature = "runtime-benchmarks")]
	fn grant_role(who: &AccountId, role: Role);
}
