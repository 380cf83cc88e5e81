//! Tests of the runtime's composition: both genesis presets build and set up consensus,
//! governance and peers as documented.

use super::*;
use frame_support::{genesis_builder_helper::build_state, traits::Get};
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie};

/// Applies a preset (a JSON patch) to the default genesis, as the node's chain-spec builder does.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(b), serde_json::Value::Object(p)) => {
			for (k, v) in p {
				merge(b.entry(k).or_insert(serde_json::Value::Null), v);
			}
		},
		(b, p) => *b = p,
	}
}

fn genesis_of(preset: &str) -> sp_io::TestExternalities {
	let patch = genesis_config_presets::get_preset(&preset.into()).expect("the preset exists");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut config, serde_json::from_slice(&patch).unwrap());
	let json = serde_json::to_vec(&config).unwrap();
	let mut ext = sp_io::TestExternalities::new_empty();
	ext.execute_with(|| build_state::<RuntimeGenesisConfig>(json).expect("the preset builds"));
	ext
}

/// Decodes base58 (Bitcoin alphabet), as libp2p peer ids are written.
fn base58(s: &str) -> Vec<u8> {
	const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
	let mut out: Vec<u8> = Vec::new();
	for c in s.bytes() {
		let mut carry = ALPHABET.iter().position(|&a| a == c).expect("base58 digit") as u32;
		for b in out.iter_mut().rev() {
			carry += (*b as u32) * 58;
			*b = (carry & 0xff) as u8;
			carry >>= 8;
		}
		while carry > 0 {
			out.insert(0, (carry & 0xff) as u8);
			carry >>= 8;
		}
	}
	let zeros = s.bytes().take_while(|&c| c == b'1').count();
	[vec![0; zeros], out].concat()
}

#[test]
fn preset_names_are_dev_and_local() {
	let names: Vec<String> = genesis_config_presets::preset_names()
		.into_iter()
		.map(|p| String::from_utf8(AsRef::<[u8]>::as_ref(&p).to_vec()).unwrap())
		.collect();
	assert_eq!(names, vec!["dev", "local"]);
	assert!(genesis_config_presets::get_preset(&"nope".into()).is_none());
}

#[test]
fn dev_preset_has_one_validator_and_sudo() {
	genesis_of("dev").execute_with(|| {
		assert_eq!(ValidatorSet::validators(), vec![Alice.to_account_id()]);
		assert_eq!(Session::validators(), vec![Alice.to_account_id()]);
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 1);
		assert_eq!(Grandpa::grandpa_authorities().len(), 1);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Alice.to_account_id()));
		assert_eq!(
			pallet_balances::Pallet::<Runtime>::free_balance(Bob.to_account_id()),
			genesis_config_presets::ENDOWMENT
		);
	});
}

#[test]
fn local_preset_is_a_three_party_consortium_without_sudo() {
	genesis_of("local").execute_with(|| {
		let three = vec![Alice.to_account_id(), Bob.to_account_id(), Charlie.to_account_id()];
		let mut sorted = three.clone();
		sorted.sort();
		assert_eq!(ValidatorSet::validators(), sorted);
		assert_eq!(Session::validators().len(), 3);
		let aura: Vec<AccountId> = pallet_aura::Authorities::<Runtime>::get()
			.iter()
			.map(|k| AccountId::from(<[u8; 32]>::try_from(k.as_ref() as &[u8]).unwrap()))
			.collect();
		for v in &three {
			assert!(aura.contains(v), "Aura authority for {v:?}");
		}
		assert_eq!(Grandpa::grandpa_authorities().len(), 3);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), None, "the consortium has no sudo key");
		assert_eq!(
			pallet_collective::Members::<Runtime, configs::CouncilCollective>::get(),
			sorted
		);
		let nodes = pallet_node_authorization::WellKnownNodes::<Runtime>::get();
		assert_eq!(nodes.len(), 3);
		for (name, peer) in [
			("factory-a", "12D3KooWATnFCJBwQHbXqkV5aBgjsQHyQzkyUqaNidpdyjMSj4ad"),
			("factory-b", "12D3KooWAVCugpA7MCBLapCLdn1FxBCTdPBFQBGDn86iyZJU9NRx"),
			("supplier-a", "12D3KooWANvcULtz3CX5EewZVkfHZXranKHotomxtb9AzqjBDHMn"),
		] {
			assert!(
				nodes.contains(&sp_core::OpaquePeerId(base58(peer))),
				"{name}'s peer id {peer} is well known"
			);
		}
	});
}

#[test]
fn block_time_is_two_seconds() {
	assert_eq!(MILLI_SECS_PER_BLOCK, 2000);
	assert_eq!(<<Runtime as pallet_aura::Config>::SlotDuration as Get<u64>>::get(), 2000);
	assert_eq!(<<Runtime as pallet_timestamp::Config>::MinimumPeriod as Get<u64>>::get(), 1000);
}

#[test]
fn presets_register_actors_and_registrars() {
	use pallet_actors::{Role, RoleProvider};
	genesis_of("dev").execute_with(|| {
		assert!(Actors::is_registrar(&Alice.to_account_id()));
		assert!(!Actors::is_registrar(&Bob.to_account_id()));
		assert!(Actors::has_role(&Alice.to_account_id(), Role::Manufacturer));
		assert!(Actors::has_role(&Bob.to_account_id(), Role::Supplier));
		assert!(Actors::has_role(&Charlie.to_account_id(), Role::Certifier));
	});
	genesis_of("local").execute_with(|| {
		for who in [Alice, Bob, Charlie] {
			assert!(Actors::is_registrar(&who.to_account_id()));
		}
		assert!(Actors::has_role(&Alice.to_account_id(), Role::Manufacturer));
		assert!(Actors::has_role(&Bob.to_account_id(), Role::Manufacturer));
		assert!(Actors::has_role(&Charlie.to_account_id(), Role::Supplier));
		assert!(!Actors::has_role(&Charlie.to_account_id(), Role::Manufacturer));
	});
}

#[test]
fn the_did_api_resolves_with_the_chains_ss58_prefix() {
	use sp_core::crypto::Ss58Codec;
	genesis_of("dev").execute_with(|| {
		let did = format!("did:twin:{}", Alice.to_account_id().to_ss58check());
		let json = pallet_did::document::resolve_json::<Runtime>(
			did.as_bytes(),
			pallet_did::KeyFormat::JsonWebKey2020,
		);
		let result: serde_json::Value = serde_json::from_slice(&json).unwrap();
		assert_eq!(result["didDocument"]["id"], did);
		assert_eq!(result["didDocumentMetadata"]["deactivated"], false);
	});
}

#[test]
fn presets_register_the_credential_schemas() {
	for preset in ["dev", "local"] {
		genesis_of(preset).execute_with(|| {
			for text in [
				pallet_credentials::schemas::MACHINE_CAPABILITY,
				pallet_credentials::schemas::QUALITY_CERTIFICATE,
			] {
				let id = sp_io::hashing::blake2_256(text.as_bytes());
				assert!(pallet_credentials::Schemas::<Runtime>::contains_key(id), "{preset}");
			}
		});
	}
}

#[test]
fn products_get_real_dids_and_lot_recalls_run_in_on_idle() {
	use frame_support::traits::{fungible::InspectHold, Hooks};
	genesis_of("dev").execute_with(|| {
		System::set_block_number(1);
		let alice: AccountId = Alice.to_account_id();
		let bob: AccountId = Bob.to_account_id();
		// Bob is the dev chain's supplier, Alice its manufacturer.
		assert!(Provenance::register_lot(
			RuntimeOrigin::signed(alice.clone()),
			Default::default(),
			Default::default(),
			1
		)
		.is_err());
		Provenance::register_lot(
			RuntimeOrigin::signed(bob.clone()),
			b"L-1".to_vec().try_into().unwrap(),
			b"blank".to_vec().try_into().unwrap(),
			10,
		)
		.unwrap();
		Provenance::create_product(
			RuntimeOrigin::signed(alice.clone()),
			pallet_provenance::ProductType {
				kind: b"workpiece".to_vec().try_into().unwrap(),
				colour: Some(pallet_provenance::Colour::White),
				tag: Some(b"04a1b2c3d4e5f6".to_vec().try_into().unwrap()),
			},
			vec![0].try_into().unwrap(),
		)
		.unwrap();
		let product = pallet_provenance::ProductByTag::<Runtime>::get(
			pallet_provenance::TagId::try_from(b"04a1b2c3d4e5f6".to_vec()).unwrap(),
		)
		.expect("the tag finds the product");
		// The product's DID is a real DID record, controlled by the manufacturer.
		assert_eq!(pallet_did::Pallet::<Runtime>::controller_of(&product), alice);
		assert_eq!(
			Balances::balance_on_hold(
				&pallet_provenance::HoldReason::ProductDeposit.into(),
				&alice
			),
			configs::ProductDeposit::get()
		);
		Provenance::recall_lot(RuntimeOrigin::root(), 0, b"bad batch".to_vec().try_into().unwrap())
			.unwrap();
		Provenance::on_idle(1, frame_support::weights::Weight::MAX);
		let p = pallet_provenance::Products::<Runtime>::get(&product).unwrap();
		assert_eq!(p.lifecycle, pallet_provenance::Lifecycle::Recalled);
		assert!(pallet_provenance::Recalls::<Runtime>::get(0).unwrap().complete);
	});
}

#[test]
fn the_dev_factory_is_set_up_at_genesis_and_runs_orders_and_rules() {
	use pallet_actors::Role;
	use pallet_machines::{MachineRegistry, MachineStatus};
	use sp_core::Pair;
	let gateway = dev_factory::gateway();
	assert_eq!(
		sp_core::sr25519::Pair::from_string(dev_factory::GATEWAY_SEED, None)
			.unwrap()
			.public()
			.0,
		dev_factory::GATEWAY_PUBLIC,
		"the gateway key is the dev seed's"
	);
	genesis_of("dev").execute_with(|| {
		System::set_block_number(1);
		pallet_timestamp::Now::<Runtime>::put(1_795_651_200_000u64);
		for (station, _) in dev_factory::STATIONS {
			let m = dev_factory::machine(station).unwrap();
			assert_eq!(
				<Machines as MachineRegistry<AccountId>>::owner(&m),
				Some(Alice.to_account_id())
			);
			assert_eq!(pallet_did::Pallet::<Runtime>::controller_of(&m), Alice.to_account_id());
			assert!(<Did as pallet_did::DidAuthority<AccountId>>::is_delegate(
				&m,
				&gateway,
				pallet_did::DelegateType::Authentication
			));
			for capability in dev_factory::capabilities(station) {
				assert!(
					<Machines as MachineRegistry<AccountId>>::can_perform(
						&m,
						capability.as_bytes()
					),
					"{station} {capability}"
				);
			}
		}
		assert_eq!(pallet_tasks::NextRecipeId::<Runtime>::get(), 3);
		assert!(<Actors as pallet_actors::RoleProvider<AccountId>>::has_role(
			&gateway,
			Role::Manufacturer
		));

		// The gateway orders a RED workpiece: the warehouse gets the first step.
		Tasks::place_order(
			RuntimeOrigin::signed(gateway.clone()),
			1,
			pallet_provenance::ProductType {
				kind: b"workpiece".to_vec().try_into().unwrap(),
				colour: Some(pallet_provenance::Colour::Red),
				tag: None,
			},
			Default::default(),
			dev_factory::STEP_REWARD,
			30,
		)
		.unwrap();
		let hbw = dev_factory::machine("hbw").unwrap();
		assert!(matches!(
			<Machines as MachineRegistry<AccountId>>::status(&hbw),
			Some(MachineStatus::Busy(0))
		));

		// Three hot kiln windows anchored by the gateway: maintenance, with a paid task.
		let mpo = dev_factory::machine("mpo").unwrap();
		let t0 = 1_795_651_200_000u64 - 60_000;
		for i in 0..3u64 {
			let summary = pallet_telemetry::MetricSummary {
				metric: b"kiln_t".to_vec().try_into().unwrap(),
				count: 1,
				min: 85_000,
				max: 85_000,
				mean: 85_000,
			};
			Telemetry::anchor_window(
				RuntimeOrigin::signed(gateway.clone()),
				mpo.clone(),
				pallet_telemetry::WindowInput {
					start: t0 + i * 10_000,
					end: t0 + (i + 1) * 10_000,
					root: [i as u8; 32],
					count: 1,
					metrics: vec![summary].try_into().unwrap(),
				},
			)
			.unwrap();
		}
		assert_eq!(
			<Machines as MachineRegistry<AccountId>>::status(&mpo),
			Some(MachineStatus::Maintenance)
		);
		let task = pallet_tasks::Registry::<Runtime>::get(1).expect("the maintenance task");
		assert_eq!(task.capability.to_vec(), b"maintenance".to_vec());
		assert_eq!((task.requester, task.reward), (Alice.to_account_id(), 100 * MILLI_UNIT));
		assert_eq!(task.params.to_vec(), codec::Encode::encode(&mpo));
	});
}
