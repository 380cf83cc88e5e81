//! The bridge's logic, free of I/O: messages in, actions for the chain and commands for the
//! broker out. The node feeds it MQTT messages, finalized task assignments and a clock; the
//! MQTT client publishes what [`Commands`] holds; the node turns [`Action`]s into calls for the
//! gateway queue.

use crate::{
	config::{Factory, Route},
	error::Error,
	metrics::Metrics,
	outbox::{Command, Commands, Current, Work},
	payload::{self, PayloadError},
	store::{Store, StoreExt},
	telemetry::{Refused, Windows},
	throttle::{held_back, Throttle},
};
use pallet_telemetry::WindowInput;
use sp_core::crypto::{AccountId32, Ss58Codec};
use std::sync::Mutex;

const STOCK: &[u8] = b"twinchain/mqtt/stock";
const STEPS: &[u8] = b"twinchain/mqtt/steps-without-environment";
/// The most steps waiting for their environment window.
pub const MAX_PENDING_STEPS: usize = 1_024;

/// A step done on this factory whose environment is not attached yet.
#[derive(Clone, Debug, codec::Decode, codec::Encode, PartialEq, Eq)]
pub struct PendingStep {
	/// The product.
	pub product: AccountId32,
	/// The step's index.
	pub index: u32,
	/// When it started, ms.
	pub start: u64,
	/// When it ended, ms.
	pub end: u64,
}
const USED_TAGS: &[u8] = b"twinchain/mqtt/used-tags";
/// Hashes of the latest order messages: a second delivery of one (QoS 1) places no order.
const ORDERS_SEEN: &[u8] = b"twinchain/mqtt/orders-seen";
/// How many message hashes [`ORDERS_SEEN`] keeps.
const SEEN_KEPT: usize = 256;

/// What the chain should do; the node signs it as the gateway.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
	/// Anchor a closed telemetry window of `machine`.
	Anchor { machine: AccountId32, window: WindowInput },
	/// The machine started `task`.
	Start { task: u64 },
	/// The machine finished `task`; `evidence` is the BLAKE2b-256 of its acknowledgement.
	Complete { task: u64, evidence: [u8; 32] },
	/// Confirm, as the requester's gateway, `task` that one of this factory's machines
	/// acknowledged as done and whose completion the gateway itself relayed: the reward settles
	/// now rather than after the challenge period.
	Confirm { task: u64 },
	/// Attach `sensor`'s anchored window starting at `start` as the environment of step
	/// `index` of `product`.
	AttachEnvironment { product: AccountId32, index: u32, sensor: AccountId32, start: u64 },
	/// Place a production order, for `owner` if set (within the budget it gave the gateway),
	/// else as the gateway.
	Order {
		owner: Option<AccountId32>,
		recipe: u32,
		colour: String,
		tag: Option<String>,
		reward_per_step: u128,
		step_blocks: u32,
	},
}

/// A task assignment seen in a finalized block, with what the command templates need.
#[derive(Clone, Debug)]
pub struct Assignment {
	/// The task.
	pub task: u64,
	/// The machine it went to.
	pub machine: AccountId32,
	/// The capability asked for.
	pub capability: String,
	/// The task's parameters (JSON, usually).
	pub params: Vec<u8>,
	/// The product, if any.
	pub product: Option<AccountId32>,
	/// The product's NFC tag, if any.
	pub tag: Option<String>,
	/// The product's colour, if any (WHITE, RED, BLUE).
	pub colour: Option<String>,
}

/// The bridge.
pub struct Bridge<S: Store + Clone> {
	factory: Factory,
	windows: Windows<S>,
	commands: Commands<S>,
	current: Current<S>,
	store: S,
	metrics: Option<Metrics>,
	lock: Mutex<()>,
	/// Keeps a full buffer from logging every message it refuses.
	log_throttle: Throttle,
}

/// RFC 3339 UTC with milliseconds, as the factory writes `ts`.
pub fn ts(ms: u64) -> String {
	let base = twinchain_primitives::text::utc_datetime(ms);
	format!("{}.{:03}Z", base.trim_end_matches('Z'), ms % 1000)
}

fn escape(s: &str) -> String {
	let quoted = serde_json::to_string(s).expect("strings serialise");
	quoted[1..quoted.len() - 1].to_string()
}

/// Fills a command template.
pub fn render(template: &str, a: &Assignment, now: u64) -> String {
	let params = String::from_utf8_lossy(&a.params).to_string();
	let params = if serde_json::from_str::<serde_json::Value>(&params).is_ok() {
		params
	} else {
		serde_json::to_string(&params).expect("strings serialise")
	};
	template
		.replace("{task}", &a.task.to_string())
		.replace("{ts}", &ts(now))
		.replace("{capability}", &escape(&a.capability))
		.replace("{params}", &params)
		.replace("{product}", &a.product.as_ref().map(|p| p.to_ss58check()).unwrap_or_default())
		.replace("{tag}", &escape(a.tag.as_deref().unwrap_or("")))
		.replace("{colour}", a.colour.as_deref().unwrap_or(""))
		.replace("{machine}", &a.machine.to_ss58check())
}

/// Checks that every command template renders to JSON.
pub fn check_templates(factory: &Factory) -> Result<(), Error> {
	let a = Assignment {
		task: 1,
		machine: AccountId32::from([0; 32]),
		capability: String::new(),
		params: b"{}".to_vec(),
		product: None,
		tag: None,
		colour: None,
	};
	for m in &factory.config.machines {
		for c in &m.commands {
			serde_json::from_str::<serde_json::Value>(&render(&c.payload, &a, 0)).map_err(|e| {
				Error::Template {
					machine: m.name.clone(),
					capability: c.capability.clone(),
					reason: e.to_string(),
				}
			})?;
		}
	}
	Ok(())
}

impl<S: Store + Clone> Bridge<S> {
	/// A bridge for `factory` over `store`.
	pub fn new(factory: Factory, store: S, metrics: Option<Metrics>) -> Result<Self, Error> {
		check_templates(&factory)?;
		let c = &factory.config;
		let windows = Windows::new(store.clone(), c.window_ms, c.close_delay_ms, c.buffer_capacity);
		windows.load(&factory.accounts);
		Ok(Self {
			windows,
			commands: Commands::new(store.clone()),
			current: Current::new(store.clone()),
			store,
			factory,
			metrics,
			lock: Mutex::new(()),
			log_throttle: Throttle::default(),
		})
	}

	/// The configuration.
	pub fn factory(&self) -> &Factory {
		&self.factory
	}

	/// The telemetry windows.
	pub fn windows(&self) -> &Windows<S> {
		&self.windows
	}

	/// The commands to publish.
	pub fn commands(&self) -> &Commands<S> {
		&self.commands
	}

	/// Handles one MQTT message: an error means it was refused (nothing taken from it).
	/// Telemetry it carried is durable once [`Bridge::commit`] returned: acknowledge the
	/// message to the broker only then (everything else it changed is durable at once).
	pub fn on_message(
		&self,
		topic: &str,
		payload: &[u8],
		now: u64,
	) -> Result<Vec<Action>, PayloadError> {
		let result = self.handle(topic, payload, now);
		if let Some(m) = &self.metrics {
			match &result {
				Ok(_) => m.accepted.inc(),
				Err(e) => m.dropped.with_label_values(&[e.kind()]).inc(),
			}
		}
		result
	}

	fn handle(&self, topic: &str, payload: &[u8], now: u64) -> Result<Vec<Action>, PayloadError> {
		let routes = self.factory.routes(topic);
		if routes.is_empty() {
			return Err(PayloadError::UnknownTopic);
		}
		let obj = payload::object(payload, self.factory.config.max_payload_bytes)?;
		let _guard = self.lock.lock().expect("not poisoned");
		let mut actions = Vec::new();
		for route in routes {
			match route {
				Route::Telemetry { machine, entry } => {
					let spec = &self.factory.config.machines[*machine].telemetry[*entry];
					let readings = payload::readings(spec, &obj, now)?;
					let skew = self.factory.config.max_clock_skew_ms;
					if let Some(r) = readings.iter().find(|r| r.ts.abs_diff(now) > skew) {
						return Err(PayloadError::BadValue {
							field: "ts".into(),
							reason: format!("{} ms away from the node's clock", r.ts.abs_diff(now)),
						});
					}
					match self.windows.add(&self.factory.accounts[*machine], &readings) {
						Ok(added) => {
							if let Some(m) = &self.metrics {
								m.readings.inc_by(added as u64);
								m.duplicates.inc_by((readings.len() - added) as u64);
							}
						},
						Err(Refused::BufferFull) => {
							if let Some(held) = self.log_throttle.admit("buffer full", now) {
								log::warn!(target: "mqtt", "telemetry buffer full ({} readings): {topic} refused{}", self.factory.config.buffer_capacity, held_back(held));
							}
							if let Some(m) = &self.metrics {
								m.buffer_full.inc();
							}
						},
						Err(e) => {
							return Err(PayloadError::BadValue {
								field: "ts".into(),
								reason: format!("{e:?}: its window is closed or full"),
							})
						},
					}
				},
				Route::State { .. } => {
					payload::station_state(&obj)?;
				},
				Route::Ack { machine } => {
					if let Some(a) = self.ack(*machine, &obj, payload)? {
						actions.push(a);
					}
				},
				Route::Order => {
					let colour = payload::order(&obj)?;
					let spec =
						self.factory.config.orders.as_ref().expect("routed only with orders");
					let recipe =
						*spec.recipes.get(&colour).ok_or_else(|| PayloadError::BadValue {
							field: "type".into(),
							reason: format!("no recipe for {colour}"),
						})?;
					// Only a message with its own timestamp can be told from a new order.
					if obj.contains_key("ts") && !self.first_delivery(ORDERS_SEEN, payload) {
						log::info!(target: "mqtt", "{topic}: the same order again (a second delivery); not placed twice");
						if let Some(m) = &self.metrics {
							m.duplicates.inc();
						}
						continue;
					}
					actions.push(Action::Order {
						owner: self.factory.order_owner.clone(),
						recipe,
						tag: self.take_tag(&colour),
						colour,
						reward_per_step: spec.reward_per_step.into(),
						step_blocks: spec.step_blocks,
					});
				},
				Route::OrderState => {
					let (state, kind) = payload::order_state(&obj)?;
					log::info!(target: "mqtt", "factory order state: {state} {kind}");
				},
				Route::Nfc => {
					if let Some((id, history)) = payload::nfc(&obj)? {
						let codes: Vec<u16> = history.iter().map(|(_, c)| *c).collect();
						log::info!(target: "mqtt", "NFC read: workpiece {id}, history {codes:?}");
					}
				},
				Route::Stock => {
					let items = payload::stock(&obj)?;
					let list: Vec<(String, String, String)> =
						items.into_iter().map(|i| (i.id, i.kind, i.state)).collect();
					self.store.save(STOCK, &list);
				},
			}
		}
		Ok(actions)
	}

	/// Whether `payload` is seen for the first time among the latest messages kept under `key`
	/// (remembered from now on).
	fn first_delivery(&self, key: &[u8], payload: &[u8]) -> bool {
		let hash = sp_crypto_hashing::blake2_256(payload);
		let mut seen: Vec<[u8; 32]> = self.store.load(key).unwrap_or_default();
		if seen.contains(&hash) {
			return false;
		}
		seen.push(hash);
		if seen.len() > SEEN_KEPT {
			seen.remove(0);
		}
		self.store.save(key, &seen);
		true
	}

	/// A workpiece of `colour` from the latest stock that no earlier order took.
	fn take_tag(&self, colour: &str) -> Option<String> {
		let stock: Vec<(String, String, String)> = self.store.load(STOCK).unwrap_or_default();
		let mut used: Vec<String> = self.store.load(USED_TAGS).unwrap_or_default();
		let tag = stock
			.into_iter()
			.find(|(id, kind, _)| kind == colour && !used.contains(id))
			.map(|(id, _, _)| id)?;
		used.push(tag.clone());
		if used.len() > 1024 {
			used.remove(0);
		}
		self.store.save(USED_TAGS, &used);
		Some(tag)
	}

	fn ack(
		&self,
		machine: usize,
		obj: &serde_json::Map<String, serde_json::Value>,
		raw: &[u8],
	) -> Result<Option<Action>, PayloadError> {
		let spec = self.factory.config.machines[machine]
			.ack
			.as_ref()
			.expect("routed only with acks");
		let value = payload::ack_value(obj, &spec.field)?;
		let account = self.factory.accounts[machine].clone();
		let Some(mut work) = self.current.get(account.as_ref()) else {
			log::debug!(target: "mqtt", "{}: acknowledgement without a task", self.factory.config.machines[machine].name);
			return Ok(None);
		};
		if let Some(field) = &spec.task_field {
			let echoed = payload::number(obj, field)?;
			if echoed as u64 != work.task {
				log::info!(target: "mqtt", "{}: stale acknowledgement for task {echoed}", self.factory.config.machines[machine].name);
				return Ok(None);
			}
		}
		if value == spec.started && !work.started {
			work.started = true;
			self.current.set(account.as_ref(), work);
			return Ok(Some(Action::Start { task: work.task }));
		}
		if value == spec.done {
			self.current.clear(account.as_ref());
			return Ok(Some(Action::Complete {
				task: work.task,
				evidence: sp_crypto_hashing::blake2_256(raw),
			}));
		}
		Ok(None)
	}

	/// A step was recorded on one of this factory's machines: its environment is to be
	/// attached once a window of the environment sensor covering it is anchored.
	pub fn note_step(&self, step: PendingStep) {
		if self.factory.environment.is_none() {
			return;
		}
		let _guard = self.lock.lock().expect("not poisoned");
		let mut pending: Vec<PendingStep> = self.store.load(STEPS).unwrap_or_default();
		if pending.iter().any(|p| p.product == step.product && p.index == step.index) {
			return;
		}
		if pending.len() >= MAX_PENDING_STEPS {
			let old = pending.remove(0);
			log::warn!(target: "mqtt", "too many steps wait for an environment; step {} of {} gets none", old.index, old.product.to_ss58check());
		}
		pending.push(step);
		self.store.save(STEPS, &pending);
	}

	/// The steps waiting for their environment.
	pub fn pending_steps(&self) -> Vec<PendingStep> {
		self.store.load(STEPS).unwrap_or_default()
	}

	/// Stops waiting for `product`'s step `index`.
	pub fn forget_step(&self, product: &AccountId32, index: u32) {
		let _guard = self.lock.lock().expect("not poisoned");
		let mut pending: Vec<PendingStep> = self.store.load(STEPS).unwrap_or_default();
		pending.retain(|p| !(&p.product == product && p.index == index));
		self.store.save(STEPS, &pending);
	}

	/// Makes the telemetry of every message taken so far durable (one group commit for all
	/// of them).
	pub fn commit(&self) {
		self.windows.flush();
		if let Some(m) = &self.metrics {
			m.buffered.set(self.windows.buffered() as u64);
		}
	}

	/// Closes due windows: what to anchor.
	pub fn tick(&self, now: u64) -> Vec<Action> {
		let _guard = self.lock.lock().expect("not poisoned");
		self.windows.flush();
		let mut out = Vec::new();
		for account in &self.factory.accounts {
			for closed in self.windows.close_due(account, now) {
				if let Some(m) = &self.metrics {
					m.windows.inc();
				}
				out.push(Action::Anchor { machine: closed.machine, window: closed.window });
			}
		}
		if let Some(m) = &self.metrics {
			m.buffered.set(self.windows.buffered() as u64);
		}
		out
	}

	/// A task went to one of our machines: queue its command (once per task) and remember the
	/// machine's work. Returns whether a command was queued.
	pub fn on_assigned(&self, a: &Assignment, now: u64) -> bool {
		let Some(machine) = self.factory.machine_index(&a.machine) else { return false };
		let name = &self.factory.config.machines[machine].name;
		let Some(spec) = self.factory.command(machine, &a.capability) else {
			log::warn!(target: "mqtt", "{name}: task {} asks for {}, which has no command configured", a.task, a.capability);
			return false;
		};
		let _guard = self.lock.lock().expect("not poisoned");
		let command = Command {
			task: a.task,
			topic: self.factory.topic(&spec.topic),
			payload: render(&spec.payload, a, now).into_bytes(),
		};
		if !self.commands.push(command) {
			return false;
		}
		if let Some(previous) = self.current.get(a.machine.as_ref()) {
			log::warn!(target: "mqtt", "{name}: task {} replaces unfinished task {}", a.task, previous.task);
		}
		self.current.set(a.machine.as_ref(), Work { task: a.task, started: false });
		if let Some(m) = &self.metrics {
			m.commands_queued.inc();
		}
		true
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::store::MemStore;

	const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	const MPO: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
	const NOW: u64 = 1_795_651_200_000;

	fn bridge(store: MemStore) -> Bridge<MemStore> {
		let f = Factory::from_toml(&format!(
			r#"
gateway = "{ALICE}"
window_ms = 10000
close_delay_ms = 1000
[orders]
topic = "f/o/order"
recipes = {{ RED = 1 }}
reward_per_step = 10
step_blocks = 60
stock_topic = "f/i/stock"
[[machines]]
name = "mpo"
account = "{MPO}"
state_topic = "f/i/state/mpo"
telemetry = [{{ topic = "sim/mpo/kiln", profile = "json", ts = "ts", fields = {{ kiln_t = "temperature" }} }}]
commands = [{{ capability = "oven", topic = "fl/vgr/do", payload = '{{"ts":"{{ts}}","code":7,"task":{{task}},"params":{{params}},"workpiece":{{"id":"{{tag}}","type":"{{colour}}"}}}}' }}]
ack = {{ topic = "fl/mpo/ack", field = "code", started = "1", done = "2", task_field = "task" }}
"#
		))
		.unwrap();
		Bridge::new(f, store, None).unwrap()
	}

	fn mpo() -> AccountId32 {
		AccountId32::from_ss58check(MPO).unwrap()
	}

	#[test]
	fn telemetry_closes_into_anchor_actions() {
		let b = bridge(MemStore::default());
		for (i, t) in [20.0, 85.5, 30.0].iter().enumerate() {
			let msg = format!(r#"{{"ts":"{}","temperature":{t}}}"#, ts(NOW + i as u64 * 1000));
			assert_eq!(b.on_message("sim/mpo/kiln", msg.as_bytes(), NOW), Ok(vec![]));
		}
		assert!(b.tick(NOW + 5_000).is_empty());
		let actions = b.tick(NOW + 11_000);
		let [Action::Anchor { machine, window }] = &actions[..] else { panic!("{actions:?}") };
		assert_eq!(machine, &mpo());
		assert_eq!((window.start, window.count, window.metrics[0].max), (NOW, 3, 85_500));
		// A clock far off is refused.
		let msg = format!(r#"{{"ts":"{}","temperature":1}}"#, ts(NOW - 3_600_000));
		assert_eq!(
			b.on_message("sim/mpo/kiln", msg.as_bytes(), NOW).unwrap_err().kind(),
			"bad_value"
		);
	}

	#[test]
	fn an_assignment_is_commanded_once_and_its_acks_start_and_complete_the_task() {
		let store = MemStore::default();
		let b = bridge(store.clone());
		let a = Assignment {
			task: 7,
			machine: mpo(),
			capability: "oven".into(),
			params: br#"{"s":10}"#.to_vec(),
			tag: Some("04a1".into()),
			colour: Some("RED".into()),
			product: None,
		};
		assert!(b.on_assigned(&a, NOW));
		assert!(!b.on_assigned(&a, NOW), "once per task");
		let cmd = &b.commands().pending()[0];
		assert_eq!(cmd.topic, "fl/vgr/do");
		let json: serde_json::Value = serde_json::from_slice(&cmd.payload).unwrap();
		assert_eq!(json["task"], 7);
		assert_eq!(json["params"]["s"], 10);
		assert_eq!(json["workpiece"]["id"], "04a1");
		assert_eq!(json["ts"], "2026-11-26T00:00:00.000Z");
		// Not ours, or no command for the capability: nothing.
		assert!(
			!b.on_assigned(&Assignment { machine: AccountId32::from([0; 32]), ..a.clone() }, NOW)
		);
		assert!(
			!b.on_assigned(&Assignment { task: 8, capability: "mill".into(), ..a.clone() }, NOW)
		);

		// A stale ack is ignored; started → Start once; done → Complete with the evidence.
		assert_eq!(b.on_message("fl/mpo/ack", br#"{"code":1,"task":6}"#, NOW), Ok(vec![]));
		assert_eq!(
			b.on_message("fl/mpo/ack", br#"{"code":1,"task":7}"#, NOW),
			Ok(vec![Action::Start { task: 7 }])
		);
		// After a restart the bridge still knows the machine's work.
		let b = bridge(store);
		assert_eq!(b.on_message("fl/mpo/ack", br#"{"code":1,"task":7}"#, NOW), Ok(vec![]));
		let done = br#"{"code":2,"task":7}"#;
		assert_eq!(
			b.on_message("fl/mpo/ack", done, NOW),
			Ok(vec![Action::Complete { task: 7, evidence: sp_crypto_hashing::blake2_256(done) }])
		);
		assert_eq!(b.on_message("fl/mpo/ack", done, NOW), Ok(vec![]), "no work left");
	}

	#[test]
	fn orders_take_a_workpiece_of_their_colour_from_the_stock() {
		let b = bridge(MemStore::default());
		let stock = r#"{"ts":"2026-11-26T00:00:00Z","stockItems":[
			{"workpiece":{"id":"04aa","type":"RED","state":"RAW"},"location":"A1"},
			{"workpiece":{"id":"04bb","type":"WHITE","state":"RAW"},"location":"A2"}]}"#;
		b.on_message("f/i/stock", stock.as_bytes(), NOW).unwrap();
		let n = std::cell::Cell::new(0);
		let order = |t: &str| {
			n.set(n.get() + 1);
			let msg = format!(r#"{{"ts":"{}","type":"{t}"}}"#, ts(NOW + n.get()));
			b.on_message("f/o/order", msg.as_bytes(), NOW)
		};
		let red = |tag: Option<&str>| Action::Order {
			owner: None,
			recipe: 1,
			colour: "RED".into(),
			tag: tag.map(String::from),
			reward_per_step: 10,
			step_blocks: 60,
		};
		assert_eq!(order("RED"), Ok(vec![red(Some("04aa"))]));
		assert_eq!(order("RED"), Ok(vec![red(None)]), "that workpiece is taken");
		assert_eq!(order("WHITE").unwrap_err().kind(), "bad_value", "no recipe");
		// A second delivery of the same order message (QoS 1) places no second order.
		let again = format!(r#"{{"ts":"{}","type":"RED"}}"#, ts(NOW + 1));
		assert_eq!(b.on_message("f/o/order", again.as_bytes(), NOW), Ok(vec![]));
		// Without a timestamp a repeated message cannot be told from a new order: taken.
		let plain = br#"{"type":"RED"}"#;
		assert_eq!(b.on_message("f/o/order", plain, NOW), Ok(vec![red(None)]));
		assert_eq!(b.on_message("f/o/order", plain, NOW), Ok(vec![red(None)]));
	}

	#[test]
	fn garbage_is_refused_and_good_messages_still_work() {
		let b = bridge(MemStore::default());
		let garbage: [(&str, &[u8]); 6] = [
			("nobody/listens", b"{}"),
			("sim/mpo/kiln", b"\x00\x01"),
			("sim/mpo/kiln", b"{\"ts\":\"2026-11-26T00:00:00Z\"}"),
			("sim/mpo/kiln", b"{\"ts\":\"2026-11-26T00:00:00Z\",\"temperature\":\"hot\"}"),
			(
				"f/i/state/mpo",
				b"{\"ts\":\"2026-11-26T00:00:00Z\",\"station\":\"mpo\",\"code\":9,\"active\":0}",
			),
			("fl/mpo/ack", b"[]"),
		];
		let kinds: Vec<&str> = garbage
			.iter()
			.map(|(t, p)| b.on_message(t, p, NOW).unwrap_err().kind())
			.collect();
		assert_eq!(
			kinds,
			vec![
				"unknown_topic",
				"not_json",
				"missing_field",
				"wrong_type",
				"bad_value",
				"not_json"
			]
		);
		let big = vec![b' '; 70_000];
		assert_eq!(b.on_message("sim/mpo/kiln", &big, NOW).unwrap_err().kind(), "oversize");
		let ok = format!(r#"{{"ts":"{}","temperature":21}}"#, ts(NOW));
		assert_eq!(b.on_message("sim/mpo/kiln", ok.as_bytes(), NOW), Ok(vec![]));
		assert_eq!(b.windows().buffered(), 1);
	}

	#[test]
	fn steps_wait_for_their_environment_durably_and_once() {
		let store = MemStore::default();
		let f = |env: &str| {
			Factory::from_toml(&format!(
				"gateway = \"{ALICE}\"\n{env}\n[[machines]]\nname = \"env\"\naccount = \"{MPO}\""
			))
			.unwrap()
		};
		let step =
			|index| PendingStep { product: AccountId32::from([5; 32]), index, start: 1, end: 2 };
		let without = Bridge::new(f(""), store.clone(), None).unwrap();
		without.note_step(step(0));
		assert!(without.pending_steps().is_empty(), "no environment sensor configured");
		let b = Bridge::new(f("environment = \"env\""), store.clone(), None).unwrap();
		b.note_step(step(0));
		b.note_step(step(0));
		b.note_step(step(1));
		let b = Bridge::new(f("environment = \"env\""), store, None).unwrap();
		assert_eq!(b.pending_steps(), vec![step(0), step(1)]);
		b.forget_step(&AccountId32::from([5; 32]), 0);
		assert_eq!(b.pending_steps(), vec![step(1)]);
	}

	#[test]
	fn templates_that_are_not_json_are_refused() {
		let f = Factory::from_toml(&format!(
			"gateway = \"{ALICE}\"\n[[machines]]\nname = \"m\"\naccount = \"{MPO}\"\ncommands = [{{ capability = \"c\", topic = \"t\", payload = \"{{task\" }}]"
		))
		.unwrap();
		let err = Bridge::new(f, MemStore::default(), None).err().unwrap();
		assert!(matches!(&err, Error::Template { machine, .. } if machine == "m"), "{err}");
		assert!(err.to_string().contains("not JSON"));
	}
}
