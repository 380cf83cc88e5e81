//! Benchmarks of the telemetry pallet: worst cases are full windows and rules that fire.

use super::*;
use crate::Pallet as Telemetry;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::MutateHold, Get, UnixTime};
use frame_system::RawOrigin;

fn metric(i: u32) -> MetricKey {
	let mut name = b"metric-".to_vec();
	name.extend_from_slice(&[b'a' + (i / 26) as u8, b'a' + (i % 26) as u8]);
	name.try_into().expect("short")
}

/// A window of `m` metrics with two readings each, starting at `start`, all at 100 °C.
fn window(m: u32, start: Moment) -> WindowInput {
	let metrics: Vec<MetricSummary> = (0..m)
		.map(|i| MetricSummary {
			metric: metric(i),
			count: 2,
			min: 100_000,
			max: 100_000,
			mean: 100_000,
		})
		.collect();
	WindowInput {
		start,
		end: start + 1,
		root: [7; 32],
		count: 2 * m,
		metrics: metrics.try_into().expect("≤ 16"),
	}
}

fn rule<T: Config>(i: u32) -> RuleInput<BalanceOf<T>> {
	RuleInput {
		metric: metric(i),
		comparison: Comparison::Above,
		threshold: 80_000,
		windows: 1,
		capability: b"maintain".to_vec().try_into().expect("short"),
		reward: T::RuleDeposit::get().max(1u32.into()),
	}
}

fn setup<T: Config>() -> (T::AccountId, T::AccountId, T::AccountId) {
	let owner: T::AccountId = account("owner", 0, 0);
	let machine: T::AccountId = account("machine", 0, 0);
	let gateway: T::AccountId = account("gateway", 0, 0);
	T::BenchmarkHelper::fund(&owner);
	T::BenchmarkHelper::fund(&gateway);
	T::BenchmarkHelper::machine(&owner, &machine);
	T::BenchmarkHelper::make_gateway(&machine, &gateway);
	(owner, machine, gateway)
}

#[benchmarks]
mod benches {
	use super::*;

	/// `m` metrics in the window, `r` rules on the machine, all breached: the first opens a
	/// maintenance task, the others find the machine in maintenance.
	#[benchmark]
	fn anchor_window(m: Linear<1, MAX_METRICS>, r: Linear<0, { T::MaxRules::get() }>) {
		let (owner, machine, gateway) = setup::<T>();
		for i in 0..r {
			Telemetry::<T>::set_rule(
				RawOrigin::Signed(owner.clone()).into(),
				machine.clone(),
				rule::<T>(i % MAX_METRICS),
			)
			.expect("a rule");
		}
		let now = T::Time::now().as_millis() as Moment;
		let w = window(m, now);

		#[extrinsic_call]
		_(RawOrigin::Signed(gateway), machine.clone(), w);

		assert!(Telemetry::<T>::window(&machine, now).is_some());
	}

	#[benchmark]
	fn set_rule() {
		let (owner, machine, _) = setup::<T>();
		for i in 1..T::MaxRules::get() {
			Telemetry::<T>::set_rule(
				RawOrigin::Signed(owner.clone()).into(),
				machine.clone(),
				rule::<T>(i),
			)
			.expect("a rule");
		}

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), machine.clone(), rule::<T>(0));

		assert_eq!(Rules::<T>::get(&machine).len() as u32, T::MaxRules::get());
	}

	#[benchmark]
	fn remove_rule() {
		let (owner, machine, _) = setup::<T>();
		for i in 0..T::MaxRules::get() {
			Telemetry::<T>::set_rule(
				RawOrigin::Signed(owner.clone()).into(),
				machine.clone(),
				rule::<T>(i),
			)
			.expect("a rule");
		}

		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner),
			machine.clone(),
			metric(T::MaxRules::get() - 1),
			Comparison::Above,
		);

		assert_eq!(Rules::<T>::get(&machine).len() as u32, T::MaxRules::get() - 1);
	}

	/// `n` expired windows of a machine, each with a deposit held from a different anchorer
	/// (each release touches another account), pruned by a stranger.
	#[benchmark]
	fn prune_windows(n: Linear<1, { T::MaxPrunedPerCall::get() }>) {
		let (_, machine, gateway) = setup::<T>();
		let now = T::Time::now().as_millis() as Moment;
		for i in 0..n {
			let start = now.saturating_sub(T::MaxClockSkew::get()) + Moment::from(i);
			Telemetry::<T>::anchor_window(
				RawOrigin::Signed(gateway.clone()).into(),
				machine.clone(),
				window(MAX_METRICS, start),
			)
			.expect("a window");
			// The window passes to an anchorer of its own, who holds its deposit.
			let anchorer: T::AccountId = account("anchorer", i, 0);
			T::BenchmarkHelper::fund(&anchorer);
			let key = window_key(start);
			if let Some(deposit) = WindowDeposits::<T>::get(&machine, key) {
				T::Currency::release(
					&HoldReason::Window.into(),
					&gateway,
					deposit,
					frame_support::traits::tokens::Precision::Exact,
				)
				.expect("held");
				T::Currency::hold(&HoldReason::Window.into(), &anchorer, deposit).expect("funded");
			}
			Windows::<T>::mutate(&machine, key, |w| {
				w.as_mut().expect("anchored").gateway = anchorer;
			});
		}
		let later = frame_system::Pallet::<T>::block_number() + T::WindowRetention::get();
		frame_system::Pallet::<T>::set_block_number(later);
		let caller: T::AccountId = account("caller", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), machine.clone(), n);

		assert_eq!(Windows::<T>::iter_prefix(&machine).count(), 0);
	}

	impl_benchmark_test_suite!(Telemetry, crate::mock::new_test_ext(), crate::mock::Test);
}
