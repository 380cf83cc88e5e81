//! Weights of `pallet_tasks`. Placeholder until `scripts/bench.sh tasks` generates this file
//! from the benchmarks (when the pallet joins the runtime).

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::ParityDbWeight, Weight}};

/// The weight of each call and hook step of `pallet_tasks`.
pub trait WeightInfo {
	fn create_task() -> Weight;
	fn accept_task() -> Weight;
	fn start_task() -> Weight;
	fn complete_task() -> Weight;
	fn confirm_task() -> Weight;
	fn cancel_task() -> Weight;
	fn dispute_task() -> Weight;
	fn resolve_dispute() -> Weight;
	fn fail_task() -> Weight;
	fn assign_task() -> Weight;
	fn register_recipe(s: u32, ) -> Weight;
	fn place_order() -> Weight;
	fn expire_tasks(n: u32, ) -> Weight;
	fn settle_tasks(n: u32, ) -> Weight;
	fn retry_waiting(n: u32, ) -> Weight;
}

/// Weights for the runtime, with its database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn create_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(8))
	}
	fn accept_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(8))
	}
	fn start_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(8))
	}
	fn complete_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(8))
	}
	fn confirm_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(8))
	}
	fn cancel_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(8))
	}
	fn dispute_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(8))
	}
	fn resolve_dispute() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(8))
	}
	fn fail_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(8))
	}
	fn assign_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(8))
	}
	fn register_recipe(s: u32, ) -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(Weight::from_parts(100_000_000, 4000).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(8))
	}
	fn place_order() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(8))
	}
	fn expire_tasks(n: u32, ) -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(Weight::from_parts(100_000_000, 4000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(8))
	}
	fn settle_tasks(n: u32, ) -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(Weight::from_parts(100_000_000, 4000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(8))
	}
	fn retry_waiting(n: u32, ) -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(Weight::from_parts(100_000_000, 4000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(8))
	}
}

/// The same weights with ParityDB's database weights, for tests and mocks.
impl WeightInfo for () {
	fn create_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(ParityDbWeight::get().reads(12))
			.saturating_add(ParityDbWeight::get().writes(8))
	}
	fn accept_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(ParityDbWeight::get().reads(12))
			.saturating_add(ParityDbWeight::get().writes(8))
	}
	fn start_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(ParityDbWeight::get().reads(12))
			.saturating_add(ParityDbWeight::get().writes(8))
	}
	fn complete_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(ParityDbWeight::get().reads(12))
			.saturating_add(ParityDbWeight::get().writes(8))
	}
	fn confirm_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(ParityDbWeight::get().reads(12))
			.saturating_add(ParityDbWeight::get().writes(8))
	}
	fn cancel_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(ParityDbWeight::get().reads(12))
			.saturating_add(ParityDbWeight::get().writes(8))
	}
	fn dispute_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(ParityDbWeight::get().reads(12))
			.saturating_add(ParityDbWeight::get().writes(8))
	}
	fn resolve_dispute() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(ParityDbWeight::get().reads(12))
			.saturating_add(ParityDbWeight::get().writes(8))
	}
	fn fail_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(ParityDbWeight::get().reads(12))
			.saturating_add(ParityDbWeight::get().writes(8))
	}
	fn assign_task() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(ParityDbWeight::get().reads(12))
			.saturating_add(ParityDbWeight::get().writes(8))
	}
	fn register_recipe(s: u32, ) -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(Weight::from_parts(100_000_000, 4000).saturating_mul(s.into()))
			.saturating_add(ParityDbWeight::get().reads(12))
			.saturating_add(ParityDbWeight::get().writes(8))
	}
	fn place_order() -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(ParityDbWeight::get().reads(12))
			.saturating_add(ParityDbWeight::get().writes(8))
	}
	fn expire_tasks(n: u32, ) -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(Weight::from_parts(100_000_000, 4000).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(12))
			.saturating_add(ParityDbWeight::get().writes(8))
	}
	fn settle_tasks(n: u32, ) -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(Weight::from_parts(100_000_000, 4000).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(12))
			.saturating_add(ParityDbWeight::get().writes(8))
	}
	fn retry_waiting(n: u32, ) -> Weight {
		Weight::from_parts(300_000_000, 40000)
			.saturating_add(Weight::from_parts(100_000_000, 4000).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(12))
			.saturating_add(ParityDbWeight::get().writes(8))
	}
}
