//! Unit tests of the credentials pallet: every call and every failure, with the real actors
//! pallet deciding who is a certifier.

use crate::{mock::*, *};
use codec::{DecodeAll, Encode};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, InspectHold},
		Get, PalletInfoAccess,
	},
};
use pallet_test_utils::{refusal, state_root};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use sp_runtime::{traits::Dispatchable, DispatchError, DispatchResult, TokenError};
use std::collections::{BTreeMap, BTreeSet};
use twinchain_primitives::{Role, RoleProvider};

mod calls;
mod random;

fn held(who: u64) -> Balance {
	Balances::balance_on_hold(&HoldReason::CredentialDeposit.into(), &who)
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

fn key(s: &str) -> CapabilityKey {
	s.as_bytes().to_vec().try_into().unwrap()
}

fn kiln(max: &str) -> Capability {
	Capability {
		id: key("kiln"),
		params: vec![(key("maxTemperatureC"), max.as_bytes().to_vec().try_into().unwrap())]
			.try_into()
			.unwrap(),
	}
}

fn anchor_kiln(issuer: u64, digest: u8, subject: u64) -> DispatchResult {
	Credentials::anchor(
		RuntimeOrigin::signed(issuer),
		[digest; 32],
		subject,
		capability_schema(),
		None,
		Some(T0 + 60_000),
		Some(kiln("1200")),
	)
}
