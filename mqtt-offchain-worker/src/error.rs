//! Why the bridge could not be set up or stopped: a factory configuration it refuses, a broker
//! URL or TLS set-up it cannot use, an embedded broker that did not start, or a client task that
//! ended. (A refused MQTT message is a [`crate::payload::PayloadError`]: it never stops the
//! bridge.) Each error's text names what to fix, as the node prints it.

use std::{fmt, net::SocketAddr};

/// Why an account (a machine's DID, the gateway key) in the configuration does not decode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountError {
	/// `0x…` but not hex.
	BadHex(String),
	/// `0x…` hex, but not 32 bytes.
	NotThirtyTwoBytes(String),
	/// Neither hex nor a valid SS58 address; `reason` is the SS58 decoder's.
	NotSs58 { account: String, reason: String },
}

impl fmt::Display for AccountError {
	fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
		match self {
			Self::BadHex(s) => write!(f, "{s:?}: bad hex"),
			Self::NotThirtyTwoBytes(s) => write!(f, "{s:?}: an account is 32 bytes"),
			Self::NotSs58 { account, reason } => {
				write!(f, "{account:?}: not an SS58 account ({reason})")
			},
		}
	}
}

impl std::error::Error for AccountError {}

/// Why the bridge could not start or ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
	// The factory configuration.
	/// Not TOML of the configuration's shape (the TOML parser's message).
	Toml(String),
	/// `window_ms` outside 1 s ..= 10 min.
	WindowMs(u64),
	/// `max_payload_bytes` or `buffer_capacity` is zero.
	ZeroLimit,
	/// The gateway's account.
	Gateway(AccountError),
	/// The account of the manufacturer orders are placed for (`[orders] owner`).
	OrderOwner(AccountError),
	/// A machine's account.
	MachineAccount { machine: String, error: AccountError },
	/// Two machines with one name.
	NameTwice(String),
	/// Two machines with one account.
	AccountTwice { machine: String },
	/// A `json` telemetry topic that picks no fields.
	NoFields { machine: String, topic: String },
	/// A metric name that is empty or longer than 16 bytes.
	MetricName { machine: String, metric: String },
	/// More metrics than a window anchors.
	TooManyMetrics { machine: String },
	/// An acknowledgement topic configured for two machines.
	AckTopicTwice { topic: String },
	/// A capability with two commands.
	CapabilityTwice { machine: String, capability: String },
	/// `environment` names no machine.
	NoEnvironment(String),
	/// A command template that is not JSON once filled in.
	Template { machine: String, capability: String, reason: String },

	// The broker connection.
	/// The broker URL's scheme is neither `mqtt://` nor `mqtts://`.
	UrlScheme(String),
	/// The broker URL's port is not a number.
	UrlPort(String),
	/// The broker URL has no host.
	UrlHost(String),
	/// `mqtts://` without the CA certificate.
	NoCaFile,
	/// TLS files for an `mqtt://` URL.
	TlsWithoutMqtts,

	// The embedded broker.
	/// Its address is taken (by another broker, say).
	BrokerAddressInUse(SocketAddr),
	/// Its thread could not be started.
	BrokerThread(String),
	/// It did not accept connections in time.
	BrokerNotStarted(SocketAddr),

	// The client.
	/// The MQTT event loop is gone: a client task cannot go on.
	ClientGone,
}

impl fmt::Display for Error {
	fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
		match self {
			Self::Toml(e) => f.write_str(e),
			Self::WindowMs(_) => f.write_str("window_ms must be 1000 ..= 600000"),
			Self::ZeroLimit => {
				f.write_str("max_payload_bytes and buffer_capacity must be positive")
			},
			Self::Gateway(e) => write!(f, "gateway: {e}"),
			Self::OrderOwner(e) => write!(f, "orders.owner: {e}"),
			Self::MachineAccount { machine, error } => write!(f, "machine {machine}: {error}"),
			Self::NameTwice(name) => write!(f, "machine name {name:?} used twice"),
			Self::AccountTwice { machine } => write!(f, "machine {machine}: account used twice"),
			Self::NoFields { machine, topic } => {
				write!(f, "machine {machine}: json topic {topic} names no fields")
			},
			Self::MetricName { machine, metric } => {
				write!(f, "machine {machine}: metric {metric:?} must be 1-16 bytes")
			},
			Self::TooManyMetrics { machine } => {
				write!(f, "machine {machine}: more than 16 metrics")
			},
			Self::AckTopicTwice { topic } => write!(f, "ack topic {topic} belongs to two machines"),
			Self::CapabilityTwice { machine, capability } => {
				write!(f, "machine {machine}: capability {capability} commanded twice")
			},
			Self::NoEnvironment(name) => write!(f, "environment: no machine is named {name:?}"),
			Self::Template { machine, capability, reason } => write!(
				f,
				"machine {machine}: the {capability} command is not JSON once filled: {reason}"
			),
			Self::UrlScheme(url) => {
				write!(f, "{url:?}: the broker URL must start with mqtt:// or mqtts://")
			},
			Self::UrlPort(url) => write!(f, "{url:?}: bad port"),
			Self::UrlHost(url) => write!(f, "{url:?}: no host"),
			Self::NoCaFile => f.write_str("mqtts:// needs --mqtt-ca-file"),
			Self::TlsWithoutMqtts => {
				f.write_str("TLS files given for an mqtt:// URL: use mqtts://")
			},
			Self::BrokerAddressInUse(addr) => {
				write!(f, "{addr} is in use: give --mqtt-broker to use that broker")
			},
			Self::BrokerThread(e) => write!(f, "the embedded broker's thread: {e}"),
			Self::BrokerNotStarted(addr) => {
				write!(f, "the embedded broker did not start on {addr}")
			},
			Self::ClientGone => f.write_str("the MQTT client's event loop is gone"),
		}
	}
}

impl std::error::Error for Error {}
