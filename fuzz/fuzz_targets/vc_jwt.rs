//! VC-JWTs as `twinchain vc verify` and the node's RPC take them: the compact JWS (base64url
//! segments, Ed25519 signature), the claims JSON, the capability claims and the schema check.
//! Nothing may panic; base64url decoding inverts the encoding.

#![no_main]
use libfuzzer_sys::fuzz_target;
use pallet_credentials::jwt::{capability_of, check_claims, verify_jws};
use serde_json::Value;
use twinchain_primitives::text::{base64url, unbase64url as unb64};

fuzz_target!(|data: &[u8]| {
	assert_eq!(unb64(&base64url(data)).as_deref(), Some(data));
	let Ok(text) = std::str::from_utf8(data) else { return };
	let _ = verify_jws(text, &[7u8; 32]);
	let Some(payload) = text.split('.').nth(1) else { return };
	let Some(raw) = unb64(payload) else { return };
	let Ok(claims) = serde_json::from_slice::<Value>(&raw) else { return };
	let subject = &claims["vc"]["credentialSubject"];
	let _ = capability_of(subject);
	for schema in [
		pallet_credentials::schemas::MACHINE_CAPABILITY,
		pallet_credentials::schemas::QUALITY_CERTIFICATE,
	] {
		let schema: Value = serde_json::from_str(schema).expect("the built-in schemas are JSON");
		let _ = check_claims(&schema, subject);
	}
	// A credential may also bring its own schema.
	let _ = check_claims(&claims["schema"], subject);
});
