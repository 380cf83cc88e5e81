//! Genesis presets: `dev` (one validator, sudo) and `local` (the three-party consortium).

use crate::{
	dev_factory, AccountId, ActorsConfig, BalancesConfig, CouncilMembershipConfig,
	CredentialsConfig, GatewayConfig, NodeAuthorizationConfig, RuntimeGenesisConfig, SessionConfig,
	SessionKeys, SudoConfig, ValidatorSetConfig, UNIT,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::OpaquePeerId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use twinchain_primitives::Role;

/// The preset of the single-validator development chain.
pub const DEV_PRESET: &str = "dev";
/// The preset of the multi-party (consortium) chain.
pub const LOCAL_PRESET: &str = "local";

/// What each funded development account holds at genesis.
pub const ENDOWMENT: u128 = 1_000_000 * UNIT;

/// A validator of a preset: its account and session keys.
pub struct Validator {
	pub account: AccountId,
	pub aura: AuraId,
	pub grandpa: GrandpaId,
}

/// A validator whose account and keys all derive from one dev seed (`//Alice`, ...).
fn dev_validator(sr: Sr25519Keyring, ed: Ed25519Keyring) -> Validator {
	Validator { account: sr.to_account_id(), aura: sr.public().into(), grandpa: ed.public().into() }
}

/// The libp2p peer ids (identity multihash of the ed25519 key) of the `local` network's nodes.
/// Their node keys are in `scripts/local-network.sh`: they are development keys, public like
/// Alice's, and must never be used on a real network.
pub const LOCAL_NODE_PEER_IDS: [(&str, &str); 3] = [
	// 12D3KooWATnFCJBwQHbXqkV5aBgjsQHyQzkyUqaNidpdyjMSj4ad
	("factory-a", "0024080112200995b6ae448791622111f39866e4ffafe100726100d1831bc7d9f63d9dfed52a"),
	// 12D3KooWAVCugpA7MCBLapCLdn1FxBCTdPBFQBGDn86iyZJU9NRx
	("factory-b", "00240801122009f32e82c71d73722efc16b506d34eaf5d6e928ac5def4385630ae9117a49e2b"),
	// 12D3KooWANvcULtz3CX5EewZVkfHZXranKHotomxtb9AzqjBDHMn
	("supplier-a", "0024080112200857451c83d218a189686458a37f5a44d33626a08c17fbb90412ddd31f506b35"),
];

/// The `local` network's peer ids as bytes, in the order of [`LOCAL_NODE_PEER_IDS`]. The node's
/// `local` chain spec lists the same nodes as boot nodes.
pub fn local_node_peer_ids() -> Vec<OpaquePeerId> {
	LOCAL_NODE_PEER_IDS
		.iter()
		.map(|(_, hex)| {
			OpaquePeerId(
				(0..hex.len())
					.step_by(2)
					.map(|i| {
						u8::from_str_radix(&hex[i..i + 2], 16).expect("peer ids above are hex")
					})
					.collect(),
			)
		})
		.collect()
}

/// The validators of the `local` network: factory-a (Alice), factory-b (Bob) and supplier-a
/// (Charlie).
pub fn local_validators() -> Vec<Validator> {
	vec![
		dev_validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice), // factory-a
		dev_validator(Sr25519Keyring::Bob, Ed25519Keyring::Bob),     // factory-b
		dev_validator(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie), // supplier-a
	]
}

/// What a preset's chain starts with.
struct Network {
	/// The validators, with their session keys.
	validators: Vec<Validator>,
	/// The accounts funded with `ENDOWMENT`.
	endowed: Vec<AccountId>,
	/// The sudo key, on a development chain only.
	sudo: Option<AccountId>,
	/// The council's members.
	council: Vec<AccountId>,
	/// The nodes allowed to connect, with their owners.
	well_known_nodes: Vec<(OpaquePeerId, AccountId)>,
	/// The actors pallet's registrars.
	registrars: Vec<AccountId>,
	/// The actors, with their roles and names.
	actors: Vec<(AccountId, Role, Vec<u8>)>,
	/// Calls dispatched at genesis (pallet-gateway), e.g. to register the demo factory.
	setup_calls: Vec<(AccountId, Vec<u8>)>,
}

fn genesis(network: Network) -> Value {
	let Network {
		validators,
		endowed,
		sudo,
		council,
		well_known_nodes,
		registrars,
		actors,
		setup_calls,
	} = network;
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed.into_iter().map(|a| (a, ENDOWMENT)).collect::<Vec<_>>(),
		},
		validator_set: ValidatorSetConfig {
			initial_validators: validators.iter().map(|v| v.account.clone()).collect::<Vec<_>>(),
		},
		session: SessionConfig {
			keys: validators
				.into_iter()
				.map(|v| {
					(v.account.clone(), v.account, SessionKeys { aura: v.aura, grandpa: v.grandpa })
				})
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: sudo },
		council_membership: CouncilMembershipConfig {
			members: council.try_into().expect("the council fits MaxMembers"),
		},
		node_authorization: NodeAuthorizationConfig { nodes: well_known_nodes },
		actors: ActorsConfig { registrars, actors },
		credentials: CredentialsConfig { schemas: pallet_credentials::schemas::genesis_schemas() },
		gateway: GatewayConfig { calls: setup_calls },
	})
}

/// An actor of a preset: a dev account, its role and display name.
fn actor(key: Sr25519Keyring, role: Role, name: &str) -> (AccountId, Role, Vec<u8>) {
	(key.to_account_id(), role, name.as_bytes().to_vec())
}

/// `dev`: Alice validates alone, holds the sudo key and is the registrar; the dev accounts are
/// funded and hold one role each (Alice manufacturer, Bob supplier, Charlie certifier, Dave
/// customer, Eve auditor). Alice owns the demo factory ([`dev_factory`]), whose gateway
/// (`//Gateway`, funded, no actor) places the orders it receives for her, within the order
/// budget she gives it.
pub fn development_config_genesis() -> Value {
	genesis(Network {
		validators: vec![dev_validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		endowed: Sr25519Keyring::iter()
			.map(|k| k.to_account_id())
			.chain([dev_factory::gateway()])
			.collect(),
		sudo: Some(Sr25519Keyring::Alice.to_account_id()),
		council: vec![Sr25519Keyring::Alice.to_account_id()],
		well_known_nodes: Vec::new(),
		registrars: vec![Sr25519Keyring::Alice.to_account_id()],
		actors: vec![
			actor(Sr25519Keyring::Alice, Role::Manufacturer, "Factory A"),
			actor(Sr25519Keyring::Bob, Role::Supplier, "Supplier B"),
			actor(Sr25519Keyring::Charlie, Role::Certifier, "Certifier C"),
			actor(Sr25519Keyring::Dave, Role::Customer, "Customer D"),
			actor(Sr25519Keyring::Eve, Role::Auditor, "Auditor E"),
		],
		setup_calls: dev_factory::genesis_calls(),
	})
}

/// `local`: three validators (factory-a, factory-b, supplier-a) on Alice, Bob and Charlie,
/// their operators form the council (2/3 majority governs) and are the registrars, no sudo key,
/// and only the three well-known nodes may connect. factory-a and factory-b are manufacturers,
/// supplier-a a supplier.
pub fn local_config_genesis() -> Value {
	let validators = local_validators();
	let council: Vec<AccountId> = validators.iter().map(|v| v.account.clone()).collect();
	let nodes = local_node_peer_ids()
		.into_iter()
		.zip(validators.iter())
		.map(|(peer, v)| (peer, v.account.clone()))
		.collect();
	genesis(Network {
		validators,
		endowed: Sr25519Keyring::iter().map(|k| k.to_account_id()).collect(),
		sudo: None,
		council: council.clone(),
		well_known_nodes: nodes,
		// Each consortium member registers its own partners.
		registrars: council,
		actors: vec![
			actor(Sr25519Keyring::Alice, Role::Manufacturer, "factory-a"),
			actor(Sr25519Keyring::Bob, Role::Manufacturer, "factory-b"),
			actor(Sr25519Keyring::Charlie, Role::Supplier, "supplier-a"),
		],
		setup_calls: Vec::new(),
	})
}

/// The preset `id`, serialized.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		DEV_PRESET | sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		LOCAL_PRESET | sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The names of the presets.
pub fn preset_names() -> Vec<PresetId> {
	vec![PresetId::from(DEV_PRESET), PresetId::from(LOCAL_PRESET)]
}
