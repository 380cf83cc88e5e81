//! A test runtime for the credentials pallet. Who is a certifier is decided by the actors
//! stand-in of `pallet_test_utils::stand_ins` (pallet-actors' own tests cover the real one),
//! changed through [`Actors`], which takes the registrar's calls (only from the registrar, but
//! without pallet-actors' other checks: what these tests need is who holds the certifier role
//! and who is suspended): account 1 is the registrar, 10 and 11 are certifiers, 20 a
//! manufacturer.

use crate as pallet_credentials;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64},
};
use pallet_test_utils::stand_ins::ActorsWithRole;
pub use pallet_test_utils::stand_ins::MockActors;
use sp_runtime::{BuildStorage, DispatchError, DispatchResult};
use twinchain_primitives::Role;

type Block = frame_system::mocking::MockBlock<Test>;
pub type Balance = u128;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Timestamp: pallet_timestamp,
		Balances: pallet_balances,
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

/// The registrar.
pub const REGISTRAR: u64 = 1;

/// The registrar's calls of pallet-actors, on the stand-in: only [`REGISTRAR`] may make them;
/// each always takes effect.
pub struct Actors;
impl Actors {
	fn registrar(origin: RuntimeOrigin) -> DispatchResult {
		match frame_system::ensure_signed(origin)? {
			REGISTRAR => Ok(()),
			_ => Err(DispatchError::BadOrigin),
		}
	}
	/// Registers `who` with `role` (or gives an actor another role).
	pub fn register_actor(
		origin: RuntimeOrigin,
		who: u64,
		role: Role,
		_name: frame_support::BoundedVec<u8, ConstU32<64>>,
	) -> DispatchResult {
		Self::registrar(origin)?;
		MockActors::grant(who, role);
		Ok(())
	}
	/// Takes `role` from `who`.
	pub fn revoke_role(origin: RuntimeOrigin, who: u64, role: Role) -> DispatchResult {
		Self::registrar(origin)?;
		MockActors::revoke(who, role);
		Ok(())
	}
	/// Suspends `who`: it keeps its roles but may not use them.
	pub fn suspend_actor(origin: RuntimeOrigin, who: u64) -> DispatchResult {
		Self::registrar(origin)?;
		MockActors::suspend(who);
		Ok(())
	}
	/// Lets a suspended `who` act again.
	pub fn reactivate_actor(origin: RuntimeOrigin, who: u64) -> DispatchResult {
		Self::registrar(origin)?;
		MockActors::reactivate(who);
		Ok(())
	}
}

parameter_types! {
	pub const CertifierRole: Role = Role::Certifier;
}

impl pallet_credentials::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Time = Timestamp;
	type IssuerOrigin = frame_system::EnsureSignedBy<ActorsWithRole<CertifierRole>, u64>;
	type ForceOrigin = frame_system::EnsureRoot<u64>;
	type Issuers = MockActors;
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
		MockActors::set(vec![
			(10, Role::Certifier),
			(11, Role::Certifier),
			(20, Role::Manufacturer),
		]);
	});
	ext
}

/// Moves to the next block, `ms` later.
pub fn advance(ms: u64) {
	System::set_block_number(System::block_number() + 1);
	Timestamp::set_timestamp(Timestamp::get() + ms);
}
