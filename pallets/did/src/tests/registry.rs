//! Every call on a DID: implicit documents, controller rotation, delegates and attributes
//! with their validity windows, deactivation.

use super::*;

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
		assert_eq!(signing_vm["publicKeyJwk"]["x"], twinchain_primitives::text::base64url(&[0xab; 32]));
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
