//! Unit tests of the machines pallet: every call and every failure.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use sp_runtime::DispatchError;
use twinchain_primitives::CapabilityError;

mod calls;
mod member_vs_member;
mod random;

fn nameplate(year: u16) -> Nameplate {
	Nameplate {
		manufacturer_name: b"fischertechnik".to_vec().try_into().unwrap(),
		model: b"Multi-processing station with kiln".to_vec().try_into().unwrap(),
		serial_number: b"FT-536630-0042".to_vec().try_into().unwrap(),
		year_of_construction: year,
	}
}

fn key(s: &str) -> CapabilityKey {
	s.as_bytes().to_vec().try_into().unwrap()
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

/// The machine's key makes `manufacturer` an authentication delegate of its DID: its consent
/// to be registered.
fn consent(machine: u64, manufacturer: u64) {
	MockDid::add_gateway(machine, manufacturer);
}

fn register() {
	consent(MILL, MANUFACTURER);
	assert_ok!(Machines::register_machine(
		RuntimeOrigin::signed(MANUFACTURER),
		MILL,
		nameplate(2024)
	));
}

fn with_mill_capability() {
	register();
	let credential = MockCredentials::anchor_capability(1, MILL, "mill");
	assert_ok!(Machines::add_capability(
		RuntimeOrigin::signed(MANUFACTURER),
		MILL,
		key("mill"),
		credential
	));
}
