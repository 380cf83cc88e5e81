//! The factory configuration (`--factory-config`, TOML): any text either parses into a factory
//! whose bridge starts, or is refused with an error; nothing may panic.

#![no_main]
use libfuzzer_sys::fuzz_target;
use mqtt_offchain_worker::{bridge::Bridge, config::Factory, store::MemStore};

fuzz_target!(|data: &[u8]| {
	let Ok(text) = std::str::from_utf8(data) else { return };
	if let Ok(factory) = Factory::from_toml(text) {
		let _ = Bridge::new(factory, MemStore::default(), None);
	}
});
