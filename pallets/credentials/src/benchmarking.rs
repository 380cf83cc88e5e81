//! Benchmarks of the credentials pallet at their worst cases: the longest schema, the most
//! capability parameters, the last index of a full status list.

use super::*;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		EnsureOrigin, Get,
	},
	BoundedVec,
};
use frame_system::RawOrigin;

fn fund<T: Config>(who: &T::AccountId) {
	let enough = (T::SchemaDeposit::get() + T::CredentialDeposit::get()) * 100u32.into()
		+ T::Currency::minimum_balance();
	T::Currency::set_balance(who, enough);
}

/// A valid schema of exactly `len` bytes (at least 40).
fn schema_body(len: u32) -> SchemaBody {
	let head = br#"{"type":"object","properties":{},"x":""#.to_vec();
	let mut body = head;
	body.resize(len as usize - 2, b'a');
	body.extend_from_slice(b"\"}");
	body.try_into().expect("within MaxSchemaLength")
}

fn genesis_like_schema<T: Config>() -> SchemaId {
	let body = schema_body(200);
	let id = sp_io::hashing::blake2_256(&body);
	Schemas::<T>::insert(
		id,
		Schema {
			name: b"Bench".to_vec().try_into().unwrap(),
			body,
			creator: None,
			deposit: 0u32.into(),
			registered: 0u32.into(),
		},
	);
	id
}

fn big_capability() -> Capability {
	let params: Vec<(CapabilityKey, CapabilityValue)> = (0..8u8)
		.map(|i| {
			let mut k = vec![b'a' + i; 32];
			k[0] = b'a' + i;
			(k.try_into().unwrap(), vec![b'9'; 64].try_into().unwrap())
		})
		.collect();
	Capability { id: vec![b'k'; 32].try_into().unwrap(), params: BoundedVec::truncate_from(params) }
}

/// An issuer whose status lists are full up to its last index, holding one anchored credential
/// at that index.
fn issuer_with_last_credential<T: Config>() -> Result<(T::AccountId, Digest), BenchmarkError> {
	let origin =
		T::IssuerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
	let issuer = T::IssuerOrigin::ensure_origin(origin).map_err(|_| BenchmarkError::Weightless)?;
	fund::<T>(&issuer);
	let last = T::MaxStatusListBytes::get() * 8 - 1;
	NextStatusIndex::<T>::insert(&issuer, last);
	let full: BoundedVec<u8, T::MaxStatusListBytes> =
		BoundedVec::truncate_from(vec![0u8; T::MaxStatusListBytes::get() as usize]);
	StatusLists::<T>::insert(&issuer, StatusPurpose::Revocation, full.clone());
	StatusLists::<T>::insert(&issuer, StatusPurpose::Suspension, full);
	let schema = genesis_like_schema::<T>();
	let digest = [7u8; 32];
	Pallet::<T>::anchor(
		RawOrigin::Signed(issuer.clone()).into(),
		digest,
		account("subject", 0, 0),
		schema,
		None,
		None,
		Some(big_capability()),
	)
	.map_err(|_| BenchmarkError::Stop("anchor failed"))?;
	Ok((issuer, digest))
}

#[benchmarks]
mod benches {
	use super::*;

	/// `b`: the schema's length in bytes.
	#[benchmark]
	fn register_schema(b: Linear<64, { <MaxSchemaLength as Get<u32>>::get() }>) {
		let who: T::AccountId = account("creator", 0, 0);
		fund::<T>(&who);
		let body = schema_body(b);
		let id = sp_io::hashing::blake2_256(&body);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), vec![b'n'; 64].try_into().unwrap(), body);
		assert!(Schemas::<T>::contains_key(id));
	}

	#[benchmark]
	fn anchor() -> Result<(), BenchmarkError> {
		let origin =
			T::IssuerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let issuer = T::IssuerOrigin::ensure_origin(origin.clone())
			.map_err(|_| BenchmarkError::Weightless)?;
		fund::<T>(&issuer);
		let schema = genesis_like_schema::<T>();
		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			[1u8; 32],
			account("subject", 0, 0),
			schema,
			Some(0),
			Some(u64::MAX),
			Some(big_capability()),
		);
		assert!(Anchors::<T>::contains_key([1u8; 32]));
		Ok(())
	}

	#[benchmark]
	fn revoke() -> Result<(), BenchmarkError> {
		let (issuer, digest) = issuer_with_last_credential::<T>()?;
		#[extrinsic_call]
		_(RawOrigin::Signed(issuer), digest);
		assert_eq!(Pallet::<T>::status(&digest).map(|s| s.revoked), Some(true));
		Ok(())
	}

	#[benchmark]
	fn suspend() -> Result<(), BenchmarkError> {
		let (issuer, digest) = issuer_with_last_credential::<T>()?;
		#[extrinsic_call]
		_(RawOrigin::Signed(issuer), digest);
		assert_eq!(Pallet::<T>::status(&digest).map(|s| s.suspended), Some(true));
		Ok(())
	}

	#[benchmark]
	fn unsuspend() -> Result<(), BenchmarkError> {
		let (issuer, digest) = issuer_with_last_credential::<T>()?;
		Pallet::<T>::suspend(RawOrigin::Signed(issuer.clone()).into(), digest)
			.map_err(|_| BenchmarkError::Stop("suspend failed"))?;
		#[extrinsic_call]
		_(RawOrigin::Signed(issuer), digest);
		assert_eq!(Pallet::<T>::status(&digest).map(|s| s.suspended), Some(false));
		Ok(())
	}

	#[benchmark]
	fn remove() -> Result<(), BenchmarkError> {
		let (issuer, digest) = issuer_with_last_credential::<T>()?;
		Pallet::<T>::revoke(RawOrigin::Signed(issuer.clone()).into(), digest)
			.map_err(|_| BenchmarkError::Stop("revoke failed"))?;
		#[extrinsic_call]
		_(RawOrigin::Signed(issuer), digest);
		assert!(!Anchors::<T>::contains_key(digest));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
