//! The factory configuration (`--factory-config file.toml`): which topics carry which
//! machine's telemetry in which payload profile, how each machine is commanded and how it
//! acknowledges, and how orders become production orders.
//!
//! ```toml
//! prefix = ""                 # prepended to every topic (a cloud bridge's "/j1/txt/1/")
//! window_ms = 10000           # telemetry window length
//! close_delay_ms = 2000       # a window closes this long after its end (late readings)
//! reconnect_grace_ms = 15000  # after a (re)connection, windows wait this long before closing
//! max_payload_bytes = 65536   # larger payloads are dropped
//! buffer_capacity = 100000    # readings held in open windows, all machines together
//! max_clock_skew_ms = 300000  # device timestamps further from the node's clock are refused
//! gateway = "5GvWLPJ…"        # SS58 or 0x-hex of the gateway key (in the node's keystore)
//! environment = "env"        # the machine whose windows are every step's environment
//!
//! [orders]                    # optional
//! topic = "f/o/order"         # {ts, type: WHITE|RED|BLUE}
//! owner = "5Grw…"             # the manufacturer the orders are for, which gave the gateway
//!                             # an order budget (tasks.setOrderBudget); without it the
//!                             # gateway orders as itself (it must then be a manufacturer)
//! recipes = { WHITE = 0, RED = 1, BLUE = 2 }
//! reward_per_step = 10000000000
//! step_blocks = 60
//! stock_topic = "f/i/stock"   # the ordered workpiece's NFC id comes from the stock
//! state_topic = "f/i/order"   # order states, checked and logged
//! nfc_topic = "f/i/nfc/ds"    # NFC reads, checked and logged
//!
//! [[machines]]
//! name = "mpo"
//! account = "5F…"             # the machine's DID account
//! state_topic = "f/i/state/mpo"
//! telemetry = [{ topic = "sim/mpo/kiln", profile = "json", ts = "ts", fields = { kiln_t = "temperature" } }]
//! commands = [{ capability = "oven", topic = "fl/vgr/do", payload = '{"ts":"{ts}","code":7,"task":{task}}' }]
//! ack = { topic = "fl/mpo/ack", field = "code", started = "1", done = "2", task_field = "task" }
//! ```
//!
//! The dev chain's demo factory is such a file, `dev-factory.toml` at this crate's root
//! ([`DEV_FACTORY_TOML`]): what `twinchain --dev` serves without `--factory-config`.

use crate::error::{AccountError, Error};
use serde::{Deserialize, Serialize};
use sp_core::crypto::{AccountId32, Ss58Codec};
use std::collections::BTreeMap;

/// The demo factory of the dev chain: the fischertechnik Training Factory 4.0's topics mapped
/// to the machines the `dev` genesis registers (their DIDs written out in the file; a unit test
/// of the node checks them against the runtime's `dev_factory`), the gateway `//Gateway`.
pub const DEV_FACTORY_TOML: &str = include_str!("../dev-factory.toml");

/// A payload profile: how a topic's messages are read.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, Eq, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
	/// `i/bme680`: `ts, t, rt, h, rh, p, iaq, aq, gr`.
	Bme680,
	/// `i/ldr`: `ts, br, ldr`.
	Ldr,
	/// Numbers picked from any JSON object by the telemetry entry's `fields`.
	Json,
}

/// A telemetry topic of a machine.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetryTopic {
	/// The topic (without the prefix).
	pub topic: String,
	/// How its payloads are read.
	pub profile: Profile,
	/// `json` profile: metric name → dotted path of a number in the payload.
	#[serde(default)]
	pub fields: BTreeMap<String, String>,
	/// `json` profile: dotted path of the `ts` (RFC 3339) field, if any; else receive time.
	#[serde(default)]
	pub ts: Option<String>,
}

impl TelemetryTopic {
	/// The metrics its messages carry, each with the payload path it is read from: the fixed
	/// fields of a fischertechnik sensor, or the configured `fields`.
	pub fn metrics(&self) -> Vec<(&str, &str)> {
		match self.profile {
			Profile::Bme680 => ["t", "h", "p", "iaq", "gr"].iter().map(|f| (*f, *f)).collect(),
			Profile::Ldr => ["br", "ldr"].iter().map(|f| (*f, *f)).collect(),
			Profile::Json => self.fields.iter().map(|(m, p)| (m.as_str(), p.as_str())).collect(),
		}
	}
}

/// How a capability is commanded.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CommandSpec {
	/// The capability assigned.
	pub capability: String,
	/// The topic (without the prefix).
	pub topic: String,
	/// The payload template: `{task}`, `{ts}`, `{capability}`, `{params}` (JSON), `{product}`,
	/// `{tag}`, `{colour}`, `{machine}` are replaced.
	pub payload: String,
}

/// How a machine acknowledges a command.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AckSpec {
	/// The topic (without the prefix).
	pub topic: String,
	/// The field whose value says started or done.
	pub field: String,
	/// Its value when the work started.
	pub started: String,
	/// Its value when the work is done.
	pub done: String,
	/// The field naming the task, if the machine echoes it (stale acks are then ignored).
	#[serde(default)]
	pub task_field: Option<String>,
}

/// A machine served by this node.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MachineSpec {
	/// A short name for logs and metrics.
	pub name: String,
	/// The machine's DID account (SS58 or 0x-hex).
	pub account: String,
	/// Its `f/i/state/<station>` topic, if it has one.
	#[serde(default)]
	pub state_topic: Option<String>,
	/// Its telemetry topics.
	#[serde(default)]
	pub telemetry: Vec<TelemetryTopic>,
	/// How each of its capabilities is commanded.
	#[serde(default)]
	pub commands: Vec<CommandSpec>,
	/// How it acknowledges commands.
	#[serde(default)]
	pub ack: Option<AckSpec>,
}

/// How orders arrive.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrderSpec {
	/// The order topic (without the prefix).
	pub topic: String,
	/// Workpiece type → recipe id.
	pub recipes: BTreeMap<String, u32>,
	/// The reward of each step, in planck (TOML integers are 64-bit).
	pub reward_per_step: u64,
	/// Blocks each step may take.
	pub step_blocks: u32,
	/// The manufacturer (SS58 or 0x-hex) the orders are placed for (`tasks.placeOrderFor`):
	/// it holds the rewards and the products, within the order budget it gave the gateway.
	/// Without it the gateway places orders as itself (`tasks.placeOrder`).
	#[serde(default)]
	pub owner: Option<String>,
	/// The stock topic, whose workpiece ids become the products' NFC tags.
	#[serde(default)]
	pub stock_topic: Option<String>,
	/// The order state topic (`f/i/order`: `state`, `type`), checked and logged.
	#[serde(default)]
	pub state_topic: Option<String>,
	/// The NFC reader's topic (`f/i/nfc/ds`: `workpiece`, `history`), checked and logged.
	#[serde(default)]
	pub nfc_topic: Option<String>,
}

fn default_window() -> u64 {
	10_000
}
fn default_close_delay() -> u64 {
	2_000
}
fn default_reconnect_grace() -> u64 {
	15_000
}
fn default_max_payload() -> usize {
	64 * 1024
}
fn default_capacity() -> usize {
	100_000
}
fn default_skew() -> u64 {
	300_000
}

/// The whole configuration.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FactoryConfig {
	/// Prepended to every topic.
	#[serde(default)]
	pub prefix: String,
	/// Telemetry window length, ms.
	#[serde(default = "default_window")]
	pub window_ms: u64,
	/// How long after its end a window closes, ms.
	#[serde(default = "default_close_delay")]
	pub close_delay_ms: u64,
	/// After the broker connection comes (back) up, windows wait this long before closing, ms:
	/// readings that waited at the broker (for this node's session) or at the machines (while
	/// they reconnect) arrive first, so an outage does not make them late. While the
	/// connection is down no window closes.
	#[serde(default = "default_reconnect_grace")]
	pub reconnect_grace_ms: u64,
	/// Larger payloads are dropped.
	#[serde(default = "default_max_payload")]
	pub max_payload_bytes: usize,
	/// Readings held in open windows, all machines together.
	#[serde(default = "default_capacity")]
	pub buffer_capacity: usize,
	/// Device timestamps further than this from the node's clock are refused, ms.
	#[serde(default = "default_skew")]
	pub max_clock_skew_ms: u64,
	/// The gateway key's account.
	pub gateway: String,
	/// The machine (by name) whose telemetry windows are the environment of every step done
	/// on this factory's machines, e.g. the main controller's BME680.
	#[serde(default)]
	pub environment: Option<String>,
	/// Orders, if this node takes them.
	#[serde(default)]
	pub orders: Option<OrderSpec>,
	/// The machines.
	#[serde(default)]
	pub machines: Vec<MachineSpec>,
}

impl FactoryConfig {
	/// The configuration as TOML (what [`Factory::from_toml`] reads back).
	pub fn to_toml(&self) -> String {
		toml::to_string(self).expect("a configuration is plain tables, strings and numbers")
	}
}

/// What a topic is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
	/// Telemetry of machine `machine` (index), entry `entry`.
	Telemetry { machine: usize, entry: usize },
	/// The station state of machine `machine`.
	State { machine: usize },
	/// Acknowledgements of machine `machine`.
	Ack { machine: usize },
	/// Orders.
	Order,
	/// The stock.
	Stock,
	/// The order state.
	OrderState,
	/// NFC reads.
	Nfc,
}

/// A checked configuration with accounts decoded and topics resolved.
#[derive(Clone, Debug)]
pub struct Factory {
	/// What was configured.
	pub config: FactoryConfig,
	/// The gateway's account.
	pub gateway: AccountId32,
	/// Each machine's account, in `config.machines` order.
	pub accounts: Vec<AccountId32>,
	/// The environment sensor's account, if configured.
	pub environment: Option<AccountId32>,
	/// The manufacturer orders are placed for, if configured.
	pub order_owner: Option<AccountId32>,
	routes: BTreeMap<String, Vec<Route>>,
}

/// Parses an account given as SS58 or 0x-hex.
pub fn parse_account(s: &str) -> Result<AccountId32, AccountError> {
	if let Some(hex) = s.strip_prefix("0x") {
		let bytes =
			sp_core::bytes::from_hex(hex).map_err(|_| AccountError::BadHex(s.to_string()))?;
		let raw: [u8; 32] =
			bytes.try_into().map_err(|_| AccountError::NotThirtyTwoBytes(s.to_string()))?;
		return Ok(AccountId32::from(raw));
	}
	AccountId32::from_ss58check(s)
		.map_err(|e| AccountError::NotSs58 { account: s.to_string(), reason: format!("{e:?}") })
}

impl Factory {
	/// Reads and checks a TOML configuration.
	pub fn from_toml(text: &str) -> Result<Self, Error> {
		let config: FactoryConfig = toml::from_str(text).map_err(|e| Error::Toml(e.to_string()))?;
		Self::new(config)
	}

	/// Checks a configuration: accounts decode, names and topics are unique, windows sane,
	/// `json` entries name their fields, and every ack topic belongs to one machine.
	pub fn new(config: FactoryConfig) -> Result<Self, Error> {
		if config.window_ms < 1_000 || config.window_ms > 600_000 {
			return Err(Error::WindowMs(config.window_ms));
		}
		if config.max_payload_bytes == 0 || config.buffer_capacity == 0 {
			return Err(Error::ZeroLimit);
		}
		let gateway = parse_account(&config.gateway).map_err(Error::Gateway)?;
		let order_owner = match config.orders.as_ref().and_then(|o| o.owner.as_deref()) {
			Some(owner) => Some(parse_account(owner).map_err(Error::OrderOwner)?),
			None => None,
		};
		let mut accounts = Vec::new();
		let mut routes: BTreeMap<String, Vec<Route>> = BTreeMap::new();
		let mut names = std::collections::BTreeSet::new();
		for (i, m) in config.machines.iter().enumerate() {
			if !names.insert(m.name.clone()) {
				return Err(Error::NameTwice(m.name.clone()));
			}
			let account = parse_account(&m.account)
				.map_err(|error| Error::MachineAccount { machine: m.name.clone(), error })?;
			if accounts.contains(&account) {
				return Err(Error::AccountTwice { machine: m.name.clone() });
			}
			accounts.push(account);
			for (j, t) in m.telemetry.iter().enumerate() {
				if t.profile == Profile::Json && t.fields.is_empty() {
					return Err(Error::NoFields {
						machine: m.name.clone(),
						topic: t.topic.clone(),
					});
				}
				for metric in t.fields.keys() {
					if metric.is_empty() || metric.len() > 16 {
						return Err(Error::MetricName {
							machine: m.name.clone(),
							metric: metric.clone(),
						});
					}
				}
				routes
					.entry(format!("{}{}", config.prefix, t.topic))
					.or_default()
					.push(Route::Telemetry { machine: i, entry: j });
			}
			if let Some(t) = &m.state_topic {
				routes
					.entry(format!("{}{t}", config.prefix))
					.or_default()
					.push(Route::State { machine: i });
			}
			if let Some(a) = &m.ack {
				let topic = format!("{}{}", config.prefix, a.topic);
				if routes
					.get(&topic)
					.is_some_and(|r| r.iter().any(|r| matches!(r, Route::Ack { .. })))
				{
					return Err(Error::AckTopicTwice { topic: a.topic.clone() });
				}
				routes.entry(topic).or_default().push(Route::Ack { machine: i });
			}
			let metrics: std::collections::BTreeSet<&str> = m
				.telemetry
				.iter()
				.flat_map(|t| t.metrics().into_iter().map(|(metric, _)| metric))
				.collect();
			if metrics.len() > pallet_telemetry::MAX_METRICS as usize {
				return Err(Error::TooManyMetrics { machine: m.name.clone() });
			}
			let mut caps = std::collections::BTreeSet::new();
			for c in &m.commands {
				if !caps.insert(c.capability.clone()) {
					return Err(Error::CapabilityTwice {
						machine: m.name.clone(),
						capability: c.capability.clone(),
					});
				}
			}
		}
		if let Some(o) = &config.orders {
			routes
				.entry(format!("{}{}", config.prefix, o.topic))
				.or_default()
				.push(Route::Order);
			if let Some(s) = &o.stock_topic {
				routes.entry(format!("{}{s}", config.prefix)).or_default().push(Route::Stock);
			}
			if let Some(s) = &o.state_topic {
				routes
					.entry(format!("{}{s}", config.prefix))
					.or_default()
					.push(Route::OrderState);
			}
			if let Some(s) = &o.nfc_topic {
				routes.entry(format!("{}{s}", config.prefix)).or_default().push(Route::Nfc);
			}
		}
		let environment = match &config.environment {
			None => None,
			Some(name) => {
				let i = config
					.machines
					.iter()
					.position(|m| &m.name == name)
					.ok_or_else(|| Error::NoEnvironment(name.clone()))?;
				Some(accounts[i].clone())
			},
		};
		Ok(Self { config, gateway, accounts, environment, order_owner, routes })
	}

	/// The topics read.
	pub fn topics(&self) -> impl Iterator<Item = &str> {
		self.routes.keys().map(|t| t.as_str())
	}

	/// What to subscribe to: the whole namespace of every topic read (`i/#`, `f/#`, …), so that
	/// messages on topics nobody configured there are seen, counted and dropped too.
	pub fn subscriptions(&self) -> Vec<String> {
		let prefix = &self.config.prefix;
		let mut subs: Vec<String> = self
			.routes
			.keys()
			.map(|t| {
				let rest = t.strip_prefix(prefix.as_str()).unwrap_or(t);
				match rest.split_once('/') {
					Some((first, _)) => format!("{prefix}{first}/#"),
					None => t.clone(),
				}
			})
			.collect();
		subs.sort();
		subs.dedup();
		subs
	}

	/// Whether this node publishes on `topic` (its machines' command topics): such messages
	/// are its own and are not read.
	pub fn is_command_topic(&self, topic: &str) -> bool {
		self.config
			.machines
			.iter()
			.flat_map(|m| m.commands.iter())
			.any(|c| self.topic(&c.topic) == topic)
	}

	/// What `topic` is for; empty for a topic nobody configured.
	pub fn routes(&self, topic: &str) -> &[Route] {
		self.routes.get(topic).map(|r| r.as_slice()).unwrap_or(&[])
	}

	/// The index of the machine with `account`.
	pub fn machine_index(&self, account: &AccountId32) -> Option<usize> {
		self.accounts.iter().position(|a| a == account)
	}

	/// How `machine` is commanded for `capability`.
	pub fn command(&self, machine: usize, capability: &str) -> Option<&CommandSpec> {
		self.config
			.machines
			.get(machine)?
			.commands
			.iter()
			.find(|c| c.capability == capability)
	}

	/// The full topic of `topic`.
	pub fn topic(&self, topic: &str) -> String {
		format!("{}{topic}", self.config.prefix)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

	fn base(machines: &str) -> String {
		format!("gateway = \"{ALICE}\"\nprefix = \"/j1/txt/1/\"\n{machines}")
	}

	#[test]
	fn a_configuration_resolves_prefixed_topics_to_machines() {
		let f = Factory::from_toml(&base(&format!(
			r#"
environment = "env"
[orders]
topic = "f/o/order"
recipes = {{ RED = 1 }}
reward_per_step = 10
step_blocks = 60
stock_topic = "f/i/stock"

[[machines]]
name = "env"
account = "{BOB}"
state_topic = "f/i/state/env"
telemetry = [{{ topic = "i/bme680", profile = "bme680" }}, {{ topic = "x/y", profile = "json", fields = {{ kw = "power.kw" }} }}]
commands = [{{ capability = "oven", topic = "fl/vgr/do", payload = "{{}}" }}]
ack = {{ topic = "fl/mpo/ack", field = "code", started = "1", done = "2" }}
"#
		)))
		.unwrap();
		assert_eq!(f.routes("/j1/txt/1/i/bme680"), &[Route::Telemetry { machine: 0, entry: 0 }]);
		assert_eq!(f.routes("/j1/txt/1/x/y"), &[Route::Telemetry { machine: 0, entry: 1 }]);
		assert_eq!(f.routes("/j1/txt/1/f/i/state/env"), &[Route::State { machine: 0 }]);
		assert_eq!(f.routes("/j1/txt/1/fl/mpo/ack"), &[Route::Ack { machine: 0 }]);
		assert_eq!(f.routes("/j1/txt/1/f/o/order"), &[Route::Order]);
		assert_eq!(f.routes("/j1/txt/1/f/i/stock"), &[Route::Stock]);
		assert!(f.routes("i/bme680").is_empty(), "the prefix is part of the topic");
		assert_eq!(f.topics().count(), 6);
		assert_eq!(
			f.subscriptions(),
			vec!["/j1/txt/1/f/#", "/j1/txt/1/fl/#", "/j1/txt/1/i/#", "/j1/txt/1/x/#"]
		);
		assert!(f.is_command_topic("/j1/txt/1/fl/vgr/do") && !f.is_command_topic("fl/vgr/do"));
		assert_eq!(f.accounts[0], parse_account(BOB).unwrap());
		assert_eq!(f.machine_index(&parse_account(BOB).unwrap()), Some(0));
		assert!(f.command(0, "oven").is_some() && f.command(0, "mill").is_none());
		assert_eq!(f.config.window_ms, 10_000, "defaults");
		assert_eq!(f.environment, Some(parse_account(BOB).unwrap()));
	}

	#[test]
	fn bad_configurations_are_refused_with_a_reason() {
		let machine = |extra: &str| {
			base(&format!("[[machines]]\nname = \"m\"\naccount = \"{BOB}\"\n{extra}"))
		};
		let err = |text: &str| Factory::from_toml(text).unwrap_err().to_string();
		assert!(err("gateway = \"nope\"").contains("gateway"));
		assert!(err(&base("window_ms = 5")).contains("window_ms"));
		assert!(err(&base("environment = \"env\"")).contains("no machine is named"));
		let many: Vec<String> = (0..17).map(|i| format!("m{i} = \"x\"")).collect();
		assert!(err(&machine(&format!(
			"telemetry = [{{ topic = \"t\", profile = \"json\", fields = {{ {} }} }}]",
			many.join(", ")
		)))
		.contains("more than 16 metrics"));
		assert!(err(&base("[[machines]]\nname = \"m\"\naccount = \"0x12\"")).contains("32 bytes"));
		assert!(err(&machine("telemetry = [{ topic = \"t\", profile = \"json\" }]"))
			.contains("no fields"));
		assert!(err(&machine("telemetry = [{ topic = \"t\", profile = \"xml\" }]"))
			.contains("unknown variant"));
		assert!(err(&machine("colour = 1")).contains("unknown field"));
		assert!(err(&format!(
			"{}\n[[machines]]\nname = \"m\"\naccount = \"{ALICE}\"",
			machine("")
		))
		.contains("used twice"));
		let two = format!(
			"{}\n[[machines]]\nname = \"n\"\naccount = \"{ALICE}\"\nack = {{ topic = \"a\", field = \"c\", started = \"1\", done = \"2\" }}",
			machine("ack = { topic = \"a\", field = \"c\", started = \"1\", done = \"2\" }")
		);
		assert!(err(&two).contains("two machines"));
	}

	#[test]
	fn errors_are_typed_and_say_what_to_fix() {
		let err = |text: &str| Factory::from_toml(text).unwrap_err();
		assert_eq!(err(&base("window_ms = 5")), Error::WindowMs(5));
		assert_eq!(
			err("gateway = \"0x12\"").to_string(),
			"gateway: \"0x12\": an account is 32 bytes"
		);
		let Error::Gateway(AccountError::NotSs58 { account, .. }) = err("gateway = \"nobody\"")
		else {
			panic!("an SS58 error")
		};
		assert_eq!(account, "nobody");
		assert!(matches!(err("gateway = 1"), Error::Toml(_)));
	}

	#[test]
	fn the_dev_factory_parses_and_round_trips_through_toml() {
		let dev = Factory::from_toml(DEV_FACTORY_TOML).unwrap();
		assert_eq!(dev.accounts.len(), 5);
		assert_eq!(dev.environment, Some(dev.accounts[0].clone()), "env is the first machine");
		let again = Factory::from_toml(&dev.config.to_toml()).unwrap();
		assert_eq!(again.config.to_toml(), dev.config.to_toml());
		assert_eq!(again.subscriptions(), dev.subscriptions());
		assert_eq!((again.gateway, again.accounts), (dev.gateway, dev.accounts));
	}
}
