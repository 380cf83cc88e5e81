//! Benchmarks of the actors pallet, each at its worst case (a full registrar set, so the sorted
//! search and insert cost the most).

use super::*;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::RawOrigin;

fn fill_registrars<T: Config>(n: u32) -> T::AccountId {
	let mut set: alloc::vec::Vec<T::AccountId> =
		(0..n).map(|i| account("registrar", i, 0)).collect();
	set.sort();
	let first = set[0].clone();
	Registrars::<T>::put(BoundedVec::<_, T::MaxRegistrars>::try_from(set).expect("n <= max"));
	first
}

/// `actor` registered as a supplier by `registrar`, so the registrar may act on it (the signed
/// path, which costs more than the privileged one: two registrar searches and the record read).
fn registered_by<T: Config>(registrar: &T::AccountId, actor: &T::AccountId) {
	Pallet::<T>::register_actor(
		RawOrigin::Signed(registrar.clone()).into(),
		actor.clone(),
		Role::Supplier,
		Default::default(),
	)
	.expect("a registrar registers a supplier");
}

#[benchmarks]
mod benches {
	use super::*;

	#[benchmark]
	fn add_registrar() -> Result<(), BenchmarkError> {
		fill_registrars::<T>(T::MaxRegistrars::get() - 1);
		let who: T::AccountId = account("new", 0, 0);
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());
		assert!(Pallet::<T>::is_registrar(&who));
		Ok(())
	}

	#[benchmark]
	fn remove_registrar() -> Result<(), BenchmarkError> {
		let who = fill_registrars::<T>(T::MaxRegistrars::get());
		let origin =
			T::RegistrarOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());
		assert!(!Pallet::<T>::is_registrar(&who));
		Ok(())
	}

	#[benchmark]
	fn register_actor() {
		let registrar = fill_registrars::<T>(T::MaxRegistrars::get());
		let actor: T::AccountId = account("actor", 0, 0);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(registrar),
			actor.clone(),
			Role::Manufacturer,
			ActorName::try_from(vec![b'n'; 64]).expect("64 bytes fit"),
		);
		assert!(<Pallet<T> as RoleProvider<_>>::has_role(&actor, Role::Manufacturer));
	}

	#[benchmark]
	fn suspend_actor() {
		let registrar = fill_registrars::<T>(T::MaxRegistrars::get());
		let actor: T::AccountId = account("actor", 0, 0);
		registered_by::<T>(&registrar, &actor);
		#[extrinsic_call]
		_(RawOrigin::Signed(registrar), actor.clone());
		assert!(!<Pallet<T> as RoleProvider<_>>::has_role(&actor, Role::Supplier));
	}

	#[benchmark]
	fn reactivate_actor() {
		let registrar = fill_registrars::<T>(T::MaxRegistrars::get());
		let actor: T::AccountId = account("actor", 0, 0);
		registered_by::<T>(&registrar, &actor);
		ActorRecords::<T>::mutate(&actor, |a| a.as_mut().unwrap().status = ActorStatus::Suspended);
		#[extrinsic_call]
		_(RawOrigin::Signed(registrar), actor.clone());
		assert!(<Pallet<T> as RoleProvider<_>>::has_role(&actor, Role::Supplier));
	}

	#[benchmark]
	fn revoke_role() {
		let registrar = fill_registrars::<T>(T::MaxRegistrars::get());
		let actor: T::AccountId = account("actor", 0, 0);
		registered_by::<T>(&registrar, &actor);
		#[extrinsic_call]
		_(RawOrigin::Signed(registrar), actor.clone(), Role::Supplier);
		assert!(!<Pallet<T> as RoleProvider<_>>::has_role(&actor, Role::Supplier));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
