//! Unit tests of the telemetry pallet: who may anchor what, summaries that must add up,
//! windows that never overlap, and rules that take a machine into paid maintenance.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use twinchain_primitives::MachineStatus;

fn key(s: &str) -> MetricKey {
	s.as_bytes().to_vec().try_into().unwrap()
}

fn summary(metric: &str, values: &[Value]) -> MetricSummary {
	MetricSummary {
		metric: key(metric),
		count: values.len() as u32,
		min: *values.iter().min().unwrap(),
		max: *values.iter().max().unwrap(),
		mean: values.iter().sum::<i64>() / values.len() as i64,
	}
}

/// A 10 s window `index` windows after T0 with temperatures `t` and one humidity reading.
fn window(index: u64, t: &[Value]) -> WindowInput {
	let start = T0 + index * 10_000;
	let readings: Vec<Reading> = t
		.iter()
		.map(|v| Reading { metric: key("t"), ts: start, value: *v })
		.chain([Reading { metric: key("h"), ts: start + 1, value: 40_000 }])
		.collect();
	let leaves: Vec<Hash> = readings.iter().map(|r| merkle::leaf(&KILN, r)).collect();
	WindowInput {
		start,
		end: start + 10_000,
		root: merkle::root(&leaves).unwrap(),
		count: readings.len() as u32,
		metrics: vec![summary("h", &[40_000]), summary("t", t)].try_into().unwrap(),
	}
}

fn anchor(who: u64, machine: u64, w: WindowInput) -> DispatchResultWithPostInfo {
	Telemetry::anchor_window(RuntimeOrigin::signed(who), machine, w)
}

fn events() -> Vec<Event<Test>> {
	pallet_test_utils::events::<Test, _>()
}

fn hot_rule(windows: u8, reward: Balance) -> RuleInput<Balance> {
	RuleInput {
		metric: key("t"),
		comparison: Comparison::Above,
		threshold: 80_000,
		windows,
		capability: b"maintain".to_vec().try_into().unwrap(),
		reward,
	}
}

fn held(who: u64) -> Balance {
	Balances::balance_on_hold(&HoldReason::Rule.into(), &who)
}

use frame_support::dispatch::DispatchResultWithPostInfo;

mod calls;
mod member_vs_member;
mod random;
mod retention;
