//! Telemetry queries: `telemetry_proof` (a raw reading the bridge kept, with its Merkle proof),
//! `telemetry_window` / `telemetry_windows` / `telemetry_rules` (what is anchored on chain),
//! and `twinchain telemetry verify`, the auditor's check of a reading against the on-chain root.

use crate::{
	provenance::{cli_moment, did, parse_moment, time},
	query::{account_of, internal, invalid, not_found},
};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use mqtt_offchain_worker::{store::Store, telemetry::ReadingProof, Bridge};
use pallet_telemetry::{merkle, Comparison, Reading, TelemetryApi, Window};
use serde::Deserialize;
use serde_json::{json, Value};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use std::sync::Arc;
use twinchain_runtime::{opaque::Block, AccountId, Balance, BlockNumber};

/// Where raw readings and their proofs come from: the node's factory bridge.
pub trait ProofSource: Send + Sync {
	/// Reading `index` of `machine`'s kept window starting at `start`, with its proof.
	fn proof(&self, machine: &AccountId, start: u64, index: u32) -> Option<ReadingProof>;
	/// How many readings that window holds.
	fn len(&self, machine: &AccountId, start: u64) -> Option<usize>;
}

impl<S: Store + Clone> ProofSource for Bridge<S> {
	fn proof(&self, machine: &AccountId, start: u64, index: u32) -> Option<ReadingProof> {
		self.windows().proof(machine, start, index)
	}
	fn len(&self, machine: &AccountId, start: u64) -> Option<usize> {
		self.windows().raw(machine, start).map(|r| r.len())
	}
}

fn hex(bytes: &[u8]) -> String {
	format!("0x{}", twinchain_primitives::text::hex(bytes))
}

fn metric_name(m: &[u8]) -> String {
	String::from_utf8_lossy(m).to_string()
}

/// A reading as JSON: `value` in the metric's unit, `milli` exactly as anchored.
pub fn reading_json(r: &Reading) -> Value {
	json!({
		"metric": metric_name(&r.metric),
		"ts": time(r.ts),
		"value": r.value as f64 / 1000.0,
		"milli": r.value,
	})
}

fn window_json(start: u64, w: &Window<AccountId, BlockNumber>) -> Value {
	json!({
		"start": time(start),
		"end": time(w.end),
		"root": hex(&w.root),
		"count": w.count,
		"metrics": w.metrics.iter().map(|m| json!({
			"metric": metric_name(&m.metric),
			"count": m.count,
			"min": m.min as f64 / 1000.0,
			"max": m.max as f64 / 1000.0,
			"mean": m.mean as f64 / 1000.0,
		})).collect::<Vec<_>>(),
		"gateway": did(&w.gateway),
		"anchored": { "block": w.anchored.block, "ms": w.anchored.time },
	})
}

/// Paging of `telemetry_windows`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowsOptions {
	/// The earliest start (ms or RFC 3339).
	pub from: Option<Value>,
	/// How many (default and at most 100).
	pub limit: Option<u32>,
}

/// The `telemetry_*` methods.
#[rpc(server)]
pub trait TelemetryRpcApi {
	/// Reading `index` of machine `did`'s window starting at `start` (ms or RFC 3339) as this
	/// node's bridge kept it, with its leaf hash, Merkle proof and the root the proof leads to.
	#[method(name = "telemetry_proof")]
	fn proof(&self, did: String, start: Value, index: u32) -> RpcResult<Value>;

	/// Machine `did`'s anchored window starting at `start`.
	#[method(name = "telemetry_window")]
	fn window(&self, did: String, start: Value) -> RpcResult<Value>;

	/// Machine `did`'s anchored windows from `options.from` on, in time order.
	#[method(name = "telemetry_windows")]
	fn windows(&self, did: String, options: Option<WindowsOptions>) -> RpcResult<Value>;

	/// Machine `did`'s threshold rules with their streaks.
	#[method(name = "telemetry_rules")]
	fn rules(&self, did: String) -> RpcResult<Value>;
}

/// Serves the `telemetry_*` methods.
pub struct Telemetry<C> {
	client: Arc<C>,
	proofs: Option<Arc<dyn ProofSource>>,
}

impl<C> Telemetry<C> {
	/// Over `client`, with the bridge's readings if this node runs one.
	pub fn new(client: Arc<C>, proofs: Option<Arc<dyn ProofSource>>) -> Self {
		Self { client, proofs }
	}
}

impl<C> TelemetryRpcApiServer for Telemetry<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: TelemetryApi<Block, AccountId, Balance, BlockNumber>,
{
	fn proof(&self, did_text: String, start: Value, index: u32) -> RpcResult<Value> {
		let machine = account_of(&did_text)?;
		let start = parse_moment(&start).map_err(|e| invalid(format!("start: {e}")))?;
		let source = self
			.proofs
			.as_ref()
			.ok_or_else(|| not_found("this node runs no factory bridge".to_string()))?;
		let len = source.len(&machine, start).ok_or_else(|| {
			not_found(format!("no closed window of {did_text} starting at {start} is kept here"))
		})?;
		let p = source.proof(&machine, start, index).ok_or_else(|| {
			not_found(format!("the window holds {len} readings; there is no reading {index}"))
		})?;
		Ok(json!({
			"machine": did_text,
			"start": time(p.start),
			"end": time(p.end),
			"index": p.index,
			"readings": len,
			"reading": reading_json(&p.reading),
			"leaf": hex(&merkle::leaf(&machine, &p.reading)),
			"proof": p.proof.iter().map(|s| json!({ "sibling": hex(&s.sibling), "left": s.left })).collect::<Vec<_>>(),
			"root": hex(&p.root),
		}))
	}

	fn window(&self, did_text: String, start: Value) -> RpcResult<Value> {
		let machine = account_of(&did_text)?;
		let start = parse_moment(&start).map_err(|e| invalid(format!("start: {e}")))?;
		let best = self.client.info().best_hash;
		let w = self
			.client
			.runtime_api()
			.window(best, machine, start)
			.map_err(|e| internal(format!("TelemetryApi_window: {e}")))?
			.ok_or_else(|| {
				not_found(format!("no window of {did_text} starting at {start} is anchored"))
			})?;
		let mut v = window_json(start, &w);
		v["machine"] = json!(did_text);
		Ok(v)
	}

	fn windows(&self, did_text: String, options: Option<WindowsOptions>) -> RpcResult<Value> {
		let machine = account_of(&did_text)?;
		let o = options.unwrap_or_default();
		let from = o
			.from
			.as_ref()
			.map(parse_moment)
			.transpose()
			.map_err(|e| invalid(format!("from: {e}")))?
			.unwrap_or(0);
		let limit = o.limit.unwrap_or(100);
		if limit == 0 || limit > 100 {
			return Err(invalid(format!("limit {limit} is not 1 ..= 100")));
		}
		let best = self.client.info().best_hash;
		let list = self
			.client
			.runtime_api()
			.windows(best, machine, from, limit)
			.map_err(|e| internal(format!("TelemetryApi_windows: {e}")))?;
		Ok(json!({
			"machine": did_text,
			"windows": list.iter().map(|(s, w)| window_json(*s, w)).collect::<Vec<_>>(),
		}))
	}

	fn rules(&self, did_text: String) -> RpcResult<Value> {
		let machine = account_of(&did_text)?;
		let best = self.client.info().best_hash;
		let rules = self
			.client
			.runtime_api()
			.rules(best, machine)
			.map_err(|e| internal(format!("TelemetryApi_rules: {e}")))?;
		Ok(json!(rules
			.iter()
			.map(|r| json!({
				"metric": metric_name(&r.rule.metric),
				"comparison": match r.rule.comparison { Comparison::Above => "above", Comparison::Below => "below" },
				"threshold": r.rule.threshold as f64 / 1000.0,
				"windows": r.rule.windows,
				"capability": metric_name(&r.rule.capability),
				"reward": r.rule.reward.to_string(),
				"owner": did(&r.owner),
				"armed": r.armed,
				"streak": r.streak,
				"fired": r.fired,
			}))
			.collect::<Vec<_>>()))
	}
}

/// Why `telemetry verify` does not confirm a reading; its text is the line the CLI prints.
#[derive(Debug)]
pub enum VerifyError {
	/// The argument is not a did:twin DID.
	Did(String),
	/// The node could not be asked, or refused (e.g. it kept no such reading).
	Call(crate::query::CallError),
	/// The node's answer lacks a field or has it malformed.
	Malformed(String),
	/// The reading and its proof do not lead to the root anchored on chain.
	Mismatch { index: u32, did: String, start: String },
}

impl std::fmt::Display for VerifyError {
	fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
		match self {
			Self::Did(e) | Self::Malformed(e) => f.write_str(e),
			Self::Call(e) => write!(f, "{e}"),
			Self::Mismatch { index, did, start } => write!(
				f,
				"reading {index} of {did}'s window at {start} does NOT match the root anchored on chain"
			),
		}
	}
}

impl std::error::Error for VerifyError {}

impl From<crate::query::CallError> for VerifyError {
	fn from(e: crate::query::CallError) -> Self {
		Self::Call(e)
	}
}

fn malformed(what: &str) -> VerifyError {
	VerifyError::Malformed(what.to_string())
}

fn hex32(v: &Value, what: &str) -> Result<[u8; 32], VerifyError> {
	let s = v.as_str().ok_or_else(|| malformed(&format!("{what} is missing")))?;
	let bytes =
		sp_core::bytes::from_hex(s).map_err(|_| malformed(&format!("{what} is not hex")))?;
	bytes.try_into().map_err(|_| malformed(&format!("{what} is not 32 bytes")))
}

/// The auditor's check: asks the node for the reading and its proof, and the chain for the
/// anchored root, and verifies the proof from the reading itself (not from the node's leaf).
pub fn verify(url: &str, did_text: &str, start: &str, index: u32) -> Result<Value, VerifyError> {
	use jsonrpsee::rpc_params;
	let machine = crate::query::account_of(did_text)
		.map_err(|e| VerifyError::Did(e.message().to_string()))?;
	let p = crate::query::call(
		url,
		"telemetry_proof",
		rpc_params![did_text, cli_moment(start), index],
	)?;
	let w = crate::query::call(url, "telemetry_window", rpc_params![did_text, cli_moment(start)])?;
	let r = &p["reading"];
	let reading = Reading {
		metric: r["metric"]
			.as_str()
			.ok_or_else(|| malformed("reading.metric is missing"))?
			.as_bytes()
			.to_vec()
			.try_into()
			.map_err(|_| malformed("reading.metric is too long"))?,
		ts: r["ts"]["ms"].as_u64().ok_or_else(|| malformed("reading.ts is missing"))?,
		value: r["milli"].as_i64().ok_or_else(|| malformed("reading.milli is missing"))?,
	};
	let proof: Vec<merkle::ProofStep> = p["proof"]
		.as_array()
		.ok_or_else(|| malformed("proof is missing"))?
		.iter()
		.map(|s| {
			Ok(merkle::ProofStep {
				sibling: hex32(&s["sibling"], "sibling")?,
				left: s["left"].as_bool().ok_or_else(|| malformed("left"))?,
			})
		})
		.collect::<Result<_, VerifyError>>()?;
	let root = hex32(&w["root"], "the anchored root")?;
	let leaf = merkle::leaf(&machine, &reading);
	if !merkle::verify(&root, leaf, &proof) {
		return Err(VerifyError::Mismatch {
			index,
			did: did_text.to_string(),
			start: start.to_string(),
		});
	}
	Ok(json!({
		"verified": true,
		"machine": did_text,
		"reading": reading_json(&reading),
		"window": { "start": w["start"], "end": w["end"], "root": w["root"], "anchored": w["anchored"], "gateway": w["gateway"] },
	}))
}

/// `twinchain telemetry …`.
pub fn telemetry_cmd(cmd: &crate::cli::TelemetryCmd) -> sc_cli::Result<()> {
	use crate::cli::TelemetryCmd;
	use jsonrpsee::rpc_params;
	match cmd {
		TelemetryCmd::Verify { did, start, index, url } => match verify(url, did, start, *index) {
			Ok(v) => {
				println!("{}", serde_json::to_string_pretty(&v).expect("JSON serializes"));
				Ok(())
			},
			Err(e) => {
				eprintln!("error: {e}");
				std::process::exit(1);
			},
		},
		TelemetryCmd::Windows { did, from, limit, url } => crate::query::print_call(
			url,
			"telemetry_windows",
			rpc_params![did, json!({ "from": from.as_deref().map(cli_moment), "limit": limit })],
		),
	}
}
