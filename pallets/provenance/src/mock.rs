//! A test runtime for the provenance pallet. DIDs, machines, credentials and actors are the
//! in-memory stand-ins of `pallet_test_utils::stand_ins` for pallet-did, pallet-machines,
//! pallet-credentials and pallet-actors (their own tests cover them), so each test states exactly which machine can do what and
//! which credential is valid.

use crate as pallet_provenance;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64},
};
use frame_system::EnsureRoot;
use pallet_test_utils::stand_ins::{self, mock_state, ActorsWithRole};
pub use pallet_test_utils::stand_ins::{MockActors, MockCredentials, MockDid};
use sp_runtime::BuildStorage;
use std::collections::BTreeMap;
use twinchain_primitives::{Digest, EnvironmentAnchors, Role};

/// pallet-machines stand-in, on the mock's clock.
pub type MockMachines = stand_ins::MockMachines<Timestamp>;

type Block = frame_system::mocking::MockBlock<Test>;
pub type Balance = u128;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Timestamp: pallet_timestamp,
		Balances: pallet_balances,
		Provenance: pallet_provenance,
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
pub const SUPPLIER: u64 = 11;
pub const CUSTOMER: u64 = 12;
pub const CERTIFIER: u64 = 13;
pub const STRANGER: u64 = 14;
pub const MILL: u64 = 100;
pub const OVEN: u64 = 101;
pub const GATEWAY: u64 = 200;
/// The first account the DID stand-in hands out.
pub const FIRST_PRODUCT: u64 = stand_ins::FIRST_DID;

/// Sets up what the benchmarks need, in the stand-ins.
pub struct BenchHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64> for BenchHelper {
	fn machine(owner: &u64, machine: &u64, capability: &[u8]) {
		let capability = core::str::from_utf8(capability).expect("benchmark capabilities are text");
		MockMachines::add(*machine, *owner, &[capability]);
	}
	fn make_gateway(machine: &u64, gateway: &u64) {
		MockDid::add_gateway(*machine, *gateway);
	}
	fn credential(issuer: &u64, subject: &u64) -> Digest {
		use codec::Encode;
		let digest = sp_io::hashing::blake2_256(&(issuer, subject).encode());
		MockCredentials::insert(digest, *subject, *issuer, b"");
		digest
	}
	fn actor(who: &u64, role: Role) {
		MockActors::grant(*who, role);
	}
	fn fund(who: &u64) {
		use frame_support::traits::fungible::Mutate;
		Balances::set_balance(who, 1_000_000_000);
	}
	fn environment(sensor: &u64, start: u64, end: u64) -> [u8; 32] {
		MockEnvironment::anchor(*sensor, start, end, [9; 32]);
		[9; 32]
	}
}

/// pallet-telemetry stand-in: anchored windows (sensor, start) → (end, root).
pub struct MockEnvironment;
const WINDOWS: &[u8] = b":mock:windows";
type WindowsState = BTreeMap<(u64, u64), (u64, [u8; 32])>;
impl MockEnvironment {
	pub fn anchor(sensor: u64, start: u64, end: u64, root: [u8; 32]) {
		mock_state::with(WINDOWS, |w: &mut WindowsState| w.insert((sensor, start), (end, root)));
	}
}
impl EnvironmentAnchors<u64> for MockEnvironment {
	fn window(sensor: &u64, start: u64) -> Option<(u64, [u8; 32])> {
		mock_state::get::<WindowsState>(WINDOWS).get(&(*sensor, start)).copied()
	}
}

parameter_types! {
	pub const MaxStepDuration: u64 = 3_600_000;
	pub const ManufacturerRole: Role = Role::Manufacturer;
	pub const SupplierRole: Role = Role::Supplier;
}

impl pallet_provenance::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Time = Timestamp;
	type CreateOrigin = frame_system::EnsureSignedBy<ActorsWithRole<ManufacturerRole>, u64>;
	type SupplierOrigin = frame_system::EnsureSignedBy<ActorsWithRole<SupplierRole>, u64>;
	type RecallOrigin = EnsureRoot<u64>;
	type Dids = MockDid;
	type Machines = MockMachines;
	type Credentials = MockCredentials;
	type Actors = MockActors;
	type Environment = MockEnvironment;
	type ProductDeposit = ConstU128<10>;
	type LotDeposit = ConstU128<5>;
	type MaxSteps = ConstU32<5>;
	type MaxStepDuration = MaxStepDuration;
	type MaxComponents = ConstU32<2>;
	type MaxTransfers = ConstU32<3>;
	type MaxCredentials = ConstU32<2>;
	type MaxRecallRanges = ConstU32<2>;
	type MaxQueuedRecalls = ConstU32<2>;
	type MaxQueuedRecallsPerCaller = ConstU32<1>;
	type MaxRecallItemsPerBlock = ConstU32<3>;
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
			balances: vec![(MANUFACTURER, 1_000), (SUPPLIER, 1_000), (CUSTOMER, 1_000)],
			..Default::default()
		},
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		Timestamp::set_timestamp(T0);
		MockActors::set(vec![
			(MANUFACTURER, Role::Manufacturer),
			(SUPPLIER, Role::Supplier),
			(CUSTOMER, Role::Customer),
			(CERTIFIER, Role::Certifier),
		]);
		MockMachines::add(MILL, MANUFACTURER, &["mill"]);
		MockMachines::add(OVEN, MANUFACTURER, &["fire"]);
	});
	ext
}

/// Moves to the next block, `ms` later, running `on_idle` with plenty of weight first.
pub fn next_block(ms: u64) {
	use frame_support::traits::Hooks;
	Provenance::on_idle(System::block_number(), frame_support::weights::Weight::MAX);
	System::set_block_number(System::block_number() + 1);
	Timestamp::set_timestamp(Timestamp::get() + ms);
}
