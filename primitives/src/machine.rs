//! Machines as other pallets see them: what a machine is doing, and the ids of the tasks it
//! does.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// A task's id (assigned by the M2M tasks pallet).
pub type TaskId = u64;

/// What a machine is doing.
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
pub enum MachineStatus {
	/// Ready for work.
	Idle,
	/// Working on a task.
	Busy(TaskId),
	/// Under maintenance.
	Maintenance,
	/// Not reachable (e.g. its gateway reported it down).
	Offline,
	/// Out of service for good.
	Retired,
}
