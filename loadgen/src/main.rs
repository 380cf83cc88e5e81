//! `twinchain-load`: the highest load a Twinchain node sustains on this machine.
//!
//! For each scenario it starts a fresh single-validator node (the dev genesis plus `--accounts`
//! funded load accounts, each owning a credentialed machine), then offers a rising load, step
//! by step, until a step is not sustained: something refused or failed, not everything in a
//! block within three slots of the last submission, or finality more than three blocks behind.
//! The highest sustained step is then run `--repeat` times in all (the further runs on a fresh
//! node when the step above it was not sustained). Extrinsics are signed before
//! a step starts (task lifecycles: as soon as the previous step of each task is in a block) and
//! submitted over JSON-RPC in batches. The report is Markdown.

mod chain;
mod costs;
mod ingest;
mod load;
mod m2m;
mod observe;
mod scale;

use clap::Parser;
use load::{median, Ctx, Run};
use std::{fmt::Write as _, path::PathBuf, time::Duration};

#[derive(Parser)]
#[command(
	version,
	about = "Measures the load a Twinchain node sustains: transfers, telemetry anchors, task lifecycles."
)]
struct Cli {
	/// The scenarios: transfers, anchors, tasks (load ladders); did (what each DID operation
	/// costs, once, beside ERC-1056's gas with --erc1056); m2m (latency from an MQTT trigger
	/// to the machine command and to the finalized settlement, through mosquitto); ingest (MQTT
	/// telemetry messages per second the node takes through mosquitto, anchored, and its CPU
	/// per 1,000 messages); scale (state growth per product, step and window; `provenance_trace`
	/// time with 10^5 products).
	#[arg(default_values = ["transfers", "anchors", "tasks"])]
	scenarios: Vec<String>,
	/// The node binary (default: $TWINCHAIN_BIN).
	#[arg(long)]
	node: Option<PathBuf>,
	/// Load accounts (each with a machine).
	#[arg(long, default_value_t = 2000)]
	accounts: usize,
	/// Seconds each step offers its load.
	#[arg(long, default_value_t = 20.0)]
	seconds: f64,
	/// Runs of the highest sustained step (min/median/max are over these).
	#[arg(long, default_value_t = 3)]
	repeat: usize,
	/// Offered transfer rates (extrinsics per second), in the order tried.
	#[arg(long, value_delimiter = ',', default_value = "250,500,750,1000,1250,1500,2000,2500")]
	transfer_rates: Vec<f64>,
	/// Offered anchor rates (extrinsics per second), in the order tried.
	#[arg(long, value_delimiter = ',', default_value = "100,200,300,400,500,600,800")]
	anchor_rates: Vec<f64>,
	/// Concurrent task pipelines, in the order tried.
	#[arg(long, value_delimiter = ',', default_value = "100,200,400,600,800,1000")]
	pipelines: Vec<usize>,
	/// The node's RPC port.
	#[arg(long, default_value_t = 19944)]
	rpc_port: u16,
	/// Where the node logs go.
	#[arg(long, default_value = "/tmp")]
	log_dir: PathBuf,
	/// Write the Markdown report here (as well as to standard output).
	#[arg(long)]
	markdown: Option<PathBuf>,
	/// Keep each scenario's node directory (chain spec and database) in the log directory, as
	/// `twinchain-load-<scenario>/`, to replay its blocks with `twinchain benchmark block`.
	#[arg(long)]
	keep_db: bool,
	/// The ERC-1056 gas figures (`scripts/erc1056/gas.mjs` output) to set beside the did
	/// scenario's costs.
	#[arg(long)]
	erc1056: Option<PathBuf>,
	/// m2m: tasks measured per mode (after one warm-up order of five).
	#[arg(long, default_value_t = 200)]
	m2m_tasks: usize,
	/// m2m: the node's `--commands-on` modes, each run on a fresh node.
	#[arg(long, value_delimiter = ',', default_value = "finalized,best")]
	m2m_modes: Vec<String>,
	/// m2m: the emulated machines' work times (and pauses before orders) are uniform below
	/// this many milliseconds.
	#[arg(long, default_value_t = 2000)]
	m2m_work_ms: u64,
	/// scale: products on chain at the end.
	#[arg(long, default_value_t = 100_000)]
	scale_products: usize,
	/// scale: the rate products, steps and windows are offered at (extrinsics per second).
	#[arg(long, default_value_t = 400.0)]
	scale_rate: f64,
	/// ingest: offered message rates (messages per second), in the order tried.
	#[arg(
		long,
		value_delimiter = ',',
		default_value = "5000,10000,20000,30000,40000,50000,60000,70000,80000"
	)]
	ingest_rates: Vec<f64>,
	/// ingest: the node's Prometheus port (the bridge's counters are read there).
	#[arg(long, default_value_t = 19615)]
	prometheus_port: u16,
	/// m2m, ingest: the port of the mosquitto this program starts on loopback.
	#[arg(long, default_value_t = 18830)]
	mqtt_port: u16,
}

/// A scenario's report: a load ladder, or (did, m2m) a table in Markdown.
enum Section {
	Load(Outcome),
	Table(String),
}

struct Outcome {
	name: &'static str,
	costs: Vec<load::Cost>,
	unit: &'static str,
	steps: Vec<Run>,
	repeats: Vec<Run>,
}

/// A node of the load chain `spec`, started afresh: it, a client, the chain's facts and the
/// block observer.
async fn fresh_node(
	bin: &std::path::Path,
	spec: &serde_json::Value,
	cli: &Cli,
	log: &std::path::Path,
	keep: &Option<PathBuf>,
) -> Result<
	(chain::Node, jsonrpsee::ws_client::WsClient, chain::ChainInfo, observe::Observer),
	String,
> {
	let mut node = chain::Node::start(bin, spec, cli.rpc_port, log, keep.clone(), &[])?;
	let client = node.connect(Duration::from_secs(120)).await?;
	let info = chain::ChainInfo::fetch(&client).await?;
	let observer = observe::watch(&node.ws).await?;
	Ok((node, client, info, observer))
}

async fn scenario(cli: &Cli, name: &str) -> Result<Section, String> {
	let bin = cli
		.node
		.clone()
		.or_else(|| std::env::var_os("TWINCHAIN_BIN").map(PathBuf::from))
		.ok_or("no node binary: --node or TWINCHAIN_BIN")?;
	if name == "m2m" {
		// No load accounts: their machines would compete for the factory's tasks.
		eprintln!("== m2m: the dev factory, {} tasks per mode", cli.m2m_tasks);
		let spec = chain::load_chain_spec(&bin, &mut [])?;
		let mut runs = Vec::new();
		for mode in &cli.m2m_modes {
			let samples = m2m::run(&m2m::Options {
				node: &bin,
				spec: &spec,
				commands_on: mode,
				tasks: cli.m2m_tasks,
				work_ms: cli.m2m_work_ms,
				rpc_port: cli.rpc_port,
				mqtt_port: cli.mqtt_port,
				log_dir: &cli.log_dir,
			})
			.await?;
			runs.push((mode.clone(), samples));
		}
		let slot = twinchain_runtime::SLOT_DURATION as f64 / 1000.0;
		return Ok(Section::Table(m2m::report(&runs, slot, cli.m2m_work_ms)));
	}
	if name == "ingest" {
		eprintln!("== ingest: MQTT telemetry through mosquitto, {} s per step", cli.seconds);
		let spec = chain::load_chain_spec(&bin, &mut [])?;
		let report = ingest::run(&ingest::Options {
			node: &bin,
			spec: &spec,
			rates: &cli.ingest_rates,
			seconds: cli.seconds,
			repeat: cli.repeat,
			rpc_port: cli.rpc_port,
			mqtt_port: cli.mqtt_port,
			prometheus_port: cli.prometheus_port,
			log_dir: &cli.log_dir,
		})
		.await?;
		return Ok(Section::Table(ingest::report(&report)));
	}
	eprintln!("== {name}: genesis with {} load accounts", cli.accounts);
	let mut accounts = chain::load_accounts(cli.accounts);
	let spec = chain::load_chain_spec(&bin, &mut accounts)?;
	let log = cli.log_dir.join(format!("twinchain-load-{name}.log"));
	let keep = cli.keep_db.then(|| cli.log_dir.join(format!("twinchain-load-{name}")));
	let (mut node, client, info, observer) = fresh_node(&bin, &spec, cli, &log, &keep).await?;
	let mut ctx = Ctx::new(client, info, accounts, observer);
	if name == "did" {
		let measured = costs::did_costs(&ctx).await?;
		drop(node);
		return Ok(Section::Table(costs::report(&measured, cli.erc1056.as_deref())?));
	}
	if name == "scale" {
		let md = scale::run(&mut ctx, &node.db(), cli.scale_products, cli.scale_rate).await?;
		drop(node);
		return Ok(Section::Table(md));
	}
	let (label, unit, offers): (&'static str, &'static str, Vec<f64>) = match name {
		"transfers" => ("balance transfers", "xt/s offered", cli.transfer_rates.clone()),
		"anchors" => ("telemetry anchors (7 metrics)", "xt/s offered", cli.anchor_rates.clone()),
		"tasks" => (
			"task lifecycles (create → accept → complete → confirm)",
			"pipelines",
			cli.pipelines.iter().map(|p| *p as f64).collect(),
		),
		other => {
			return Err(format!(
				"unknown scenario {other}: transfers, anchors, tasks, did, m2m, ingest or scale"
			))
		},
	};
	// Up the ladder until a step is not sustained, or (task pipelines) adds nothing.
	let mut steps: Vec<Run> = Vec::new();
	let mut best: Option<f64> = None;
	let mut best_rate = 0.0;
	for offered in offers {
		let r = step(&mut ctx, name, offered, cli.seconds).await?;
		// Rate scenarios sign everything before the step; task steps are signed as they go.
		let signing = if r.paced {
			format!(" (signed beforehand in {:.1} s)", r.signing_s)
		} else {
			String::new()
		};
		eprintln!("   {offered} {unit}: {:.0} xt/s included, {}{signing}", r.steady, verdict(&r));
		let ok = r.verdict().is_ok();
		let rate = r.steady;
		steps.push(r);
		if !ok || rate < best_rate {
			break;
		}
		best = Some(offered);
		best_rate = rate;
	}
	let mut repeats = Vec::new();
	if let Some(offered) = best {
		repeats.push(steps.iter().rev().find(|r| r.offered == offered).cloned().expect("ran"));
		// The step that was not sustained may leave the pool with transactions it dropped
		// and later nonces of the same senders stranded: the repeats run on a fresh node.
		if cli.repeat > 1 && steps.last().is_some_and(|r| r.verdict().is_err()) {
			drop(node);
			let (fresh, client, info, observer) = fresh_node(&bin, &spec, cli, &log, &keep).await?;
			node = fresh;
			ctx.restart(client, info, observer);
		}
		for _ in 1..cli.repeat {
			let r = step(&mut ctx, name, offered, cli.seconds).await?;
			eprintln!("   repeat {offered} {unit}: {:.0} xt/s included, {}", r.steady, verdict(&r));
			repeats.push(r);
		}
	}
	drop(node);
	if cli.keep_db {
		eprintln!(
			"   node directory kept: {}",
			cli.log_dir.join(format!("twinchain-load-{name}")).display()
		);
	}
	Ok(Section::Load(Outcome { name: label, costs: ctx.costs.clone(), unit, steps, repeats }))
}

/// One step of `name` at `offered`, after the previous step's transactions are gone.
async fn step(ctx: &mut Ctx, name: &str, offered: f64, seconds: f64) -> Result<Run, String> {
	ctx.settle().await?;
	match name {
		"transfers" => load::transfers(ctx, offered, seconds).await,
		"anchors" => load::anchors(ctx, offered, seconds).await,
		_ => load::tasks(ctx, offered as usize, seconds).await,
	}
}

fn verdict(r: &Run) -> String {
	match r.verdict() {
		Ok(()) => "sustained".into(),
		Err(e) => format!("not sustained: {e}"),
	}
}

fn stats(mut v: Vec<f64>) -> (f64, f64, f64) {
	if v.is_empty() {
		return (0.0, 0.0, 0.0);
	}
	let med = median(&mut v);
	(v[0], med, v[v.len() - 1])
}

#[allow(clippy::let_underscore_must_use, reason = "`writeln!` into a String cannot fail")]
fn report(cli: &Cli, outcomes: &[Outcome]) -> String {
	let mut md = String::new();
	if outcomes.is_empty() {
		return md;
	}
	let _ = writeln!(
		md,
		"Each scenario ran on a fresh single-validator node ({} load accounts, each owning a \
		 credentialed machine), load generator on the same machine; each step offered its load \
		 for {} s. A step is sustained when nothing is refused or fails, everything is in a \
		 block within {} s of the last submission, and finality stays within {} blocks. The \
		 highest sustained step is run again on a fresh node when the step above it was not \
		 sustained (an overloaded pool can strand later nonces of the senders it dropped).\n",
		cli.accounts,
		cli.seconds,
		load::DRAIN.as_secs(),
		load::MAX_FINALITY_BLOCKS
	);
	for o in outcomes {
		let _ = writeln!(md, "#### {}\n", o.name);
		let _ = writeln!(
			md,
			"| extrinsic | weight (ref time) | proof size | fee | per block by weight |"
		);
		let _ = writeln!(md, "|---|---|---|---|---|");
		for c in &o.costs {
			let _ = writeln!(
				md,
				"| `{}` | {:.0} µs | {:.1} KiB | {:.4} TWIN | {} |",
				c.call, c.ref_time_us, c.proof_kib, c.fee_twin, c.per_block
			);
		}
		let _ = writeln!(md);
		let _ = writeln!(
			md,
			"| {} | included xt/s | lifecycles | block fullness median / max | finalized after (s) median / max | best − finalized max | verdict |",
			o.unit
		);
		let _ = writeln!(md, "|---|---|---|---|---|---|---|");
		for r in &o.steps {
			let (_, fm, fx) = stats(r.fullness.clone());
			let (_, lm, lx) = stats(r.finality_s.clone());
			let _ = writeln!(
				md,
				"| {} | {:.0} | {} | {:.0}% / {:.0}% | {:.1} / {:.1} | {} | {} |",
				r.offered,
				r.steady,
				if r.lifecycles > 0 { r.lifecycles.to_string() } else { "–".into() },
				fm * 100.0,
				fx * 100.0,
				lm,
				lx,
				r.max_finality_blocks,
				verdict(r)
			);
		}
		if o.repeats.is_empty() {
			let _ = writeln!(md, "\nNo step was sustained.\n");
			continue;
		}
		let (lo, mid, hi) = stats(o.repeats.iter().map(|r| r.steady).collect());
		let all_ok = o.repeats.iter().all(|r| r.verdict().is_ok());
		let (_, fm, _) = stats(o.repeats.iter().flat_map(|r| r.fullness.clone()).collect());
		let (_, lm, lx) = stats(o.repeats.iter().flat_map(|r| r.finality_s.clone()).collect());
		let _ = writeln!(
			md,
			"\nHighest sustained step: {} {}, run {} times: **{:.0} xt/s** included (min {:.0} / median {:.0} / max {:.0}){}; blocks {:.0}% full (median), finalized {:.1} s after import (median; max {:.1} s).\n",
			o.repeats[0].offered,
			o.unit,
			o.repeats.len(),
			mid,
			lo,
			mid,
			hi,
			if all_ok { "" } else { " — not every repeat was sustained, see the log" },
			fm * 100.0,
			lm,
			lx
		);
	}
	md
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
	let cli = Cli::parse();
	let mut outcomes = Vec::new();
	let mut tables = Vec::new();
	for s in &cli.scenarios {
		match scenario(&cli, s).await {
			Ok(Section::Load(o)) => outcomes.push(o),
			Ok(Section::Table(t)) => tables.push(t),
			Err(e) => {
				eprintln!("twinchain-load: {s}: {e}");
				std::process::exit(1);
			},
		}
	}
	let mut md = report(&cli, &outcomes);
	for t in tables {
		md.push_str(&t);
	}
	print!("{md}");
	if let Some(path) = &cli.markdown {
		if let Err(e) = std::fs::write(path, &md) {
			eprintln!("twinchain-load: {}: {e}", path.display());
			std::process::exit(1);
		}
	}
}
