//! A test runtime for the telemetry pallet. DIDs and machines are the stand-ins of
//! `pallet_test_utils::stand_ins`, maintenance tasks one of its own, for pallet-did,
//! pallet-machines and pallet-tasks (their own tests cover them), kept in storage
//! (`mock_state`) so failed calls roll them back.

use crate as pallet_telemetry;
use frame_support::{
	derive_impl,
	traits::{fungible::Mutate, ConstU128, ConstU32, ConstU64, ConstU8},
};
pub use pallet_test_utils::stand_ins::MockDid;
use pallet_test_utils::stand_ins::{self, mock_state};
use sp_runtime::{BuildStorage, DispatchError};
use twinchain_primitives::{MachineRegistry, MaintenanceRequest, TaskId};

/// pallet-machines stand-in, on the mock's clock.
pub type MockMachines = stand_ins::MockMachines<Timestamp>;

type Block = frame_system::mocking::MockBlock<Test>;
pub type Balance = u128;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Timestamp: pallet_timestamp,
		Balances: pallet_balances,
		Telemetry: pallet_telemetry,
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

pub const OWNER: u64 = 10;
pub const POOR_OWNER: u64 = 11;
pub const STRANGER: u64 = 12;
pub const KILN: u64 = 100;
pub const MILL: u64 = 101;
pub const GATEWAY: u64 = 200;
/// Where the maintenance stand-in keeps task rewards (the escrow of the real pallet).
pub const ESCROW: u64 = 999;

/// Stand-in state (see `pallet_test_utils::stand_ins::mock_state`).
const OPENED: &[u8] = b":mock:opened";
/// Opened maintenance tasks: (machine, payer, capability, reward, blocks).
pub type Opened = Vec<(u64, u64, Vec<u8>, Balance, u64)>;

/// pallet-tasks stand-in: moves the reward from the payer's free balance to [`ESCROW`] and
/// records the task.
pub struct MockMaintenance;
impl MockMaintenance {
	pub fn opened() -> Opened {
		mock_state::get(OPENED)
	}
}
impl MaintenanceRequest<u64, Balance, u64> for MockMaintenance {
	fn open_maintenance(
		machine: &u64,
		payer: &u64,
		capability: &[u8],
		reward: Balance,
		blocks: u64,
	) -> Result<TaskId, DispatchError> {
		MockMachines::enter_maintenance(machine)?;
		<Balances as Mutate<u64>>::transfer(
			payer,
			&ESCROW,
			reward,
			frame_support::traits::tokens::Preservation::Preserve,
		)?;
		mock_state::with(OPENED, |o: &mut Opened| {
			o.push((*machine, *payer, capability.to_vec(), reward, blocks));
			Ok(o.len() as TaskId - 1)
		})
	}
}

/// Sets up what the benchmarks need, in the stand-ins.
pub struct BenchHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64> for BenchHelper {
	fn machine(owner: &u64, machine: &u64) {
		MockMachines::add(*machine, *owner, &[]);
	}
	fn make_gateway(machine: &u64, gateway: &u64) {
		MockDid::add_gateway(*machine, *gateway);
	}
	fn fund(who: &u64) {
		Balances::set_balance(who, 1_000_000_000);
	}
}

frame_support::parameter_types! {
	/// Window deposits: none unless a test sets them (most tests' gateways hold nothing).
	pub static WindowBase: Balance = 0;
	pub static WindowPerByte: Balance = 0;
	/// Windows are kept 14,400 blocks after their anchoring unless a test shortens it.
	pub static WindowKeep: u64 = 14_400;
}

impl pallet_telemetry::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Time = Timestamp;
	type Dids = MockDid;
	type Machines = MockMachines;
	type Maintenance = MockMaintenance;
	type RuleDeposit = ConstU128<10>;
	type MaxRules = ConstU32<2>;
	type MaxStreak = ConstU8<5>;
	type MaxWindowLength = ConstU64<60_000>;
	type MaxClockSkew = ConstU64<5_000>;
	type MaintenanceBlocks = ConstU64<50>;
	type MaintenanceCooldown = ConstU64<5>;
	type WindowDepositBase = WindowBase;
	type WindowDepositPerByte = WindowPerByte;
	type WindowRetention = WindowKeep;
	type MaxPrunedPerAnchor = ConstU32<2>;
	type MaxPrunedPerCall = ConstU32<3>;
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
			balances: vec![(OWNER, 1_000), (POOR_OWNER, 150), (STRANGER, 1_000), (ESCROW, 1)],
			..Default::default()
		},
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		Timestamp::set_timestamp(T0);
		MockMachines::add(KILN, OWNER, &[]);
		MockMachines::add(MILL, POOR_OWNER, &[]);
		MockDid::add_gateway(KILN, GATEWAY);
		MockDid::add_gateway(MILL, GATEWAY);
	});
	ext
}
