//! A test runtime for the actors pallet: registrars 1 and 2 at genesis, account 10 a
//! manufacturer.

use crate as pallet_actors;
use crate::Role;
use frame_support::{derive_impl, traits::ConstU32};
use frame_system::EnsureRoot;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Actors: pallet_actors,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

impl pallet_actors::Config for Test {
	type RegistrarOrigin = EnsureRoot<u64>;
	type MaxRegistrars = ConstU32<3>;
	type WeightInfo = ();
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		actors: pallet_actors::GenesisConfig {
			registrars: vec![2, 1],
			actors: vec![(10, Role::Manufacturer, b"Factory A".to_vec())],
		},
	}
	.build_storage()
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
