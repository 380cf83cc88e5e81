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
	key.sign(&Did::signed_payload(did, nonce, op)).into()
}

#[test]
fn every_account_has_an_implicit_did() {
	new_test_ext().execute_with(|| {
		assert_eq!(Did::controller_of(&bob()), bob());
		assert!(Dids::<Test>::get(bob()).is_none());
		let r = resolve(&bob());
		let id = did_string(&bob());
		assert_eq!(r["didDocument"]["id"], id);
		assert_eq!(r["didDocument"]["controller"], id);
		assert_eq!(ids(&r, "authentication"), vec![format!("{id}#controller")]);
		assert_eq!(ids(&r, "assertionMethod"), vec![format!("{id}#controller")]);
		assert_eq!(r["didDocumentMetadata"]["deactivated"], false);
		assert!(r["didDocumentMetadata"].get("versionId").is_none());
		assert_eq!(r["didResolutionMetadata"]["contentType"], "application/did+ld+json");
	});
}

#[test]
fn change_controller_rotates_the_key() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Did::change_controller(RuntimeOrigin::signed(charlie()), bob(), charlie()),
			Error::<Test>::NotController
		);
		assert_noop!(
			Did::change_controller(RuntimeOrigin::signed(bob()), bob(), bob()),
			Error::<Test>::SameController
		);
		assert_ok!(Did::change_controller(RuntimeOrigin::signed(bob()), bob(), charlie()));
		assert_eq!(
			last_event(),
			Event::ControllerChanged { did: bob(), controller: charlie() }.into()
		);
		assert_eq!(Did::controller_of(&bob()), charlie());
		assert_eq!(held(&bob()), 100, "the record's deposit");
		// The old controller lost control; the new one has it.
		assert_noop!(
			Did::change_controller(RuntimeOrigin::signed(bob()), bob(), alice()),
			Error::<Test>::NotController
		);
		advance(6_000);
		assert_ok!(Did::change_controller(RuntimeOrigin::signed(charlie()), bob(), alice()));
		let r = resolve(&bob());
		assert_eq!(r["didDocument"]["controller"], did_string(&alice()));
		let vm = &r["didDocument"]["verificationMethod"][0];
		assert_eq!(vm["controller"], did_string(&alice()));
		assert_eq!(vm["type"], "Multikey");
		assert_eq!(r["didDocumentMetadata"]["created"], "2026-11-26T00:00:00Z");
		assert_eq!(r["didDocumentMetadata"]["updated"], "2026-11-26T00:00:06Z");
		assert_eq!(r["didDocumentMetadata"]["versionId"], "2");
	});
}

#[test]
fn delegates_have_validity_windows() {
	new_test_ext().execute_with(|| {
		let b = bob();
		assert_noop!(
			Did::add_delegate(
				RuntimeOrigin::signed(charlie()),
				b.clone(),
				DelegateType::Assertion,
				charlie(),
				None,
				None
			),
			Error::<Test>::NotController
		);
		assert_noop!(
			Did::add_delegate(
				RuntimeOrigin::signed(b.clone()),
				b.clone(),
				DelegateType::Assertion,
				b.clone(),
				None,
				None
			),
			Error::<Test>::SelfDelegation
		);
		assert_noop!(
			Did::add_delegate(
				RuntimeOrigin::signed(b.clone()),
				b.clone(),
				DelegateType::Assertion,
				charlie(),
				Some(T0 + 10),
				Some(T0 + 10)
			),
			Error::<Test>::InvalidValidity
		);
		assert_noop!(
			Did::add_delegate(
				RuntimeOrigin::signed(b.clone()),
				b.clone(),
				DelegateType::Assertion,
				charlie(),
				Some(T0 - 100),
				Some(T0 - 1)
			),
			Error::<Test>::InvalidValidity
		);
		assert_noop!(
			Did::add_delegate(
				RuntimeOrigin::signed(b.clone()),
				b.clone(),
				DelegateType::Assertion,
				charlie(),
				Some(T0 - 1),
				None
			),
			Error::<Test>::InvalidValidity
		);
		assert_ok!(Did::add_delegate(
			RuntimeOrigin::signed(b.clone()),
			b.clone(),
			DelegateType::Assertion,
			charlie(),
			None,
			Some(T0 + 60_000)
		));
		assert_eq!(
			last_event(),
			Event::DelegateAdded {
				did: b.clone(),
				delegate_type: DelegateType::Assertion,
				delegate: charlie(),
				validity: Validity { valid_from: T0, valid_until: Some(T0 + 60_000) },
			}
			.into()
		);
		assert_ok!(Did::add_delegate(
			RuntimeOrigin::signed(b.clone()),
			b.clone(),
			DelegateType::Authentication,
			alice(),
			None,
			None
		));
		assert_eq!(held(&b), 100 + 2 * 10);

		let id = did_string(&b);
		let charlie_vm = format!("{id}#delegate-assert-{}", charlie().to_ss58check());
		let alice_vm = format!("{id}#delegate-auth-{}", alice().to_ss58check());
		let r = resolve(&b);
		assert!(ids(&r, "assertionMethod").contains(&charlie_vm));
		assert!(ids(&r, "authentication").contains(&alice_vm));
		assert!(!ids(&r, "authentication").contains(&charlie_vm));

		// The assertion delegate expires after a minute.
		advance(60_000);
		let r = resolve(&b);
		assert!(!ids(&r, "assertionMethod").contains(&charlie_vm), "expired delegate listed");
		assert!(ids(&r, "authentication").contains(&alice_vm));

		// Re-adding replaces the window in the same slot.
		assert_ok!(Did::add_delegate(
			RuntimeOrigin::signed(b.clone()),
			b.clone(),
			DelegateType::Assertion,
			charlie(),
			None,
			None
		));
		assert_eq!(Dids::<Test>::get(&b).unwrap().delegates, 2);
		assert_eq!(held(&b), 120);
		assert!(ids(&resolve(&b), "assertionMethod").contains(&charlie_vm));

		// A third and then a fourth delegate: the bound is three.
		assert_ok!(Did::add_delegate(
			RuntimeOrigin::signed(b.clone()),
			b.clone(),
			DelegateType::Assertion,
			alice(),
			None,
			None
		));
		assert_noop!(
			Did::add_delegate(
				RuntimeOrigin::signed(b.clone()),
				b.clone(),
				DelegateType::Authentication,
				charlie(),
				None,
				None
			),
			Error::<Test>::TooManyDelegates
		);
	});
}

#[test]
fn revoked_delegates_leave_the_document() {
	new_test_ext().execute_with(|| {
		let b = bob();
		assert_noop!(
			Did::revoke_delegate(
				RuntimeOrigin::signed(b.clone()),
				b.clone(),
				DelegateType::Assertion,
				charlie()
			),
			Error::<Test>::DelegateNotFound
		);
		assert_ok!(Did::add_delegate(
			RuntimeOrigin::signed(b.clone()),
			b.clone(),
			DelegateType::Assertion,
			charlie(),
			None,
			None
		));
		assert_noop!(
			Did::revoke_delegate(
				RuntimeOrigin::signed(charlie()),
				b.clone(),
				DelegateType::Assertion,
				charlie()
			),
			Error::<Test>::NotController
		);
		advance(2_000);
		assert_ok!(Did::revoke_delegate(
			RuntimeOrigin::signed(b.clone()),
			b.clone(),
			DelegateType::Assertion,
			charlie()
		));
		assert_eq!(
			last_event(),
			Event::DelegateRevoked {
				did: b.clone(),
				delegate_type: DelegateType::Assertion,
				delegate: charlie()
			}
			.into()
		);
		let stored = Delegates::<Test>::get(&b, (DelegateType::Assertion, charlie())).unwrap();
		assert_eq!(
			stored.validity,
			Validity { valid_from: T0, valid_until: Some(T0 + 2_000) },
			"kept for verifiers"
		);
		assert_eq!(ids(&resolve(&b), "assertionMethod").len(), 1, "only #controller");
		assert_noop!(
			Did::revoke_delegate(
				RuntimeOrigin::signed(b.clone()),
				b.clone(),
				DelegateType::Assertion,
				charlie()
			),
			Error::<Test>::AlreadyRevoked
		);
	});
}

#[test]
fn attributes_are_validated() {
	new_test_ext().execute_with(|| {
		let b = bob();
		let set = |n: &str, v: AttributeValue| {
			Did::set_attribute(RuntimeOrigin::signed(bob()), bob(), name(n), v, None, None)
		};
		assert_noop!(
			Did::set_attribute(
				RuntimeOrigin::signed(charlie()),
				b.clone(),
				name("key-1"),
				ed_key(1, 2),
				None,
				None
			),
			Error::<Test>::NotController
		);
		for bad in ["", "a b", "key#1", "controller", "delegate-x", "ключ"] {
			assert_noop!(set(bad, ed_key(1, 2)), Error::<Test>::InvalidName);
		}
		assert_noop!(set("k", ed_key(1, 0)), Error::<Test>::InvalidKeyPurposes);
		assert_noop!(
			set("k", ed_key(1, KeyPurposes::KEY_AGREEMENT)),
			Error::<Test>::InvalidKeyPurposes
		);
		assert_noop!(set("k", ed_key(1, 8)), Error::<Test>::InvalidKeyPurposes);
		let x25519 = |p| AttributeValue::PublicKey {
			key_type: KeyType::X25519,
			purposes: KeyPurposes(p),
			key: [9; 32],
		};
		assert_noop!(
			set("k", x25519(KeyPurposes::AUTHENTICATION)),
			Error::<Test>::InvalidKeyPurposes
		);
		assert_noop!(set("s", service("", "https://a.example")), Error::<Test>::InvalidServiceType);
		assert_noop!(
			set("s", service("Mqtt-Broker", "https://a.example")),
			Error::<Test>::InvalidServiceType
		);
		for bad in ["no-scheme", ":x", "1http://a", "https://a b", "https:", "https://a\"b"] {
			assert_noop!(set("s", service("MqttBroker", bad)), Error::<Test>::InvalidEndpoint);
		}
		assert_noop!(
			Did::set_attribute(
				RuntimeOrigin::signed(b.clone()),
				b.clone(),
				name("k"),
				ed_key(1, 2),
				None,
				Some(T0)
			),
			Error::<Test>::InvalidValidity
		);
		assert!(Dids::<Test>::get(&b).is_none(), "failures store nothing");
		assert_eq!(held(&b), 0, "failures hold nothing");
	});
}

#[test]
fn attributes_build_the_document() {
	new_test_ext().execute_with(|| {
		let b = bob();
		let id = did_string(&b);
		let signing = ed_key(0xab, KeyPurposes::AUTHENTICATION | KeyPurposes::ASSERTION_METHOD);
		assert_ok!(Did::set_attribute(RuntimeOrigin::signed(b.clone()), b.clone(), name("signing"), signing.clone(), None, None));
		assert_eq!(
			last_event(),
			Event::AttributeSet {
				did: b.clone(),
				name: name("signing"),
				value: signing,
				validity: Validity { valid_from: T0, valid_until: None },
			}
			.into()
		);
		let agreement = AttributeValue::PublicKey {
			key_type: KeyType::X25519,
			purposes: KeyPurposes(KeyPurposes::KEY_AGREEMENT),
			key: [0xcd; 32],
		};
		assert_ok!(Did::set_attribute(RuntimeOrigin::signed(b.clone()), b.clone(), name("agree"), agreement, None, None));
		assert_ok!(Did::set_attribute(
			RuntimeOrigin::signed(b.clone()),
			b.clone(),
			name("mqtt"),
			service("MqttBroker", "mqtts://factory-a.example:8883"),
			None,
			None
		));
		assert_noop!(
			Did::set_attribute(RuntimeOrigin::signed(b.clone()), b.clone(), name("later"), ed_key(3, 2), Some(T0 + 10_000), None),
			Error::<Test>::TooManyAttributes
		);
		assert_eq!(held(&b), 100 + 3 * 10);

		let r = resolve(&b);
		let doc = &r["didDocument"];
		let vms = doc["verificationMethod"].as_array().unwrap();
		let signing_vm = vms.iter().find(|v| v["id"] == format!("{id}#signing")).unwrap();
		assert_eq!(signing_vm["type"], "JsonWebKey2020");
		assert_eq!(signing_vm["controller"], id);
		assert_eq!(signing_vm["publicKeyJwk"]["kty"], "OKP");
		assert_eq!(signing_vm["publicKeyJwk"]["crv"], "Ed25519");
		assert_eq!(signing_vm["publicKeyJwk"]["x"], document::base64url(&[0xab; 32]));
		let agree_vm = vms.iter().find(|v| v["id"] == format!("{id}#agree")).unwrap();
		assert_eq!(agree_vm["publicKeyJwk"]["crv"], "X25519");
		assert!(ids(&r, "authentication").contains(&format!("{id}#signing")));
		assert!(ids(&r, "assertionMethod").contains(&format!("{id}#signing")));
		assert_eq!(ids(&r, "keyAgreement"), vec![format!("{id}#agree")]);
		assert_eq!(
			doc["service"],
			serde_json::json!([{ "id": format!("{id}#mqtt"), "type": "MqttBroker", "serviceEndpoint": "mqtts://factory-a.example:8883" }])
		);

		// Multikey presentation of the same keys.
		let m = document::resolve::<Test>(id.as_bytes(), KeyFormat::Multikey);
		let vms = m["didDocument"]["verificationMethod"].as_array().unwrap();
		let signing_vm = vms.iter().find(|v| v["id"] == format!("{id}#signing")).unwrap();
		assert_eq!(signing_vm["type"], "Multikey");
		let mut expected = vec![0xed, 0x01];
		expected.extend([0xab; 32]);
		assert_eq!(signing_vm["publicKeyMultibase"], format!("z{}", bs58::encode(expected).into_string()));

		// Replacing an attribute keeps its slot and deposit.
		assert_ok!(Did::set_attribute(RuntimeOrigin::signed(b.clone()), b.clone(), name("mqtt"), service("MqttBroker", "mqtt://10.0.0.2:1883"), None, None));
		assert_eq!(Dids::<Test>::get(&b).unwrap().attributes, 3);
		assert_eq!(held(&b), 130);
		assert_eq!(resolve(&b)["didDocument"]["service"][0]["serviceEndpoint"], "mqtt://10.0.0.2:1883");
	});
}

#[test]
fn revoked_and_future_attributes_are_not_listed() {
	new_test_ext().execute_with(|| {
		let b = bob();
		let id = did_string(&b);
		assert_noop!(
			Did::revoke_attribute(RuntimeOrigin::signed(b.clone()), b.clone(), name("k")),
			Error::<Test>::AttributeNotFound
		);
		assert_ok!(Did::set_attribute(
			RuntimeOrigin::signed(b.clone()),
			b.clone(),
			name("k"),
			ed_key(1, 2),
			None,
			None
		));
		assert_ok!(Did::set_attribute(
			RuntimeOrigin::signed(b.clone()),
			b.clone(),
			name("next"),
			ed_key(2, 2),
			Some(T0 + 5_000),
			None
		));
		assert!(ids(&resolve(&b), "assertionMethod").contains(&format!("{id}#k")));
		assert!(
			!ids(&resolve(&b), "assertionMethod").contains(&format!("{id}#next")),
			"not valid yet"
		);
		assert_noop!(
			Did::revoke_attribute(RuntimeOrigin::signed(charlie()), b.clone(), name("k")),
			Error::<Test>::NotController
		);
		advance(5_000);
		assert_ok!(Did::revoke_attribute(RuntimeOrigin::signed(b.clone()), b.clone(), name("k")));
		assert_eq!(
			last_event(),
			Event::AttributeRevoked { did: b.clone(), name: name("k") }.into()
		);
		assert_noop!(
			Did::revoke_attribute(RuntimeOrigin::signed(b.clone()), b.clone(), name("k")),
			Error::<Test>::AlreadyRevoked
		);
		let r = resolve(&b);
		assert!(!ids(&r, "assertionMethod").contains(&format!("{id}#k")), "revoked key listed");
		assert!(ids(&r, "assertionMethod").contains(&format!("{id}#next")));
		let vms = r["didDocument"]["verificationMethod"].as_array().unwrap();
		assert!(vms.iter().all(|v| v["id"] != format!("{id}#k")));
	});
}

#[test]
fn deactivation_is_final_and_releases_deposits() {
	new_test_ext().execute_with(|| {
		let b = bob();
		let before = Balances::balance(&b);
		assert_ok!(Did::add_delegate(
			RuntimeOrigin::signed(b.clone()),
			b.clone(),
			DelegateType::Assertion,
			charlie(),
			None,
			None
		));
		assert_ok!(Did::set_attribute(
			RuntimeOrigin::signed(b.clone()),
			b.clone(),
			name("k"),
			ed_key(1, 2),
			None,
			None
		));
		assert_eq!(held(&b), 120);
		assert_noop!(
			Did::deactivate(RuntimeOrigin::signed(charlie()), b.clone()),
			Error::<Test>::NotController
		);
		assert_ok!(Did::deactivate(RuntimeOrigin::signed(b.clone()), b.clone()));
		assert_eq!(last_event(), Event::Deactivated { did: b.clone() }.into());
		assert_eq!(held(&b), 0);
		assert_eq!(Balances::balance(&b), before);
		assert_eq!(Delegates::<Test>::iter_prefix(&b).count(), 0);
		assert_eq!(Attributes::<Test>::iter_prefix(&b).count(), 0);

		for call in [
			Did::deactivate(RuntimeOrigin::signed(b.clone()), b.clone()),
			Did::change_controller(RuntimeOrigin::signed(b.clone()), b.clone(), charlie()),
			Did::add_delegate(
				RuntimeOrigin::signed(b.clone()),
				b.clone(),
				DelegateType::Assertion,
				charlie(),
				None,
				None,
			),
			Did::set_attribute(
				RuntimeOrigin::signed(b.clone()),
				b.clone(),
				name("k"),
				ed_key(1, 2),
				None,
				None,
			),
			Did::revoke_attribute(RuntimeOrigin::signed(b.clone()), b.clone(), name("k")),
		] {
			assert_eq!(call.map_err(|e| e.error), Err(Error::<Test>::Deactivated.into()));
		}
		let r = resolve(&b);
		assert_eq!(r["didDocumentMetadata"]["deactivated"], true);
		assert_eq!(r["didDocument"]["id"], did_string(&b));
		assert!(r["didDocument"].get("verificationMethod").is_none());
	});
}

#[test]
fn signed_operations_let_a_gateway_manage_a_machine() {
	new_test_ext().execute_with(|| {
		let m = machine();
		assert_eq!(Balances::balance(&m), 0, "the machine has no funds");
		let op = DidOperation::SetAttribute {
			name: name("mqtt"),
			value: service("MqttBroker", "mqtt://10.0.0.5:1883"),
			valid_from: None,
			valid_until: None,
		};
		let sig = sign(Sr25519Keyring::Eve, &m, 0, &op);
		assert_ok!(Did::execute_signed(
			RuntimeOrigin::signed(alice()),
			m.clone(),
			op.clone(),
			0,
			sig.clone()
		));
		assert_eq!(
			last_event(),
			Event::SignedOperationExecuted { did: m.clone(), nonce: 0, submitter: alice() }.into()
		);
		assert_eq!(held(&alice()), 110, "the gateway paid the deposits");
		assert_eq!(Dids::<Test>::get(&m).unwrap().nonce, 1);
		assert_eq!(
			resolve(&m)["didDocument"]["service"][0]["serviceEndpoint"],
			"mqtt://10.0.0.5:1883"
		);

		// The same signature again is a replay.
		assert_noop!(
			Did::execute_signed(RuntimeOrigin::signed(alice()), m.clone(), op.clone(), 0, sig),
			Error::<Test>::BadNonce
		);
		// Signed by someone who does not control the DID.
		let op2 = DidOperation::RevokeAttribute { name: name("mqtt") };
		let bad = sign(Sr25519Keyring::Bob, &m, 1, &op2);
		assert_noop!(
			Did::execute_signed(RuntimeOrigin::signed(alice()), m.clone(), op2.clone(), 1, bad),
			Error::<Test>::BadSignature
		);
		// Signed for another chain (another genesis hash).
		let foreign = SignedPayload {
			domain: SIGNED_PAYLOAD_DOMAIN,
			genesis_hash: sp_core::H256::repeat_byte(8),
			did: &m,
			nonce: 1,
			operation: &op2,
		};
		let cross_chain: MultiSignature = Sr25519Keyring::Eve.sign(&foreign.encode()).into();
		assert_noop!(
			Did::execute_signed(
				RuntimeOrigin::signed(alice()),
				m.clone(),
				op2.clone(),
				1,
				cross_chain
			),
			Error::<Test>::BadSignature
		);
		// A signature over a different operation does not carry over.
		let other = sign(Sr25519Keyring::Eve, &m, 1, &DidOperation::Deactivate);
		assert_noop!(
			Did::execute_signed(RuntimeOrigin::signed(alice()), m.clone(), op2.clone(), 1, other),
			Error::<Test>::BadSignature
		);
		// Rotation through a signed operation: afterwards only the new controller signs.
		let rotate = DidOperation::ChangeController { new_controller: bob() };
		let sig = sign(Sr25519Keyring::Eve, &m, 1, &rotate);
		assert_ok!(Did::execute_signed(
			RuntimeOrigin::signed(charlie()),
			m.clone(),
			rotate,
			1,
			sig
		));
		let stale = sign(Sr25519Keyring::Eve, &m, 2, &op2);
		assert_noop!(
			Did::execute_signed(RuntimeOrigin::signed(charlie()), m.clone(), op2.clone(), 2, stale),
			Error::<Test>::BadSignature
		);
		let fresh = sign(Sr25519Keyring::Bob, &m, 2, &op2);
		assert_ok!(Did::execute_signed(RuntimeOrigin::signed(charlie()), m.clone(), op2, 2, fresh));
		assert_eq!(Dids::<Test>::get(&m).unwrap().nonce, 3);
		assert!(resolve(&m)["didDocument"].get("service").is_none());

		// Deactivation by signature, then nothing more.
		let sig = sign(Sr25519Keyring::Bob, &m, 3, &DidOperation::Deactivate);
		assert_ok!(Did::execute_signed(
			RuntimeOrigin::signed(charlie()),
			m.clone(),
			DidOperation::Deactivate,
			3,
			sig
		));
		assert_eq!(held(&alice()), 0, "deposits go back to whoever paid them");
		let sig = sign(Sr25519Keyring::Bob, &m, 4, &DidOperation::Deactivate);
		assert_noop!(
			Did::execute_signed(
				RuntimeOrigin::signed(charlie()),
				m.clone(),
				DidOperation::Deactivate,
				4,
				sig
			),
			Error::<Test>::Deactivated
		);
	});
}

#[test]
fn every_change_makes_pending_signatures_stale() {
	new_test_ext().execute_with(|| {
		let m = machine();
		let op = DidOperation::RevokeAttribute { name: name("k") };
		let rotate = DidOperation::ChangeController { new_controller: bob() };
		let pending = sign(Sr25519Keyring::Eve, &m, 0, &rotate);
		// The machine hands control to Bob and back, by signed operations.
		let sig = sign(Sr25519Keyring::Eve, &m, 0, &rotate);
		assert_ok!(Did::execute_signed(
			RuntimeOrigin::signed(alice()),
			m.clone(),
			rotate.clone(),
			0,
			sig
		));
		assert_ok!(Did::change_controller(RuntimeOrigin::signed(bob()), m.clone(), m.clone()));
		assert_eq!(Dids::<Test>::get(&m).unwrap().nonce, 2, "direct calls advance the nonce too");
		// A signature the machine made for nonce 0 is stale now that control is back.
		assert_noop!(
			Did::execute_signed(RuntimeOrigin::signed(alice()), m.clone(), rotate, 0, pending),
			Error::<Test>::BadNonce
		);
		assert_ok!(Did::set_attribute(
			RuntimeOrigin::signed(alice()),
			alice(),
			name("k"),
			ed_key(1, 2),
			None,
			None
		));
		let sig = sign(Sr25519Keyring::Alice, &alice(), 0, &op);
		assert_noop!(
			Did::execute_signed(RuntimeOrigin::signed(bob()), alice(), op.clone(), 0, sig),
			Error::<Test>::BadNonce
		);
		let sig = sign(Sr25519Keyring::Alice, &alice(), 1, &op);
		assert_ok!(Did::execute_signed(RuntimeOrigin::signed(bob()), alice(), op, 1, sig));
	});
}

#[test]
fn deposits_need_funds() {
	new_test_ext().execute_with(|| {
		let m = machine();
		assert_noop!(
			Did::set_attribute(
				RuntimeOrigin::signed(m.clone()),
				m.clone(),
				name("k"),
				ed_key(1, 2),
				None,
				None
			),
			TokenError::FundsUnavailable
		);
		assert!(Dids::<Test>::get(&m).is_none());
	});
}

#[test]
fn manufacturers_create_dids_for_things() {
	new_test_ext().execute_with(|| {
		assert_noop!(Did::create_did(RuntimeOrigin::signed(bob())), DispatchError::BadOrigin);
		assert_ok!(Did::create_did(RuntimeOrigin::signed(alice())));
		let RuntimeEvent::Did(Event::DidCreated { did: first, controller }) = last_event() else {
			panic!("no DidCreated event")
		};
		assert_eq!(controller, alice());
		assert_ok!(Did::create_did(RuntimeOrigin::signed(alice())));
		let RuntimeEvent::Did(Event::DidCreated { did: second, .. }) = last_event() else {
			panic!("no DidCreated event")
		};
		assert_ne!(first, second);
		assert_eq!(Did::controller_of(&first), alice());
		assert_eq!(held(&alice()), 200);
		// The product's DID is managed by the manufacturer only.
		assert_noop!(
			Did::set_attribute(
				RuntimeOrigin::signed(first.clone()),
				first.clone(),
				name("k"),
				ed_key(1, 2),
				None,
				None
			),
			Error::<Test>::NotController
		);
		assert_ok!(Did::set_attribute(
			RuntimeOrigin::signed(alice()),
			first.clone(),
			name("k"),
			ed_key(1, 2),
			None,
			None
		));
		let r = resolve(&first);
		assert_eq!(r["didDocument"]["controller"], did_string(&alice()));
	});
}

#[test]
fn malformed_dids_are_invalid() {
	new_test_ext().execute_with(|| {
		let alice_address = alice().to_ss58check();
		let kusama = alice().to_ss58check_with_version(2u16.into());
		for bad in [
			String::new(),
			"did:twin:".into(),
			format!("did:ethr:{alice_address}"),
			format!("did:twin:{}", &alice_address[..alice_address.len() - 1]),
			format!("did:twin:{alice_address}x"),
			format!("did:twin:{kusama}"),
			format!("DID:twin:{alice_address}"),
			format!("did:twin:{alice_address}#controller"),
		] {
			let r = document::resolve::<Test>(bad.as_bytes(), KeyFormat::JsonWebKey2020);
			assert_eq!(r["didResolutionMetadata"]["error"], "invalidDid", "{bad}");
			assert_eq!(r["didDocument"], Value::Null);
		}
		let r = document::resolve::<Test>(&[0xff, 0xfe], KeyFormat::JsonWebKey2020);
		assert_eq!(r["didResolutionMetadata"]["error"], "invalidDid");
	});
}

#[test]
fn hostile_lengths_are_refused_before_decoding_and_not_echoed() {
	// The longest address of the longest prefix fits MAX_SS58_LEN; one more character is
	// refused before base58 decoding (whose time is quadratic in the length).
	let account: [u8; 32] = Sr25519Keyring::Alice.to_account_id().into();
	let longest = document::ss58_encode(16_383, &account);
	assert!(longest.len() <= document::MAX_SS58_LEN, "{longest}");
	assert_eq!(document::ss58_decode(16_383, &longest), Some(account));
	let huge = "z".repeat(1 << 20);
	assert_eq!(document::ss58_decode(42, &huge), None);
	assert_eq!(document::ss58_decode(42, &huge[..document::MAX_SS58_LEN + 1]), None);
	// Errors quote at most 64 characters of what they refuse.
	let err = document::parse_datetime(&huge).unwrap_err();
	assert!(err.len() < 200, "{} bytes", err.len());
	assert!(err.contains("(1048576 bytes)"), "{err}");
	assert_eq!(document::quote("short"), "\"short\"");
}

#[test]
fn encodings_match_reference_implementations() {
	// SS58 against sp-core, for the generic prefix and a two-byte one.
	for key in [Sr25519Keyring::Alice, Sr25519Keyring::Dave] {
		let account: [u8; 32] = key.to_account_id().into();
		for prefix in [42u16, 2, 1000] {
			let reference = key.to_account_id().to_ss58check_with_version(prefix.into());
			assert_eq!(document::ss58_encode(prefix, &account), reference);
			assert_eq!(document::ss58_decode(prefix, &reference), Some(account));
		}
	}
	// Base64url (RFC 4648 test vectors, unpadded).
	for (input, out) in [
		("", ""),
		("f", "Zg"),
		("fo", "Zm8"),
		("foo", "Zm9v"),
		("foob", "Zm9vYg"),
		("fooba", "Zm9vYmE"),
	] {
		assert_eq!(document::base64url(input.as_bytes()), out);
	}
	assert_eq!(document::base64url(&[0xfb, 0xff]), "-_8");
	// UTC timestamps.
	assert_eq!(document::utc_datetime(0), "1970-01-01T00:00:00Z");
	assert_eq!(document::utc_datetime(951_782_400_999), "2000-02-29T00:00:00Z");
	assert_eq!(document::utc_datetime(T0 + 3_723_456), "2026-11-26T01:02:03Z");
	assert_eq!(document::utc_datetime(4_107_542_399_000), "2100-02-28T23:59:59Z");
}

#[test]
fn other_pallets_ask_who_acts_for_a_did() {
	new_test_ext().execute_with(|| {
		type Authority = Did;
		let b = bob();
		assert_eq!(<Authority as DidAuthority<AccountId>>::controller(&b), b);
		assert_ok!(Did::add_delegate(
			RuntimeOrigin::signed(b.clone()),
			b.clone(),
			DelegateType::Authentication,
			charlie(),
			None,
			Some(T0 + 1_000)
		));
		assert!(<Authority as DidAuthority<AccountId>>::is_delegate(
			&b,
			&charlie(),
			DelegateType::Authentication
		));
		assert!(!<Authority as DidAuthority<AccountId>>::is_delegate(
			&b,
			&charlie(),
			DelegateType::Assertion
		));
		assert!(!<Authority as DidAuthority<AccountId>>::is_delegate(
			&b,
			&alice(),
			DelegateType::Authentication
		));
		advance(1_000);
		assert!(
			!<Authority as DidAuthority<AccountId>>::is_delegate(
				&b,
				&charlie(),
				DelegateType::Authentication
			),
			"expired"
		);
		assert_ok!(Did::change_controller(RuntimeOrigin::signed(b.clone()), b.clone(), alice()));
		assert_eq!(<Authority as DidAuthority<AccountId>>::controller(&b), alice());
		assert!(!<Authority as DidAuthority<AccountId>>::is_deactivated(&b));
		assert_ok!(Did::deactivate(RuntimeOrigin::signed(alice()), b.clone()));
		assert!(<Authority as DidAuthority<AccountId>>::is_deactivated(&b));
	});
}

#[test]
fn rfc3339_date_times_parse_to_epoch_ms() {
	use document::parse_datetime;
	assert_eq!(parse_datetime("1970-01-01T00:00:00Z"), Ok(0));
	assert_eq!(parse_datetime("2026-11-26T00:00:00Z"), Ok(T0));
	assert_eq!(parse_datetime("2026-11-26T01:00:00.250+01:00"), Ok(T0 + 250));
	assert_eq!(parse_datetime("2024-02-29T12:30:15.5Z"), Ok(1_709_209_815_500));
	for bad in [
		"2026-11-26",
		"2026-13-01T00:00:00Z",
		"2026-11-26T00:00:00",
		"x026-11-26T00:00:00Z",
		"2026-11-26T00:00:00.Z",
		"1969-12-31T23:59:59Z",
		"2026-11-26T00:00:00+é:0",
	] {
		assert!(parse_datetime(bad).is_err(), "{bad}");
	}
	// The inverse of the formatter.
	let ms = T0 + 3_723_000;
	assert_eq!(parse_datetime(&document::utc_datetime(ms)), Ok(ms));
}

/// Deposits held are exactly those the stored records and items name, counts match what is
/// stored and stay within bounds, nothing is stored for a DID without a record, deactivated DIDs
/// hold nothing, and no balance was made or lost.
fn check_did_invariants(accounts: &[AccountId], issuance: Balance) {
	assert_eq!(Balances::total_issuance(), issuance, "funds made or lost");
	let mut owed: std::collections::BTreeMap<AccountId, Balance> = Default::default();
	for (did, r) in Dids::<Test>::iter() {
		*owed.entry(r.depositor.clone()).or_default() += r.deposit;
		let delegates: Vec<_> = Delegates::<Test>::iter_prefix(&did).collect();
		let attributes: Vec<_> = Attributes::<Test>::iter_prefix(&did).collect();
		assert_eq!(r.delegates as usize, delegates.len(), "delegate count of {did:?}");
		assert_eq!(r.attributes as usize, attributes.len(), "attribute count of {did:?}");
		assert!(r.delegates <= 3 && r.attributes <= 3, "bounds");
		if r.deactivated {
			assert!(delegates.is_empty() && attributes.is_empty(), "a deactivated DID keeps items");
		}
		for (_, d) in delegates {
			*owed.entry(d.depositor).or_default() += d.deposit;
		}
		for (_, a) in attributes {
			*owed.entry(a.depositor).or_default() += a.deposit;
		}
	}
	for (did, _) in Delegates::<Test>::iter_keys() {
		assert!(Dids::<Test>::contains_key(&did), "a delegate of a DID without a record");
	}
	for (did, _) in Attributes::<Test>::iter_keys() {
		assert!(Dids::<Test>::contains_key(&did), "an attribute of a DID without a record");
	}
	for a in accounts {
		assert_eq!(held(a), owed.get(a).copied().unwrap_or(0), "held by {a:?}");
	}
}

#[test]
fn deposits_and_counts_hold_over_random_call_sequences() {
	let keys = [
		Sr25519Keyring::Alice,
		Sr25519Keyring::Bob,
		Sr25519Keyring::Charlie,
		Sr25519Keyring::Ferdie,
		Sr25519Keyring::Eve,
	];
	let (mut sequences, mut calls, mut replays, mut changes) = (0, 0, 0, 0);
	for seed in 1..=120u64 {
		new_test_ext().execute_with(|| {
			let mut rng = StdRng::seed_from_u64(seed);
			let accounts: Vec<AccountId> = keys.iter().map(|k| k.to_account_id()).collect();
			let issuance = Balances::total_issuance();
			// Signed operations that were executed, to be replayed.
			let mut executed: Vec<(AccountId, DidOperation<AccountId>, u64, MultiSignature)> =
				Vec::new();
			for _ in 0..60 {
				let did = accounts.choose(&mut rng).unwrap().clone();
				// Mostly the controller, sometimes anyone.
				let who = if rng.gen_range(0..10) < 7 {
					Did::controller_of(&did)
				} else {
					accounts.choose(&mut rng).unwrap().clone()
				};
				let window = |rng: &mut StdRng| match rng.gen_range(0..4) {
					0 => (None, None),
					1 => (Some(T0 + rng.gen_range(0..10_000)), None),
					2 => (None, Some(T0 + rng.gen_range(0..10_000))),
					_ => (Some(T0 + 5_000), Some(T0 + rng.gen_range(0..10_000))),
				};
				let delegate_type = if rng.gen_bool(0.5) {
					DelegateType::Authentication
				} else {
					DelegateType::Assertion
				};
				let (valid_from, valid_until) = window(&mut rng);
				let attribute = name(["a", "b", "c", "d"].choose(&mut rng).unwrap());
				let value = if rng.gen_bool(0.5) {
					ed_key(rng.gen_range(0..4) as u8, 1 + rng.gen_range(0..3) as u8)
				} else {
					service("MqttBroker", "mqtt://10.0.0.5:1883")
				};
				let op = match rng.gen_range(0..12) {
					0 => DidOperation::ChangeController {
						new_controller: accounts.choose(&mut rng).unwrap().clone(),
					},
					1..=3 => DidOperation::AddDelegate {
						delegate_type,
						delegate: accounts.choose(&mut rng).unwrap().clone(),
						valid_from,
						valid_until,
					},
					4 => DidOperation::RevokeDelegate {
						delegate_type,
						delegate: accounts.choose(&mut rng).unwrap().clone(),
					},
					5..=7 => DidOperation::SetAttribute {
						name: attribute,
						value,
						valid_from,
						valid_until,
					},
					8 | 9 => DidOperation::RevokeAttribute { name: attribute },
					10 if rng.gen_range(0..8) == 0 => DidOperation::Deactivate,
					_ => DidOperation::RevokeAttribute { name: name("z") },
				};
				let o = RuntimeOrigin::signed(who.clone());
				// Results are ignored: a refusal must leave everything as it was.
				match rng.gen_range(0..4) {
					// The same operation signed off chain by some key (often the controller's),
					// with the current nonce or a stale one, submitted by anyone.
					0 => {
						let nonce = Dids::<Test>::get(&did).map_or(0, |r| r.nonce);
						let nonce =
							if rng.gen_range(0..5) == 0 { nonce.saturating_sub(1) } else { nonce };
						let controller = Did::controller_of(&did);
						let key = keys
							.iter()
							.copied()
							.find(|k| rng.gen_range(0..3) != 0 && k.to_account_id() == controller)
							.unwrap_or_else(|| keys.choose(&mut rng).unwrap().clone());
						let sig = sign(key, &did, nonce, &op);
						if Did::execute_signed(o, did.clone(), op.clone(), nonce, sig.clone())
							.is_ok()
						{
							executed.push((did, op, nonce, sig));
							changes += 1;
						}
					},
					// A signed operation executed before, again: always refused, nothing changes.
					1 if !executed.is_empty() => {
						let (did, op, nonce, sig) = executed.choose(&mut rng).unwrap().clone();
						let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
						assert!(
							Did::execute_signed(o, did, op, nonce, sig).is_err(),
							"a replay ran"
						);
						assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), before);
						replays += 1;
					},
					_ => {
						let outcome = match op {
							DidOperation::ChangeController { new_controller } => {
								Did::change_controller(o, did, new_controller).is_ok()
							},
							DidOperation::AddDelegate {
								delegate_type,
								delegate,
								valid_from,
								valid_until,
							} => Did::add_delegate(
								o,
								did,
								delegate_type,
								delegate,
								valid_from,
								valid_until,
							)
							.is_ok(),
							DidOperation::RevokeDelegate { delegate_type, delegate } => {
								Did::revoke_delegate(o, did, delegate_type, delegate).is_ok()
							},
							DidOperation::SetAttribute { name, value, valid_from, valid_until } => {
								Did::set_attribute(o, did, name, value, valid_from, valid_until)
									.is_ok()
							},
							DidOperation::RevokeAttribute { name } => {
								Did::revoke_attribute(o, did, name).is_ok()
							},
							DidOperation::Deactivate => Did::deactivate(o, did).is_ok(),
						};
						changes += outcome as u32;
					},
				}
				if rng.gen_range(0..8) == 0 {
					Timestamp::set_timestamp(Timestamp::get() + 1_000);
				}
				calls += 1;
				check_did_invariants(&accounts, issuance);
			}
			sequences += 1;
		});
	}
	assert_eq!(sequences, 120);
	assert!(calls >= 7_200);
	// Not only refusals: a good share of the calls changed something.
	assert!(changes > 1_000, "changes: {changes}");
	assert!(replays > 100, "replays tried: {replays}");
	println!("{sequences} sequences, {calls} calls, {changes} changes, {replays} replays refused");
}
