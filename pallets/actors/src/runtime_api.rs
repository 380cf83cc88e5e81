//! The runtime API through which clients (e.g. credential verifiers) read actors.

use crate::Actor;
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Reads the actors registry at the block it is called at.
	pub trait ActorsApi<AccountId: Codec, BlockNumber: Codec> {
		/// The actor record of `who`, if registered.
		fn actor(who: AccountId) -> Option<Actor<AccountId, BlockNumber>>;
	}
}
