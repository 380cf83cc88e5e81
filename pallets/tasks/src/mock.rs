//! A test runtime for the tasks pallet. Machines, DIDs and actors are the in-memory stand-ins of
//! `pallet_test_utils::stand_ins`, provenance one of its own, for pallet-machines, pallet-did,
//! pallet-actors and pallet-provenance (their own tests cover them), so each test states exactly which machine can do what.

use crate as pallet_tasks;
use codec::{Decode, Encode};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, Hooks, SortedMembers},
};
use pallet_test_utils::stand_ins::{self, mock_state, ActorsWithRole};
pub use pallet_test_utils::stand_ins::{MockActors, MockDid};
use sp_runtime::{BuildStorage, DispatchError, DispatchResult};
use std::collections::BTreeMap;
use twinchain_primitives::{LotList, ProductType, ProvenanceRecorder, Role, StepInput};

/// pallet-machines stand-in, on the mock's clock.
pub type MockMachines = stand_ins::MockMachines<Timestamp>;

type Block = frame_system::mocking::MockBlock<Test>;
pub type Balance = u128;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Timestamp: pallet_timestamp,
		Balances: pallet_balances,
		Tasks: pallet_tasks,
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

/// A manufacturer (requests tasks, registers recipes, places orders).
pub const MAKER: u64 = 1;
/// A customer (an actor that may request tasks).
pub const CUSTOMER: u64 = 2;
/// Neither actor nor machine.
pub const STRANGER: u64 = 3;
/// The registrar that decides disputes.
pub const ARBITER: u64 = 9;
/// Owners of machines.
pub const OWNER_A: u64 = 10;
pub const OWNER_B: u64 = 11;
/// Machines.
pub const MILL1: u64 = 100;
pub const MILL2: u64 = 101;
pub const OVEN: u64 = 102;
/// MILL1's gateway.
pub const GATEWAY: u64 = 200;
/// The first product account the provenance stand-in hands out.
pub const FIRST_PRODUCT: u64 = 5000;

/// A product of the stand-in.
#[derive(Clone, Debug, Encode, Decode)]
pub struct MockProduct {
	pub custodian: u64,
	pub in_production: bool,
	pub steps: Vec<StepInput<u64>>,
}

/// The provenance stand-in keeps products in (unhashed) storage, so they are rolled back with
/// a failed call and reset between benchmark runs, like the pallets they stand in for.
const PRODUCTS_KEY: &[u8] = b":mock:products";

fn products() -> BTreeMap<u64, MockProduct> {
	mock_state::get(PRODUCTS_KEY)
}

fn with_products<R>(f: impl FnOnce(&mut BTreeMap<u64, MockProduct>) -> R) -> R {
	mock_state::with(PRODUCTS_KEY, f)
}

/// pallet-provenance stand-in.
pub struct MockProvenance;
impl MockProvenance {
	pub fn add(product: u64, custodian: u64) {
		with_products(|p| {
			p.insert(product, MockProduct { custodian, in_production: true, steps: vec![] })
		});
	}
	pub fn get(product: u64) -> MockProduct {
		products().get(&product).cloned().expect("a product")
	}
	pub fn stop(product: u64) {
		with_products(|p| p.get_mut(&product).unwrap().in_production = false);
	}
}
impl ProvenanceRecorder<u64> for MockProvenance {
	fn record_step(_recorder: &u64, product: &u64, step: StepInput<u64>) -> DispatchResult {
		with_products(|p| {
			let product = p.get_mut(product).ok_or(DispatchError::Other("no product"))?;
			if !product.in_production {
				return Err(DispatchError::Other("not in production"));
			}
			product.steps.push(step);
			Ok(())
		})
	}
	fn finish(product: &u64) -> DispatchResult {
		with_products(|p| {
			let product = p.get_mut(product).ok_or(DispatchError::Other("no product"))?;
			product.in_production = false;
			Ok(())
		})
	}
	fn in_production(product: &u64) -> bool {
		products().get(product).is_some_and(|p| p.in_production)
	}
	fn custodian(product: &u64) -> Option<u64> {
		products().get(product).map(|p| p.custodian)
	}
	fn create_product(
		manufacturer: &u64,
		_product_type: ProductType,
		_lots: LotList,
	) -> Result<u64, DispatchError> {
		let id = FIRST_PRODUCT + products().len() as u64;
		Self::add(id, *manufacturer);
		Ok(id)
	}
}

/// Sets up what the benchmarks need, in the stand-ins.
pub struct BenchHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64> for BenchHelper {
	fn machine(owner: &u64, machine: &u64, capability: &[u8]) {
		let cap = core::str::from_utf8(capability).expect("benchmark capabilities are text");
		MockMachines::add(*machine, *owner, &[cap]);
	}
	fn fund(who: &u64) {
		use frame_support::traits::fungible::Mutate;
		let _ = Balances::set_balance(who, 1_000_000_000_000);
	}
	fn actor(who: &u64, role: Role) {
		MockActors::grant(*who, role);
	}
}

parameter_types! {
	/// Record deposits: none unless a test sets them (most tests count balances exactly).
	pub static RecordBase: Balance = 0;
	pub static RecordPerByte: Balance = 0;
	pub const ManufacturerRole: Role = Role::Manufacturer;
	/// A provider stakes a fifth of the reward.
	pub const StakeShare: sp_runtime::Perbill = sp_runtime::Perbill::from_percent(20);
}

/// Active manufacturers, as `SortedMembers` for the recipe origin.
pub type Manufacturers = ActorsWithRole<ManufacturerRole>;

/// The registrars.
pub struct Arbiters;
impl SortedMembers<u64> for Arbiters {
	fn sorted_members() -> Vec<u64> {
		// OWNER_A, who owns MILL1, is an arbiter too: it may not decide MILL1's disputes.
		vec![ARBITER, OWNER_A]
	}
}

impl pallet_tasks::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Time = Timestamp;
	type Machines = MockMachines;
	type Dids = MockDid;
	type Provenance = MockProvenance;
	type Actors = MockActors;
	type RecipeOrigin = frame_system::EnsureSignedBy<Manufacturers, u64>;
	type ArbiterOrigin = frame_system::EnsureSignedBy<Arbiters, u64>;
	type MinReward = ConstU128<10>;
	type RecipeDeposit = ConstU128<50>;
	type BudgetDeposit = ConstU128<5>;
	type ChallengePeriod = ConstU64<5>;
	type MinChallengePeriod = ConstU64<2>;
	type MaxChallengePeriod = ConstU64<50>;
	type ProviderStake = StakeShare;
	type DisputePeriod = ConstU64<10>;
	type MaxDeadline = ConstU64<100>;
	type MaxTasksPerBlock = ConstU32<3>;
	type MaxCandidates = ConstU32<8>;
	type MaxWaiting = ConstU32<4>;
	type MaxWaitingPerRequester = ConstU32<2>;
	type MaxLiveTasksPerRequester = ConstU32<8>;
	type MaxRetriesPerBlock = ConstU32<2>;
	type RecordDepositBase = RecordBase;
	type RecordDepositPerByte = RecordPerByte;
	type TaskRetention = ConstU64<60>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchHelper;
}

/// The time at genesis of the tests: 2026-11-26T00:00:00Z.
pub const T0: u64 = 1_795_651_200_000;

/// Initial balances.
pub const FUNDS: [(u64, Balance); 6] = [
	(MAKER, 10_000),
	(CUSTOMER, 10_000),
	(STRANGER, 10_000),
	(OWNER_A, 100),
	(OWNER_B, 100),
	(MILL1, 100),
];

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig { balances: FUNDS.to_vec(), ..Default::default() },
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		Timestamp::set_timestamp(T0);
		// The machines' owners are actors (suppliers): a machine works only while its owner
		// is an active actor.
		MockActors::set(vec![
			(MAKER, Role::Manufacturer),
			(CUSTOMER, Role::Customer),
			(OWNER_A, Role::Supplier),
			(OWNER_B, Role::Supplier),
		]);
		MockMachines::add(MILL1, OWNER_A, &["mill"]);
		MockMachines::add(MILL2, OWNER_B, &["mill"]);
		MockMachines::add(OVEN, OWNER_B, &["fire"]);
		MockDid::add_gateway(MILL1, GATEWAY);
	});
	ext
}

/// Runs the next block's `on_initialize`, 2 s later.
pub fn next_block() {
	let n = System::block_number() + 1;
	System::set_block_number(n);
	Timestamp::set_timestamp(Timestamp::get() + 2_000);
	Tasks::on_initialize(n);
}

/// Runs blocks until block `n`.
pub fn run_to(n: u64) {
	while System::block_number() < n {
		next_block();
	}
}
