//! factory-sim: a simulated fischertechnik Training Factory 4.0 speaking its MQTT topics.
//!
//! Stations (per factory): the high-bay warehouse (HBW), the vacuum gripper robot with NFC
//! reader and delivery/pickup (VGR), the multi-processing station with kiln and mill (MPO), the
//! sorting line with colour detection (SLD) and the main controller's environment sensor.
//! They publish `i/bme680`, `i/ldr`, `f/i/state/<station>`, `f/i/stock`, `f/i/order`,
//! `f/i/nfc/ds` and the kiln's temperature on `sim/mpo/kiln`; they execute the commands the
//! chain sends (`fl/vgr/do` codes 3 fetch, 7 process, 8 sort; `twin/c/vgr` ship) with
//! realistic durations and acknowledge on `fl/<station>/ack` `{ts, code 1 started | 2 done,
//! task}`. A task is executed once, however often its command arrives.
//!
//! Fault injection: `--overheat`, `--garbage-every-ms`, and at run time messages on
//! `sim/control`: `{"overheat":true|false}`, `{"garbage":N}`, `{"disconnect_ms":N}`,
//! `{"order":"RED"}`, `{"sensors":false|true}`. When the sensors stop, the simulator publishes
//! (retained) on `sim/stats` how many messages each sensor topic published:
//! `{"published":{"i/bme680":N,…}}` — what an end-to-end check counts the node's anchored
//! readings against.

use clap::Parser;
use mqtt_offchain_worker::{bridge::ts, mqtt::now_ms};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use serde_json::{json, Value};
use std::{
	collections::BTreeSet,
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc, Mutex,
	},
	time::Duration,
};

#[derive(Parser, Debug, Clone)]
#[command(about = "A simulated fischertechnik Training Factory 4.0 on MQTT")]
struct Args {
	/// The broker (mqtt://host:port).
	#[arg(long, default_value = "mqtt://127.0.0.1:1883")]
	broker: String,
	/// Topic prefix of the (first) factory.
	#[arg(long, default_value = "")]
	prefix: String,
	/// How many factories; factory i > 0 publishes under `<prefix>f<i>/`.
	#[arg(long, default_value_t = 1)]
	factories: u32,
	/// Extra generic machines per factory, each publishing `sim/m<j>/power` `{ts, kw}`.
	#[arg(long, default_value_t = 0)]
	extra_machines: u32,
	/// Scales every duration (0.1 = ten times faster).
	#[arg(long, default_value_t = 1.0)]
	speed: f64,
	/// How often sensors publish, ms.
	#[arg(long, default_value_t = 1_000)]
	sensor_period_ms: u64,
	/// Start with the kiln overheating.
	#[arg(long)]
	overheat: bool,
	/// Publish a garbage message this often (ms); 0 never.
	#[arg(long, default_value_t = 0)]
	garbage_every_ms: u64,
}

struct Factory {
	prefix: String,
	client: AsyncClient,
	speed: f64,
	overheat: AtomicBool,
	firing: AtomicBool,
	sensors: AtomicBool,
	done: Mutex<BTreeSet<u64>>,
	last: Mutex<std::collections::BTreeMap<&'static str, u64>>,
	stock: Mutex<Vec<(String, String, String)>>, // (location, id, type)
}

impl Factory {
	fn topic(&self, t: &str) -> String {
		format!("{}{t}", self.prefix)
	}
	/// Publishes with QoS 1; whether the client took it (it then reaches the broker, also
	/// across reconnects).
	async fn publish(&self, t: &str, v: Value) -> bool {
		self.client
			.publish(self.topic(t), QoS::AtLeastOnce, false, v.to_string())
			.await
			.is_ok()
	}
	async fn raw(&self, t: &str, bytes: Vec<u8>) {
		if let Err(e) = self.client.publish(self.topic(t), QoS::AtLeastOnce, false, bytes).await {
			log::warn!("publishing on {t}: {e}");
		}
	}
	fn dur(&self, ms: u64) -> Duration {
		Duration::from_millis(((ms as f64) * self.speed).max(1.0) as u64)
	}
	async fn state(&self, station: &str, busy: bool) {
		self.publish(
			&format!("f/i/state/{station}"),
			json!({"ts": ts(now_ms()), "station": station, "code": if busy { 2 } else { 1 }, "description": "", "active": if busy { 1 } else { 0 }}),
		)
		.await;
	}
	async fn stock_message(&self) {
		let items: Vec<Value> = self
			.stock
			.lock()
			.unwrap()
			.iter()
			.map(|(loc, id, kind)| {
				if id.is_empty() {
					json!({"workpiece": {"id": "0", "state": "", "type": ""}, "location": loc})
				} else {
					json!({"workpiece": {"id": id, "state": "RAW", "type": kind}, "location": loc})
				}
			})
			.collect();
		self.publish("f/i/stock", json!({"ts": ts(now_ms()), "stockItems": items}))
			.await;
	}

	/// Runs one task on `station`: ack started, work for `ms`, ack done.
	async fn work(self: Arc<Self>, station: &'static str, task: u64, ms: u64, cmd: Value) {
		if !self.done.lock().unwrap().insert(task) {
			log::warn!("{}{station}: task {task} commanded again; not executed twice", self.prefix);
			return;
		}
		self.last.lock().unwrap().insert(station, task);
		let ack = format!("fl/{station}/ack");
		self.state(station, true).await;
		self.publish(&ack, json!({"ts": ts(now_ms()), "code": 1, "task": task})).await;
		if station == "mpo" && cmd.get("step").and_then(Value::as_str) == Some("oven") {
			self.firing.store(true, Ordering::SeqCst);
		}
		if station == "hbw" {
			// The fetched workpiece leaves its slot.
			let id = cmd.pointer("/workpiece/id").and_then(Value::as_str).unwrap_or("").to_string();
			let mut stock = self.stock.lock().unwrap();
			if let Some(slot) = stock.iter_mut().find(|(_, i, _)| !id.is_empty() && *i == id) {
				slot.1.clear();
			}
		}
		tokio::time::sleep(self.dur(ms)).await;
		self.firing.store(false, Ordering::SeqCst);
		if station == "hbw" {
			self.stock_message().await;
		}
		if station == "vgr" {
			let wp = cmd.get("workpiece").cloned().unwrap_or(Value::Null);
			self.publish(
				"f/i/nfc/ds",
				json!({"ts": ts(now_ms()), "workpiece": wp, "history": [{"ts": ts(now_ms()), "code": 800}]}),
			)
			.await;
			self.publish("f/i/order", json!({"ts": ts(now_ms()), "state": "SHIPPED", "type": wp.get("type").cloned().unwrap_or(Value::Null)})).await;
		}
		self.publish(&ack, json!({"ts": ts(now_ms()), "code": 2, "task": task})).await;
		self.state(station, false).await;
		log::info!("{}{station}: task {task} done", self.prefix);
		// Like the real controllers, repeat the last acknowledgement for a while: one sent
		// while the broker was away is not lost (receivers ignore repeats).
		for wait_ms in [2_000, 5_000, 10_000, 20_000] {
			tokio::time::sleep(Duration::from_millis(wait_ms)).await;
			if self.last.lock().unwrap().get(station) != Some(&task) {
				break;
			}
			self.publish(&ack, json!({"ts": ts(now_ms()), "code": 2, "task": task})).await;
		}
	}

	async fn garbage(&self, n: u64) {
		for i in 0..n {
			match i % 5 {
				0 => self.raw("i/bme680", b"{not json".to_vec()).await,
				1 => {
					self.raw("i/bme680", br#"{"ts":"2026-01-01T00:00:00Z","t":"hot"}"#.to_vec())
						.await
				},
				2 => {
					self.raw("f/i/state/mpo", br#"{"ts":"x","station":1,"code":"busy"}"#.to_vec())
						.await
				},
				3 => self.raw("sim/mpo/kiln", vec![b'9'; 100_000]).await,
				_ => self.raw("sim/unknown/topic", b"{}".to_vec()).await,
			}
		}
	}
}

fn options(url: &str, id: &str) -> MqttOptions {
	let rest = url.trim_start_matches("mqtt://").trim_end_matches('/');
	let (host, port) = rest
		.rsplit_once(':')
		.map(|(h, p)| (h, p.parse().unwrap_or(1883)))
		.unwrap_or((rest, 1883));
	let mut o = MqttOptions::new(id, host, port);
	o.set_keep_alive(Duration::from_secs(30));
	// A persistent session: commands sent while the simulator is away wait at the broker.
	o.set_clean_session(false);
	o.set_max_packet_size(256 * 1024, 256 * 1024);
	o
}

async fn run_factory(args: Args, index: u32) {
	let prefix = if index == 0 { args.prefix.clone() } else { format!("{}f{index}/", args.prefix) };
	let (client, mut events) = AsyncClient::new(
		options(&args.broker, &format!("factory-sim-{index}-{}", std::process::id())),
		1024,
	);
	let colours = twinchain_primitives::Colour::ALL.map(|c| c.as_str());
	let stock = (0..9)
		.map(|i| {
			let loc = format!("{}{}", ["A", "B", "C"][i / 3], i % 3 + 1);
			// 7-byte NFC UIDs, as the factory's NTAG tags have.
			(loc, format!("04{index:02x}{i:02x}a1b2c3d4"), colours[i % 3].to_string())
		})
		.collect();
	let f = Arc::new(Factory {
		prefix: prefix.clone(),
		client: client.clone(),
		speed: args.speed,
		overheat: AtomicBool::new(args.overheat),
		firing: AtomicBool::new(false),
		sensors: AtomicBool::new(true),
		done: Mutex::new(BTreeSet::new()),
		last: Mutex::new(Default::default()),
		stock: Mutex::new(stock),
	});

	// Sensors, stock and the kiln.
	{
		let (f, period, extra) = (f.clone(), args.sensor_period_ms, args.extra_machines);
		tokio::spawn(async move {
			let mut n: u64 = 0;
			let mut published = std::collections::BTreeMap::<&str, u64>::new();
			let mut reported = false;
			loop {
				tokio::time::sleep(Duration::from_millis(period)).await;
				if !f.sensors.load(Ordering::SeqCst) {
					if !reported {
						let stats = json!({"ts": ts(now_ms()), "published": published});
						let published = f
							.client
							.publish(
								f.topic("sim/stats"),
								QoS::AtLeastOnce,
								true,
								stats.to_string(),
							)
							.await;
						if let Err(e) = published {
							log::warn!("{}publishing the stats: {e}", f.prefix);
						}
						log::info!("{}sensors stopped: {stats}", f.prefix);
						reported = true;
					}
					continue;
				}
				reported = false;
				n += 1;
				let now = now_ms();
				let wobble = ((n % 10) as f64 - 5.0) / 10.0;
				let mut count = |topic: &'static str, ok: bool| {
					*published.entry(topic).or_default() += ok as u64;
				};
				count("i/bme680", f.publish("i/bme680", json!({"ts": ts(now), "t": 22.0 + wobble, "rt": 23.0 + wobble, "h": 40.5, "rh": 41.0, "p": 1013.2, "iaq": 25, "aq": 0, "gr": 120000})).await);
				count(
					"i/ldr",
					f.publish("i/ldr", json!({"ts": ts(now), "br": 80.0 + wobble, "ldr": 1500}))
						.await,
				);
				let kiln = if f.overheat.load(Ordering::SeqCst) {
					95.0 + wobble
				} else if f.firing.load(Ordering::SeqCst) {
					60.0 + wobble
				} else {
					25.0 + wobble
				};
				count(
					"sim/mpo/kiln",
					f.publish("sim/mpo/kiln", json!({"ts": ts(now), "temperature": kiln})).await,
				);
				for j in 0..extra {
					f.publish(
						&format!("sim/m{j}/power"),
						json!({"ts": ts(now), "kw": 1.0 + j as f64 / 10.0}),
					)
					.await;
				}
				if n % 10 == 1 {
					f.stock_message().await;
					for st in ["hbw", "vgr", "mpo", "sld"] {
						f.state(st, false).await;
					}
				}
			}
		});
	}
	if args.garbage_every_ms > 0 {
		let (f, every) = (f.clone(), args.garbage_every_ms);
		tokio::spawn(async move {
			loop {
				tokio::time::sleep(Duration::from_millis(every)).await;
				f.garbage(1).await;
			}
		});
	}

	let subs = ["fl/vgr/do", "twin/c/vgr", "sim/control"];
	loop {
		match events.poll().await {
			Ok(Event::Incoming(Packet::ConnAck(_))) => {
				for s in subs {
					if let Err(e) = client.try_subscribe(f.topic(s), QoS::AtLeastOnce) {
						log::warn!("{prefix}: subscribing to {s}: {e}");
					}
				}
				log::info!("{prefix}: connected to {}", args.broker);
			},
			Ok(Event::Incoming(Packet::Publish(p))) => {
				let topic = p.topic.strip_prefix(&prefix).unwrap_or(&p.topic).to_string();
				let Ok(cmd) = serde_json::from_slice::<Value>(&p.payload) else { continue };
				let task = cmd.get("task").and_then(Value::as_u64);
				match (topic.as_str(), cmd.get("code").and_then(Value::as_u64), task) {
					("fl/vgr/do", Some(3), Some(t)) => {
						tokio::spawn(f.clone().work("hbw", t, 3_000, cmd));
					},
					("fl/vgr/do", Some(7), Some(t)) => {
						tokio::spawn(f.clone().work("mpo", t, 4_000, cmd));
					},
					("fl/vgr/do", Some(8), Some(t)) => {
						tokio::spawn(f.clone().work("sld", t, 3_000, cmd));
					},
					("twin/c/vgr", _, Some(t)) => {
						tokio::spawn(f.clone().work("vgr", t, 3_000, cmd));
					},
					("sim/control", _, _) => {
						if let Some(on) = cmd.get("sensors").and_then(Value::as_bool) {
							f.sensors.store(on, Ordering::SeqCst);
						}
						if let Some(on) = cmd.get("overheat").and_then(Value::as_bool) {
							f.overheat.store(on, Ordering::SeqCst);
							log::info!("{prefix}: overheat {on}");
						}
						if let Some(n) = cmd.get("garbage").and_then(Value::as_u64) {
							let f = f.clone();
							tokio::spawn(async move { f.garbage(n).await });
						}
						if let Some(colour) = cmd.get("order").and_then(Value::as_str) {
							f.publish("f/o/order", json!({"ts": ts(now_ms()), "type": colour}))
								.await;
						}
						if let Some(ms) = cmd.get("disconnect_ms").and_then(Value::as_u64) {
							log::info!("{prefix}: disconnecting for {ms} ms");
							if let Err(e) = client.try_disconnect() {
								log::warn!("{prefix}: disconnecting: {e}");
							}
							tokio::time::sleep(Duration::from_millis(ms)).await;
						}
					},
					_ => log::debug!("{prefix}: ignored {topic}"),
				}
			},
			Ok(_) => {},
			Err(e) => {
				log::debug!("{prefix}: {e}; reconnecting");
				tokio::time::sleep(Duration::from_millis(500)).await;
			},
		}
	}
}

#[tokio::main]
async fn main() {
	let env = std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into());
	simple_log(&env);
	let args = Args::parse();
	let mut handles = Vec::new();
	for i in 0..args.factories {
		handles.push(tokio::spawn(run_factory(args.clone(), i)));
	}
	tokio::select! {
		_ = tokio::signal::ctrl_c() => {},
		_ = futures_all(handles) => {},
	}
}

async fn futures_all(handles: Vec<tokio::task::JoinHandle<()>>) {
	for h in handles {
		if let Err(e) = h.await {
			log::error!("a factory's task ended: {e}");
		}
	}
}

/// A minimal stderr logger (the node's logger is not linked into this binary).
fn simple_log(level: &str) {
	struct L(log::LevelFilter);
	impl log::Log for L {
		fn enabled(&self, m: &log::Metadata) -> bool {
			m.level() <= self.0
		}
		fn log(&self, r: &log::Record) {
			if self.enabled(r.metadata()) {
				eprintln!("{} {} {}", ts(now_ms()), r.level(), r.args());
			}
		}
		fn flush(&self) {}
	}
	let filter = level.parse().unwrap_or(log::LevelFilter::Info);
	if log::set_boxed_logger(Box::new(L(filter))).is_err() {
		eprintln!("a logger was set already");
	}
	log::set_max_level(filter);
}
