//! A test runtime for the credentials pallet, with the real actors pallet deciding who is a
//! certifier: account 1 is the registrar, 10 and 11 are certifiers, 20 a manufacturer.

use crate as pallet_credentials;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64},
};
use frame_system::EnsureRoot;
use pallet_actors::Role;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;
pub type Balance = u128;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Timestamp: pallet_timestamp,
		Balances: pallet_balances,
		Actors: pallet_actors,
		Credentials: pallet_credentials,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {
	type Moment = u64;
	type OnTimestampSet = ();
	type MinimumPeriod = ConstU64<1>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type ExistentialDeposit = ConstU128<1>;
	type RuntimeHoldReason = RuntimeHoldReason;
}

impl pallet_actors::Config for Test {
	type RegistrarOrigin = EnsureRoot<u64>;
	type MaxRegistrars = ConstU32<4>;
	type WeightInfo = ();
}

parameter_types! {
	pub const CertifierRole: Role = Role::Certifier;
}

impl pallet_credentials::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Time = Timestamp;
	type IssuerOrigin = pallet_actors::EnsureActorWithRole<Test, CertifierRole>;
	type SchemaDeposit = ConstU128<50>;
	type CredentialDeposit = ConstU128<10>;
	type MaxStatusListBytes = ConstU32<2>;
	type WeightInfo = ();
}

/// The time at genesis of the tests: 2026-11-26T00:00:00Z.
pub const T0: u64 = 1_795_651_200_000;

pub use crate::schemas::{
	MACHINE_CAPABILITY as CAPABILITY_SCHEMA, QUALITY_CERTIFICATE as QUALITY_SCHEMA,
};

pub fn capability_schema() -> [u8; 32] {
	sp_io::hashing::blake2_256(CAPABILITY_SCHEMA.as_bytes())
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig {
			balances: vec![(1, 1_000), (10, 1_000), (11, 1_000), (20, 1_000), (30, 1_000)],
			..Default::default()
		},
		actors: pallet_actors::GenesisConfig {
			registrars: vec![1],
			actors: vec![
				(10, Role::Certifier, b"Certifier A".to_vec()),
				(11, Role::Certifier, b"Certifier B".to_vec()),
				(20, Role::Manufacturer, b"Factory".to_vec()),
			],
		},
		credentials: pallet_credentials::GenesisConfig {
			schemas: crate::schemas::genesis_schemas(),
			..Default::default()
		},
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		Timestamp::set_timestamp(T0);
	});
	ext
}

/// Moves to the next block, `ms` later.
pub fn advance(ms: u64) {
	System::set_block_number(System::block_number() + 1);
	Timestamp::set_timestamp(Timestamp::get() + ms);
}
