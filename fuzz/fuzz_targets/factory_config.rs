//! The factory configuration (`--factory-config`, TOML): any text either parses into a factory
//! whose bridge starts, or is refused with an error; nothing may panic. Each input is tried on
//! its own and appended to the dev chain's demo factory (a valid configuration: what the input
//! adds there — keys of the last machine, more machines, another `[orders]` — reaches the
//! checks behind the TOML parser).

#![no_main]
use libfuzzer_sys::fuzz_target;
use mqtt_offchain_worker::{bridge::Bridge, config::Factory, store::MemStore, DEV_FACTORY_TOML};

fn start(text: &str) {
	if let Ok(factory) = Factory::from_toml(text) {
		// Refused (a command template that is not JSON) or started: both are fine.
		drop(Bridge::new(factory, MemStore::default(), None));
	}
}

fuzz_target!(|data: &[u8]| {
	let Ok(text) = std::str::from_utf8(data) else { return };
	start(text);
	start(&format!("{DEV_FACTORY_TOML}\n{text}"));
});
