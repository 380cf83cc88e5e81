//! Product provenance on the node: the `provenance_*` JSON-RPC methods and their CLI
//! equivalents (`twinchain provenance trace|by-machine|lot|by-tag`). Answers come from the
//! runtime API `ProvenanceApi` at the best block; products, machines and actors are named by
//! their DIDs, times are given both as RFC 3339 UTC and as ms since the Unix epoch.

use std::sync::Arc;

use crate::query::{account_of, internal, invalid, not_found};
use jsonrpsee::{core::RpcResult, proc_macros::rpc, types::ErrorObjectOwned};
use pallet_did::document::did_of;
use pallet_provenance::{
	runtime_api::ProvenanceApi, CredentialState, Lifecycle, RecallScope, Trace,
};
use serde::Deserialize;
use serde_json::{json, Value};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use twinchain_primitives::{
	text::{parse_datetime, quote, utc_datetime},
	Colour, StepResult,
};
use twinchain_runtime::{opaque::Block, AccountId, Balance, BlockNumber, Runtime};

/// The most steps one `provenance_trace` page holds (a whole log: `MaxSteps`).
pub const MAX_PAGE: u32 = 1000;
/// Steps per page unless asked otherwise.
pub const DEFAULT_PAGE: u32 = 100;

pub(crate) fn did(account: &AccountId) -> String {
	did_of::<Runtime>(account)
}

/// Bytes as text when they are UTF-8, else as 0x-hex.
fn text(bytes: &[u8]) -> String {
	match std::str::from_utf8(bytes) {
		Ok(s) => s.to_string(),
		Err(_) => format!("0x{}", twinchain_primitives::text::hex(bytes)),
	}
}

pub(crate) fn time(ms: u64) -> Value {
	json!({ "ms": ms, "utc": utc_datetime(ms) })
}

fn stamp(s: &twinchain_primitives::Stamp<BlockNumber>) -> Value {
	json!({ "block": s.block, "ms": s.time, "utc": utc_datetime(s.time) })
}

/// A lifecycle by its variant's name: `InProduction`, `Finished`, …
pub fn lifecycle_name(l: Lifecycle) -> &'static str {
	match l {
		Lifecycle::InProduction => "InProduction",
		Lifecycle::Finished => "Finished",
		Lifecycle::Shipped => "Shipped",
		Lifecycle::Delivered => "Delivered",
		Lifecycle::Recalled => "Recalled",
	}
}

fn credential_state(s: CredentialState) -> &'static str {
	match s {
		CredentialState::Valid => "valid",
		CredentialState::OutsideValidity => "notValidNow",
		CredentialState::Revoked => "revoked",
		CredentialState::Suspended => "suspended",
		CredentialState::Unknown => "unknown",
	}
}

/// Parses a moment: a number of ms since the Unix epoch, or an RFC 3339 date-time
/// (`2026-11-26T10:00:00Z`, `2026-11-26T11:00:00.250+01:00`).
pub fn parse_moment(v: &Value) -> Result<u64, String> {
	match v {
		Value::Number(n) => n.as_u64().ok_or_else(|| format!("{n} is not a time in ms")),
		Value::String(s) => parse_datetime(s),
		other => Err(format!(
			"{} is not a time (ms since the epoch or RFC 3339)",
			quote(&other.to_string())
		)),
	}
}

/// A product's trace as JSON.
pub fn trace_json(trace: &Trace<AccountId, Balance, BlockNumber>, from: u32) -> Value {
	let p = &trace.product;
	let steps: Vec<Value> = trace
		.steps
		.iter()
		.map(|(index, s)| {
			let i = &s.input;
			let (ok, detail) = match &i.result {
				StepResult::Ok(d) => (true, d),
				StepResult::Failed(d) => (false, d),
			};
			json!({
				"index": index,
				"capability": text(&i.capability),
				"machine": did(&i.machine),
				"task": i.task,
				"start": time(i.start),
				"end": time(i.end),
				"params": text(&i.params),
				"result": { "ok": ok, "detail": text(detail) },
				"environment": i.environment.as_ref().map(|e| json!({
					"sensor": did(&e.sensor),
					"start": time(e.start),
					"root": format!("0x{}", twinchain_primitives::text::hex(&e.root)),
				})),
				"recorder": did(&s.recorder),
				"recorded": stamp(&s.recorded),
			})
		})
		.collect();
	let shown = trace.steps.len() as u32;
	let next = (from.saturating_add(shown) < p.steps && shown > 0).then(|| from + shown);
	let recall = trace.recall.as_ref().map(|(id, r)| {
		let scope = match &r.scope {
			RecallScope::Lot(lot) => json!({ "lot": lot }),
			RecallScope::MachineRange { machine, from, to } => {
				json!({ "machine": did(machine), "from": time(*from), "to": time(*to) })
			},
		};
		json!({
			"id": id,
			"scope": scope,
			"reason": text(&r.reason),
			"by": r.by.as_ref().map(did),
			"at": stamp(&r.at),
			"affected": r.affected,
			"complete": r.complete,
		})
	});
	json!({
		"manufacturer": did(&p.manufacturer),
		"custodian": did(&p.custodian),
		"type": {
			"kind": text(&p.product_type.kind),
			"colour": p.product_type.colour.map(Colour::as_str),
			"nfcTag": p.product_type.tag.as_ref().map(|t| text(t)),
		},
		"lifecycle": lifecycle_name(p.lifecycle),
		"created": stamp(&p.created),
		"parent": p.parent.as_ref().map(did),
		"components": trace.components.iter().map(did).collect::<Vec<_>>(),
		"lots": trace.lots.iter().map(|(id, l)| json!({
			"id": id,
			"supplier": did(&l.supplier),
			"reference": text(&l.reference),
			"material": text(&l.material),
			"quantity": l.quantity,
			"registered": stamp(&l.registered),
			"recall": l.recall,
		})).collect::<Vec<_>>(),
		"steps": { "total": p.steps, "from": from, "items": steps, "next": next },
		"custody": trace.custody.iter().map(|t| json!({
			"from": did(&t.from),
			"to": did(&t.to),
			"at": stamp(&t.at),
		})).collect::<Vec<_>>(),
		"pendingOffer": p.offer.as_ref().map(|(to, _)| json!({ "to": did(to) })),
		"credentials": trace.credentials.iter().map(|(digest, a, state)| json!({
			"digest": format!("0x{}", twinchain_primitives::text::hex(digest)),
			"issuer": did(&a.issuer),
			"attachedBy": did(&a.by),
			"attached": stamp(&a.at),
			"status": credential_state(*state),
		})).collect::<Vec<_>>(),
		"recall": recall,
	})
}

/// Options of `provenance_trace`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TraceOptions {
	/// The first step of the page (default 0).
	pub from_step: Option<u32>,
	/// Steps in the page (default 100, at most 1000).
	pub limit: Option<u32>,
}

/// Options of `provenance_productsByMachine` and `provenance_lot`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PageOptions {
	/// Entries in the page (default 100, at most 1000).
	pub limit: Option<u32>,
	/// Continue after this entry: the `next` of the previous page.
	pub after: Option<Value>,
}

fn page_limit(limit: Option<u32>) -> Result<u32, ErrorObjectOwned> {
	match limit {
		None => Ok(DEFAULT_PAGE),
		Some(l) if (1..=MAX_PAGE).contains(&l) => Ok(l),
		Some(l) => Err(invalid(format!("limit {l} is outside 1..={MAX_PAGE}"))),
	}
}

/// The `provenance_*` methods.
#[rpc(server)]
pub trait ProvenanceRpcApi {
	/// A product's whole story: type, lots, components, a page of its process log (each step
	/// with its machine's DID, times, parameters, result and environment), custody transfers,
	/// attached credentials with their live status, and the recall that reached it.
	/// `options`: `{ "fromStep", "limit" }` (default 0 and 100, limit at most 1000).
	#[method(name = "provenance_trace")]
	fn trace(&self, did: String, options: Option<TraceOptions>) -> RpcResult<Value>;

	/// The steps machine `did` performed overlapping `[from, to]` (ms since the epoch or RFC
	/// 3339), in start-time order, with the distinct products — the list a recall reaches.
	/// `options`: `{ "limit", "after" }`; `after` is the previous page's `next`.
	#[method(name = "provenance_productsByMachine")]
	fn products_by_machine(
		&self,
		did: String,
		from: Value,
		to: Value,
		options: Option<PageOptions>,
	) -> RpcResult<Value>;

	/// A supplier lot's products (paged like `productsByMachine`; `after` is a product DID).
	#[method(name = "provenance_lot")]
	fn lot(&self, lot: u64, options: Option<PageOptions>) -> RpcResult<Value>;

	/// The DID of the product carrying NFC tag `tag`, or null.
	#[method(name = "provenance_productByTag")]
	fn product_by_tag(&self, tag: String) -> RpcResult<Option<String>>;
}

/// Serves the `provenance_*` methods from a client's runtime API.
pub struct Provenance<C> {
	client: Arc<C>,
}

impl<C> Provenance<C> {
	/// Over `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

impl<C> ProvenanceRpcApiServer for Provenance<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: ProvenanceApi<Block, AccountId, Balance, BlockNumber>,
{
	fn trace(&self, did_text: String, options: Option<TraceOptions>) -> RpcResult<Value> {
		let product = account_of(&did_text)?;
		let options = options.unwrap_or_default();
		let from = options.from_step.unwrap_or(0);
		let limit = page_limit(options.limit)?;
		let best = self.client.info().best_hash;
		let trace = self
			.client
			.runtime_api()
			.trace(best, product, from, limit)
			.map_err(|e| internal(format!("ProvenanceApi_trace: {e}")))?
			.ok_or_else(|| not_found(format!("no product has the DID {did_text}")))?;
		let mut value = trace_json(&trace, from);
		value["product"] = json!(did_text);
		Ok(value)
	}

	fn products_by_machine(
		&self,
		did_text: String,
		from: Value,
		to: Value,
		options: Option<PageOptions>,
	) -> RpcResult<Value> {
		let machine = account_of(&did_text)?;
		let from = parse_moment(&from).map_err(|e| invalid(format!("from: {e}")))?;
		let to = parse_moment(&to).map_err(|e| invalid(format!("to: {e}")))?;
		if from > to {
			return Err(invalid(format!("from ({from}) is after to ({to})")));
		}
		let options = options.unwrap_or_default();
		let limit = page_limit(options.limit)?;
		let after = match &options.after {
			None | Some(Value::Null) => None,
			Some(v) => {
				let bad = || invalid(format!("after: {v} is not a previous page's next"));
				let start = v.get("start").and_then(Value::as_u64).ok_or_else(bad)?;
				let product = v.get("product").and_then(Value::as_str).ok_or_else(bad)?;
				let index = v.get("index").and_then(Value::as_u64).ok_or_else(bad)?;
				Some((start, account_of(product)?, u32::try_from(index).map_err(|_| bad())?))
			},
		};
		let best = self.client.info().best_hash;
		let found = self
			.client
			.runtime_api()
			.products_by_machine(best, machine, from, to, after, limit)
			.map_err(|e| internal(format!("ProvenanceApi_products_by_machine: {e}")))?;
		let mut products: Vec<String> = Vec::new();
		let steps: Vec<Value> = found
			.iter()
			.map(|(product, index, start, end)| {
				let d = did(product);
				if !products.contains(&d) {
					products.push(d.clone());
				}
				json!({ "product": d, "index": index, "start": time(*start), "end": time(*end) })
			})
			.collect();
		let next = (found.len() as u32 == limit).then(|| {
			let (product, index, start, _) = found.last().expect("limit ≥ 1");
			json!({ "start": start, "product": did(product), "index": index })
		});
		Ok(json!({
			"machine": did_text,
			"from": time(from),
			"to": time(to),
			"steps": steps,
			"products": products,
			"next": next,
		}))
	}

	fn lot(&self, lot: u64, options: Option<PageOptions>) -> RpcResult<Value> {
		let options = options.unwrap_or_default();
		let limit = page_limit(options.limit)?;
		let after = match &options.after {
			None | Some(Value::Null) => None,
			Some(Value::String(d)) => Some(account_of(d)?),
			Some(v) => return Err(invalid(format!("after: {v} is not a product DID"))),
		};
		let best = self.client.info().best_hash;
		let products = self
			.client
			.runtime_api()
			.lot_products(best, lot, after, limit)
			.map_err(|e| internal(format!("ProvenanceApi_lot_products: {e}")))?
			.ok_or_else(|| not_found(format!("no lot has the id {lot}")))?;
		let next = (products.len() as u32 == limit).then(|| products.last().map(did)).flatten();
		Ok(json!({
			"lot": lot,
			"products": products.iter().map(did).collect::<Vec<_>>(),
			"next": next,
		}))
	}

	fn product_by_tag(&self, tag: String) -> RpcResult<Option<String>> {
		let best = self.client.info().best_hash;
		let product = self
			.client
			.runtime_api()
			.product_by_tag(best, tag.into_bytes())
			.map_err(|e| internal(format!("ProvenanceApi_product_by_tag: {e}")))?;
		Ok(product.as_ref().map(did))
	}
}

/// A CLI time: Unix ms (digits only) or RFC 3339.
pub(crate) fn cli_moment(s: &str) -> Value {
	match s.parse::<u64>() {
		Ok(ms) => json!(ms),
		Err(_) => json!(s),
	}
}

/// `twinchain provenance …`: asks a node and prints the JSON answer.
pub fn provenance_cmd(cmd: &crate::cli::ProvenanceCmd) -> sc_cli::Result<()> {
	use crate::cli::ProvenanceCmd;
	use jsonrpsee::rpc_params;
	let (url, method, params) = match cmd {
		ProvenanceCmd::Trace { did, from_step, limit, url } => (
			url,
			"provenance_trace",
			rpc_params![did, json!({ "fromStep": from_step, "limit": limit })],
		),
		ProvenanceCmd::ByMachine { did, from, to, limit, url } => (
			url,
			"provenance_productsByMachine",
			rpc_params![did, cli_moment(from), cli_moment(to), json!({ "limit": limit })],
		),
		ProvenanceCmd::Lot { lot, limit, url } => {
			(url, "provenance_lot", rpc_params![lot, json!({ "limit": limit })])
		},
		ProvenanceCmd::ByTag { tag, url } => (url, "provenance_productByTag", rpc_params![tag]),
	};
	crate::query::print_call(url, method, params)
}
