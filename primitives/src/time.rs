//! The chain's clock: times in ms since the Unix epoch and the stamp every pallet records.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;

/// Milliseconds since the Unix epoch (the chain's timestamp).
pub type Moment = u64;

/// When something happened: the block and its timestamp.
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
pub struct Stamp<BlockNumber> {
	/// The block number.
	pub block: BlockNumber,
	/// The block's timestamp, ms since the Unix epoch.
	pub time: Moment,
}

/// Now as ms since the Unix epoch, read from `Time` (the chain's timestamp in a runtime); 0 at
/// genesis, where there is no timestamp yet (and `Time` would complain).
pub fn now_ms<T: frame_system::Config, Time: frame_support::traits::UnixTime>() -> Moment {
	use sp_runtime::traits::Zero;
	if frame_system::Pallet::<T>::block_number().is_zero() {
		return 0;
	}
	Time::now().as_millis() as Moment
}

/// The current block of `T` and the time `Time` reports: the stamp every pallet records.
pub fn stamp_now<T: frame_system::Config, Time: frame_support::traits::UnixTime>(
) -> Stamp<BlockNumberFor<T>> {
	Stamp { block: frame_system::Pallet::<T>::block_number(), time: now_ms::<T, Time>() }
}
