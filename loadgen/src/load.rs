//! The load scenarios and their measurement: pre-signed extrinsics offered at a fixed rate
//! (transfers, telemetry anchors), or task lifecycles driven by the chain's events.

use crate::{
	chain::{self, ChainInfo, LoadAccount, LOAD_CAPABILITY, LOAD_REWARD},
	observe::{BlockSeen, Observer},
};
use futures::{stream::FuturesUnordered, StreamExt};
use jsonrpsee::{core::client::ClientT, rpc_params, ws_client::WsClient};
use sp_core::Bytes;
use std::{
	collections::HashMap,
	sync::Arc,
	time::{Duration, Instant},
};
use twinchain_runtime::{RuntimeCall, MILLI_UNIT};

/// Extrinsics per JSON-RPC batch request.
const BATCH: usize = 64;
/// How long after the last submission everything must be in a block for the rate to count as
/// sustained: three slots.
pub const DRAIN: Duration = Duration::from_secs(6);
/// The largest distance between the best and the finalized block at which finality still
/// keeps up.
pub const MAX_FINALITY_BLOCKS: u32 = 3;

/// What one run at one offered load measured.
#[derive(Clone, Debug, Default)]
pub struct Run {
	/// The offered load: extrinsics per second, or concurrent task pipelines.
	pub offered: f64,
	pub sent: u64,
	pub rpc_errors: u64,
	pub first_rpc_error: Option<String>,
	pub included: u64,
	pub failed: u64,
	pub first_failure: Option<String>,
	/// Included per second in the steady state: blocks imported after the warm-up and up to
	/// the last submission.
	pub steady: f64,
	/// Whether the offered load is a rate the steady state must keep up with.
	pub paced: bool,
	/// Whether everything was in a block within [`DRAIN`] of the last submission.
	pub drained: bool,
	/// Normal-class fullness of each block of the run.
	pub fullness: Vec<f64>,
	/// Seconds from each block's import to its finalization.
	pub finality_s: Vec<f64>,
	pub max_finality_blocks: u32,
	/// Task lifecycles finished (tasks scenario only), and those still unfinished at the end.
	pub lifecycles: u64,
	pub stuck: u64,
	/// Seconds spent signing the run's extrinsics before it started (rate scenarios; outside
	/// the measurement).
	pub signing_s: f64,
}

impl Run {
	/// Why this run does not count as sustained, if it does not.
	pub fn verdict(&self) -> Result<(), String> {
		if self.rpc_errors > 0 {
			return Err(format!(
				"{} refused by the node ({})",
				self.rpc_errors,
				self.first_rpc_error.clone().unwrap_or_default()
			));
		}
		if self.failed > 0 {
			return Err(format!(
				"{} failed in blocks ({})",
				self.failed,
				self.first_failure.clone().unwrap_or_default()
			));
		}
		if self.stuck > 0 {
			return Err(format!("{} task lifecycles unfinished", self.stuck));
		}
		if self.included < self.sent {
			return Err(format!("{} of {} never included", self.sent - self.included, self.sent));
		}
		if !self.drained {
			return Err(format!(
				"backlog: not all in a block {} s after the last submission",
				DRAIN.as_secs()
			));
		}
		if self.paced && self.steady < 0.95 * self.offered {
			return Err(format!(
				"{:.0} of {:.0} xt/s included in the steady state",
				self.steady, self.offered
			));
		}
		if self.max_finality_blocks > MAX_FINALITY_BLOCKS {
			return Err(format!("finality fell {} blocks behind", self.max_finality_blocks));
		}
		Ok(())
	}
}

/// Everything a scenario needs.
pub struct Ctx {
	pub client: Arc<WsClient>,
	pub info: ChainInfo,
	pub accounts: Arc<Vec<LoadAccount>>,
	pub observer: Observer,
	/// The next window start of each load machine (telemetry anchors).
	pub window_start: Vec<u64>,
	/// What each kind of extrinsic offered weighs and costs.
	pub costs: Vec<Cost>,
}

/// One kind of extrinsic's weight and fee: `payment_queryInfo`'s weight (call and transaction
/// extensions) plus the runtime's per-extrinsic base weight, which is what a block is charged,
/// and how many fit a block's normal class.
#[derive(Clone, Debug)]
pub struct Cost {
	pub call: &'static str,
	pub ref_time_us: f64,
	pub proof_kib: f64,
	pub fee_twin: f64,
	pub per_block: u64,
}

impl Ctx {
	/// Records what `xt` (a `call`) weighs and costs, once per kind.
	async fn cost(&mut self, call: &'static str, xt: &Bytes) -> Result<(), String> {
		if self.costs.iter().any(|c| c.call == call) {
			return Ok(());
		}
		let info: serde_json::Value = self
			.client
			.request("payment_queryInfo", rpc_params![xt])
			.await
			.map_err(|e| format!("payment_queryInfo: {e}"))?;
		let num = |v: &serde_json::Value| -> f64 {
			v.as_f64().or_else(|| v.as_str().and_then(|s| s.parse().ok())).unwrap_or(0.0)
		};
		let field = |a: &str, b: &str| {
			let w = &info["weight"];
			if w[a].is_null() {
				num(&w[b])
			} else {
				num(&w[a])
			}
		};
		let (normal, base) = crate::observe::normal_limits();
		let ref_time = field("refTime", "ref_time") + base.ref_time() as f64;
		let normal = normal.ref_time() as f64;
		self.costs.push(Cost {
			call,
			ref_time_us: ref_time / 1e6,
			proof_kib: field("proofSize", "proof_size") / 1024.0,
			fee_twin: num(&info["partialFee"]) / twinchain_runtime::UNIT as f64,
			per_block: if ref_time > 0.0 { (normal / ref_time) as u64 } else { 0 },
		});
		Ok(())
	}
}

impl Ctx {
	pub fn new(
		client: WsClient,
		info: ChainInfo,
		accounts: Vec<LoadAccount>,
		observer: Observer,
	) -> Ctx {
		// Windows start an hour in the past, 10 ms each: far below the chain's clock.
		let base = std::time::SystemTime::now()
			.duration_since(std::time::UNIX_EPOCH)
			.expect("after 1970")
			.as_millis() as u64
			- 3_600_000;
		let n = accounts.len();
		Ctx {
			client: Arc::new(client),
			info,
			accounts: Arc::new(accounts),
			observer,
			window_start: vec![base; n],
			costs: Vec::new(),
		}
	}

	/// Continues on a fresh node of the same chain (same accounts; nonces are read per step).
	pub fn restart(&mut self, client: WsClient, info: ChainInfo, observer: Observer) {
		self.client = Arc::new(client);
		self.info = info;
		self.observer = observer;
	}

	/// Waits until the pool is empty (up to a minute) and drops the blocks seen meanwhile.
	pub async fn settle(&mut self) -> Result<(), String> {
		let until = Instant::now() + Duration::from_secs(60);
		while chain::pool_len(&self.client).await? > 0 && Instant::now() < until {
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
		tokio::time::sleep(Duration::from_secs(3)).await;
		while self.observer.blocks.try_recv().is_ok() {}
		Ok(())
	}

	fn best(&self) -> u32 {
		self.observer.finality.lock().unwrap().best
	}
}

/// Submits `xts` in one batch request; the number accepted and the errors.
async fn submit(client: Arc<WsClient>, xts: Vec<Bytes>) -> (u64, Vec<String>) {
	let n = xts.len();
	let calls = xts.iter().map(|xt| rpc_params![xt]);
	match crate::chain::batch::<sp_core::H256>(&client, "author_submitExtrinsic", calls, n).await {
		Ok(answers) => {
			let errors: Vec<String> = answers.into_iter().filter_map(Result::err).collect();
			((n - errors.len()) as u64, errors)
		},
		Err(e) => (0, vec![e; n]),
	}
}

/// The tallies of one run, filled from submissions and blocks.
struct Tally {
	run: Run,
	start: Instant,
	last_included: Option<Instant>,
	/// Each block's import, on-chain timestamp (ms) and successful extrinsics.
	blocks: Vec<(Instant, u64, u32)>,
}

impl Tally {
	fn new(offered: f64) -> Tally {
		Tally {
			run: Run { offered, ..Default::default() },
			start: Instant::now(),
			last_included: None,
			blocks: Vec::new(),
		}
	}
	fn submitted(&mut self, (ok, errors): (u64, Vec<String>)) {
		self.run.sent += ok + errors.len() as u64;
		self.run.rpc_errors += errors.len() as u64;
		if let Some(e) = errors.into_iter().next() {
			self.run.first_rpc_error.get_or_insert(e);
		}
	}
	fn block(&mut self, b: &BlockSeen) {
		self.run.included += b.ok as u64;
		self.blocks.push((b.at, b.timestamp_ms, b.ok));
		self.run.failed += b.failed as u64;
		if let Some(e) = &b.first_error {
			self.run.first_failure.get_or_insert(e.clone());
		}
		if b.ok + b.failed > 0 {
			self.last_included = Some(b.at);
			self.run.fullness.push(b.fullness);
		}
	}
	/// `warmup`: how long after the start the steady state begins; it ends at `steady_end`.
	fn finish(
		mut self,
		ctx: &Ctx,
		last_sent: Instant,
		warmup: Duration,
		steady_end: Instant,
	) -> Run {
		let end = self.last_included.unwrap_or(last_sent);
		let from = self.start + warmup;
		// Blocks imported in (from, steady_end]: what the chain took in per second meanwhile,
		// over the time between their on-chain timestamps (slot starts: import times jitter
		// with each block's authoring and import).
		let mut first: Option<u64> = None;
		let mut last: Option<u64> = None;
		let mut n = 0u64;
		for (at, ts, ok) in &self.blocks {
			if *at <= from || *at > steady_end {
				continue;
			}
			match first {
				// The first block's extrinsics arrived before it: count from it.
				None => first = Some(*ts),
				Some(_) => n += *ok as u64,
			}
			last = Some(*ts);
		}
		self.run.steady = match (first, last) {
			(Some(f), Some(l)) if l > f => n as f64 * 1000.0 / (l - f) as f64,
			_ => 0.0,
		};
		self.run.drained =
			self.run.included + self.run.failed >= self.run.sent && end <= last_sent + DRAIN;
		let f = ctx.observer.finality.lock().unwrap();
		self.run.finality_s = f
			.lags
			.iter()
			.filter(|(at, _)| *at >= self.start)
			.map(|(_, d)| d.as_secs_f64())
			.collect();
		self.run.max_finality_blocks = f
			.block_lags
			.iter()
			.filter(|(at, _)| *at >= self.start && *at <= end)
			.map(|(_, l)| *l)
			.max()
			.unwrap_or(0);
		self.run
	}
}

/// Offers `xts` at `rate` per second and follows them into blocks.
async fn offer(ctx: &mut Ctx, xts: Vec<Bytes>, rate: f64, signing_s: f64) -> Run {
	let mut tally = Tally::new(rate);
	tally.run.signing_s = signing_s;
	let total = xts.len();
	let mut xts = xts.into_iter();
	let mut sent = 0usize;
	let mut inflight = FuturesUnordered::new();
	let mut last_sent = Instant::now();
	let tick = tokio::time::interval(Duration::from_millis(20));
	tokio::pin!(tick);
	// Submit at the pace asked, taking blocks as they come.
	loop {
		tokio::select! {
			_ = tick.tick(), if sent < total => {
				let due = ((tally.start.elapsed().as_secs_f64() * rate) as usize).min(total);
				while sent < due {
					let n = BATCH.min(due - sent);
					let chunk: Vec<Bytes> = xts.by_ref().take(n).collect();
					sent += n;
					inflight.push(submit(ctx.client.clone(), chunk));
				}
				if sent == total { last_sent = Instant::now(); }
			}
			Some(r) = inflight.next(), if !inflight.is_empty() => tally.submitted(r),
			Some(b) = ctx.observer.blocks.recv() => tally.block(&b),
		}
		if sent == total && inflight.is_empty() {
			break;
		}
	}
	// Then wait for the rest to be included: DRAIN decides the verdict, a minute at most.
	let until = Instant::now() + Duration::from_secs(60);
	while tally.run.included + tally.run.failed < tally.run.sent - tally.run.rpc_errors
		&& Instant::now() < until
	{
		if let Ok(Some(b)) =
			tokio::time::timeout(Duration::from_secs(5), ctx.observer.blocks.recv()).await
		{
			tally.block(&b);
		}
	}
	tally.run.paced = true;
	let warmup = Duration::from_secs(4).min((last_sent - tally.start) / 2);
	tally.finish(ctx, last_sent, warmup, last_sent)
}

/// Signs `per_account` calls for each of the first `n` accounts, interleaved so that
/// consecutive submissions come from different accounts and each account's nonces ascend.
async fn presign(
	ctx: &mut Ctx,
	n: usize,
	per_account: usize,
	mut call: impl FnMut(&mut Ctx, usize) -> RuntimeCall,
) -> Result<(Vec<Bytes>, f64), String> {
	let nonces = chain::nonces(&ctx.client, &ctx.accounts[..n]).await?;
	let started = Instant::now();
	let mut xts = Vec::with_capacity(n * per_account);
	for j in 0..per_account {
		for (i, nonce) in nonces.iter().enumerate().take(n) {
			let c = call(ctx, i);
			xts.push(ctx.info.sign(&ctx.accounts[i].pair, nonce + j as u32, c));
		}
	}
	Ok((xts, started.elapsed().as_secs_f64()))
}

/// Offers `count` calls at `rate` per second: `call(ctx, i)` for the first `n` accounts in
/// turn (signed before the offer starts).
pub async fn offer_calls(
	ctx: &mut Ctx,
	n: usize,
	count: usize,
	rate: f64,
	call: impl FnMut(&mut Ctx, usize) -> RuntimeCall,
) -> Result<Run, String> {
	let (mut xts, signing) = presign(ctx, n, count.div_ceil(n.max(1)), call).await?;
	xts.truncate(count);
	Ok(offer(ctx, xts, rate, signing).await)
}

/// Balance transfers: each account sends 1 mTWIN to the next, kept alive.
pub async fn transfers(ctx: &mut Ctx, rate: f64, seconds: f64) -> Result<Run, String> {
	let n = ctx.accounts.len();
	let total = (rate * seconds).ceil() as usize;
	let per_account = total.div_ceil(n);
	let accounts = ctx.accounts.clone();
	let (mut xts, signing) = presign(ctx, n, per_account, |_, i| {
		RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: accounts[(i + 1) % n].account.clone().into(),
			value: MILLI_UNIT,
		})
	})
	.await?;
	xts.truncate(total);
	ctx.cost("balances.transferKeepAlive", &xts[0]).await?;
	Ok(offer(ctx, xts, rate, signing).await)
}

/// The demo factory's environment window: seven metrics of ten readings each.
pub fn window(start: u64) -> pallet_telemetry::WindowInput {
	let metric = |name: &str, v: i64| pallet_telemetry::MetricSummary {
		metric: name.as_bytes().to_vec().try_into().expect("short"),
		count: 10,
		min: v - 5,
		max: v + 5,
		mean: v,
	};
	pallet_telemetry::WindowInput {
		start,
		end: start + 10,
		root: sp_io::hashing::blake2_256(&start.to_le_bytes()),
		count: 70,
		metrics: vec![
			metric("br", 800),
			metric("gr", 120_000),
			metric("h", 45_000),
			metric("iaq", 50_000),
			metric("p", 1_013_000),
			metric("rh", 40_000),
			metric("t", 21_500),
		]
		.try_into()
		.expect("seven metrics fit"),
	}
}

/// Telemetry anchors: each account anchors its machine's next 10 ms window of seven metrics.
pub async fn anchors(ctx: &mut Ctx, rate: f64, seconds: f64) -> Result<Run, String> {
	let n = ctx.accounts.len();
	let total = (rate * seconds).ceil() as usize;
	let per_account = total.div_ceil(n);
	let (mut xts, signing) = presign(ctx, n, per_account, |ctx, i| {
		let start = ctx.window_start[i];
		ctx.window_start[i] += 10;
		RuntimeCall::Telemetry(pallet_telemetry::Call::anchor_window {
			machine: ctx.accounts[i].machine.clone(),
			window: window(start),
		})
	})
	.await?;
	xts.truncate(total);
	ctx.cost("telemetry.anchorWindow (7 metrics)", &xts[0]).await?;
	Ok(offer(ctx, xts, rate, signing).await)
}

#[derive(Clone, Copy, PartialEq)]
enum Stage {
	Idle,
	Created,
	Assigned,
	Completed,
}

/// Full task lifecycles on `pipelines` requester/provider pairs for `seconds`: account i asks
/// account i+1's machine for a task (create, designated), i+1 accepts (assign) and completes
/// it, i confirms (settle, escrow → provider's owner); then i asks again. Each step is
/// submitted as soon as the block with the previous one is imported.
pub async fn tasks(ctx: &mut Ctx, pipelines: usize, seconds: f64) -> Result<Run, String> {
	let k = pipelines.min(ctx.accounts.len());
	{
		let a = &ctx.accounts;
		let samples: Vec<(&'static str, RuntimeCall)> = vec![
			(
				"tasks.createTask (designated, not matched)",
				RuntimeCall::Tasks(pallet_tasks::Call::create_task {
					capability: LOAD_CAPABILITY.as_bytes().to_vec().try_into().expect("short"),
					params: Default::default(),
					product: None,
					designated: Some(a[1].machine.clone()),
					reward: LOAD_REWARD,
					deadline: 1000,
					auto_assign: false,
					challenge: None,
				}),
			),
			(
				"tasks.acceptTask",
				RuntimeCall::Tasks(pallet_tasks::Call::accept_task {
					task: 0,
					machine: a[1].machine.clone(),
				}),
			),
			(
				"tasks.completeTask (declared; refunded to the plain case)",
				RuntimeCall::Tasks(pallet_tasks::Call::complete_task {
					task: 0,
					result: b"ok".to_vec().try_into().expect("short"),
					evidence: [0; 32],
				}),
			),
			("tasks.confirmTask", RuntimeCall::Tasks(pallet_tasks::Call::confirm_task { task: 0 })),
		];
		let signed: Vec<_> =
			samples.into_iter().map(|(n, c)| (n, ctx.info.sign(&a[0].pair, 0, c))).collect();
		for (n, xt) in signed {
			ctx.cost(n, &xt).await?;
		}
	}
	let mut nonces = chain::nonces(&ctx.client, &ctx.accounts[..k]).await?;
	let accounts = ctx.accounts.clone();
	let info = ctx.info;
	let mut stage = vec![Stage::Idle; k];
	let by_requester: HashMap<_, usize> =
		accounts[..k].iter().enumerate().map(|(i, a)| (a.account.clone(), i)).collect();
	let mut by_task: HashMap<u64, usize> = HashMap::new();
	let mut tally = Tally::new(k as f64);
	let stop_at = tally.start + Duration::from_secs_f64(seconds);
	let mut inflight = FuturesUnordered::new();
	let mut last_sent = Instant::now();
	let mut sign = |who: usize, call: RuntimeCall| {
		let xt = info.sign(&accounts[who].pair, nonces[who], call);
		nonces[who] += 1;
		xt
	};
	let create = |i: usize, best: u32| {
		RuntimeCall::Tasks(pallet_tasks::Call::create_task {
			capability: LOAD_CAPABILITY.as_bytes().to_vec().try_into().expect("short"),
			params: Default::default(),
			product: None,
			designated: Some(accounts[(i + 1) % k].machine.clone()),
			reward: LOAD_REWARD,
			// At most `MaxTasksPerBlock` (64) deadlines share a block: spread them.
			deadline: best + 200 + (i % 256) as u32,
			auto_assign: false,
			challenge: None,
		})
	};
	let mut first: Vec<Bytes> = Vec::new();
	for (i, stage) in stage.iter_mut().enumerate().take(k) {
		first.push(sign(i, create(i, ctx.best())));
		*stage = Stage::Created;
	}
	for chunk in first.chunks(BATCH) {
		inflight.push(submit(ctx.client.clone(), chunk.to_vec()));
	}
	let give_up = stop_at + Duration::from_secs(60);
	while Instant::now() < give_up {
		let running = stage.iter().any(|s| *s != Stage::Idle);
		if !running && inflight.is_empty() {
			break;
		}
		tokio::select! {
			Some(r) = inflight.next(), if !inflight.is_empty() => tally.submitted(r),
			Some(b) = ctx.observer.blocks.recv() => {
				tally.block(&b);
				let mut next: Vec<Bytes> = Vec::new();
				for e in &b.tasks {
					match e {
						pallet_tasks::Event::TaskCreated { task, requester, .. } => {
							let Some(&i) = by_requester.get(requester) else { continue };
							if stage[i] != Stage::Created { continue }
							by_task.insert(*task, i);
							let p = (i + 1) % k;
							next.push(sign(p, RuntimeCall::Tasks(pallet_tasks::Call::accept_task {
								task: *task,
								machine: accounts[p].machine.clone(),
							})));
						},
						pallet_tasks::Event::TaskAssigned { task, .. } => {
							let Some(&i) = by_task.get(task) else { continue };
							stage[i] = Stage::Assigned;
							let p = (i + 1) % k;
							next.push(sign(p, RuntimeCall::Tasks(pallet_tasks::Call::complete_task {
								task: *task,
								result: b"ok".to_vec().try_into().expect("short"),
								evidence: sp_io::hashing::blake2_256(&task.to_le_bytes()),
							})));
						},
						pallet_tasks::Event::TaskCompleted { task, .. } => {
							let Some(&i) = by_task.get(task) else { continue };
							stage[i] = Stage::Completed;
							next.push(sign(i, RuntimeCall::Tasks(pallet_tasks::Call::confirm_task { task: *task })));
						},
						pallet_tasks::Event::TaskSettled { task, .. } => {
							let Some(i) = by_task.remove(task) else { continue };
							tally.run.lifecycles += 1;
							if Instant::now() < stop_at {
								next.push(sign(i, create(i, b.number)));
								stage[i] = Stage::Created;
							} else {
								stage[i] = Stage::Idle;
							}
						},
						_ => {},
					}
				}
				if !next.is_empty() {
					last_sent = Instant::now();
					for chunk in next.chunks(BATCH) {
						inflight.push(submit(ctx.client.clone(), chunk.to_vec()));
					}
				}
			}
		}
	}
	while let Some(r) = inflight.next().await {
		tally.submitted(r);
	}
	tally.run.stuck = stage.iter().filter(|s| **s != Stage::Idle).count() as u64;
	// Every pipeline is busy once its first create is in a block and has gone round once
	// (four blocks); short runs take their second half.
	let warmup = Duration::from_secs(10).min(Duration::from_secs_f64(seconds / 2.0));
	Ok(tally.finish(ctx, last_sent, warmup, stop_at))
}

/// The median of `v` (sorted in place), or 0.
pub fn median(v: &mut [f64]) -> f64 {
	percentile(v, 0.5)
}

/// The `p` percentile of `v` (sorted in place, nearest rank), or 0.
pub fn percentile(v: &mut [f64], p: f64) -> f64 {
	if v.is_empty() {
		return 0.0;
	}
	v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
	let rank = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
	v[rank - 1]
}
