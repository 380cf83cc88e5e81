//! The built-in chain specs: `dev` and `local`, each from its runtime genesis preset.

use sc_service::ChainType;
use twinchain_runtime::{genesis_config_presets, WASM_BINARY};

/// A chain spec of the Twinchain runtime.
pub type ChainSpec = sc_service::GenericChainSpec;

fn properties() -> sc_service::Properties {
	let mut p = sc_service::Properties::new();
	p.insert("tokenSymbol".into(), "TWIN".into());
	p.insert("tokenDecimals".into(), 12.into());
	p.insert("ss58Format".into(), 42.into());
	p
}

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| "the runtime's wasm was not built (SKIP_WASM_BUILD set?)".into())
}

fn spec(
	name: &str,
	id: &str,
	chain_type: ChainType,
	preset: &str,
	boot_nodes: Vec<sc_network::config::MultiaddrWithPeerId>,
) -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name(name)
		.with_id(id)
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.with_boot_nodes(boot_nodes)
		.build())
}

/// One validator (Alice) with sudo: for development on one machine.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	spec(
		"Twinchain Development",
		"twinchain_dev",
		ChainType::Development,
		genesis_config_presets::DEV_PRESET,
		Vec::new(),
	)
}

/// The first p2p port of `scripts/local-network.sh`; its nodes listen on consecutive ports.
const LOCAL_FIRST_P2P_PORT: usize = 30333;

/// The three-party consortium (factory-a, factory-b, supplier-a) governed by its council. Its boot
/// nodes are the genesis well-known nodes at the addresses `scripts/local-network.sh` uses.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	let boot_nodes = genesis_config_presets::local_node_peer_ids()
		.iter()
		.enumerate()
		.map(|(i, id)| {
			let peer =
				sc_network::PeerId::from_bytes(&id.0).map_err(|e| format!("peer id: {e}"))?;
			format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer}", LOCAL_FIRST_P2P_PORT + i)
				.parse()
				.map_err(|e| format!("boot node of {peer}: {e}"))
		})
		.collect::<Result<Vec<_>, String>>()?;
	spec(
		"Twinchain Local Consortium",
		"twinchain_local",
		ChainType::Local,
		genesis_config_presets::LOCAL_PRESET,
		boot_nodes,
	)
}
