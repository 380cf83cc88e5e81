//! Which factory the node serves: the `--factory-config` file, or on a `--dev` node without one
//! the dev chain's demo factory ([`DEV_FACTORY_TOML`]), whose gateway key `//Gateway` it puts
//! in its keystore.

use super::Error;
use crate::cli::BridgeParams;
use mqtt_offchain_worker::{config::Factory, DEV_FACTORY_TOML};
use sp_keystore::KeystorePtr;
use twinchain_runtime::dev_factory;

/// The factory configuration the node serves.
pub fn load(params: &BridgeParams, dev: bool) -> Result<Factory, Error> {
	let text = match &params.factory_config {
		Some(path) => std::fs::read_to_string(path)
			.map_err(|error| Error::FactoryFile { path: path.clone(), error })?,
		None if dev => DEV_FACTORY_TOML.to_string(),
		None => return Err(Error::NoFactoryConfig),
	};
	Factory::from_toml(&text).map_err(Error::Factory)
}

/// Puts the dev gateway key (`//Gateway`) in the keystore.
pub fn insert_dev_gateway_key(keystore: &KeystorePtr) -> Result<(), Error> {
	keystore
		.sr25519_generate_new(pallet_gateway::KEY_TYPE, Some(dev_factory::GATEWAY_SEED))
		.map(|_| ())
		.map_err(|e| Error::Keystore(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::crypto::Ss58Codec;

	/// The demo factory's file names its machines and gateway by their SS58 addresses: they must
	/// be the accounts the dev genesis registers, or the bridge would serve nobody's machines.
	#[test]
	fn the_dev_factory_file_names_the_dev_genesis_machines_gateway_and_reward() {
		let factory = Factory::from_toml(DEV_FACTORY_TOML).expect("the dev factory parses");
		assert_eq!(factory.gateway, dev_factory::gateway(), "the gateway is //Gateway");
		let stations: Vec<&str> = dev_factory::STATIONS.iter().map(|(name, _)| *name).collect();
		let mut named: Vec<&str> =
			factory.config.machines.iter().map(|m| m.name.as_str()).collect();
		named.sort();
		let mut expected = stations.clone();
		expected.sort();
		assert_eq!(named, expected, "one machine per dev station");
		for (machine, account) in factory.config.machines.iter().zip(&factory.accounts) {
			let derived = dev_factory::machine(&machine.name).expect("a dev station");
			assert_eq!(
				account,
				&derived,
				"machine {} should be {}",
				machine.name,
				derived.to_ss58check()
			);
		}
		let orders = factory.config.orders.as_ref().expect("the dev factory takes orders");
		assert_eq!(u128::from(orders.reward_per_step), dev_factory::STEP_REWARD);
		assert_eq!(factory.order_owner, Some(dev_factory::owner()), "orders are Alice's");
		// Every capability the dev genesis credits a station with that the factory commands.
		for machine in &factory.config.machines {
			for command in &machine.commands {
				assert!(
					dev_factory::capabilities(&machine.name).contains(&command.capability.as_str()),
					"{} cannot {}",
					machine.name,
					command.capability
				);
			}
		}
	}

	#[test]
	fn a_dev_node_serves_the_dev_factory_and_others_need_a_configuration() {
		use clap::Parser;
		#[derive(clap::Parser)]
		struct Args {
			#[clap(flatten)]
			bridge: BridgeParams,
		}
		let params = |args: &[&str]| {
			Args::parse_from(std::iter::once("twinchain").chain(args.iter().copied())).bridge
		};
		let dev = load(&params(&[]), true).expect("the dev factory");
		assert_eq!(dev.accounts.len(), dev_factory::STATIONS.len());
		assert!(matches!(load(&params(&[]), false), Err(Error::NoFactoryConfig)));
		let missing = load(&params(&["--factory-config", "/nonexistent/factory.toml"]), true);
		assert!(
			matches!(&missing, Err(Error::FactoryFile { .. })),
			"a file given is read even on a dev node"
		);
		let dir = std::env::temp_dir().join(format!("twinchain-factory-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let bad = dir.join("factory.toml");
		std::fs::write(&bad, "gateway = \"nobody\"\n").unwrap();
		let err = load(&params(&["--factory-config", bad.to_str().unwrap()]), true).unwrap_err();
		std::fs::remove_dir_all(&dir).unwrap();
		assert!(
			err.to_string()
				.starts_with("factory configuration: gateway: \"nobody\": not an SS58"),
			"{err}"
		);
	}
}
