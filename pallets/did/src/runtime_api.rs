//! The runtime API through which nodes resolve `did:twin` DIDs.

use crate::{AttributeValue, KeyFormat, Validity};
use alloc::vec::Vec;

sp_api::decl_runtime_apis! {
	/// Resolves `did:twin` DIDs against the state of the block it is called at.
	pub trait DidApi {
		/// The W3C DID resolution result for `did` (UTF-8 bytes of a DID string) as UTF-8 JSON:
		/// `{ "@context", "didDocument", "didResolutionMetadata", "didDocumentMetadata" }`.
		/// A malformed DID yields `didResolutionMetadata.error = "invalidDid"`.
		fn resolve(did: Vec<u8>, key_format: KeyFormat) -> Vec<u8>;
		/// The attribute `name` of `did` (a DID string) with its validity window, revoked and
		/// expired ones included, so a verifier can tell whether a key was valid when it
		/// signed. `None` for a malformed DID or an unknown name.
		fn attribute(did: Vec<u8>, name: Vec<u8>) -> Option<(AttributeValue, Validity)>;
	}
}
