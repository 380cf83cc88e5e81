//! The actors pallet's invariants, checked from storage alone: by the `try_state` hook (with
//! `try-runtime`) and after every call of the unit tests' random sequences.

use crate::*;
use frame_support::ensure;
use sp_runtime::TryRuntimeError;

impl<T: Config> Pallet<T> {
	/// The registrars are sorted and free of duplicates; every actor uses only the defined role
	/// bits and never both holds a role and is marked withdrawn from it.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let registrars = Registrars::<T>::get();
		ensure!(registrars.windows(2).all(|w| w[0] < w[1]), "the registrars are unsorted");
		let defined = Role::ALL.iter().fold(0u8, |bits, r| bits | r.bit());
		for (_, a) in ActorRecords::<T>::iter() {
			ensure!(a.roles.0 & !defined == 0, "an actor holds an undefined role");
			ensure!(a.withdrawn.0 & !defined == 0, "an actor lost an undefined role");
			ensure!(a.roles.0 & a.withdrawn.0 == 0, "an actor holds a role it was withdrawn from");
		}
		Ok(())
	}
}
