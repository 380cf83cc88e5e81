//! Unit tests of the tasks pallet: every transition and refusal, matching, recipes run by
//! machines alone, and an escrow invariant over random call sequences.

use crate::{mock::*, *};
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use pallet_test_utils::{refusal, state_root};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use sp_runtime::{traits::Dispatchable, DispatchError};
use std::collections::BTreeMap;
use twinchain_primitives::MachineStatus;

mod disputes;
mod lifecycle;
mod maintenance;
mod member_vs_member;
mod orders;
mod random;
mod retention;
mod stakes;

fn cap(s: &str) -> CapabilityKey {
	s.as_bytes().to_vec().try_into().unwrap()
}

fn params(s: &str) -> StepParams {
	s.as_bytes().to_vec().try_into().unwrap()
}

fn detail(s: &str) -> twinchain_primitives::ResultDetail {
	s.as_bytes().to_vec().try_into().unwrap()
}

fn escrow(who: u64) -> Balance {
	Balances::balance_on_hold(&HoldReason::Escrow.into(), &who)
}

fn events() -> Vec<Event<Test>> {
	pallet_test_utils::events::<Test, _>()
}

fn last_event() -> Event<Test> {
	events().pop().expect("an event")
}

fn state(task: TaskId) -> TaskState {
	TaskRecords::<Test>::get(task).unwrap().state
}

/// MAKER asks for milling, reward 100, deadline in 10 blocks.
fn mill_task(auto: bool) -> TaskId {
	let id = NextTaskId::<Test>::get();
	assert_ok!(Tasks::create_task(
		RuntimeOrigin::signed(MAKER),
		cap("mill"),
		params("{\"depthMm\":2}"),
		None,
		None,
		100,
		System::block_number() + 10,
		auto,
		None
	));
	id
}

/// A milling task on product 7000 (registered as MAKER's), deadline in 10 blocks.
fn product_task(auto: bool) -> TaskId {
	MockProvenance::add(7000, MAKER);
	let id = NextTaskId::<Test>::get();
	assert_ok!(Tasks::create_task(
		RuntimeOrigin::signed(MAKER),
		cap("mill"),
		params(""),
		Some(7000),
		None,
		100,
		System::block_number() + 10,
		auto,
		None
	));
	id
}

fn recipe(steps: &[(&str, &str)]) -> RecipeSteps {
	steps
		.iter()
		.map(|(c, p)| RecipeStep { capability: cap(c), params: params(p) })
		.collect::<Vec<_>>()
		.try_into()
		.unwrap()
}

fn workpiece() -> twinchain_primitives::ProductType {
	twinchain_primitives::ProductType {
		kind: b"workpiece".to_vec().try_into().unwrap(),
		colour: Some(twinchain_primitives::Colour::White),
		tag: None,
	}
}
