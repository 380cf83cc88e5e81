//! The demo factory of the `dev` preset: the fischertechnik Training Factory 4.0's stations as
//! machines with DIDs, credentialed capabilities and a gateway, one recipe per workpiece
//! colour, and a kiln temperature rule. It is set up at genesis by calls dispatched as their
//! signers (pallet-gateway's genesis), so it passes the same checks as on a live chain.
//!
//! The node's built-in factory configuration (`--dev` without `--factory-config`),
//! `mqtt-offchain-worker/dev-factory.toml`, maps the factory's MQTT topics to these machines by
//! their accounts; a node unit test checks that every account in it is the one derived here.
//!
//! Capabilities use the factory's own vocabulary (its NFC history codes): `warehousing` (300),
//! `outsourcing` (400, fetch from the high-bay warehouse), `delivery` (100), `inspection`
//! (200), `oven` (500), `milling` (600), `sorting` (700), `shipping` (800); `maintenance` is
//! what the kiln rule asks for.

use crate::{AccountId, Balance, RuntimeCall, MILLI_UNIT, UNIT};
use alloc::vec::Vec;
use codec::Encode;
use sp_core::crypto::AccountId32;
use sp_keyring::Sr25519Keyring;

/// The dev gateway's sr25519 public key: the account of the dev seed `//Gateway`, which the
/// node puts in its keystore (key type `gate`) with `--dev`.
pub const GATEWAY_PUBLIC: [u8; 32] =
	hex32("d6ec6ac6be4e1b9953c92be6aa17929c4b3c70ec86b491980d9aeb3a819d3259");

/// 64 hex digits as 32 bytes, at compile time.
const fn hex32(s: &str) -> [u8; 32] {
	const fn digit(c: u8) -> u8 {
		match c {
			b'0'..=b'9' => c - b'0',
			b'a'..=b'f' => c - b'a' + 10,
			_ => panic!("lower-case hex only"),
		}
	}
	let b = s.as_bytes();
	assert!(b.len() == 64, "64 hex digits");
	let mut out = [0u8; 32];
	let mut i = 0;
	while i < 32 {
		out[i] = digit(b[2 * i]) << 4 | digit(b[2 * i + 1]);
		i += 1;
	}
	out
}

/// The dev seed of the gateway key.
pub const GATEWAY_SEED: &str = "//Gateway";

/// The stations, in the order their DIDs are created: (name, model).
pub const STATIONS: [(&str, &str); 5] = [
	("hbw", "High-bay warehouse"),
	("vgr", "Vacuum gripper robot with NFC reader"),
	("mpo", "Multi-processing station with kiln and mill"),
	("sld", "Sorting line with colour detection"),
	("env", "Environment sensor (main controller, BME680 and LDR)"),
];

/// Each station's capabilities.
pub fn capabilities(station: &str) -> &'static [&'static str] {
	match station {
		"hbw" => &["warehousing", "outsourcing"],
		"vgr" => &["delivery", "inspection", "shipping"],
		"mpo" => &["oven", "milling"],
		"sld" => &["sorting"],
		_ => &[],
	}
}

/// The reward each step of a dev order pays (held from Alice, the owner, when the gateway
/// orders for her).
pub const STEP_REWARD: Balance = 10 * MILLI_UNIT;

/// What the gateway may commit in orders for Alice, rewards and deposits (a five-step order
/// commits about 0.25 TWIN: 50 mTWIN of rewards, the product's DID and product deposits, the
/// order's and its steps' record deposits).
pub const ORDER_BUDGET: Balance = 100 * UNIT;

/// The gateway account.
pub fn gateway() -> AccountId {
	AccountId32::from(GATEWAY_PUBLIC)
}

/// The manufacturer owning the factory: Alice.
pub fn owner() -> AccountId {
	Sr25519Keyring::Alice.to_account_id()
}

/// The account (DID) of `station`, created by Alice at genesis.
pub fn machine(station: &str) -> Option<AccountId> {
	let index = STATIONS.iter().position(|(name, _)| *name == station)?;
	pallet_did::derived_did(&owner(), index as u64)
}

/// The digest the dev certifier (Charlie) anchors for `station`'s `capability`.
pub fn credential_digest(station: &str, capability: &str) -> [u8; 32] {
	sp_io::hashing::blake2_256(&(b"twinchain/dev-factory/vc", station, capability).encode())
}

fn key<const N: u32>(s: &str) -> frame_support::BoundedVec<u8, frame_support::traits::ConstU32<N>> {
	s.as_bytes().to_vec().try_into().expect("dev factory names are short")
}

/// The calls that set the factory up, each with its signer, SCALE-encoded.
pub fn genesis_calls() -> Vec<(AccountId, Vec<u8>)> {
	let alice = owner();
	let charlie = Sr25519Keyring::Charlie.to_account_id();
	let schema =
		sp_io::hashing::blake2_256(pallet_credentials::schemas::MACHINE_CAPABILITY.as_bytes());
	let mut calls: Vec<(AccountId, RuntimeCall)> = Vec::new();
	for (station, model) in STATIONS {
		let m = machine(station).expect("derivable");
		calls.push((alice.clone(), RuntimeCall::Did(pallet_did::Call::create_did {})));
		calls.push((
			alice.clone(),
			RuntimeCall::Did(pallet_did::Call::add_delegate {
				did: m.clone(),
				delegate_type: twinchain_primitives::DelegateType::Authentication,
				delegate: gateway(),
				valid_from: None,
				valid_until: None,
			}),
		));
		calls.push((
			alice.clone(),
			RuntimeCall::Machines(pallet_machines::Call::register_machine {
				machine: m.clone(),
				nameplate: pallet_machines::Nameplate {
					manufacturer_name: key("fischertechnik"),
					model: key(model),
					serial_number: key(station),
					year_of_construction: 2019,
				},
			}),
		));
		for capability in capabilities(station) {
			let digest = credential_digest(station, capability);
			calls.push((
				charlie.clone(),
				RuntimeCall::Credentials(pallet_credentials::Call::anchor {
					digest,
					subject: m.clone(),
					schema,
					valid_from: None,
					valid_until: None,
					capability: Some(twinchain_primitives::Capability {
						id: key(capability),
						params: Default::default(),
					}),
				}),
			));
			calls.push((
				alice.clone(),
				RuntimeCall::Machines(pallet_machines::Call::add_capability {
					machine: m.clone(),
					capability: key(capability),
					credential: digest,
				}),
			));
		}
	}
	// The recipe of each workpiece colour, by recipe id in `Colour::ALL`'s order (0 WHITE, 1 RED,
	// 2 BLUE): fetched from the warehouse, fired, milled, sorted, shipped.
	for colour in twinchain_primitives::Colour::ALL {
		let steps: Vec<pallet_tasks::RecipeStep> = [
			("outsourcing", "{}"),
			("oven", "{\"s\":10}"),
			("milling", "{\"s\":5}"),
			("sorting", "{}"),
			("shipping", "{}"),
		]
		.into_iter()
		.map(|(capability, params)| pallet_tasks::RecipeStep {
			capability: key(capability),
			params: key(params),
		})
		.collect();
		calls.push((
			alice.clone(),
			RuntimeCall::Tasks(pallet_tasks::Call::register_recipe {
				name: key(colour.as_str()),
				steps: steps.try_into().expect("five steps"),
			}),
		));
	}
	// The gateway places the orders it receives for Alice, within a budget; it is no
	// manufacturer itself.
	calls.push((
		alice.clone(),
		RuntimeCall::Tasks(pallet_tasks::Call::set_order_budget {
			gateway: gateway(),
			budget: Some(ORDER_BUDGET),
		}),
	));
	// The kiln is overheating when it reads above 80 °C in 3 consecutive windows.
	calls.push((
		alice,
		RuntimeCall::Telemetry(pallet_telemetry::Call::set_rule {
			machine: machine("mpo").expect("derivable"),
			rule: pallet_telemetry::RuleInput {
				metric: key("kiln_t"),
				comparison: pallet_telemetry::Comparison::Above,
				threshold: 80_000,
				windows: 3,
				capability: key("maintenance"),
				reward: 100 * MILLI_UNIT,
			},
		}),
	));
	calls.into_iter().map(|(who, call)| (who, call.encode())).collect()
}
