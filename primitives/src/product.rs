//! Products as other pallets see them: their types and workpiece colours, supplier lots, and
//! the process steps the M2M tasks pallet reports for them.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;

use crate::{CapabilityKey, Moment, TaskId};

/// A supplier lot's id, assigned by the chain in order.
pub type LotId = u64;
/// The most supplier lots a product records.
pub const MAX_LOTS: u32 = 8;
/// The supplier lots a product was made from.
pub type LotList = BoundedVec<LotId, ConstU32<MAX_LOTS>>;
/// A short UTF-8 text (names, references, reasons): up to 64 bytes.
pub type ShortText = BoundedVec<u8, ConstU32<64>>;
/// An NFC tag's id (the fischertechnik workpiece id is a 14-digit hex UID): up to 32 bytes.
pub type TagId = BoundedVec<u8, ConstU32<32>>;
/// A step's parameters as the machine got them (e.g. JSON): up to 256 bytes.
pub type StepParams = BoundedVec<u8, ConstU32<256>>;
/// A step's result detail (e.g. a measured value or an error code): up to 64 bytes.
pub type ResultDetail = BoundedVec<u8, ConstU32<64>>;
/// The Merkle root of the machine's anchored telemetry window that covers a step: the
/// environment the step ran in.
pub type TelemetryRef = [u8; 32];

/// The colour of a fischertechnik Learning Factory workpiece.
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
pub enum Colour {
	/// `WHITE`.
	White,
	/// `RED`.
	Red,
	/// `BLUE`.
	Blue,
}

impl Colour {
	/// Every colour, as the factory lists them.
	pub const ALL: [Colour; 3] = [Colour::White, Colour::Red, Colour::Blue];

	/// The factory's name of the colour (`WHITE`, `RED`, `BLUE`), as its MQTT messages and the
	/// chain's queries write it.
	pub const fn as_str(self) -> &'static str {
		match self {
			Colour::White => "WHITE",
			Colour::Red => "RED",
			Colour::Blue => "BLUE",
		}
	}
}

impl core::fmt::Display for Colour {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(self.as_str())
	}
}

/// A name that is not one of the factory's colours.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct UnknownColour;

impl core::fmt::Display for UnknownColour {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str("not a workpiece colour (WHITE, RED or BLUE)")
	}
}

impl core::str::FromStr for Colour {
	type Err = UnknownColour;

	/// The colour the factory names `s` (exactly `WHITE`, `RED` or `BLUE`).
	fn from_str(s: &str) -> Result<Self, Self::Err> {
		Colour::ALL.into_iter().find(|c| c.as_str() == s).ok_or(UnknownColour)
	}
}

/// What kind of product it is.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct ProductType {
	/// Its product type, e.g. "workpiece" or an article number.
	pub kind: ShortText,
	/// The workpiece colour, where it has one.
	pub colour: Option<Colour>,
	/// The id of the NFC tag it carries, unique on the chain.
	pub tag: Option<TagId>,
}

/// How a process step ended.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub enum StepResult {
	/// It succeeded, with an optional detail (e.g. a measured value).
	Ok(ResultDetail),
	/// It failed, with a reason or error code.
	Failed(ResultDetail),
}

/// A process step as the recorder reports it.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct StepInput<AccountId> {
	/// The capability performed, e.g. "mill".
	pub capability: CapabilityKey,
	/// The machine that performed it (its DID's account).
	pub machine: AccountId,
	/// The M2M task it was done for, if any.
	pub task: Option<TaskId>,
	/// When it started (ms since the Unix epoch).
	pub start: Moment,
	/// When it ended.
	pub end: Moment,
	/// Its parameters.
	pub params: StepParams,
	/// Its result.
	pub result: StepResult,
	/// The environment it ran in: an anchored telemetry window overlapping it.
	pub environment: Option<EnvironmentRef<AccountId>>,
}

/// An anchored telemetry window a step ran in: whose, where it starts, and its Merkle root.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct EnvironmentRef<AccountId> {
	/// The machine whose window it is: the environment sensor or the step's machine.
	pub sensor: AccountId,
	/// The window's start, ms since the Unix epoch.
	pub start: Moment,
	/// The window's Merkle root, as anchored.
	pub root: TelemetryRef,
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn colours_round_trip_through_their_factory_names() {
		for c in Colour::ALL {
			assert_eq!(c.as_str().parse::<Colour>(), Ok(c));
			assert_eq!(c.to_string(), c.as_str());
		}
		for bad in ["white", "GREEN", "", "WHITE "] {
			assert_eq!(bad.parse::<Colour>(), Err(UnknownColour), "{bad}");
		}
	}
}
