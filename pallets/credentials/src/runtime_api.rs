//! The runtime API through which verifiers read credential anchors, statuses and schemas.

use crate::{CredentialStatus, Digest, SchemaId};
use alloc::vec::Vec;
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Reads what the chain holds about credentials at the block it is called at.
	pub trait CredentialsApi<AccountId: Codec> {
		/// The anchor of `digest` (SCALE-encoded `Credential`) and its status, if anchored.
		fn credential(digest: Digest) -> Option<(Vec<u8>, CredentialStatus)>;
		/// A registered schema's name and JSON text.
		fn schema(id: SchemaId) -> Option<(Vec<u8>, Vec<u8>)>;
		/// An issuer's W3C Bitstring Status List for revocation (`false`) or suspension
		/// (`true`), as stored (bytes, leftmost bit first; missing trailing bytes are zero).
		fn status_list(issuer: AccountId, suspension: bool) -> Vec<u8>;
	}
}
