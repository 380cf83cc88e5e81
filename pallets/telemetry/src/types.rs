//! Types of the telemetry pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use twinchain_primitives::{CapabilityKey, Moment, Stamp};

/// A metric's name, e.g. `t` (°C), `h` (%), `p` (hPa), `iaq`, `br` (%): ≤ 16 bytes.
pub type MetricKey = BoundedVec<u8, ConstU32<16>>;

/// A reading's value in thousandths of the metric's unit (23.45 °C is 23 450).
pub type Value = i64;

/// A window's storage key: its start, big-endian ms since the Unix epoch.
pub type WindowKey = [u8; 8];

/// A BLAKE2b-256 hash: a Merkle root or node.
pub type Hash = [u8; 32];

/// The most metrics one window summarises.
pub const MAX_METRICS: u32 = 16;

/// What a window says about one metric.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct MetricSummary {
	/// The metric.
	pub metric: MetricKey,
	/// How many readings of it the window holds (≥ 1).
	pub count: u32,
	/// The smallest reading.
	pub min: Value,
	/// The largest reading.
	pub max: Value,
	/// The mean, rounded towards zero.
	pub mean: Value,
}

/// The metrics of a window, sorted by name, each once.
pub type Metrics = BoundedVec<MetricSummary, ConstU32<MAX_METRICS>>;

/// A closed window of one machine's readings, as its gateway anchors it.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct WindowInput {
	/// Its first millisecond (since the Unix epoch).
	pub start: Moment,
	/// The millisecond after its last: readings have `start ≤ ts < end`.
	pub end: Moment,
	/// The Merkle root of its readings (see [`crate::merkle`]).
	pub root: Hash,
	/// How many readings it holds (the sum of the metrics' counts).
	pub count: u32,
	/// Per metric count, min, max and mean.
	pub metrics: Metrics,
}

/// An anchored window.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Window<AccountId, BlockNumber> {
	/// The millisecond after its last.
	pub end: Moment,
	/// The Merkle root of its readings.
	pub root: Hash,
	/// How many readings it holds.
	pub count: u32,
	/// Per metric count, min, max and mean.
	pub metrics: Metrics,
	/// Who anchored it: the machine or its gateway.
	pub gateway: AccountId,
	/// When it was anchored.
	pub anchored: Stamp<BlockNumber>,
}

/// One raw reading; the leaves of a window's Merkle tree.
#[derive(Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, PartialEq, TypeInfo)]
pub struct Reading {
	/// The metric.
	pub metric: MetricKey,
	/// When it was taken, ms since the Unix epoch.
	pub ts: Moment,
	/// Its value in thousandths of the unit.
	pub value: Value,
}

/// Which side of the threshold is a breach.
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
pub enum Comparison {
	/// The window's maximum is above the threshold.
	Above,
	/// The window's minimum is below the threshold.
	Below,
}

/// A threshold rule as its machine's owner sets it.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct RuleInput<Balance> {
	/// The metric watched.
	pub metric: MetricKey,
	/// Above or below.
	pub comparison: Comparison,
	/// The threshold, in thousandths of the unit.
	pub threshold: Value,
	/// How many consecutive anchored windows must breach it (1 ..= `MaxStreak`).
	pub windows: u8,
	/// The capability the maintenance task asks for, e.g. `maintain`.
	pub capability: CapabilityKey,
	/// The maintenance task's reward, held from the owner while the rule is armed.
	pub reward: Balance,
}

/// A rule on chain.
#[derive(
	Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, MaxEncodedLen, PartialEq, TypeInfo,
)]
pub struct Rule<AccountId, Balance> {
	/// What was set.
	pub rule: RuleInput<Balance>,
	/// Who set it and holds its deposit and reward: the machine's owner then.
	pub owner: AccountId,
	/// The deposit held for it.
	pub deposit: Balance,
	/// Whether its reward is held, so that it can fire.
	pub armed: bool,
	/// Consecutive breaching windows so far.
	pub streak: u8,
	/// How often it opened a maintenance task.
	pub fired: u32,
}

/// Sets up what benchmarks need from other pallets.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Registers `machine`, owned by `owner`, idle.
	fn machine(owner: &AccountId, machine: &AccountId);
	/// Makes `gateway` an authentication delegate of `machine`'s DID.
	fn make_gateway(machine: &AccountId, gateway: &AccountId);
	/// Gives `who` enough funds for any deposit and reward.
	fn fund(who: &AccountId);
}
