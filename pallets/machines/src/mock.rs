//! A test runtime for the machines pallet. Account 10 is a manufacturer; DID authority and
//! capability credentials are the in-memory stand-ins of `pallet_test_utils::stand_ins` for
//! pallet-did and pallet-credentials (their own tests cover them), so each test states exactly
//! which credential is valid.

use crate as pallet_machines;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, SortedMembers},
};
pub use pallet_test_utils::stand_ins::{MockCredentials, MockDid};
use sp_runtime::BuildStorage;
use twinchain_primitives::Digest;

type Block = frame_system::mocking::MockBlock<Test>;
pub type Balance = u128;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Timestamp: pallet_timestamp,
		Balances: pallet_balances,
		Machines: pallet_machines,
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

pub const MANUFACTURER: u64 = 10;
pub const FACTORY: u64 = 20;
pub const MILL: u64 = 100;
pub const GATEWAY: u64 = 200;
/// Another manufacturer, a competitor of [`MANUFACTURER`].
pub const RIVAL: u64 = 7;

pub struct Manufacturers;
impl SortedMembers<u64> for Manufacturers {
	fn sorted_members() -> Vec<u64> {
		vec![RIVAL, MANUFACTURER]
	}
}

/// Sets up what the benchmarks need, in the stand-ins.
pub struct BenchHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64> for BenchHelper {
	fn anchor_capability(machine: &u64, capability: &[u8]) -> Digest {
		use codec::Encode;
		let digest = sp_io::hashing::blake2_256(&(machine, capability).encode());
		MockCredentials::insert(digest, *machine, 0, capability);
		digest
	}
	fn make_gateway(machine: &u64, gateway: &u64) {
		MockDid::add_gateway(*machine, *gateway);
	}
}

parameter_types! {
	pub const MaxCapabilities: u32 = 3;
}

impl pallet_machines::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Time = Timestamp;
	type RegisterOrigin = frame_system::EnsureSignedBy<Manufacturers, u64>;
	type Did = MockDid;
	type ForceOrigin = frame_system::EnsureRoot<u64>;
	type Credentials = MockCredentials;
	type MachineDeposit = ConstU128<100>;
	type MaxCapabilities = MaxCapabilities;
	type MaxStatusHistory = ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchHelper;
}

/// The time at genesis of the tests: 2026-11-26T00:00:00Z.
pub const T0: u64 = 1_795_651_200_000;

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig {
			balances: vec![(MANUFACTURER, 1_000), (FACTORY, 1_000), (RIVAL, 1_000)],
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
