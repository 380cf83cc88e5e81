//! A test runtime for the provenance pallet. DIDs, machines, credentials and actors are
//! in-memory stand-ins for pallet-did, pallet-machines, pallet-credentials and pallet-actors
//! (their own tests cover them), so each test states exactly which machine can do what and
//! which credential is valid.

use crate as pallet_provenance;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, SortedMembers},
};
use frame_system::EnsureRoot;
use pallet_actors::{Role, RoleProvider};
use pallet_credentials::{CapabilityError, CredentialCheck, Digest};
use pallet_did::mock_state;
use pallet_did::{DelegateType, DidAuthority, DidCreator};
use pallet_machines::{MachineRegistry, MachineStatus, TaskId};
use sp_runtime::{BuildStorage, DispatchError};
use std::collections::BTreeMap;

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
pub const FIRST_PRODUCT: u64 = 1000;

/// Stand-in state (see `pallet_did::mock_state`): rolled back with failed calls, fresh per run.
const NEXT_DID: &[u8] = b":mock:next_did";
const DELEGATES: &[u8] = b":mock:delegates";
type DelegatesState = Vec<(u64, u64)>;
const MACHINES: &[u8] = b":mock:machines";
type MachinesState = BTreeMap<u64, (u64, MachineStatus, Vec<Vec<u8>>)>;
const CREDENTIALS: &[u8] = b":mock:credentials";
type CredentialsState = BTreeMap<Digest, (u64, u64, Option<CapabilityError>)>;
const ACTORS: &[u8] = b":mock:actors";
type ActorsState = Vec<(u64, Role)>;

/// pallet-did stand-in: hands out accounts 1000, 1001, …; `(did, gateway)` pairs are
/// authentication delegates.
pub struct MockDid;
impl MockDid {
	pub fn add_gateway(did: u64, gateway: u64) {
		mock_state::with(DELEGATES, |d: &mut DelegatesState| d.push((did, gateway)));
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
	fn is_deactivated(_: &u64) -> bool {
		false
	}
}
impl DidCreator<u64> for MockDid {
	fn create_did(_creator: &u64) -> Result<u64, DispatchError> {
		Ok(mock_state::with(NEXT_DID, |n: &mut u64| {
			*n += 1;
			FIRST_PRODUCT + *n - 1
		}))
	}
}

/// pallet-machines stand-in: machine → (owner, status, capabilities with a valid credential).
pub struct MockMachines;
impl MockMachines {
	pub fn add(machine: u64, owner: u64, capabilities: &[&str]) {
		let caps = capabilities.iter().map(|c| c.as_bytes().to_vec()).collect();
		mock_state::with(MACHINES, |m: &mut MachinesState| {
			m.insert(machine, (owner, MachineStatus::Idle, caps))
		});
	}
	pub fn set_status(machine: u64, status: MachineStatus) {
		mock_state::with(MACHINES, |m: &mut MachinesState| m.get_mut(&machine).unwrap().1 = status);
	}
	/// The credential behind `capability` stops being valid.
	pub fn invalidate(machine: u64, capability: &str) {
		mock_state::with(MACHINES, |m: &mut MachinesState| {
			m.get_mut(&machine).unwrap().2.retain(|c| c != capability.as_bytes())
		});
	}
}
impl MachineRegistry<u64> for MockMachines {
	fn can_perform(machine: &u64, capability: &[u8]) -> bool {
		mock_state::with(MACHINES, |m: &mut MachinesState| {
			m.get(machine).is_some_and(|(_, status, caps)| {
				*status != MachineStatus::Retired && caps.iter().any(|c| c == capability)
			})
		})
	}
	fn status(machine: &u64) -> Option<MachineStatus> {
		mock_state::with(MACHINES, |m: &mut MachinesState| m.get(machine).map(|(_, s, _)| *s))
	}
	fn owner(machine: &u64) -> Option<u64> {
		mock_state::with(MACHINES, |m: &mut MachinesState| m.get(machine).map(|(o, _, _)| *o))
	}
	fn start_task(_: &u64, _: TaskId) -> Result<(), ()> {
		Err(())
	}
	fn finish_task(_: &u64, _: TaskId, _: bool) -> Result<(), ()> {
		Err(())
	}
	fn enter_maintenance(_: &u64) -> Result<(), ()> {
		Err(())
	}
	fn idle_candidates(_: &[u8], _: u32) -> Vec<(u64, u32, u64)> {
		Vec::new()
	}
}

/// pallet-credentials stand-in: a credential is (subject, issuer, failure if any).
pub struct MockCredentials;
impl MockCredentials {
	pub fn anchor(digest: u8, subject: u64, issuer: u64) -> Digest {
		mock_state::with(CREDENTIALS, |c: &mut CredentialsState| {
			c.insert([digest; 32], (subject, issuer, None))
		});
		[digest; 32]
	}
	pub fn fail(digest: u8, error: CapabilityError) {
		mock_state::with(CREDENTIALS, |c: &mut CredentialsState| {
			c.get_mut(&[digest; 32]).unwrap().2 = Some(error)
		});
	}
}
impl CredentialCheck<u64> for MockCredentials {
	fn check_credential(subject: &u64, credential: &Digest) -> Result<u64, CapabilityError> {
		let (s, issuer, failure) =
			mock_state::with(CREDENTIALS, |c: &mut CredentialsState| c.get(credential).cloned())
				.ok_or(CapabilityError::Unknown)?;
		if s != *subject {
			return Err(CapabilityError::WrongSubject);
		}
		failure.map_or(Ok(issuer), Err)
	}
}

/// pallet-actors stand-in.
pub struct MockActors;
impl RoleProvider<u64> for MockActors {
	fn has_role(who: &u64, role: Role) -> bool {
		mock_state::with(ACTORS, |a: &mut ActorsState| a.contains(&(*who, role)))
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn grant_role(who: &u64, role: Role) {
		mock_state::with(ACTORS, |a: &mut ActorsState| a.push((*who, role)));
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64> for MockActors {
	fn machine(owner: &u64, machine: &u64, capability: &[u8]) {
		mock_state::with(MACHINES, |m: &mut MachinesState| {
			m.insert(*machine, (*owner, MachineStatus::Idle, vec![capability.to_vec()]))
		});
	}
	fn make_gateway(machine: &u64, gateway: &u64) {
		MockDid::add_gateway(*machine, *gateway);
	}
	fn credential(issuer: &u64, subject: &u64) -> Digest {
		use codec::Encode;
		let digest = sp_io::hashing::blake2_256(&(issuer, subject).encode());
		mock_state::with(CREDENTIALS, |c: &mut CredentialsState| {
			c.insert(digest, (*subject, *issuer, None))
		});
		digest
	}
	fn actor(who: &u64, role: Role) {
		mock_state::with(ACTORS, |a: &mut ActorsState| a.push((*who, role)));
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
impl pallet_provenance::EnvironmentAnchors<u64> for MockEnvironment {
	fn window(sensor: &u64, start: u64) -> Option<(u64, [u8; 32])> {
		mock_state::get::<WindowsState>(WINDOWS).get(&(*sensor, start)).copied()
	}
}

/// Active actors with a role, as `SortedMembers` for the origins.
pub struct WithRole<const R: u8>;
impl<const R: u8> SortedMembers<u64> for WithRole<R> {
	fn sorted_members() -> Vec<u64> {
		let role = if R == 0 { Role::Manufacturer } else { Role::Supplier };
		let mut members: Vec<u64> = mock_state::with(ACTORS, |a: &mut ActorsState| {
			a.iter().filter(|(_, r)| *r == role).map(|(w, _)| *w).collect()
		});
		members.sort();
		members
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn add(who: &u64) {
		let role = if R == 0 { Role::Manufacturer } else { Role::Supplier };
		mock_state::with(ACTORS, |a: &mut ActorsState| a.push((*who, role)));
	}
}

parameter_types! {
	pub const MaxStepDuration: u64 = 3_600_000;
}

impl pallet_provenance::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Time = Timestamp;
	type CreateOrigin = frame_system::EnsureSignedBy<WithRole<0>, u64>;
	type SupplierOrigin = frame_system::EnsureSignedBy<WithRole<1>, u64>;
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
	type MaxRecallItemsPerBlock = ConstU32<3>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockActors;
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
		mock_state::with(ACTORS, |a: &mut ActorsState| {
			*a = vec![
				(MANUFACTURER, Role::Manufacturer),
				(SUPPLIER, Role::Supplier),
				(CUSTOMER, Role::Customer),
				(CERTIFIER, Role::Certifier),
			]
		});
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
