//! What each DID registry operation costs on Twinchain, beside what the same operation costs on
//! the ERC-1056 registry the seed paper builds on.
//!
//! Each operation is signed, submitted alone and read back from its block's events: the weight
//! the block was charged for it after refunds (`ExtrinsicSuccess`: call, extensions and the
//! per-extrinsic base), and the fee its account paid (`TransactionFeePaid`). As in the
//! ERC-1056 measurement (`scripts/erc1056/gas.mjs`), each runs once as an identity's first
//! change (an implicit DID: the record is created and its deposit held) and once on an identity
//! that changed before.

use crate::{
	chain::LoadAccount,
	load::Ctx,
	observe::{normal_limits, storage, storage_key, EventRecord},
};
use codec::{Decode, Encode};
use jsonrpsee::{
	core::client::{ClientT, SubscriptionClientT},
	rpc_params,
};
use pallet_did::{AttributeValue, DidOperation};
use serde_json::Value;
use sp_core::{Pair, H256};
use std::{fmt::Write as _, path::Path};
use twinchain_primitives::DelegateType;
use twinchain_runtime::{AccountId, RuntimeCall, RuntimeEvent, UNIT};

/// What one extrinsic was charged.
#[derive(Clone, Copy, Debug)]
pub struct Charge {
	/// Block weight (ref time, µs): the call and extensions after refunds, plus the base.
	pub ref_time_us: f64,
	pub proof_kib: f64,
	pub fee_twin: f64,
}

/// An operation's charges as an identity's first change and as a later one.
pub struct Measured {
	pub op: &'static str,
	pub erc1056: &'static str,
	pub first: Option<Charge>,
	pub later: Charge,
}

fn name(s: &str) -> pallet_did::AttributeName {
	s.as_bytes().to_vec().try_into().expect("short name")
}

/// A service endpoint of `len` bytes, as the ERC-1056 measurement's attribute value.
fn service(len: usize) -> AttributeValue {
	let mut endpoint = b"mqtts://factory-a.example:8883/".to_vec();
	endpoint.resize(len, b'a');
	AttributeValue::Service {
		service_type: b"MachineService".to_vec().try_into().expect("short"),
		endpoint: endpoint.try_into().expect("at most 200 bytes"),
	}
}

/// Submits `call` from `who` and waits for its block; returns what it was charged.
async fn charge(ctx: &Ctx, who: &LoadAccount, call: RuntimeCall) -> Result<Charge, String> {
	let nonce: u32 = ctx
		.client
		.request("system_accountNextIndex", rpc_params![&who.account])
		.await
		.map_err(|e| format!("system_accountNextIndex: {e}"))?;
	let xt = ctx.info.sign(&who.pair, nonce, call);
	let mut sub = ctx
		.client
		.subscribe::<Value, _>(
			"author_submitAndWatchExtrinsic",
			rpc_params![xt],
			"author_unwatchExtrinsic",
		)
		.await
		.map_err(|e| format!("author_submitAndWatchExtrinsic: {e}"))?;
	let block: H256 = loop {
		let status = sub
			.next()
			.await
			.ok_or("the node ended the subscription")?
			.map_err(|e| format!("subscription: {e}"))?;
		if let Some(h) = status.get("inBlock") {
			break serde_json::from_value(h.clone()).map_err(|e| format!("inBlock: {e}"))?;
		}
		if status.get("invalid").is_some()
			|| status.get("dropped").is_some()
			|| status.get("usurped").is_some()
		{
			return Err(format!("not included: {status}"));
		}
	};
	let events = storage(&ctx.client, &storage_key("System", "Events"), block).await?;
	let events = Vec::<EventRecord>::decode(&mut &events[..])
		.map_err(|e| format!("events of {block:?}: {e}"))?;
	// Our extrinsic is the one whose fee our account paid.
	let index = events
		.iter()
		.find_map(|r| match (&r.phase, &r.event) {
			(
				frame_system::Phase::ApplyExtrinsic(i),
				RuntimeEvent::TransactionPayment(
					pallet_transaction_payment::Event::TransactionFeePaid { who: w, .. },
				),
			) if *w == who.account => Some(*i),
			_ => None,
		})
		.ok_or("no fee paid by the account in its block")?;
	let mut fee = None;
	let mut weight = None;
	for r in events.iter().filter(|r| r.phase == frame_system::Phase::ApplyExtrinsic(index)) {
		match &r.event {
			RuntimeEvent::TransactionPayment(
				pallet_transaction_payment::Event::TransactionFeePaid { actual_fee, .. },
			) => fee = Some(*actual_fee),
			RuntimeEvent::System(frame_system::Event::ExtrinsicSuccess { dispatch_info }) => {
				weight = Some(dispatch_info.weight)
			},
			RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
				dispatch_error, ..
			}) => return Err(format!("failed: {dispatch_error:?}")),
			_ => {},
		}
	}
	let (weight, fee) = weight.zip(fee).ok_or("no ExtrinsicSuccess or fee event")?;
	Ok(Charge {
		ref_time_us: weight.ref_time() as f64 / 1e6,
		proof_kib: weight.proof_size() as f64 / 1024.0,
		fee_twin: fee as f64 / UNIT as f64,
	})
}

/// Runs every operation on the last load accounts (untouched by the other scenarios' DIDs:
/// their own DIDs are implicit); `other` is a delegate and new controller.
pub async fn did_costs(ctx: &Ctx) -> Result<Vec<Measured>, String> {
	let accounts = ctx.accounts.clone();
	let mut spare = accounts.iter().rev();
	let mut next = || spare.next().ok_or("not enough load accounts (--accounts)");
	let other: AccountId = next()?.account.clone();
	let value = || service(200);
	let attr = "MachineService";
	// An unrelated earlier change that makes an identity "changed before".
	let earlier = |did: &AccountId| {
		RuntimeCall::Did(pallet_did::Call::set_attribute {
			did: did.clone(),
			name: name("earlier"),
			value: service(40),
			valid_from: None,
			valid_until: None,
		})
	};
	let set = |did: &AccountId| {
		RuntimeCall::Did(pallet_did::Call::set_attribute {
			did: did.clone(),
			name: name(attr),
			value: value(),
			valid_from: None,
			valid_until: None,
		})
	};
	let add = |did: &AccountId| {
		RuntimeCall::Did(pallet_did::Call::add_delegate {
			did: did.clone(),
			delegate_type: DelegateType::Authentication,
			delegate: other.clone(),
			valid_from: None,
			valid_until: None,
		})
	};
	let mut out = Vec::new();

	// Plain calls: (operation, ERC-1056 counterpart, the call, what must come first or None).
	type Build<'a> = Box<dyn Fn(&AccountId) -> RuntimeCall + 'a>;
	let plain: Vec<(&'static str, &'static str, Build, Option<Build>)> = vec![
		(
			"did.changeController",
			"changeOwner",
			Box::new(|did: &AccountId| {
				RuntimeCall::Did(pallet_did::Call::change_controller {
					did: did.clone(),
					new_controller: other.clone(),
				})
			}),
			None,
		),
		("did.addDelegate", "addDelegate", Box::new(add), None),
		(
			"did.revokeDelegate",
			"revokeDelegate",
			Box::new(|did: &AccountId| {
				RuntimeCall::Did(pallet_did::Call::revoke_delegate {
					did: did.clone(),
					delegate_type: DelegateType::Authentication,
					delegate: other.clone(),
				})
			}),
			Some(Box::new(add)),
		),
		("did.setAttribute (200-byte service endpoint)", "setAttribute", Box::new(set), None),
		(
			"did.revokeAttribute",
			"revokeAttribute",
			Box::new(|did: &AccountId| {
				RuntimeCall::Did(pallet_did::Call::revoke_attribute {
					did: did.clone(),
					name: name(attr),
				})
			}),
			Some(Box::new(set)),
		),
	];
	for (op, erc1056, call, before) in &plain {
		let first = match before {
			Some(_) => None,
			None => {
				let a = next()?;
				Some(charge(ctx, a, call(&a.account)).await.map_err(|e| format!("{op}: {e}"))?)
			},
		};
		let b = next()?;
		let prior = before.as_ref().map(|f| f(&b.account)).unwrap_or_else(|| earlier(&b.account));
		charge(ctx, b, prior).await.map_err(|e| format!("{op} (before): {e}"))?;
		let later = charge(ctx, b, call(&b.account)).await.map_err(|e| format!("{op}: {e}"))?;
		out.push(Measured { op, erc1056, first, later });
	}

	// setAttribute signed by the DID's key and submitted by a relayer.
	let relayer = next()?;
	let signed = |who: &LoadAccount, nonce: u64| {
		let operation = DidOperation::SetAttribute {
			name: name(attr),
			value: value(),
			valid_from: None,
			valid_until: None,
		};
		let payload = pallet_did::SignedPayload {
			domain: pallet_did::SIGNED_PAYLOAD_DOMAIN,
			genesis_hash: ctx.info.genesis,
			did: &who.account,
			nonce,
			valid_until: u32::MAX,
			submitter: &None,
			operation: &operation,
		}
		.encode();
		let signature = sp_runtime::MultiSignature::from(who.pair.sign(&payload));
		RuntimeCall::Did(pallet_did::Call::execute_signed {
			did: who.account.clone(),
			operation,
			nonce,
			valid_until: u32::MAX,
			submitter: None,
			signature,
		})
	};
	let a = next()?;
	let first = charge(ctx, relayer, signed(a, 0)).await.map_err(|e| format!("signed: {e}"))?;
	let b = next()?;
	charge(ctx, relayer, signed(b, 0))
		.await
		.map_err(|e| format!("signed (before): {e}"))?;
	let later = charge(ctx, relayer, signed(b, 1)).await.map_err(|e| format!("signed: {e}"))?;
	out.push(Measured {
		op: "did.executeSigned(setAttribute), relayed",
		erc1056: "setAttributeSigned (relayed)",
		first: Some(first),
		later,
	});
	Ok(out)
}

/// The Markdown table of `measured`, with the gas of each ERC-1056 counterpart from
/// `erc1056_json` (the output of `scripts/erc1056/gas.mjs`) if given.
#[allow(clippy::let_underscore_must_use, reason = "`writeln!` into a String cannot fail")]
pub fn report(measured: &[Measured], erc1056_json: Option<&Path>) -> Result<String, String> {
	let gas: Option<Value> = match erc1056_json {
		Some(p) => Some(
			serde_json::from_slice(&std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?)
				.map_err(|e| format!("{}: {e}", p.display()))?,
		),
		None => None,
	};
	let gas_of = |op: &str| -> (Option<u64>, Option<u64>) {
		let Some(g) = &gas else { return (None, None) };
		let found = g["operations"].as_array().and_then(|ops| ops.iter().find(|o| o["op"] == op));
		match found {
			Some(o) => (o["first"].as_u64(), o["later"].as_u64()),
			None => (None, None),
		}
	};
	let (normal, _) = normal_limits();
	let per_second = |us: f64| normal.ref_time() as f64 / 1e6 / us / 2.0;
	let cell = |c: Option<Charge>, f: &dyn Fn(Charge) -> String| c.map(f).unwrap_or("–".into());
	let gas_cell = |g: Option<u64>| g.map(|g| format!("{g}")).unwrap_or("–".into());
	let mut md = String::new();
	let _ = writeln!(
		md,
		"| operation | weight charged, first / later | proof size (later) | fee, first / later | per second by weight (later) | ERC-1056 | gas, first / later |"
	);
	let _ = writeln!(md, "|---|---|---|---|---|---|---|");
	for m in measured {
		let (gf, gl) = gas_of(m.erc1056);
		let _ = writeln!(
			md,
			"| `{}` | {} / {:.0} µs | {:.1} KiB | {} / {:.4} TWIN | {:.0} | `{}` | {} / {} |",
			m.op,
			cell(m.first, &|c| format!("{:.0}", c.ref_time_us)),
			m.later.ref_time_us,
			m.later.proof_kib,
			cell(m.first, &|c| format!("{:.4}", c.fee_twin)),
			m.later.fee_twin,
			per_second(m.later.ref_time_us),
			m.erc1056,
			gas_cell(gf),
			gas_cell(gl),
		);
	}
	if let Some(g) = &gas {
		let _ = writeln!(
			md,
			"\nERC-1056: {} run in {}, attribute values of {} bytes, each operation a transaction of its own block (gas includes the 21,000 base and the calldata); the registry's deployment took {} gas.",
			g["contract"].as_str().unwrap_or("?"),
			g["evm"].as_str().unwrap_or("?"),
			g["valueBytes"],
			g["deployGas"]
		);
	}
	Ok(md)
}
