//! Signed operations a gateway submits, stale signatures, deposits, DIDs manufacturers create,
//! malformed DIDs, and what other pallets ask.

use super::*;

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
			UNTIL,
			None,
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
			Did::execute_signed(
				RuntimeOrigin::signed(alice()),
				m.clone(),
				op.clone(),
				0,
				UNTIL,
				None,
				sig
			),
			Error::<Test>::BadNonce
		);
		// Signed by someone who does not control the DID.
		let op2 = DidOperation::RevokeAttribute { name: name("mqtt") };
		let bad = sign(Sr25519Keyring::Bob, &m, 1, &op2);
		assert_noop!(
			Did::execute_signed(
				RuntimeOrigin::signed(alice()),
				m.clone(),
				op2.clone(),
				1,
				UNTIL,
				None,
				bad
			),
			Error::<Test>::BadSignature
		);
		// Signed for another chain (another genesis hash).
		let foreign = SignedPayload {
			domain: SIGNED_PAYLOAD_DOMAIN,
			genesis_hash: sp_core::H256::repeat_byte(8),
			did: &m,
			nonce: 1,
			valid_until: UNTIL,
			submitter: &None,
			operation: &op2,
		};
		let cross_chain: MultiSignature = Sr25519Keyring::Eve.sign(&foreign.encode()).into();
		assert_noop!(
			Did::execute_signed(
				RuntimeOrigin::signed(alice()),
				m.clone(),
				op2.clone(),
				1,
				UNTIL,
				None,
				cross_chain
			),
			Error::<Test>::BadSignature
		);
		// A signature over a different operation does not carry over.
		let other = sign(Sr25519Keyring::Eve, &m, 1, &DidOperation::Deactivate);
		assert_noop!(
			Did::execute_signed(
				RuntimeOrigin::signed(alice()),
				m.clone(),
				op2.clone(),
				1,
				UNTIL,
				None,
				other
			),
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
			UNTIL,
			None,
			sig
		));
		let stale = sign(Sr25519Keyring::Eve, &m, 2, &op2);
		assert_noop!(
			Did::execute_signed(
				RuntimeOrigin::signed(charlie()),
				m.clone(),
				op2.clone(),
				2,
				UNTIL,
				None,
				stale
			),
			Error::<Test>::BadSignature
		);
		let fresh = sign(Sr25519Keyring::Bob, &m, 2, &op2);
		assert_ok!(Did::execute_signed(
			RuntimeOrigin::signed(charlie()),
			m.clone(),
			op2,
			2,
			UNTIL,
			None,
			fresh
		));
		assert_eq!(Dids::<Test>::get(&m).unwrap().nonce, 3);
		assert!(resolve(&m)["didDocument"].get("service").is_none());

		// Deactivation by signature, then nothing more.
		let sig = sign(Sr25519Keyring::Bob, &m, 3, &DidOperation::Deactivate);
		assert_ok!(Did::execute_signed(
			RuntimeOrigin::signed(charlie()),
			m.clone(),
			DidOperation::Deactivate,
			3,
			UNTIL,
			None,
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
				UNTIL,
				None,
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
			UNTIL,
			None,
			sig
		));
		assert_ok!(Did::change_controller(RuntimeOrigin::signed(bob()), m.clone(), m.clone()));
		assert_eq!(Dids::<Test>::get(&m).unwrap().nonce, 2, "direct calls advance the nonce too");
		// A signature the machine made for nonce 0 is stale now that control is back.
		assert_noop!(
			Did::execute_signed(
				RuntimeOrigin::signed(alice()),
				m.clone(),
				rotate,
				0,
				UNTIL,
				None,
				pending
			),
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
			Did::execute_signed(
				RuntimeOrigin::signed(bob()),
				alice(),
				op.clone(),
				0,
				UNTIL,
				None,
				sig
			),
			Error::<Test>::BadNonce
		);
		let sig = sign(Sr25519Keyring::Alice, &alice(), 1, &op);
		assert_ok!(Did::execute_signed(
			RuntimeOrigin::signed(bob()),
			alice(),
			op,
			1,
			UNTIL,
			None,
			sig
		));
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

/// A signed operation names its last block and may name its submitter: after that block it is
/// `Expired`, and a relayer other than the named one gets `WrongSubmitter` (so it cannot
/// front-run the intended submitter and make its transaction fail); changing either is a
/// signature over something else.
#[test]
fn signed_operations_expire_and_bind_their_submitter() {
	new_test_ext().execute_with(|| {
		let m = machine();
		let op = DidOperation::SetAttribute {
			name: name("k"),
			value: ed_key(1, 2),
			valid_from: None,
			valid_until: None,
		};
		let bound: MultiSignature = Sr25519Keyring::Eve
			.sign(&Did::signed_payload(&m, 0, 5, &Some(charlie()), &op))
			.into();
		let submit = |who: AccountId, until: u64, submitter: Option<AccountId>, sig| {
			Did::execute_signed(
				RuntimeOrigin::signed(who),
				m.clone(),
				op.clone(),
				0,
				until,
				submitter,
				sig,
			)
		};
		// Front-running by another relayer, with or without the named submitter.
		assert_noop!(
			submit(alice(), 5, Some(charlie()), bound.clone()),
			Error::<Test>::WrongSubmitter
		);
		assert_noop!(submit(alice(), 5, None, bound.clone()), Error::<Test>::BadSignature);
		assert_noop!(submit(alice(), 5, Some(alice()), bound.clone()), Error::<Test>::BadSignature);
		// Stretching the deadline breaks the signature; after it, the operation is expired.
		assert_noop!(
			submit(charlie(), 6, Some(charlie()), bound.clone()),
			Error::<Test>::BadSignature
		);
		System::set_block_number(6);
		assert_noop!(submit(charlie(), 5, Some(charlie()), bound.clone()), Error::<Test>::Expired);
		System::set_block_number(5);
		assert_ok!(submit(charlie(), 5, Some(charlie()), bound));
		assert_eq!(Dids::<Test>::get(&m).unwrap().nonce, 1);
	});
}
