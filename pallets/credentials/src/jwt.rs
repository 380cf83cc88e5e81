//! Off-chain helpers for Twinchain's VC-JWTs (std only): compact JWS with Ed25519 (RFC 8037,
//! `alg: EdDSA`), unpadded base64url, schema ids and claims checks, and the capability claims a
//! `MachineCapability` credential anchors. The node's `vc issue` and `vc verify` use them.

use alloc::{
	format,
	string::{String, ToString},
	vec::Vec,
};
use serde_json::Value;
use sp_core::{crypto::Pair as _, ed25519};
use twinchain_primitives::text::{base64url as b64, hex, unbase64url as unb64};

type CliResult<T> = Result<T, String>;

/// The schema ids of the genesis schemas, by name.
pub fn known_schema(name: &str) -> Option<[u8; 32]> {
	let text = match name {
		"MachineCapability" => crate::schemas::MACHINE_CAPABILITY,
		"QualityCertificate" => crate::schemas::QUALITY_CERTIFICATE,
		_ => return None,
	};
	Some(sp_io::hashing::blake2_256(text.as_bytes()))
}

/// The URN a credential names its schema by (`credentialSchema.id`).
pub fn schema_urn(id: &[u8; 32]) -> String {
	format!("urn:twin:schema:0x{}", hex(id))
}

/// A compact JWS over `header` and `payload`, signed with `key` (Ed25519, RFC 8037).
pub fn sign_jws(header: &Value, payload: &[u8], key: &ed25519::Pair) -> String {
	let signing_input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(payload));
	let signature = key.sign(signing_input.as_bytes());
	format!("{signing_input}.{}", b64(&signature.0))
}

/// Whether `jws` is signed by the Ed25519 `public` key.
pub fn verify_jws(jws: &str, public: &[u8; 32]) -> bool {
	let Some((signing_input, signature)) = jws.rsplit_once('.') else { return false };
	let Some(sig) = unb64(signature).and_then(|s| <[u8; 64]>::try_from(s).ok()) else {
		return false;
	};
	ed25519::Pair::verify(
		&ed25519::Signature::from_raw(sig),
		signing_input.as_bytes(),
		&ed25519::Public::from_raw(*public),
	)
}

/// The capability claims of a `MachineCapability` subject: `capability` and `parameters`
/// (numbers and booleans as text, arrays joined by `,`), sorted by name.
pub fn capability_of(subject: &Value) -> CliResult<crate::Capability> {
	let id = subject["capability"].as_str().ok_or("claims: `capability` must be a string")?;
	let mut params: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
	if let Some(map) = subject.get("parameters") {
		let map = map.as_object().ok_or("claims: `parameters` must be an object")?;
		for (k, v) in map {
			let text = match v {
				Value::String(s) => s.clone(),
				Value::Array(items) => items
					.iter()
					.map(|i| i.as_str().map(str::to_string).unwrap_or_else(|| i.to_string()))
					.collect::<Vec<_>>()
					.join(","),
				other => other.to_string(),
			};
			params.push((k.as_bytes().to_vec(), text.into_bytes()));
		}
	}
	params.sort();
	let too_long =
		|what: &str| format!("claims: {what} too long for the chain's capability bounds");
	Ok(crate::Capability {
		id: id.as_bytes().to_vec().try_into().map_err(|_| too_long("capability"))?,
		params: params
			.into_iter()
			.map(|(k, v)| {
				Ok((
					k.try_into().map_err(|_| too_long("a parameter name"))?,
					v.try_into().map_err(|_| too_long("a parameter value"))?,
				))
			})
			.collect::<CliResult<Vec<_>>>()?
			.try_into()
			.map_err(|_| too_long("the parameter list"))?,
	})
}

/// Checks `subject` against the registered JSON Schema subset Twinchain uses: `required`
/// properties, property `type`s, string `enum`s and `pattern`s are not interpreted beyond
/// presence and type.
pub fn check_claims(schema: &Value, subject: &Value) -> Result<(), String> {
	let obj = subject.as_object().ok_or("credentialSubject is not an object")?;
	for name in schema["required"].as_array().into_iter().flatten().filter_map(|n| n.as_str()) {
		if !obj.contains_key(name) {
			return Err(format!("missing `{name}`"));
		}
	}
	if let Some(props) = schema["properties"].as_object() {
		for (name, value) in obj {
			let Some(rule) = props.get(name) else { continue };
			let ok = match rule["type"].as_str() {
				Some("string") => value.is_string(),
				Some("number") => value.is_number(),
				Some("integer") => value.is_i64() || value.is_u64(),
				Some("boolean") => value.is_boolean(),
				Some("object") => value.is_object(),
				Some("array") => value.is_array(),
				_ => true,
			};
			if !ok {
				return Err(format!("`{name}` must be of type {}", rule["type"]));
			}
			if let Some(allowed) = rule["enum"].as_array() {
				if !allowed.contains(value) {
					return Err(format!(
						"`{name}` must be one of {}",
						Value::Array(allowed.clone())
					));
				}
			}
		}
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::json;

	/// RFC 8037, appendix A.4: the Ed25519 JWS example, byte for byte.
	#[test]
	fn rfc8037_ed25519_example() {
		let d = unb64("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A").unwrap();
		let x = unb64("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo").unwrap();
		let key = ed25519::Pair::from_seed_slice(&d).unwrap();
		assert_eq!(key.public().0.to_vec(), x);
		let signing_input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
		let signature = key.sign(signing_input.as_bytes());
		let expected = "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
		assert_eq!(b64(&signature.0), expected);
		let jws = format!("{signing_input}.{expected}");
		assert!(verify_jws(&jws, &key.public().0));
		let tampered = jws.replacen("RXhh", "RXha", 1);
		assert!(!verify_jws(&tampered, &key.public().0));
		assert_eq!(
			unb64("RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc").unwrap(),
			b"Example of Ed25519 signing"
		);
	}

	#[test]
	fn claims_are_checked_against_the_schema() {
		let schema: Value = serde_json::from_str(crate::schemas::QUALITY_CERTIFICATE).unwrap();
		let ok = json!({"id": "did:twin:x", "standard": "ISO 2768-m", "result": "pass", "product": "did:twin:y"});
		assert_eq!(check_claims(&schema, &ok), Ok(()));
		let missing = json!({"id": "did:twin:x", "standard": "ISO 2768-m", "result": "pass"});
		assert_eq!(check_claims(&schema, &missing), Err("missing `product`".into()));
		let bad_enum = json!({"id": "d", "standard": "s", "result": "maybe", "product": "p"});
		assert!(check_claims(&schema, &bad_enum).unwrap_err().contains("one of"));
		let bad_type = json!({"id": "d", "standard": 7, "result": "pass", "product": "p"});
		assert!(check_claims(&schema, &bad_type).unwrap_err().contains("type"));
	}

	#[test]
	fn capability_claims_become_sorted_chain_parameters() {
		let c = capability_of(
			&json!({"capability": "sort", "parameters": {"colors": ["red", "white"], "maxPerMinute": 12}}),
		)
		.unwrap();
		assert_eq!(c.id.to_vec(), b"sort".to_vec());
		let params: Vec<(String, String)> = c
			.params
			.iter()
			.map(|(k, v)| {
				(String::from_utf8(k.to_vec()).unwrap(), String::from_utf8(v.to_vec()).unwrap())
			})
			.collect();
		assert_eq!(
			params,
			vec![("colors".into(), "red,white".into()), ("maxPerMinute".into(), "12".into())]
		);
	}
}
