//! Every MQTT message the factory bridge takes, on every topic kind of a factory that uses
//! every payload profile: telemetry (BME680, LDR, generic JSON), station states,
//! acknowledgements, orders, stock, order states and NFC reads. The first input byte picks the
//! topic, the rest is the payload. Nothing may panic, and a refused message must leave the
//! telemetry buffer as it was (all or nothing).

#![no_main]
use libfuzzer_sys::fuzz_target;
use mqtt_offchain_worker::{bridge::Bridge, config::Factory, store::MemStore};
use std::sync::OnceLock;

const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
const CHARLIE: &str = "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y";
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

fn parse() -> Factory {
	Factory::from_toml(&format!(
		r#"
gateway = "{ALICE}"
window_ms = 10000
close_delay_ms = 1000
environment = "env"
[orders]
topic = "f/o/order"
recipes = {{ WHITE = 0, RED = 1, BLUE = 2 }}
reward_per_step = 10
step_blocks = 60
stock_topic = "f/i/stock"
state_topic = "f/i/order"
nfc_topic = "f/i/nfc/ds"
[[machines]]
name = "env"
account = "{CHARLIE}"
telemetry = [{{ topic = "i/bme680", profile = "bme680" }}, {{ topic = "i/ldr", profile = "ldr" }}]
[[machines]]
name = "mpo"
account = "{BOB}"
state_topic = "f/i/state/mpo"
telemetry = [{{ topic = "sim/mpo/kiln", profile = "json", ts = "ts", fields = {{ kiln_t = "temperature", power = "power.kw" }} }}]
commands = [{{ capability = "oven", topic = "fl/vgr/do", payload = '{{"ts":"{{ts}}","code":7,"task":{{task}},"params":{{params}},"workpiece":{{"id":"{{tag}}","type":"{{colour}}"}}}}' }}]
ack = {{ topic = "fl/mpo/ack", field = "code", started = "1", done = "2", task_field = "task" }}
"#
	))
	.expect("the fuzz factory's configuration is valid")
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
