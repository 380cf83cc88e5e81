//! Every MQTT message the factory bridge takes, on every topic kind of the dev chain's demo
//! factory, which uses every payload profile: telemetry (BME680, LDR, generic JSON), station states,
//! acknowledgements, orders, stock, order states and NFC reads. The first input byte picks the
//! topic, the rest is the payload. Nothing may panic, and a refused message must leave the
//! telemetry buffer as it was (all or nothing).

#![no_main]
use libfuzzer_sys::fuzz_target;
use mqtt_offchain_worker::{bridge::Bridge, config::Factory, store::MemStore, DEV_FACTORY_TOML};
use std::sync::OnceLock;

/// 2026-11-26T00:00:00Z: payload timestamps near it are within the allowed clock skew.
const NOW: u64 = 1_795_651_200_000;

const TOPICS: [&str; 10] = [
	"i/bme680",
	"i/ldr",
	"sim/mpo/kiln",
	"f/i/state/mpo",
	"fl/mpo/ack",
	"f/o/order",
	"f/i/stock",
	"f/i/order",
	"f/i/nfc/ds",
	"no/such/topic",
];

fn factory() -> Factory {
	static FACTORY: OnceLock<Factory> = OnceLock::new();
	FACTORY.get_or_init(parse).clone()
}

/// The dev chain's demo factory, which reads every topic kind and payload profile; its kiln
/// also reads a nested field (`power.kw`), so that dotted paths are fuzzed too.
fn parse() -> Factory {
	let mut config = Factory::from_toml(DEV_FACTORY_TOML).expect("the dev factory is valid").config;
	let mpo = config
		.machines
		.iter_mut()
		.find(|m| m.name == "mpo")
		.expect("the dev factory's kiln");
	mpo.telemetry[0].fields.insert("power".into(), "power.kw".into());
	Factory::new(config).expect("the fuzz factory's configuration is valid")
}

fuzz_target!(|data: &[u8]| {
	let Some((&pick, payload)) = data.split_first() else { return };
	let bridge = Bridge::new(factory(), MemStore::default(), None).expect("valid");
	let topic = TOPICS[pick as usize % TOPICS.len()];
	let before = bridge.windows().buffered();
	match bridge.on_message(topic, payload, NOW) {
		Ok(_) => {},
		Err(_) => {
			assert_eq!(bridge.windows().buffered(), before, "a refused message took readings")
		},
	}
	// The same message again is a second delivery: never more readings than the first time.
	let after_first = bridge.windows().buffered();
	let _ = bridge.on_message(topic, payload, NOW);
	assert_eq!(bridge.windows().buffered(), after_first, "a second delivery was taken twice");
	let _ = bridge.tick(NOW + 60_000);
});
