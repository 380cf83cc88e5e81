//! A test runtime for the DID pallet with real accounts (`AccountId32`) and real signatures
//! (`MultiSignature`, Sr25519 keys from the dev keyring). Alice is the only manufacturer.

use crate as pallet_did;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU128, ConstU32, ConstU64, SortedMembers},
};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	traits::{IdentityLookup, Verify},
	AccountId32, BuildStorage, MultiSignature,
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = AccountId32;
pub type Balance = u128;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Timestamp: pallet_timestamp,
		Balances: pallet_balances,
		Did: pallet_did,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = frame_support::traits::ConstU16<42>;
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

/// Alice is the only manufacturer.
pub struct Manufacturers;
impl SortedMembers<AccountId> for Manufacturers {
	fn sorted_members() -> Vec<AccountId> {
		vec![alice()]
	}
}

parameter_types! {
	pub const RecordDeposit: Balance = 100;
	pub const ItemDeposit: Balance = 10;
}

impl pallet_did::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Time = Timestamp;
	type OffchainSignature = MultiSignature;
	type SigningPublicKey = <MultiSignature as Verify>::Signer;
	type CreateOrigin = frame_system::EnsureSignedBy<Manufacturers, AccountId>;
	type RecordDeposit = RecordDeposit;
	type ItemDeposit = ItemDeposit;
	type MaxDelegates = ConstU32<3>;
	type MaxAttributes = ConstU32<3>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchKeys;
}

/// Signs with keys from the host's keystore, as the runtime's benchmark helper does.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchKeys;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId, MultiSignature> for BenchKeys {
	fn controller() -> AccountId {
		Sr25519Keyring::Ferdie.to_account_id()
	}
	fn sign(_controller: &AccountId, message: &[u8]) -> MultiSignature {
		Sr25519Keyring::Ferdie.sign(message).into()
	}
}

pub fn alice() -> AccountId {
	Sr25519Keyring::Alice.to_account_id()
}
pub fn bob() -> AccountId {
	Sr25519Keyring::Bob.to_account_id()
}
pub fn charlie() -> AccountId {
	Sr25519Keyring::Charlie.to_account_id()
}
/// A machine: an account with a key and no funds.
pub fn machine() -> AccountId {
	Sr25519Keyring::Eve.to_account_id()
}

/// The time at genesis of the tests: 2026-11-26T00:00:00Z.
pub const T0: u64 = 1_795_651_200_000;

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig {
			balances: vec![
				(alice(), 1_000),
				(bob(), 1_000),
				(charlie(), 1_000),
				(Sr25519Keyring::Ferdie.to_account_id(), 1_000),
			],
			..Default::default()
		},
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		// Block 1 records the genesis hash, as a real chain does.
		System::initialize(&1, &sp_core::H256::repeat_byte(7), &Default::default());
		Timestamp::set_timestamp(T0);
	});
	ext
}

/// Moves to the next block, `ms` later.
pub fn advance(ms: u64) {
	let n = System::block_number() + 1;
	let parent = System::block_hash(n - 1);
	System::initialize(&n, &parent, &Default::default());
	Timestamp::set_timestamp(Timestamp::get() + ms);
}
