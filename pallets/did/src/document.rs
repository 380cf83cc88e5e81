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

/// SS58 encoding of a 32-byte account with `prefix`.
pub fn ss58_encode(prefix: u16, account: &[u8; 32]) -> String {
	let mut data = Vec::with_capacity(36);
	if prefix < 64 {
		data.push(prefix as u8);
	} else {
		let ident = prefix & 0x3fff;
		data.push((((ident & 0x00fc) >> 2) as u8) | 0x40);
		data.push(((ident >> 8) as u8) | (((ident & 0x0003) as u8) << 6));
	}
	data.extend_from_slice(account);
	let mut pre = Vec::with_capacity(7 + data.len());
	pre.extend_from_slice(b"SS58PRE");
	pre.extend_from_slice(&data);
	let checksum = sp_crypto_hashing::blake2_512(&pre);
	data.extend_from_slice(&checksum[..2]);
	bs58::encode(data).into_string()
}

/// The longest SS58 address: a two-byte prefix, 32 bytes and a two-byte checksum, in base58.
pub const MAX_SS58_LEN: usize = 50;

/// `s` quoted for an error message, cut after its first 64 characters: an error must not echo
/// megabytes of hostile input back.
pub fn quote(s: &str) -> String {
	const MAX: usize = 64;
	match s.char_indices().nth(MAX) {
		None => format!("{s:?}"),
		Some((cut, _)) => format!("{:?}… ({} bytes)", &s[..cut], s.len()),
	}
}

/// The 32-byte account behind an SS58 address, if it is well formed and carries `prefix`.
pub fn ss58_decode(prefix: u16, address: &str) -> Option<[u8; 32]> {
	// Base58 decoding takes time quadratic in the length: refuse what cannot be an address
	// before decoding (a megabyte-long DID would otherwise take minutes).
	if address.len() > MAX_SS58_LEN {
		return None;
	}
	let data = bs58::decode(address).into_vec().ok()?;
	let prefix_len = if prefix < 64 { 1 } else { 2 };
	if data.len() != prefix_len + 32 + 2 {
		return None;
	}
	let account: [u8; 32] = data[prefix_len..prefix_len + 32].try_into().ok()?;
	// Re-encoding checks the prefix and the checksum at once.
	(ss58_encode(prefix, &account) == address).then_some(account)
}

/// Unpadded base64url (RFC 4648 §5), as JWKs use.
pub fn base64url(bytes: &[u8]) -> String {
	const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
	for chunk in bytes.chunks(3) {
		let n = (chunk[0] as u32) << 16
			| (*chunk.get(1).unwrap_or(&0) as u32) << 8
			| *chunk.get(2).unwrap_or(&0) as u32;
		for i in 0..=chunk.len() {
			out.push(ALPHABET[((n >> (18 - 6 * i)) & 0x3f) as usize] as char);
		}
	}
	out
}

/// `z` + base58btc of the multicodec-prefixed key (a Multikey's `publicKeyMultibase`).
pub fn multibase(codec: [u8; 2], key: &[u8; 32]) -> String {
	let mut bytes = Vec::with_capacity(34);
	bytes.extend_from_slice(&codec);
	bytes.extend_from_slice(key);
	format!("z{}", bs58::encode(bytes).into_string())
}

/// An XML Schema dateTime in UTC without fractions, e.g. `2026-11-26T08:15:00Z`, from ms since
/// the Unix epoch.
pub fn utc_datetime(ms: u64) -> String {
	let secs = ms / 1000;
	let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
	// Civil date from days since 1970-01-01 (proleptic Gregorian; eras of 400 years).
	let z = days + 719_468;
	let era = z.div_euclid(146_097);
	let doe = z.rem_euclid(146_097);
	let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
	let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	let mp = (5 * doy + 2) / 153;
	let day = doy - (153 * mp + 2) / 5 + 1;
	let month = if mp < 10 { mp + 3 } else { mp - 9 };
	let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
	format!(
		"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
		year,
		month,
		day,
		rem / 3_600,
		(rem % 3_600) / 60,
		rem % 60
	)
}

/// Parses an RFC 3339 date-time (`2026-11-26T10:00:00Z`, `2026-11-26T11:00:00.250+01:00`) into
/// ms since the Unix epoch; the inverse of [`utc_datetime`] and more.
pub fn parse_datetime(s: &str) -> Result<u64, String> {
	let bad = || format!("{} is not an RFC 3339 date-time (e.g. 2026-11-26T10:00:00Z)", quote(s));
	let b = s.as_bytes();
	if !s.is_ascii()
		|| b.len() < 20
		|| b[4] != b'-'
		|| b[7] != b'-'
		|| !matches!(b[10], b'T' | b't' | b' ')
	{
		return Err(bad());
	}
	if b[13] != b':' || b[16] != b':' {
		return Err(bad());
	}
	let num = |r: core::ops::Range<usize>| -> Result<i64, String> {
		s.get(r)
			.filter(|d| d.bytes().all(|c| c.is_ascii_digit()))
			.ok_or_else(bad)?
			.parse()
			.map_err(|_| bad())
	};
	let (y, mo, d, h, mi, sec) =
		(num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
	let mut rest = &s[19..];
	let mut ms = 0i64;
	if let Some(frac) = rest.strip_prefix('.') {
		let digits = frac.bytes().take_while(|c| c.is_ascii_digit()).count();
		if digits == 0 {
			return Err(bad());
		}
		let padded = format!("{:0<3}", &frac[..digits.min(3)]);
		ms = padded.parse().map_err(|_| bad())?;
		rest = &frac[digits..];
	}
	let offset_min = match rest {
		"Z" | "z" => 0,
		o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) && &o[3..4] == ":" => {
			let oh: i64 = o[1..3].parse().map_err(|_| bad())?;
			let om: i64 = o[4..6].parse().map_err(|_| bad())?;
			let sign = if o.starts_with('-') { -1 } else { 1 };
			sign * (oh * 60 + om)
		},
		_ => return Err(bad()),
	};
	if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
		return Err(bad());
	}
	// Days since 1970-01-01 from the civil date (proleptic Gregorian).
	let (y2, m2) = if mo <= 2 { (y - 1, mo + 9) } else { (y, mo - 3) };
	let era = y2.div_euclid(400);
	let yoe = y2 - era * 400;
	let doy = (153 * m2 + 2) / 5 + d - 1;
	let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	let days = era * 146_097 + doe - 719_468;
	let total = ((days * 86_400 + h * 3600 + mi * 60 + sec) - offset_min * 60) * 1000 + ms;
	u64::try_from(total).map_err(|_| format!("{} is before 1970", quote(s)))
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
