//! A test runtime for the validator-set pallet. Session keys are registered in a thread-local
//! set, standing in for `pallet-session`'s `ValidatorRegistration`.

use crate as pallet_validator_set;
use core::cell::RefCell;
use frame_support::{derive_impl, traits::ValidatorRegistration};
use frame_system::EnsureRoot;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		ValidatorSet: pallet_validator_set,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

thread_local! {
	static REGISTERED: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// Accounts with session keys.
pub struct MockKeys;
impl MockKeys {
	pub fn register(who: u64) {
		REGISTERED.with(|r| r.borrow_mut().push(who));
	}
}
impl ValidatorRegistration<u64> for MockKeys {
	fn is_registered(id: &u64) -> bool {
		REGISTERED.with(|r| r.borrow().contains(id))
	}
}
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64> for MockKeys {
	fn register_keys(who: &u64) {
		Self::register(*who);
	}
}

impl pallet_validator_set::Config for Test {
	type AddRemoveOrigin = EnsureRoot<u64>;
	type KeysRegistration = MockKeys;
	type MinValidators = frame_support::traits::ConstU32<2>;
	type MaxValidators = frame_support::traits::ConstU32<5>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockKeys;
}

/// Externalities with `initial` as the genesis set; every genesis validator has keys.
pub fn new_test_ext(initial: Vec<u64>) -> sp_io::TestExternalities {
	for v in &initial {
		MockKeys::register(*v);
	}
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		validator_set: pallet_validator_set::GenesisConfig { initial_validators: initial },
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
