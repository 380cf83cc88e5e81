//! M2M latency through the factory bridge, as a factory sees it.
//!
//! A real MQTT broker (mosquitto, on loopback) sits between the node's bridge and this program,
//! which plays the factory's machines: it orders workpieces on `f/o/order` one at a time, takes
//! each machine command the node publishes (`fl/vgr/do`, `twin/c/vgr`) and at once acknowledges
//! it as started at once and as done after a random work time (uniform below `work_ms`, so that
//! triggers fall anywhere in a slot, as a real machine's would; an order is placed after such a
//! pause as well) on the station's `fl/<station>/ack`. For every task it measures, on this
//! program's clock:
//!
//! - **command**: from the MQTT message that triggered the task (the order for a first step,
//!   the previous step's done acknowledgement for the others) to its command arriving;
//! - **completed**: from the done acknowledgement to a finalized block holding the task's
//!   `TaskCompleted` (the provider's work recorded for good: the step is in the product's twin,
//!   the next task created);
//! - **settled**: from the done acknowledgement to a finalized block holding `TaskSettled` (the
//!   escrowed reward paid: the bridge's gateway, which placed the order, confirms each completion
//!   it relayed once that is final; without it the reward would wait for the challenge period).
//!
//! For each command it also notes whether the block assigning the task was already finalized
//! when the command arrived — with `--commands-on finalized` it always must be.

use crate::{
	chain,
	observe::{hash_of, storage, storage_key, EventRecord},
};
use codec::Decode;
use jsonrpsee::{core::client::ClientT, rpc_params, ws_client::WsClient};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use serde_json::{json, Value};
use sp_core::H256;
use std::{
	collections::{HashMap, HashSet},
	fmt::Write as _,
	net::TcpStream,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};
use tokio::sync::mpsc;
use twinchain_runtime::{Header, RuntimeEvent};

/// Steps of the dev factory's recipes (fetch, fire, mill, sort, ship).
const STEPS: usize = 5;
/// How long one command may take to arrive before the run is given up.
const PATIENCE: Duration = Duration::from_secs(120);
/// The topics the dev factory's commands go out on.
const COMMAND_TOPICS: [&str; 2] = ["fl/vgr/do", "twin/c/vgr"];

/// One mode's run.
pub struct Options<'a> {
	pub node: &'a Path,
	pub spec: &'a Value,
	/// `finalized` or `best` (the node's `--commands-on`).
	pub commands_on: &'a str,
	/// Measured tasks (after one warm-up order).
	pub tasks: usize,
	/// Work times (and pauses before orders) are uniform in `0..work_ms` milliseconds.
	pub work_ms: u64,
	pub rpc_port: u16,
	pub mqtt_port: u16,
	pub log_dir: &'a Path,
}

/// What was measured for one task.
#[derive(Clone, Debug)]
pub struct Sample {
	/// Trigger → command arrived (s).
	pub command: f64,
	/// Done acknowledgement → `TaskCompleted` finalized (s).
	pub completed: f64,
	/// Done acknowledgement → `TaskSettled` finalized (s).
	pub settled: f64,
	/// Whether the assigning block was finalized when the command arrived.
	pub after_finality: bool,
}

/// A mosquitto process on loopback, stopped when dropped.
pub struct Broker(Child, PathBuf);

impl Broker {
	/// Starts mosquitto on loopback `port` with `extra` configuration lines.
	pub fn start(port: u16, dir: &Path, extra: &str) -> Result<Broker, String> {
		let conf = dir.join(format!("twinchain-load-mosquitto-{port}.conf"));
		std::fs::write(&conf, format!("listener {port} 127.0.0.1\nallow_anonymous true\n{extra}"))
			.map_err(|e| format!("{}: {e}", conf.display()))?;
		let child = Command::new("mosquitto")
			.arg("-c")
			.arg(&conf)
			.stdout(Stdio::null())
			.stderr(Stdio::null())
			.spawn()
			.map_err(|e| format!("mosquitto (apt install mosquitto): {e}"))?;
		let broker = Broker(child, conf);
		let until = Instant::now() + Duration::from_secs(10);
		while TcpStream::connect(("127.0.0.1", port)).is_err() {
			if Instant::now() > until {
				return Err(format!("mosquitto does not listen on port {port}"));
			}
			std::thread::sleep(Duration::from_millis(50));
		}
		Ok(broker)
	}
}

impl Broker {
	/// The process id.
	pub fn pid(&self) -> u32 {
		self.0.id()
	}
}

impl Drop for Broker {
	#[allow(
		clippy::let_underscore_must_use,
		reason = "the broker may have exited already; its configuration file may be gone"
	)]
	fn drop(&mut self) {
		let _ = self.0.kill();
		let _ = self.0.wait();
		let _ = std::fs::remove_file(&self.1);
	}
}

/// Waits (a minute at most) until the node logging to `log` says its bridge is connected to
/// the broker at `url` (and so subscribed).
pub async fn bridge_connected(log: &Path, url: &str) -> Result<(), String> {
	let until = Instant::now() + Duration::from_secs(60);
	while !std::fs::read_to_string(log)
		.unwrap_or_default()
		.contains(&format!("connected to {url}"))
	{
		if Instant::now() > until {
			return Err(format!(
				"the node's bridge did not connect to {url}; see {}",
				log.display()
			));
		}
		tokio::time::sleep(Duration::from_millis(200)).await;
	}
	Ok(())
}

/// When this program first saw each task event, by kind.
#[derive(Default)]
struct Seen {
	/// Task → the number of the best block that assigned it.
	assigned_in: HashMap<u64, u32>,
	completed_final: HashMap<u64, Instant>,
	settled_final: HashMap<u64, Instant>,
}

async fn events(client: &WsClient, hash: H256) -> Result<Vec<EventRecord>, String> {
	let raw = storage(client, &storage_key("System", "Events"), hash).await?;
	Vec::<EventRecord>::decode(&mut &raw[..]).map_err(|e| format!("events: {e}"))
}

/// Follows best and finalized blocks (none skipped) and notes their task events in `seen`.
async fn watch(url: &str, seen: Arc<Mutex<Seen>>) -> Result<tokio::task::JoinHandle<()>, String> {
	let client = chain::connect(url).await?;
	let (mut best, mut finalized) = crate::observe::heads(&client).await?;
	Ok(tokio::spawn(async move {
		let (mut last_best, mut last_final): (Option<u32>, Option<u32>) = (None, None);
		loop {
			tokio::select! {
				h = best.next() => {
					let Some(Ok(h)) = h else { break };
					for n in last_best.map_or(h.number, |l| l + 1)..=h.number {
						let Ok(hash) = hash_of(&client, n).await else { continue };
						let Ok(records) = events(&client, hash).await else { continue };
						let mut s = seen.lock().expect("not poisoned");
						for r in records {
							if let RuntimeEvent::Tasks(pallet_tasks::Event::TaskAssigned { task, .. }) = r.event {
								s.assigned_in.insert(task, n);
							}
						}
					}
					last_best = Some(h.number.max(last_best.unwrap_or(0)));
				}
				h = finalized.next() => {
					let Some(Ok(h)) = h else { break };
					let at = Instant::now();
					for n in last_final.map_or(h.number, |l| l + 1)..=h.number {
						let Ok(hash) = hash_of(&client, n).await else { continue };
						let Ok(records) = events(&client, hash).await else { continue };
						let mut s = seen.lock().expect("not poisoned");
						for r in records {
							match r.event {
								RuntimeEvent::Tasks(pallet_tasks::Event::TaskCompleted { task, .. }) => {
									s.completed_final.entry(task).or_insert(at);
								},
								RuntimeEvent::Tasks(pallet_tasks::Event::TaskSettled { task, .. }) => {
									s.settled_final.entry(task).or_insert(at);
								},
								_ => {},
							}
						}
					}
					last_final = Some(h.number);
				}
			}
		}
	}))
}

/// The station that acknowledges a command, by its capability (`step`); the VGR does the rest
/// (shipping on `twin/c/vgr`).
fn station(command: &Value) -> &'static str {
	match command["step"].as_str() {
		Some("outsourcing" | "warehousing") => "hbw",
		Some("oven" | "milling") => "mpo",
		Some("sorting") => "sld",
		_ => "vgr",
	}
}

/// A machine command as it arrived.
struct Arrived {
	task: u64,
	station: &'static str,
	at: Instant,
}

/// Runs the node with `--commands-on <mode>` behind mosquitto and measures `tasks` tasks.
pub async fn run(o: &Options<'_>) -> Result<Vec<Sample>, String> {
	let broker = Broker::start(o.mqtt_port, o.log_dir, "")?;
	let log = o.log_dir.join(format!("twinchain-load-m2m-{}.log", o.commands_on));
	let url = format!("mqtt://127.0.0.1:{}", o.mqtt_port);
	let extra = ["--dev", "--mqtt-broker", &url, "--commands-on", o.commands_on];
	let mut node = chain::Node::start(o.node, o.spec, o.rpc_port, &log, None, &extra)?;
	let client = node.connect(Duration::from_secs(120)).await?;
	let seen = Arc::new(Mutex::new(Seen::default()));
	let watcher = watch(&node.ws, seen.clone()).await?;
	bridge_connected(&log, &url).await?;

	let mut options = MqttOptions::new(
		format!("twinchain-m2m-{}-{}", o.commands_on, o.mqtt_port),
		"127.0.0.1",
		o.mqtt_port,
	);
	options.set_keep_alive(Duration::from_secs(30));
	let (mqtt, mut eventloop) = AsyncClient::new(options, 1_000);
	let (tx, mut commands) = mpsc::unbounded_channel::<Arrived>();
	let (subscribed_tx, mut subscribed) = mpsc::unbounded_channel::<()>();
	let client_task = tokio::spawn(async move {
		loop {
			match eventloop.poll().await {
				Ok(Event::Incoming(Packet::Publish(p))) => {
					let at = Instant::now();
					let Ok(v) = serde_json::from_slice::<Value>(&p.payload) else { continue };
					let Some(task) = v["task"].as_u64() else { continue };
					#[allow(
						clippy::let_underscore_must_use,
						reason = "the run may be over: nobody waits for commands any more"
					)]
					let _ = tx.send(Arrived { task, station: station(&v), at });
				},
				Ok(Event::Incoming(Packet::SubAck(_))) => {
					#[allow(
						clippy::let_underscore_must_use,
						reason = "the run waits for the first subscription only"
					)]
					let _ = subscribed_tx.send(());
				},
				Ok(_) => {},
				Err(e) => {
					eprintln!("   m2m: MQTT: {e}");
					tokio::time::sleep(Duration::from_millis(200)).await;
				},
			}
		}
	});
	for t in COMMAND_TOPICS {
		mqtt.subscribe(t, QoS::AtLeastOnce)
			.await
			.map_err(|e| format!("subscribe {t}: {e}"))?;
	}
	for _ in COMMAND_TOPICS {
		tokio::time::timeout(Duration::from_secs(10), subscribed.recv())
			.await
			.map_err(|_| "no SUBACK from mosquitto".to_string())?;
	}
	let publish = |topic: String, v: Value| {
		let mqtt = mqtt.clone();
		async move {
			mqtt.publish(topic, QoS::AtLeastOnce, false, v.to_string().into_bytes())
				.await
				.map_err(|e| format!("publish: {e}"))
		}
	};

	let mut rng = now_nanos() | 1;
	let mut work = move || {
		// xorshift64: uniform enough for spreading triggers over a slot.
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		Duration::from_millis(rng % o.work_ms.max(1))
	};
	let orders = 1 + o.tasks.div_ceil(STEPS);
	let mut commanded: HashSet<u64> = HashSet::new();
	// Task → (trigger → command s, done acknowledgement sent, assigning block final then).
	let mut measured: Vec<(u64, f64, Instant, Option<u32>)> = Vec::new();
	let started = Instant::now();
	for order in 0..orders {
		tokio::time::sleep(work()).await;
		let mut trigger = Instant::now();
		let ts = mqtt_offchain_worker::bridge::ts(mqtt_offchain_worker::mqtt::now_ms());
		publish("f/o/order".into(), json!({ "ts": ts, "type": "RED" })).await?;
		let mut steps = 0;
		while steps < STEPS {
			let c = tokio::time::timeout(PATIENCE, commands.recv())
				.await
				.map_err(|_| {
					format!("order {order}: no command within {PATIENCE:?}; see {}", log.display())
				})?
				.ok_or("the MQTT client stopped")?;
			if !commanded.insert(c.task) {
				continue; // a second delivery
			}
			let finalized: Header = client
				.request("chain_getHeader", rpc_params![hash_final(&client).await?])
				.await
				.map_err(|e| format!("chain_getHeader: {e}"))?;
			let latency = (c.at - trigger).as_secs_f64();
			let ack = format!("fl/{}/ack", c.station);
			let now = || mqtt_offchain_worker::bridge::ts(mqtt_offchain_worker::mqtt::now_ms());
			publish(ack.clone(), json!({ "ts": now(), "code": 1, "task": c.task })).await?;
			tokio::time::sleep(work()).await;
			publish(ack, json!({ "ts": now(), "code": 2, "task": c.task })).await?;
			trigger = Instant::now();
			if order > 0 && measured.len() < o.tasks {
				measured.push((c.task, latency, trigger, Some(finalized.number)));
			}
			steps += 1;
		}
		eprint!(
			"\r   m2m ({}): {} of {orders} orders, {:.0} s",
			o.commands_on,
			order + 1,
			started.elapsed().as_secs_f64()
		);
	}
	eprintln!();
	// Every measured task completed and settled in a finalized block.
	let until = Instant::now() + Duration::from_secs(180);
	loop {
		let done = {
			let s = seen.lock().expect("not poisoned");
			measured
				.iter()
				.all(|(t, ..)| s.settled_final.contains_key(t) && s.completed_final.contains_key(t))
		};
		if done {
			break;
		}
		if Instant::now() > until {
			return Err(format!(
				"not every task settled in a finalized block; see {}",
				log.display()
			));
		}
		tokio::time::sleep(Duration::from_millis(200)).await;
	}
	let s = seen.lock().expect("not poisoned");
	let samples = measured
		.iter()
		.map(|(task, command, done, finalized)| Sample {
			command: *command,
			completed: (s.completed_final[task] - *done).as_secs_f64(),
			settled: (s.settled_final[task] - *done).as_secs_f64(),
			after_finality: match (s.assigned_in.get(task), finalized) {
				(Some(block), Some(f)) => f >= block,
				_ => false,
			},
		})
		.collect();
	client_task.abort();
	watcher.abort();
	drop(node);
	drop(broker);
	Ok(samples)
}

fn now_nanos() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map_or(1, |d| d.as_nanos() as u64)
}

async fn hash_final(client: &WsClient) -> Result<H256, String> {
	client
		.request("chain_getFinalizedHead", rpc_params![])
		.await
		.map_err(|e| format!("chain_getFinalizedHead: {e}"))
}

/// The `p`-th percentile of sorted `v` (nearest rank).
fn percentile(v: &[f64], p: f64) -> f64 {
	if v.is_empty() {
		return 0.0;
	}
	let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
	v[rank.clamp(1, v.len()) - 1]
}

/// The Markdown report of the modes' runs.
#[allow(clippy::let_underscore_must_use, reason = "`writeln!` into a String cannot fail")]
pub fn report(runs: &[(String, Vec<Sample>)], slot_s: f64, work_ms: u64) -> String {
	let mut md = String::new();
	let _ = writeln!(
		md,
		"#### M2M latency through the factory bridge\n\n\
		 A fresh dev node per mode, its bridge connected to mosquitto on loopback; the load \
		 generator plays the factory's machines: it orders RED workpieces one at a time (five \
		 tasks each; one warm-up order not counted), acknowledges each command as started at once \
		 and as done after a work time uniform below {work_ms} ms (orders follow such a pause \
		 too), so triggers fall anywhere in a slot. Slot {slot_s:.0} s. Times in seconds, p50 / \
		 p95 / p99 / max.\n"
	);
	let _ = writeln!(
		md,
		"| commands on | tasks | trigger → command | done → completion finalized | done → settlement finalized | commands after their assignment was final |"
	);
	let _ = writeln!(md, "|---|---|---|---|---|---|");
	for (mode, samples) in runs {
		let col = |f: fn(&Sample) -> f64| {
			let mut v: Vec<f64> = samples.iter().map(f).collect();
			v.sort_by(|a, b| a.total_cmp(b));
			format!(
				"{:.2} / {:.2} / {:.2} / {:.2}",
				percentile(&v, 50.0),
				percentile(&v, 95.0),
				percentile(&v, 99.0),
				v.last().copied().unwrap_or(0.0)
			)
		};
		let _ = writeln!(
			md,
			"| {mode} | {} | {} | {} | {} | {} of {} |",
			samples.len(),
			col(|s| s.command),
			col(|s| s.completed),
			col(|s| s.settled),
			samples.iter().filter(|s| s.after_finality).count(),
			samples.len()
		);
	}
	let _ = writeln!(md);
	md
}
