//! Weights for pallet_validator_set: placeholder until `scripts/bench.sh` regenerates it.
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

pub trait WeightInfo {
	fn add_validator(n: u32) -> Weight;
	fn remove_validator(n: u32) -> Weight;
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn add_validator(_n: u32) -> Weight {
		Weight::from_parts(100_000_000, 0).saturating_add(T::DbWeight::get().reads_writes(2, 2))
	}
	fn remove_validator(_n: u32) -> Weight {
		Weight::from_parts(100_000_000, 0).saturating_add(T::DbWeight::get().reads_writes(1, 2))
	}
}

impl WeightInfo for () {
	fn add_validator(_n: u32) -> Weight {
		Weight::from_parts(100_000_000, 0).saturating_add(RocksDbWeight::get().reads_writes(2, 2))
	}
	fn remove_validator(_n: u32) -> Weight {
		Weight::from_parts(100_000_000, 0).saturating_add(RocksDbWeight::get().reads_writes(1, 2))
	}
}
