//! Scale: what the chain's state grows by per product, per process step and per telemetry
//! window, and how long `provenance_trace` takes as products accumulate.
//!
//! On a fresh load node (2,000 manufacturers, each owning a credentialed machine) it creates
//! 1,000 products, records two steps on each, anchors a window for each machine, then creates
//! products up to `--scale-products` (10^5 by default). State is measured by enumerating every
//! key (`state_getKeysPaged`) and adding each key's length and its value's
//! (`state_getStorageSize`), by pallet; the database directory's size on disk is noted
//! beside (it also holds the blocks and the trie's inner nodes). `provenance_trace` is timed
//! over JSON-RPC on the same 200 products (each with two steps) at 10^3 and at the full
//! count.

use crate::{
	chain::LOAD_CAPABILITY,
	load::{self, Ctx},
};
use codec::Decode;
use jsonrpsee::{core::client::ClientT, rpc_params};
use serde_json::Value;
use sp_core::crypto::Ss58Codec;
use sp_io::hashing::twox_128;
use std::{
	collections::{BTreeMap, HashMap},
	fmt::Write as _,
	path::Path,
	time::Instant,
};
use twinchain_runtime::{AccountId, Runtime, RuntimeCall};

/// The pallets whose state is reported by name (the rest is "other").
const PALLETS: [&str; 18] = [
	"System",
	"Timestamp",
	"Balances",
	"TransactionPayment",
	"ValidatorSet",
	"Session",
	"Aura",
	"Grandpa",
	"Sudo",
	"NodeAuthorization",
	"Actors",
	"Did",
	"Credentials",
	"Machines",
	"Provenance",
	"Telemetry",
	"Tasks",
	"Gateway",
];

/// Keys and bytes (keys plus values) by pallet.
type Sizes = BTreeMap<String, (u64, u64)>;

fn hex_of(s: &str) -> Result<Vec<u8>, String> {
	sp_core::bytes::from_hex(s).map_err(|e| format!("{s}: {e:?}"))
}

/// Every key of the state at the best block, with its size, by pallet; and the keys under
/// `Provenance::Products` (the products).
async fn state(ctx: &Ctx) -> Result<(Sizes, Vec<Vec<u8>>), String> {
	let names: HashMap<[u8; 16], &str> =
		PALLETS.iter().map(|p| (twox_128(p.as_bytes()), *p)).collect();
	let products_prefix = [twox_128(b"Provenance"), twox_128(b"Products")].concat();
	let at: sp_core::H256 = ctx
		.client
		.request("chain_getBlockHash", rpc_params![])
		.await
		.map_err(|e| format!("chain_getBlockHash: {e}"))?;
	let mut sizes = Sizes::new();
	let mut products = Vec::new();
	let mut start: Option<String> = None;
	loop {
		let keys: Vec<String> = ctx
			.client
			.request("state_getKeysPaged", rpc_params!["0x", 1000, start.clone(), at])
			.await
			.map_err(|e| format!("state_getKeysPaged: {e}"))?;
		if keys.is_empty() {
			break;
		}
		let calls = keys.iter().map(|k| rpc_params![k, at]);
		let lens =
			crate::chain::batch::<Option<u64>>(&ctx.client, "state_getStorageSize", calls, 1000)
				.await?;
		for (k, len) in keys.iter().zip(lens) {
			let key = hex_of(k)?;
			let len = len?.unwrap_or(0);
			let pallet = key
				.get(..16)
				.and_then(|p| names.get(<&[u8; 16]>::try_from(p).ok()?))
				.map_or("other", |n| *n);
			let e = sizes.entry(pallet.to_string()).or_default();
			e.0 += 1;
			e.1 += key.len() as u64 + len;
			if key.starts_with(&products_prefix) && key.len() == 32 + 16 + 32 {
				products.push(key);
			}
		}
		if keys.len() < 1000 {
			break;
		}
		start = keys.last().cloned();
	}
	Ok((sizes, products))
}

/// The database directory's size on disk, bytes.
fn disk(dir: &Path) -> u64 {
	let mut total = 0;
	let mut todo = vec![dir.to_path_buf()];
	while let Some(d) = todo.pop() {
		let Ok(entries) = std::fs::read_dir(&d) else { continue };
		for e in entries.flatten() {
			match e.metadata() {
				Ok(m) if m.is_dir() => todo.push(e.path()),
				Ok(m) => total += m.len(),
				Err(_) => {},
			}
		}
	}
	total
}

/// A product's manufacturer, from its storage value.
async fn custodians(ctx: &Ctx, keys: &[Vec<u8>]) -> Result<Vec<(AccountId, AccountId)>, String> {
	let mut out = Vec::new();
	let calls = keys.iter().map(|k| rpc_params![sp_core::bytes::to_hex(k, false)]);
	let values =
		crate::chain::batch::<Option<String>>(&ctx.client, "state_getStorage", calls, 1000).await?;
	for (k, v) in keys.iter().zip(values) {
		let raw = hex_of(&v?.ok_or("a product vanished")?)?;
		let p = pallet_provenance::ProductOf::<Runtime>::decode(&mut &raw[..])
			.map_err(|e| format!("a product: {e}"))?;
		let product = AccountId::decode(&mut &k[48..]).map_err(|e| e.to_string())?;
		out.push((product, p.custodian));
	}
	Ok(out)
}

/// Times `provenance_trace` on each of `products` (ms, sorted), checking each answer.
async fn trace_times(ctx: &Ctx, products: &[AccountId]) -> Result<Vec<f64>, String> {
	let mut times = Vec::new();
	for p in products {
		let did = format!("did:twin:{}", p.to_ss58check());
		let t = Instant::now();
		let v: Value = ctx
			.client
			.request("provenance_trace", rpc_params![&did])
			.await
			.map_err(|e| format!("provenance_trace {did}: {e}"))?;
		times.push(t.elapsed().as_secs_f64() * 1e3);
		let steps = v["steps"]["items"].as_array().map_or(0, |s| s.len());
		if steps != 2 {
			return Err(format!("provenance_trace {did}: {steps} steps, not 2: {v}"));
		}
	}
	times.sort_by(|a, b| a.total_cmp(b));
	Ok(times)
}

fn included_all(what: &str, run: &load::Run) -> Result<(), String> {
	if run.failed > 0 || run.rpc_errors > 0 || run.included < run.sent {
		return Err(format!(
			"{what}: {} sent, {} included, {} failed ({}), {} refused ({})",
			run.sent,
			run.included,
			run.failed,
			run.first_failure.clone().unwrap_or_default(),
			run.rpc_errors,
			run.first_rpc_error.clone().unwrap_or_default()
		));
	}
	Ok(())
}

fn product_call() -> RuntimeCall {
	RuntimeCall::Provenance(pallet_provenance::Call::create_product {
		product_type: twinchain_primitives::ProductType {
			kind: b"load part".to_vec().try_into().expect("short"),
			colour: None,
			tag: None,
		},
		lots: Default::default(),
	})
}

/// Creates `count` products, one per account in turn, at `rate` per second.
async fn create(ctx: &mut Ctx, count: usize, rate: f64) -> Result<(), String> {
	let n = ctx.accounts.len();
	let run = load::offer_calls(ctx, n, count, rate, |_, _| product_call()).await?;
	included_all("create_product", &run)
}

fn delta(a: &Sizes, b: &Sizes) -> BTreeMap<String, (i64, i64)> {
	let mut out = BTreeMap::new();
	for (k, (keys, bytes)) in b {
		let (k0, b0) = a.get(k).copied().unwrap_or_default();
		let d = (*keys as i64 - k0 as i64, *bytes as i64 - b0 as i64);
		if d != (0, 0) {
			out.insert(k.clone(), d);
		}
	}
	out
}

fn per(d: &BTreeMap<String, (i64, i64)>, n: usize) -> String {
	let total: i64 = d.values().map(|(_, b)| *b).sum();
	let keys: i64 = d.values().map(|(k, _)| *k).sum();
	let parts: Vec<String> = d
		.iter()
		.filter(|(_, (_, b))| *b != 0)
		.map(|(p, (k, b))| {
			format!("{p} {:.1} keys / {:.0} B", *k as f64 / n as f64, *b as f64 / n as f64)
		})
		.collect();
	format!(
		"{:.0} B in {:.1} keys ({})",
		total as f64 / n as f64,
		keys as f64 / n as f64,
		parts.join(", ")
	)
}

fn pct(v: &[f64], p: f64) -> f64 {
	v[((v.len() as f64 - 1.0) * p).round() as usize]
}

/// Runs the scenario; the report in Markdown.
#[allow(clippy::let_underscore_must_use, reason = "`writeln!` into a String cannot fail")]
pub async fn run(ctx: &mut Ctx, db: &Path, products: usize, rate: f64) -> Result<String, String> {
	let first = 1_000.min(products).min(ctx.accounts.len());
	let (s0, _) = state(ctx).await?;
	let d0 = disk(db);
	eprintln!("   scale: {first} products");
	create(ctx, first, rate).await?;
	ctx.settle().await?;
	let (s1, keys) = state(ctx).await?;
	let d1 = disk(db);
	// Each of the first accounts made one product: two steps on each by its maker's machine.
	let made = custodians(ctx, &keys).await?;
	let index: HashMap<AccountId, usize> =
		ctx.accounts.iter().enumerate().map(|(i, a)| (a.account.clone(), i)).collect();
	let mut product_of: Vec<Option<AccountId>> = vec![None; ctx.accounts.len()];
	for (product, custodian) in &made {
		if let Some(i) = index.get(custodian) {
			product_of[*i] = Some(product.clone());
		}
	}
	let makers = product_of.iter().take_while(|p| p.is_some()).count();
	if makers < first {
		return Err(format!("{makers} of the first {first} accounts own a product"));
	}
	let now = mqtt_offchain_worker::mqtt::now_ms();
	eprintln!("   scale: {} steps", 2 * makers);
	let run = load::offer_calls(ctx, makers, 2 * makers, rate, |ctx, i| {
		RuntimeCall::Provenance(pallet_provenance::Call::record_step {
			product: product_of[i].clone().expect("counted above"),
			step: twinchain_primitives::StepInput {
				capability: LOAD_CAPABILITY.as_bytes().to_vec().try_into().expect("short"),
				machine: ctx.accounts[i].machine.clone(),
				task: None,
				// After the products were made (seconds ago, before `settle`): a step may not
				// start before its product existed.
				start: now - 1_000,
				end: now - 500,
				params: br#"{"rpm":12000,"depth_mm":2}"#.to_vec().try_into().expect("short"),
				result: twinchain_primitives::StepResult::Ok(
					b"ok".to_vec().try_into().expect("short"),
				),
				environment: None,
			},
		})
	})
	.await?;
	included_all("record_step", &run)?;
	ctx.settle().await?;
	let (s2, _) = state(ctx).await?;
	let d2 = disk(db);
	let machines = ctx.accounts.len();
	eprintln!("   scale: {machines} telemetry windows");
	let run = load::offer_calls(ctx, machines, machines, rate, |ctx, i| {
		let start = ctx.window_start[i];
		ctx.window_start[i] += 10;
		RuntimeCall::Telemetry(pallet_telemetry::Call::anchor_window {
			machine: ctx.accounts[i].machine.clone(),
			window: load::window(start),
		})
	})
	.await?;
	included_all("anchor_window", &run)?;
	ctx.settle().await?;
	let (s3, _) = state(ctx).await?;
	let d3 = disk(db);
	let sample: Vec<AccountId> = product_of
		.iter()
		.flatten()
		.step_by((makers / 200).max(1))
		.take(200)
		.cloned()
		.collect();
	let small = trace_times(ctx, &sample).await?;
	let rest = products.saturating_sub(first);
	eprintln!("   scale: {rest} more products");
	let started = Instant::now();
	create(ctx, rest, rate).await?;
	let took = started.elapsed().as_secs_f64();
	ctx.settle().await?;
	let (s4, all) = state(ctx).await?;
	let d4 = disk(db);
	let large = trace_times(ctx, &sample).await?;

	let mut md = String::new();
	let _ = writeln!(md, "#### Scale: state growth and `provenance_trace`\n");
	let _ = writeln!(
		md,
		"A fresh load node ({} manufacturers, each owning a credentialed machine). State is every key of the best block's state (`state_getKeysPaged`) with its value's size (`state_getStorageSize`), keys included, trie nodes not; the database directory (ParityDB: state, blocks, trie nodes) is measured on disk beside.\n",
		ctx.accounts.len()
	);
	let _ = writeln!(md, "| what | count | state per item | database on disk per item |");
	let _ = writeln!(md, "|---|---:|---|---:|");
	let kib =
		|a: u64, b: u64, n: usize| format!("{:.1} KiB", (b as f64 - a as f64) / n as f64 / 1024.0);
	let _ = writeln!(
		md,
		"| product created (no lots) | {first} | {} | {} |",
		per(&delta(&s0, &s1), first),
		kib(d0, d1, first)
	);
	let _ = writeln!(
		md,
		"| process step recorded | {} | {} | {} |",
		2 * makers,
		per(&delta(&s1, &s2), 2 * makers),
		kib(d1, d2, 2 * makers)
	);
	let _ = writeln!(
		md,
		"| telemetry window anchored (7 metrics) | {machines} | {} | {} |",
		per(&delta(&s2, &s3), machines),
		kib(d2, d3, machines)
	);
	if rest > 0 {
		let _ = writeln!(
			md,
			"| product created, from {first} to {} products | {rest} | {} | {} |",
			all.len(),
			per(&delta(&s3, &s4), rest),
			kib(d3, d4, rest)
		);
	}
	let total: u64 = s4.values().map(|(_, b)| b).sum();
	let _ = writeln!(
		md,
		"\nAt the end: {} products on chain; state {:.1} MiB in {} keys; database {:.1} MiB. The {rest} further products took {took:.0} s to create ({:.0}/s offered {rate:.0}/s).\n",
		all.len(),
		total as f64 / 1048576.0,
		s4.values().map(|(k, _)| k).sum::<u64>(),
		d4 as f64 / 1048576.0,
		rest as f64 / took,
	);
	let _ = writeln!(md, "| `provenance_trace` over JSON-RPC (200 products, 2 steps each) | p50 ms | p95 ms | max ms |");
	let _ = writeln!(md, "|---|---:|---:|---:|");
	let _ = writeln!(
		md,
		"| with {first} products on chain | {:.2} | {:.2} | {:.2} |",
		pct(&small, 0.5),
		pct(&small, 0.95),
		pct(&small, 1.0)
	);
	let _ = writeln!(
		md,
		"| with {} products on chain | {:.2} | {:.2} | {:.2} |",
		all.len(),
		pct(&large, 0.5),
		pct(&large, 0.95),
		pct(&large, 1.0)
	);
	Ok(md)
}
