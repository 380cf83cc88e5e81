//! A test runtime for the machines pallet. Account 10 is a manufacturer; DID authority and
//! capability credentials are in-memory stand-ins for pallet-did and pallet-credentials
//! (their own tests cover them), so each test states exactly which credential is valid.

use crate as pallet_machines;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, SortedMembers},
};
use pallet_credentials::{Capability, CapabilityCheck, CapabilityError, Digest};
use pallet_did::mock_state;
use pallet_did::{DelegateType, DidAuthority};
use sp_runtime::BuildStorage;
use std::collections::BTreeMap;

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

pub struct Manufacturers;
impl SortedMembers<u64> for Manufacturers {
	fn sorted_members() -> Vec<u64> {
		vec![MANUFACTURER]
	}
}

/// Stand-in state (see `pallet_did::mock_state`): rolled back with failed calls, fresh per run.
const DELEGATES: &[u8] = b":mock:delegates";
type DelegatesState = Vec<(u64, u64)>;
const DEACTIVATED: &[u8] = b":mock:deactivated";
type DeactivatedState = Vec<u64>;
const CREDENTIALS: &[u8] = b":mock:credentials";
type CredentialsState = BTreeMap<Digest, (u64, Vec<u8>, Option<CapabilityError>)>;

/// pallet-did stand-in: `(did, gateway)` pairs are authentication delegates.
pub struct MockDid;
impl MockDid {
	pub fn add_gateway(did: u64, gateway: u64) {
		mock_state::with(DELEGATES, |d: &mut DelegatesState| d.push((did, gateway)));
	}
	pub fn deactivate(did: u64) {
		mock_state::with(DEACTIVATED, |d: &mut DeactivatedState| d.push(did));
	}
}
impl DidAuthority<u64> for MockDid {
	fn controller(did: &u64) -> u64 {
		*did
	}
	fn is_delegate(did: &u64, who: &u64, kind: DelegateType) -> bool {
		kind == DelegateType::Authentication
			&& mock_state::with(DELEGATES, |d: &mut DelegatesState| d.contains(&(*did, *who)))
	}
	fn is_deactivated(did: &u64) -> bool {
		mock_state::with(DEACTIVATED, |d: &mut DeactivatedState| d.contains(did))
	}
}

/// pallet-credentials stand-in: a credential is (subject, capability, failure if any).
pub struct MockCredentials;
impl MockCredentials {
	pub fn anchor(digest: u8, subject: u64, capability: &str) -> Digest {
		mock_state::with(CREDENTIALS, |c: &mut CredentialsState| {
			c.insert([digest; 32], (subject, capability.as_bytes().to_vec(), None))
		});
		[digest; 32]
	}
	pub fn fail(digest: u8, error: CapabilityError) {
		mock_state::with(CREDENTIALS, |c: &mut CredentialsState| {
			c.get_mut(&[digest; 32]).unwrap().2 = Some(error)
		});
	}
}
impl CapabilityCheck<u64> for MockCredentials {
	fn check_capability(
		subject: &u64,
		capability: &[u8],
		credential: &Digest,
	) -> Result<Capability, CapabilityError> {
		let (s, cap, failure) =
			mock_state::with(CREDENTIALS, |c: &mut CredentialsState| c.get(credential).cloned())
				.ok_or(CapabilityError::Unknown)?;
		if s != *subject {
			return Err(CapabilityError::WrongSubject);
		}
		if cap != capability {
			return Err(CapabilityError::WrongCapability);
		}
		if let Some(e) = failure {
			return Err(e);
		}
		Ok(Capability { id: cap.try_into().unwrap(), params: Default::default() })
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64> for MockCredentials {
	fn anchor_capability(machine: &u64, capability: &[u8]) -> Digest {
		use codec::Encode;
		let digest = sp_io::hashing::blake2_256(&(machine, capability).encode());
		mock_state::with(CREDENTIALS, |c: &mut CredentialsState| {
			c.insert(digest, (*machine, capability.to_vec(), None))
		});
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
	type Credentials = MockCredentials;
	type MachineDeposit = ConstU128<100>;
	type MaxCapabilities = MaxCapabilities;
	type MaxStatusHistory = ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockCredentials;
}

/// The time at genesis of the tests: 2026-11-26T00:00:00Z.
pub const T0: u64 = 1_795_651_200_000;

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig {
			balances: vec![(MANUFACTURER, 1_000), (FACTORY, 1_000)],
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
