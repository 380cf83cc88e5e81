//! Benchmarks of the provenance pallet at their worst cases: full texts and parameters, a
//! machine's gateway recording (the custodian and machine checks fail first), a machine with
//! every recall range slot used and the last one overlapping, receivers whose only role is the
//! last one checked, and the recall walk per index entry.

use super::*;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::RawOrigin;
use twinchain_primitives::{Colour, StepResult, MAX_LOTS};

fn text<const N: u32>(b: u8) -> BoundedVec<u8, frame_support::traits::ConstU32<N>> {
	vec![b; N as usize].try_into().expect("fits")
}

fn product_type(tag: u8) -> ProductType {
	ProductType { kind: text(b'k'), colour: Some(Colour::Blue), tag: Some(text(tag)) }
}

/// A funded manufacturer and its origin.
fn manufacturer<T: Config>() -> Result<(T::RuntimeOrigin, T::AccountId), BenchmarkError> {
	let origin =
		T::CreateOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
	let who =
		T::CreateOrigin::ensure_origin(origin.clone()).map_err(|_| BenchmarkError::Weightless)?;
	T::BenchmarkHelper::fund(&who);
	Ok((origin, who))
}

/// A funded supplier and its origin.
fn supplier<T: Config>() -> Result<(T::RuntimeOrigin, T::AccountId), BenchmarkError> {
	let origin =
		T::SupplierOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
	let who =
		T::SupplierOrigin::ensure_origin(origin.clone()).map_err(|_| BenchmarkError::Weightless)?;
	T::BenchmarkHelper::fund(&who);
	Ok((origin, who))
}

fn lot<T: Config>() -> Result<LotId, BenchmarkError> {
	let (origin, _) = supplier::<T>()?;
	Pallet::<T>::register_lot(origin, text(b'r'), text(b'm'), 1_000)
		.map_err(|_| BenchmarkError::Stop("lot failed"))?;
	Ok(NextLotId::<T>::get() - 1)
}

fn product<T: Config>(
	manufacturer: &T::AccountId,
	tag: u8,
	lots: LotList,
) -> Result<T::AccountId, BenchmarkError> {
	Pallet::<T>::do_create(manufacturer.clone(), product_type(tag), lots)
		.map_err(|_| BenchmarkError::Stop("product failed"))
}

fn capability() -> CapabilityKey {
	let len = <twinchain_primitives::MaxCapabilityKeyLength as Get<u32>>::get() as usize;
	vec![b'c'; len].try_into().expect("fits")
}

/// A machine with a gateway, able to perform `capability()`.
fn machine<T: Config>(owner: &T::AccountId) -> (T::AccountId, T::AccountId) {
	let machine: T::AccountId = account("machine", 0, 0);
	let gateway: T::AccountId = account("gateway", 0, 0);
	T::BenchmarkHelper::machine(owner, &machine, &capability());
	T::BenchmarkHelper::make_gateway(&machine, &gateway);
	(machine, gateway)
}

/// Dates `product`'s creation back to `time`, so that a step may start then.
fn created_at<T: Config>(product: &T::AccountId, time: Moment) {
	Products::<T>::mutate(product, |p| {
		if let Some(p) = p {
			p.created.time = time;
		}
	});
}

/// A step that ended now (benchmarks may run at time 0).
fn step<T: Config>(machine: &T::AccountId, start: Moment) -> StepInput<T::AccountId> {
	StepInput {
		capability: capability(),
		machine: machine.clone(),
		task: Some(u64::MAX),
		start,
		end: now::<T>(),
		params: text(b'p'),
		result: StepResult::Failed(text(b'e')),
		environment: None,
	}
}

fn now<T: Config>() -> Moment {
	Pallet::<T>::stamp().time
}

/// A finished product of `manufacturer` offered to a customer-less receiver whose only role is
/// the last one `is_actor` checks.
fn receiver<T: Config>() -> T::AccountId {
	let to: T::AccountId = account("receiver", 0, 0);
	T::BenchmarkHelper::actor(&to, twinchain_primitives::Role::Auditor);
	to
}

/// The worst queue a member's recall meets: every place but one taken by the recall origin's
/// recalls, each of which the member's limits read.
fn queue_recalls<T: Config>() -> Result<(), BenchmarkError> {
	for i in 1..T::MaxQueuedRecalls::get() {
		Pallet::<T>::open_recall(
			RecallScope::Lot(u64::MAX - i as u64),
			text(b'q'),
			None,
			Default::default(),
		)
		.map_err(|_| BenchmarkError::Stop("queue"))?;
	}
	Ok(())
}

#[benchmarks]
mod benches {
	use super::*;

	#[benchmark]
	fn register_lot() -> Result<(), BenchmarkError> {
		let (origin, _) = supplier::<T>()?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, text(b'r'), text(b'm'), 1_000);
		assert!(Lots::<T>::contains_key(0));
		Ok(())
	}

	/// `l`: lots the product is made from.
	#[benchmark]
	fn create_product(l: Linear<0, MAX_LOTS>) -> Result<(), BenchmarkError> {
		let (origin, _) = manufacturer::<T>()?;
		let mut lots = LotList::default();
		for _ in 0..l {
			lots.try_push(lot::<T>()?).map_err(|_| BenchmarkError::Stop("lots"))?;
		}
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, product_type(b't'), lots);
		assert!(ProductByTag::<T>::contains_key(text::<32>(b't')));
		Ok(())
	}

	#[benchmark]
	fn record_step() -> Result<(), BenchmarkError> {
		let (_, m) = manufacturer::<T>()?;
		let p = product::<T>(&m, b't', Default::default())?;
		let (machine, gateway) = machine::<T>(&m);
		// The gateway records as a delegate of the custodian (not the custodian itself: the
		// delegate check is read too).
		T::BenchmarkHelper::make_gateway(&m, &gateway);
		// Every recall range slot used; the step overlaps the last one, so it is marked.
		let start = now::<T>().saturating_sub(10_000);
		created_at::<T>(&p, start);
		let mut ranges = BoundedVec::default();
		for i in 0..T::MaxRecallRanges::get() {
			let (from, to) =
				if i + 1 == T::MaxRecallRanges::get() { (start, start) } else { (0, 0) };
			Recalls::<T>::insert(
				i,
				Recall {
					scope: RecallScope::MachineRange { machine: machine.clone(), from, to },
					reason: text(b'x'),
					by: None,
					at: Pallet::<T>::stamp(),
					affected: 0,
					complete: true,
				},
			);
			ranges
				.try_push((i, from, to))
				.map_err(|_| BenchmarkError::Stop("MaxRecallRanges ranges fit"))?;
		}
		MachineRecalls::<T>::insert(&machine, ranges);
		// With its environment, which is checked against the anchored window.
		let root = T::BenchmarkHelper::environment(&machine, start, start + 10_000);
		let mut s = step::<T>(&machine, start);
		s.environment = Some(EnvironmentRef { sensor: machine.clone(), start, root });
		#[extrinsic_call]
		_(RawOrigin::Signed(gateway), p.clone(), s);
		assert_eq!(Products::<T>::get(&p).map(|p| p.lifecycle), Some(Lifecycle::Recalled));
		Ok(())
	}

	#[benchmark]
	fn attach_environment() -> Result<(), BenchmarkError> {
		let (_, m) = manufacturer::<T>()?;
		let p = product::<T>(&m, b't', Default::default())?;
		let (machine, gateway) = machine::<T>(&m);
		let start = now::<T>().saturating_sub(10_000);
		created_at::<T>(&p, start);
		Pallet::<T>::append_step(
			&m,
			&p,
			Products::<T>::get(&p).ok_or(BenchmarkError::Stop("no product"))?,
			step::<T>(&machine, start),
		)
		.map_err(|_| BenchmarkError::Stop("step failed"))?;
		let root = T::BenchmarkHelper::environment(&machine, start, start + 10_000);
		#[extrinsic_call]
		_(RawOrigin::Signed(gateway), p.clone(), 0, machine.clone(), start);
		assert!(Steps::<T>::get(&p, 0)
			.is_some_and(|s| s.input.environment.is_some_and(|e| e.root == root)));
		Ok(())
	}

	#[benchmark]
	fn finish() -> Result<(), BenchmarkError> {
		let (_, m) = manufacturer::<T>()?;
		let p = product::<T>(&m, b't', Default::default())?;
		#[extrinsic_call]
		_(RawOrigin::Signed(m), p.clone());
		assert_eq!(Products::<T>::get(&p).map(|p| p.lifecycle), Some(Lifecycle::Finished));
		Ok(())
	}

	#[benchmark]
	fn add_component() -> Result<(), BenchmarkError> {
		let (_, m) = manufacturer::<T>()?;
		let parent = product::<T>(&m, b'p', Default::default())?;
		let part = product::<T>(&m, b'c', Default::default())?;
		Pallet::<T>::finish(RawOrigin::Signed(m.clone()).into(), part.clone())
			.map_err(|_| BenchmarkError::Stop("finish failed"))?;
		#[extrinsic_call]
		_(RawOrigin::Signed(m), parent.clone(), part.clone());
		assert!(Components::<T>::contains_key(&parent, &part));
		Ok(())
	}

	#[benchmark]
	fn offer_custody() -> Result<(), BenchmarkError> {
		let (_, m) = manufacturer::<T>()?;
		let p = product::<T>(&m, b't', Default::default())?;
		let to = receiver::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(m), p.clone(), to);
		assert!(Products::<T>::get(&p).is_some_and(|p| p.offer.is_some()));
		Ok(())
	}

	#[benchmark]
	fn accept_custody() -> Result<(), BenchmarkError> {
		let (_, m) = manufacturer::<T>()?;
		let p = product::<T>(&m, b't', Default::default())?;
		let to = receiver::<T>();
		Pallet::<T>::offer_custody(RawOrigin::Signed(m).into(), p.clone(), to.clone())
			.map_err(|_| BenchmarkError::Stop("offer failed"))?;
		#[extrinsic_call]
		_(RawOrigin::Signed(to.clone()), p.clone());
		assert_eq!(Products::<T>::get(&p).map(|p| p.custodian), Some(to));
		Ok(())
	}

	#[benchmark]
	fn withdraw_offer() -> Result<(), BenchmarkError> {
		let (_, m) = manufacturer::<T>()?;
		let p = product::<T>(&m, b't', Default::default())?;
		let to = receiver::<T>();
		Pallet::<T>::offer_custody(RawOrigin::Signed(m.clone()).into(), p.clone(), to)
			.map_err(|_| BenchmarkError::Stop("offer failed"))?;
		#[extrinsic_call]
		_(RawOrigin::Signed(m), p.clone());
		assert!(Products::<T>::get(&p).is_some_and(|p| p.offer.is_none()));
		Ok(())
	}

	#[benchmark]
	fn attach_credential() -> Result<(), BenchmarkError> {
		let (_, m) = manufacturer::<T>()?;
		let p = product::<T>(&m, b't', Default::default())?;
		let issuer: T::AccountId = account("issuer", 0, 0);
		let digest = T::BenchmarkHelper::credential(&issuer, &p);
		#[extrinsic_call]
		_(RawOrigin::Signed(issuer), p.clone(), digest);
		assert!(ProductCredentials::<T>::contains_key(&p, digest));
		Ok(())
	}

	#[benchmark]
	fn recall_lot() -> Result<(), BenchmarkError> {
		let lot = lot::<T>()?;
		queue_recalls::<T>()?;
		let supplier = Lots::<T>::get(lot).ok_or(BenchmarkError::Stop("no lot"))?.supplier;
		#[extrinsic_call]
		_(RawOrigin::Signed(supplier), lot, text(b'r'));
		assert!(Lots::<T>::get(lot).is_some_and(|l| l.recall.is_some()));
		Ok(())
	}

	#[benchmark]
	fn recall_machine_range() -> Result<(), BenchmarkError> {
		let (_, m) = manufacturer::<T>()?;
		let (machine, _) = machine::<T>(&m);
		let mut ranges = BoundedVec::default();
		for i in 1..T::MaxRecallRanges::get() {
			ranges
				.try_push((1_000 + i, 0, 0))
				.map_err(|_| BenchmarkError::Stop("MaxRecallRanges ranges fit"))?;
		}
		MachineRecalls::<T>::insert(&machine, ranges);
		queue_recalls::<T>()?;
		#[extrinsic_call]
		_(RawOrigin::Signed(m), machine.clone(), 1, 2, text(b'r'));
		assert_eq!(
			MachineRecalls::<T>::decode_len(&machine),
			Some(T::MaxRecallRanges::get() as usize)
		);
		Ok(())
	}

	/// `n`: index entries walked (each product of a recalled lot is marked; the last entry
	/// ends the walk).
	#[benchmark]
	fn process_recalls(n: Linear<0, 100>) -> Result<(), BenchmarkError> {
		let (_, m) = manufacturer::<T>()?;
		let lot = lot::<T>()?;
		let lots: LotList = vec![lot].try_into().map_err(|_| BenchmarkError::Stop("lots"))?;
		for i in 0..n.saturating_sub(1) {
			let tag = text::<32>(0);
			let mut tag = tag.into_inner();
			tag[..4].copy_from_slice(&i.to_be_bytes());
			let ty = ProductType { kind: text(b'k'), colour: None, tag: tag.try_into().ok() };
			Pallet::<T>::do_create(m.clone(), ty, lots.clone())
				.map_err(|_| BenchmarkError::Stop("product failed"))?;
		}
		let origin =
			T::RecallOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		Pallet::<T>::recall_lot(origin, lot, text(b'r'))
			.map_err(|_| BenchmarkError::Stop("recall failed"))?;
		let walked;
		#[block]
		{
			walked = Pallet::<T>::process_recalls(n);
		}
		assert_eq!(walked, n);
		if n > 0 {
			assert!(Recalls::<T>::get(0).is_some_and(|r| r.complete));
		}
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
