//! Benchmarks of the DID pallet, each at its worst case: operations on an implicit DID create
//! its record (two deposits held), names and endpoints are as long as allowed, deactivation
//! drains full delegate and attribute lists.

use super::*;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get,
};
use frame_system::RawOrigin;

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	fund::<T>(&who);
	who
}

fn fund<T: Config>(who: &T::AccountId) {
	let enough = (T::RecordDeposit::get() + T::ItemDeposit::get()) * 100u32.into()
		+ T::Currency::minimum_balance();
	T::Currency::set_balance(who, enough);
}

fn long_name(i: u32) -> AttributeName {
	let mut name = vec![b'n'; 32];
	name[..4].copy_from_slice(&i.to_be_bytes().map(|b| b'a' + b % 26));
	name.try_into().expect("32 bytes")
}

fn long_service() -> AttributeValue {
	let mut endpoint = b"https://".to_vec();
	endpoint.resize(200, b'e');
	AttributeValue::Service {
		service_type: vec![b'S'; 32].try_into().expect("32 bytes"),
		endpoint: endpoint.try_into().expect("200 bytes"),
	}
}

#[benchmarks]
mod benches {
	use super::*;

	#[benchmark]
	fn change_controller() {
		let did = funded::<T>("did", 0);
		let new_controller: T::AccountId = account("controller", 0, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(did.clone()), did.clone(), new_controller.clone());
		assert_eq!(Pallet::<T>::controller_of(&did), new_controller);
	}

	#[benchmark]
	fn add_delegate() {
		let did = funded::<T>("did", 0);
		let delegate: T::AccountId = account("delegate", 0, 0);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(did.clone()),
			did.clone(),
			DelegateType::Assertion,
			delegate.clone(),
			None,
			Some(u64::MAX),
		);
		assert!(Delegates::<T>::contains_key(&did, (DelegateType::Assertion, delegate)));
	}

	#[benchmark]
	fn revoke_delegate() {
		let did = funded::<T>("did", 0);
		let delegate: T::AccountId = account("delegate", 0, 0);
		Pallet::<T>::apply(
			&did,
			&did,
			DidOperation::AddDelegate {
				delegate_type: DelegateType::Assertion,
				delegate: delegate.clone(),
				valid_from: None,
				valid_until: None,
			},
		)
		.expect("added");
		#[extrinsic_call]
		_(RawOrigin::Signed(did.clone()), did.clone(), DelegateType::Assertion, delegate.clone());
		let stored = Delegates::<T>::get(&did, (DelegateType::Assertion, delegate)).expect("kept");
		assert!(stored.validity.valid_until.is_some());
	}

	#[benchmark]
	fn set_attribute() {
		let did = funded::<T>("did", 0);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(did.clone()),
			did.clone(),
			long_name(0),
			long_service(),
			None,
			Some(u64::MAX),
		);
		assert!(Attributes::<T>::contains_key(&did, long_name(0)));
	}

	#[benchmark]
	fn revoke_attribute() {
		let did = funded::<T>("did", 0);
		Pallet::<T>::apply(
			&did,
			&did,
			DidOperation::SetAttribute {
				name: long_name(0),
				value: long_service(),
				valid_from: None,
				valid_until: None,
			},
		)
		.expect("set");
		#[extrinsic_call]
		_(RawOrigin::Signed(did.clone()), did.clone(), long_name(0));
		assert!(Attributes::<T>::get(&did, long_name(0))
			.expect("kept")
			.validity
			.valid_until
			.is_some());
	}

	/// `d` delegates and `a` attributes are drained, each with its own depositor.
	#[benchmark]
	fn deactivate(
		d: Linear<0, { T::MaxDelegates::get() }>,
		a: Linear<0, { T::MaxAttributes::get() }>,
	) {
		let did = funded::<T>("did", 0);
		for i in 0..d {
			let payer = funded::<T>("payer", i);
			Pallet::<T>::apply(
				&did,
				&payer,
				DidOperation::AddDelegate {
					delegate_type: DelegateType::Assertion,
					delegate: account("delegate", i, 0),
					valid_from: None,
					valid_until: None,
				},
			)
			.expect("added");
		}
		for i in 0..a {
			let payer = funded::<T>("payer", 1000 + i);
			Pallet::<T>::apply(
				&did,
				&payer,
				DidOperation::SetAttribute {
					name: long_name(i),
					value: long_service(),
					valid_from: None,
					valid_until: None,
				},
			)
			.expect("set");
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(did.clone()), did.clone());
		assert!(Dids::<T>::get(&did).expect("record").deactivated);
	}

	/// Building and verifying the payload of the largest operation, the overhead of
	/// `execute_signed` over the operation itself.
	#[benchmark]
	fn verify_signature() {
		let controller = T::BenchmarkHelper::controller();
		let op = DidOperation::SetAttribute {
			name: long_name(0),
			value: long_service(),
			valid_from: Some(1),
			valid_until: Some(u64::MAX),
		};
		let signature = T::BenchmarkHelper::sign(
			&controller,
			&Pallet::<T>::signed_payload(
				&controller,
				0,
				sp_runtime::traits::Zero::zero(),
				&Some(controller.clone()),
				&op,
			),
		);
		let valid;
		#[block]
		{
			let message = Pallet::<T>::signed_payload(
				&controller,
				0,
				sp_runtime::traits::Zero::zero(),
				&Some(controller.clone()),
				&op,
			);
			valid = sp_runtime::traits::Verify::verify(&signature, &message[..], &controller);
		}
		assert!(valid);
	}

	#[benchmark]
	fn create_did() -> Result<(), BenchmarkError> {
		let origin =
			T::CreateOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let creator = T::CreateOrigin::ensure_origin(origin.clone())
			.map_err(|_| BenchmarkError::Weightless)?;
		fund::<T>(&creator);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin);
		assert_eq!(CreatedCount::<T>::get(), 1);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
