//! Unit tests of the provenance pallet: every call and every failure, recalls walked over
//! several blocks.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, Get},
	weights::Weight,
};
use pallet_test_utils::refusal;
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use sp_runtime::{DispatchError, DispatchResult};
use std::collections::{BTreeMap, BTreeSet};
use twinchain_primitives::{
	CapabilityError, Colour, MachineRegistry, MachineStatus, Role, RoleProvider, StepResult,
};

mod member_vs_member;
mod model;
mod random;
mod recalls;
mod twins;

fn text(s: &str) -> ShortText {
	s.as_bytes().to_vec().try_into().unwrap()
}

fn reason(s: &str) -> Reason {
	s.as_bytes().to_vec().try_into().unwrap()
}

fn cap(s: &str) -> CapabilityKey {
	s.as_bytes().to_vec().try_into().unwrap()
}

fn workpiece(colour: Colour, tag: Option<&str>) -> ProductType {
	ProductType {
		kind: text("workpiece"),
		colour: Some(colour),
		tag: tag.map(|t| t.as_bytes().to_vec().try_into().unwrap()),
	}
}

fn lots(ids: &[LotId]) -> crate::LotList {
	ids.to_vec().try_into().unwrap()
}

fn events() -> Vec<Event<Test>> {
	pallet_test_utils::events::<Test, _>()
}

fn last_event() -> Event<Test> {
	events().pop().expect("an event")
}

fn new_lot() -> LotId {
	assert_ok!(Provenance::register_lot(
		RuntimeOrigin::signed(SUPPLIER),
		text("L-2026-11"),
		text("workpiece blank"),
		100
	));
	match last_event() {
		Event::LotRegistered { lot, .. } => lot,
		e => panic!("unexpected {e:?}"),
	}
}

fn new_product(lot_ids: &[LotId]) -> u64 {
	assert_ok!(Provenance::create_product(
		RuntimeOrigin::signed(MANUFACTURER),
		workpiece(Colour::Red, None),
		lots(lot_ids)
	));
	match last_event() {
		Event::ProductCreated { product, .. } => product,
		e => panic!("unexpected {e:?}"),
	}
}

/// A step on `machine` from `start` to `end` (ms after T0).
fn step(machine: u64, capability: &str, start: u64, end: u64) -> StepInput<u64> {
	StepInput {
		capability: cap(capability),
		machine,
		task: Some(7),
		start: T0 + start,
		end: T0 + end,
		params: b"{\"speed\":3}".to_vec().try_into().unwrap(),
		result: StepResult::Ok(Default::default()),
		environment: None,
	}
}

fn record(product: u64, s: StepInput<u64>) {
	assert_ok!(Provenance::record_step(RuntimeOrigin::signed(MANUFACTURER), product, s));
}

fn lifecycle(product: u64) -> Lifecycle {
	Products::<Test>::get(product).unwrap().lifecycle
}

fn finished_product() -> u64 {
	let p = new_product(&[]);
	assert_ok!(Provenance::finish(RuntimeOrigin::signed(MANUFACTURER), p));
	p
}
