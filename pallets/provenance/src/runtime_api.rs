//! The runtime API through which nodes answer questions about products.

use crate::{LotId, MachineStep, Moment, Trace};
use alloc::vec::Vec;
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Reads products at the block it is called at.
	pub trait ProvenanceApi<AccountId: Codec, Balance: Codec, BlockNumber: Codec> {
		/// `product`'s whole story with `limit` steps from step `from`; `None` if no product
		/// has this DID.
		fn trace(product: AccountId, from: u32, limit: u32) -> Option<Trace<AccountId, Balance, BlockNumber>>;
		/// Up to `limit` steps `machine` performed overlapping `[from, to]` (ms since the
		/// epoch), in start-time order, after the step `after` = (start, product, index).
		fn products_by_machine(
			machine: AccountId,
			from: Moment,
			to: Moment,
			after: Option<(Moment, AccountId, u32)>,
			limit: u32,
		) -> Vec<MachineStep<AccountId>>;
		/// The product carrying the NFC tag `tag`.
		fn product_by_tag(tag: Vec<u8>) -> Option<AccountId>;
		/// A lot's products, if the lot exists: up to `limit` after `after`.
		fn lot_products(lot: LotId, after: Option<AccountId>, limit: u32) -> Option<Vec<AccountId>>;
	}
}
