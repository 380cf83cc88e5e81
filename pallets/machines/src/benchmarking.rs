//! Benchmarks of the machines pallet at their worst cases: full nameplates, a full status
//! history (its oldest entry is dropped), retirement with every capability slot used.

use super::*;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get,
};
use frame_system::RawOrigin;

fn nameplate() -> Nameplate {
	Nameplate {
		manufacturer_name: vec![b'm'; 64].try_into().unwrap(),
		model: vec![b'o'; 64].try_into().unwrap(),
		serial_number: vec![b's'; 64].try_into().unwrap(),
		year_of_construction: 2026,
	}
}

fn cap(i: u32) -> CapabilityKey {
	let mut k = vec![b'c'; 32];
	k[..4].copy_from_slice(&i.to_be_bytes().map(|b| b'a' + b % 26));
	k.try_into().unwrap()
}

/// A registered machine owned by a funded manufacturer, with a full status history.
fn machine<T: Config>() -> Result<(T::AccountId, T::AccountId), BenchmarkError> {
	let origin =
		T::RegisterOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
	let owner =
		T::RegisterOrigin::ensure_origin(origin.clone()).map_err(|_| BenchmarkError::Weightless)?;
	T::Currency::set_balance(
		&owner,
		T::MachineDeposit::get() * 10u32.into() + T::Currency::minimum_balance(),
	);
	let machine: T::AccountId = account("machine", 0, 0);
	T::BenchmarkHelper::make_gateway(&machine, &owner);
	Pallet::<T>::register_machine(origin, machine.clone(), nameplate())
		.map_err(|_| BenchmarkError::Stop("register failed"))?;
	for i in 0..T::MaxStatusHistory::get() {
		let status = if i % 2 == 0 { MachineStatus::Offline } else { MachineStatus::Idle };
		Pallet::<T>::set_status(RawOrigin::Signed(owner.clone()).into(), machine.clone(), status)
			.map_err(|_| BenchmarkError::Stop("status failed"))?;
	}
	Ok((owner, machine))
}

#[benchmarks]
mod benches {
	use super::*;

	#[benchmark]
	fn register_machine() -> Result<(), BenchmarkError> {
		let origin =
			T::RegisterOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let owner = T::RegisterOrigin::ensure_origin(origin.clone())
			.map_err(|_| BenchmarkError::Weightless)?;
		T::Currency::set_balance(
			&owner,
			T::MachineDeposit::get() * 10u32.into() + T::Currency::minimum_balance(),
		);
		let machine: T::AccountId = account("machine", 0, 0);
		T::BenchmarkHelper::make_gateway(&machine, &owner);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, machine.clone(), nameplate());
		assert!(MachineRecords::<T>::contains_key(&machine));
		Ok(())
	}

	#[benchmark]
	fn add_capability() -> Result<(), BenchmarkError> {
		let (owner, machine) = machine::<T>()?;
		let digest = T::BenchmarkHelper::anchor_capability(&machine, &cap(0));
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), machine.clone(), cap(0), digest);
		assert!(ByCapability::<T>::contains_key(cap(0), &machine));
		Ok(())
	}

	#[benchmark]
	fn remove_capability() -> Result<(), BenchmarkError> {
		let (owner, machine) = machine::<T>()?;
		let digest = T::BenchmarkHelper::anchor_capability(&machine, &cap(0));
		Pallet::<T>::add_capability(
			RawOrigin::Signed(owner.clone()).into(),
			machine.clone(),
			cap(0),
			digest,
		)
		.map_err(|_| BenchmarkError::Stop("add failed"))?;
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), machine.clone(), cap(0));
		assert!(!ByCapability::<T>::contains_key(cap(0), &machine));
		Ok(())
	}

	/// The worst case: the machine's gateway sets it (the owner and machine checks fail, the
	/// DID delegate lookup runs), from idle into maintenance, with a full history and
	/// `MaxCapabilities` capabilities leaving the idle index.
	#[benchmark]
	fn set_status() -> Result<(), BenchmarkError> {
		let (owner, machine) = machine::<T>()?;
		for i in 0..T::MaxCapabilities::get() {
			let digest = T::BenchmarkHelper::anchor_capability(&machine, &cap(i));
			Pallet::<T>::add_capability(
				RawOrigin::Signed(owner.clone()).into(),
				machine.clone(),
				cap(i),
				digest,
			)
			.map_err(|_| BenchmarkError::Stop("add failed"))?;
		}
		let gateway: T::AccountId = account("gateway", 0, 0);
		T::BenchmarkHelper::make_gateway(&machine, &gateway);
		#[extrinsic_call]
		_(RawOrigin::Signed(gateway), machine.clone(), MachineStatus::Maintenance);
		assert_eq!(
			MachineRecords::<T>::get(&machine).map(|m| m.status),
			Some(MachineStatus::Maintenance)
		);
		assert!(!IdleByCapability::<T>::contains_key(cap(0), &machine));
		Ok(())
	}

	#[benchmark]
	fn transfer_ownership() -> Result<(), BenchmarkError> {
		let (owner, machine) = machine::<T>()?;
		let to: T::AccountId = account("factory", 0, 0);
		// The new owner pays for the DID's record and its delegation (see `DidHandOver`).
		T::Currency::set_balance(
			&to,
			T::MachineDeposit::get() * 10u32.into() + T::Currency::minimum_balance(),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), machine.clone(), to.clone());
		assert_eq!(MachineRecords::<T>::get(&machine).map(|m| m.owner), Some(to));
		Ok(())
	}

	/// `c`: capabilities the machine holds.
	#[benchmark]
	fn retire(c: Linear<0, { T::MaxCapabilities::get() }>) -> Result<(), BenchmarkError> {
		let (owner, machine) = machine::<T>()?;
		for i in 0..c {
			let digest = T::BenchmarkHelper::anchor_capability(&machine, &cap(i));
			Pallet::<T>::add_capability(
				RawOrigin::Signed(owner.clone()).into(),
				machine.clone(),
				cap(i),
				digest,
			)
			.map_err(|_| BenchmarkError::Stop("add failed"))?;
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), machine.clone());
		assert_eq!(
			MachineRecords::<T>::get(&machine).map(|m| m.status),
			Some(MachineStatus::Retired)
		);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
