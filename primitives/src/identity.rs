//! Who may act: what the DID pallet tells others about a DID's delegates, and the roles the
//! actors pallet gives accounts.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use serde::{Deserialize, Serialize};

/// What a delegate may do for a DID (ERC-1056's delegate types `sigAuth` and `veriKey`).
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
pub enum DelegateType {
	/// Authenticates as the DID (`authentication`).
	Authentication,
	/// Makes assertions, e.g. signs credentials, for the DID (`assertionMethod`).
	Assertion,
}

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

	/// This role's bit in a set of roles (one bit each).
	pub const fn bit(self) -> u8 {
		1 << (self as u8)
	}
}
