//! did:twin identifiers and DID document timestamps: SS58 addresses decode only with a valid
//! checksum and encode back to the same account; every timestamp that parses formats (to whole
//! seconds, as DID documents show them) and parses back to the same second. Nothing may panic.

#![no_main]
use libfuzzer_sys::fuzz_target;
use twinchain_primitives::text::{parse_datetime, ss58_decode, ss58_encode, utc_datetime};

fuzz_target!(|data: &[u8]| {
	let Ok(text) = std::str::from_utf8(data) else { return };
	let address = text.strip_prefix("did:twin:").unwrap_or(text);
	if let Some(account) = ss58_decode(42, address) {
		assert_eq!(ss58_decode(42, &ss58_encode(42, &account)), Some(account));
	}
	if let Ok(ms) = parse_datetime(text) {
		assert_eq!(parse_datetime(&utc_datetime(ms)), Ok(ms - ms % 1000), "{text:?}");
	}
});
