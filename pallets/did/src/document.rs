//! W3C DID Core 1.0 documents and DID resolution results for `did:twin`, built from chain state.
//!
//! - `did:twin:<SS58 address>` with the chain's SS58 prefix; nothing else is a valid DID here.
//! - `verificationMethod` ids are absolute DID URLs. `#controller` is the controlling account's
//!   Sr25519 key (`Multikey`); delegates are `#delegate-auth-<address>` / `#delegate-assert-<address>`
//!   (their own Sr25519 account keys, `controller` = the delegate's DID); key attributes are
//!   `#<name>` (Ed25519 / X25519 as `JsonWebKey2020` with `publicKeyJwk`, or all as `Multikey`
//!   with `publicKeyMultibase` when asked for).
//! - Only delegates and attributes valid at the block's timestamp appear.
//! - `didDocumentMetadata`: `created`, `updated` (UTC, no fractions), `versionId` (the block
//!   number of the last change), `deactivated`.

use crate::{
	Attribute, AttributeValue, Attributes, BalanceOf, Config, DelegateType, Delegates, DidRecordOf,
	Dids, KeyFormat, KeyPurposes, KeyType, Pallet,
};
use alloc::{format, string::String, vec::Vec};
use codec::{Decode, Encode};
use frame_support::traits::Get;
use serde_json::{json, Map, Value};
use twinchain_primitives::text::{base64url, ss58_decode, ss58_encode, utc_datetime};

/// The method prefix of every Twinchain DID.
pub const DID_PREFIX: &str = "did:twin:";

/// The JSON-LD contexts of every document.
pub const CONTEXTS: [&str; 3] = [
	"https://www.w3.org/ns/did/v1",
	"https://w3id.org/security/suites/jws-2020/v1",
	"https://w3id.org/security/multikey/v1",
];

/// Multicodec prefixes (unsigned varint) of the public key types.
const MULTICODEC_ED25519: [u8; 2] = [0xed, 0x01];
const MULTICODEC_X25519: [u8; 2] = [0xec, 0x01];
const MULTICODEC_SR25519: [u8; 2] = [0xef, 0x01];

/// `z` + base58btc of the multicodec-prefixed key (a Multikey's `publicKeyMultibase`).
pub fn multibase(codec: [u8; 2], key: &[u8; 32]) -> String {
	let mut bytes = Vec::with_capacity(34);
	bytes.extend_from_slice(&codec);
	bytes.extend_from_slice(key);
	format!("z{}", bs58::encode(bytes).into_string())
}

/// The account of a `did:twin` DID string, if it is one of this chain.
pub fn parse_did<T: Config>(did: &str) -> Option<T::AccountId> {
	let address = did.strip_prefix(DID_PREFIX)?;
	let bytes = ss58_decode(T::SS58Prefix::get(), address)?;
	T::AccountId::decode(&mut &bytes[..]).ok()
}

fn account_bytes<T: Config>(account: &T::AccountId) -> [u8; 32] {
	let encoded = account.encode();
	let mut out = [0u8; 32];
	let n = encoded.len().min(32);
	out[..n].copy_from_slice(&encoded[..n]);
	out
}

/// The DID string of an account.
pub fn did_of<T: Config>(account: &T::AccountId) -> String {
	format!("{DID_PREFIX}{}", ss58_encode(T::SS58Prefix::get(), &account_bytes::<T>(account)))
}

fn account_key_method<T: Config>(id: String, account: &T::AccountId) -> Value {
	json!({
		"id": id,
		"type": "Multikey",
		"controller": did_of::<T>(account),
		"publicKeyMultibase": multibase(MULTICODEC_SR25519, &account_bytes::<T>(account)),
	})
}

fn key_method(
	id: String,
	controller: &str,
	key_type: KeyType,
	key: &[u8; 32],
	format: KeyFormat,
) -> Value {
	let (codec, crv) = match key_type {
		KeyType::Ed25519 => (MULTICODEC_ED25519, Some("Ed25519")),
		KeyType::X25519 => (MULTICODEC_X25519, Some("X25519")),
		KeyType::Sr25519 => (MULTICODEC_SR25519, None),
	};
	match (crv, format) {
		(Some(crv), KeyFormat::JsonWebKey2020) => json!({
			"id": id,
			"type": "JsonWebKey2020",
			"controller": controller,
			"publicKeyJwk": { "kty": "OKP", "crv": crv, "x": base64url(key) },
		}),
		_ => json!({
			"id": id,
			"type": "Multikey",
			"controller": controller,
			"publicKeyMultibase": multibase(codec, key),
		}),
	}
}

/// The DID document of `account` at the current block, and its record.
pub fn document<T: Config>(
	account: &T::AccountId,
	format: KeyFormat,
) -> (Value, Option<DidRecordOf<T>>) {
	let id = did_of::<T>(account);
	let record = Dids::<T>::get(account);
	let mut doc = Map::new();
	doc.insert("@context".into(), json!(CONTEXTS));
	doc.insert("id".into(), json!(id));
	if record.as_ref().is_some_and(|r| r.deactivated) {
		return (Value::Object(doc), record);
	}
	let controller =
		record.as_ref().map(|r| r.controller.clone()).unwrap_or_else(|| account.clone());
	let controller_did = did_of::<T>(&controller);
	let now = Pallet::<T>::now();

	let controller_key = format!("{id}#controller");
	let mut methods = alloc::vec![account_key_method::<T>(controller_key.clone(), &controller)];
	let mut authentication = alloc::vec![json!(controller_key.clone())];
	let mut assertion = alloc::vec![json!(controller_key)];
	let mut key_agreement = Vec::new();
	let mut services = Vec::new();

	let mut delegates: Vec<_> = Delegates::<T>::iter_prefix(account)
		.filter(|(_, d)| d.validity.is_valid_at(now))
		.map(|((kind, delegate), _)| (kind, delegate))
		.collect();
	delegates.sort();
	for (kind, delegate) in delegates {
		let (tag, list) = match kind {
			DelegateType::Authentication => ("auth", &mut authentication),
			DelegateType::Assertion => ("assert", &mut assertion),
		};
		let address = ss58_encode(T::SS58Prefix::get(), &account_bytes::<T>(&delegate));
		let vm_id = format!("{id}#delegate-{tag}-{address}");
		list.push(json!(vm_id.clone()));
		methods.push(account_key_method::<T>(vm_id, &delegate));
	}

	let mut attributes: Vec<(_, Attribute<T::AccountId, BalanceOf<T>>)> =
		Attributes::<T>::iter_prefix(account)
			.filter(|(_, a)| a.validity.is_valid_at(now))
			.collect();
	attributes.sort_by(|a, b| a.0.cmp(&b.0));
	for (name, attribute) in attributes {
		let fragment_id = format!("{id}#{}", String::from_utf8_lossy(&name));
		match attribute.value {
			AttributeValue::PublicKey { key_type, purposes, key } => {
				methods.push(key_method(fragment_id.clone(), &id, key_type, &key, format));
				if purposes.has(KeyPurposes::AUTHENTICATION) {
					authentication.push(json!(fragment_id.clone()));
				}
				if purposes.has(KeyPurposes::ASSERTION_METHOD) {
					assertion.push(json!(fragment_id.clone()));
				}
				if purposes.has(KeyPurposes::KEY_AGREEMENT) {
					key_agreement.push(json!(fragment_id));
				}
			},
			AttributeValue::Service { service_type, endpoint } => services.push(json!({
				"id": fragment_id,
				"type": String::from_utf8_lossy(&service_type),
				"serviceEndpoint": String::from_utf8_lossy(&endpoint),
			})),
		}
	}

	doc.insert("controller".into(), json!(controller_did));
	doc.insert("verificationMethod".into(), Value::Array(methods));
	doc.insert("authentication".into(), Value::Array(authentication));
	doc.insert("assertionMethod".into(), Value::Array(assertion));
	if !key_agreement.is_empty() {
		doc.insert("keyAgreement".into(), Value::Array(key_agreement));
	}
	if !services.is_empty() {
		doc.insert("service".into(), Value::Array(services));
	}
	(Value::Object(doc), record)
}

/// The DID resolution result for the DID string `did` at the current block, as JSON.
pub fn resolve<T: Config>(did: &[u8], format: KeyFormat) -> Value
where
	frame_system::pallet_prelude::BlockNumberFor<T>: Into<u64>,
{
	let parsed = core::str::from_utf8(did).ok().and_then(parse_did::<T>);
	let Some(account) = parsed else {
		return json!({
			"@context": "https://w3id.org/did-resolution/v1",
			"didDocument": null,
			"didResolutionMetadata": {
				"error": "invalidDid",
				"errorMessage": format!(
					"not a did:twin DID: expected {DID_PREFIX}<SS58 address with prefix {}>",
					T::SS58Prefix::get()
				),
			},
			"didDocumentMetadata": {},
		});
	};
	let (document, record) = document::<T>(&account, format);
	let content_type = "application/did+ld+json";
	let mut metadata = Map::new();
	match record {
		Some(r) => {
			metadata.insert("created".into(), json!(utc_datetime(r.created.time)));
			metadata.insert("updated".into(), json!(utc_datetime(r.updated.time)));
			let version: u64 = r.updated.block.into();
			metadata.insert("versionId".into(), json!(format!("{version}")));
			metadata.insert("deactivated".into(), json!(r.deactivated));
		},
		None => {
			metadata.insert("deactivated".into(), json!(false));
		},
	}
	json!({
		"@context": "https://w3id.org/did-resolution/v1",
		"didDocument": document,
		"didResolutionMetadata": { "contentType": content_type },
		"didDocumentMetadata": metadata,
	})
}

/// [`resolve`] as UTF-8 JSON bytes (what [`crate::runtime_api::DidApi::resolve`] returns).
pub fn resolve_json<T: Config>(did: &[u8], format: KeyFormat) -> Vec<u8>
where
	frame_system::pallet_prelude::BlockNumberFor<T>: Into<u64>,
{
	serde_json::to_vec(&resolve::<T>(did, format)).unwrap_or_default()
}

/// The attribute `name` of the DID string `did`, revoked and expired ones included.
pub fn attribute<T: Config>(did: &[u8], name: &[u8]) -> Option<(AttributeValue, crate::Validity)> {
	let account = parse_did::<T>(core::str::from_utf8(did).ok()?)?;
	let name = crate::AttributeName::try_from(name.to_vec()).ok()?;
	Attributes::<T>::get(account, name).map(|a| (a.value, a.validity))
}
