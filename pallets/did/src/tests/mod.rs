//! Unit tests of the DID pallet: every call, every failure, signed operations with real Sr25519
//! signatures, and the documents built from the resulting state.

use crate::{document, mock::*, *};
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use serde_json::Value;
use sp_core::crypto::Ss58Codec;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{DispatchError, MultiSignature, TokenError};

mod hand_over;
mod random;
mod registry;
mod signed;

fn name(s: &str) -> AttributeName {
	AttributeName::try_from(s.as_bytes().to_vec()).unwrap()
}

fn ed_key(byte: u8, purposes: u8) -> AttributeValue {
	AttributeValue::PublicKey {
		key_type: KeyType::Ed25519,
		purposes: KeyPurposes(purposes),
		key: [byte; 32],
	}
}

fn service(kind: &str, endpoint: &str) -> AttributeValue {
	AttributeValue::Service {
		service_type: kind.as_bytes().to_vec().try_into().unwrap(),
		endpoint: endpoint.as_bytes().to_vec().try_into().unwrap(),
	}
}

fn held(who: &AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::DidDeposit.into(), who)
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

fn did_string(who: &AccountId) -> String {
	format!("did:twin:{}", who.to_ss58check())
}

fn resolve(who: &AccountId) -> Value {
	document::resolve::<Test>(did_string(who).as_bytes(), KeyFormat::JsonWebKey2020)
}

fn ids(doc: &Value, relationship: &str) -> Vec<String> {
	doc["didDocument"][relationship]
		.as_array()
		.map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
		.unwrap_or_default()
}

fn sign(
	key: Sr25519Keyring,
	did: &AccountId,
	nonce: u64,
	op: &DidOperation<AccountId>,
) -> MultiSignature {
	key.sign(&Did::signed_payload(did, nonce, UNTIL, &None, op)).into()
}

/// The last block the tests' signed operations may run in.
const UNTIL: u64 = 1_000;
