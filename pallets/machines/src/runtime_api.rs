//! The runtime API through which nodes answer questions about machines.

use crate::{MachineStatus, Moment};
use alloc::vec::Vec;
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Reads machines at the block it is called at.
	pub trait MachinesApi<AccountId: Codec> {
		/// The machines holding `capability` with a credential valid now, idle ones first, each
		/// with its status (`Retired` machines are not in the index).
		fn by_capability(capability: Vec<u8>) -> Vec<(AccountId, MachineStatus)>;
		/// What `machine` was doing at `time` (ms since the epoch; `None` = now), as far as the
		/// on-chain history reaches.
		fn status_at(machine: AccountId, time: Option<Moment>) -> Option<MachineStatus>;
	}
}
