//! The command line: the standard Substrate node CLI, Twinchain's options and subcommands.
//!
//! Every argument struct of the node lives here, and this module uses nothing of the crate:
//! the modules that carry out a command (`command.rs` dispatches) take their arguments from
//! here, never the other way round.

use sc_cli::RunCmd;
use std::path::PathBuf;

/// The Twinchain node.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: RunCmd,

	/// Serve DID resolution over HTTP on this address (e.g. `127.0.0.1:8080`): the Universal
	/// Resolver driver interface, `GET /1.0/identifiers/{did}`. Off unless given.
	#[arg(long, value_name = "ADDR")]
	pub did_http: Option<std::net::SocketAddr>,

	#[clap(flatten)]
	pub bridge: BridgeParams,
}

/// The bridge's command-line options.
#[derive(Debug, Clone, clap::Args)]
pub struct BridgeParams {
	/// The factory's MQTT broker, `mqtt://host:port` or `mqtts://host:port`. Without it a
	/// `--dev` node runs an embedded broker on `--mqtt-listen`.
	#[arg(long, value_name = "URL")]
	pub mqtt_broker: Option<String>,

	/// The embedded broker's address (development nodes without `--mqtt-broker`).
	#[arg(long, value_name = "ADDR", default_value = "127.0.0.1:1883")]
	pub mqtt_listen: std::net::SocketAddr,

	/// Run the embedded broker on a node other than `--dev`. It has no authentication and no
	/// ACLs: any client that reaches it can publish any machine's telemetry and
	/// acknowledgements. For a demonstration only; a factory uses its own broker with a
	/// password or client certificate per machine and ACLs (docs/factory-bridge.md).
	#[arg(long, conflicts_with = "mqtt_broker")]
	pub mqtt_embedded_broker: bool,

	/// The MQTT client id of this node.
	#[arg(long, default_value = "twinchain-gateway")]
	pub mqtt_client_id: String,

	/// The MQTT user name.
	#[arg(long, requires = "mqtt_password")]
	pub mqtt_username: Option<String>,

	/// The MQTT password.
	#[arg(long, requires = "mqtt_username")]
	pub mqtt_password: Option<String>,

	/// TLS (`mqtts://`): the CA certificate (PEM) of the broker's certificate.
	#[arg(long, value_name = "FILE")]
	pub mqtt_ca_file: Option<PathBuf>,

	/// TLS: this node's client certificate (PEM), for brokers that require one.
	#[arg(long, value_name = "FILE", requires = "mqtt_client_key")]
	pub mqtt_client_cert: Option<PathBuf>,

	/// TLS: the client certificate's key (PEM).
	#[arg(long, value_name = "FILE", requires = "mqtt_client_cert")]
	pub mqtt_client_key: Option<PathBuf>,

	/// The factory configuration (TOML): topics → machine DIDs, payload profiles, commands,
	/// acknowledgements, orders. A `--dev` node without it serves the demo factory of the dev
	/// chain (the fischertechnik Training Factory 4.0 topics).
	#[arg(long, value_name = "FILE")]
	pub factory_config: Option<PathBuf>,

	/// Run no factory bridge (not even on a `--dev` node).
	#[arg(long, conflicts_with_all = ["mqtt_broker", "factory_config"])]
	pub no_mqtt: bool,

	/// When a task assigned to one of the factory's machines becomes its MQTT command:
	/// `finalized` (the safe default: only assignments that can no longer be reverted) or
	/// `best` (as soon as the assignment is in the best block, about one finality lag sooner;
	/// a best block that is later retracted leaves a command for an assignment that never
	/// happened, which the machine's acknowledgements then cannot start or complete).
	#[arg(long, value_enum, default_value_t = CommandsOn::Finalized)]
	pub commands_on: CommandsOn,
}

/// Which blocks' task assignments the bridge turns into machine commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CommandsOn {
	/// Finalized blocks only.
	Finalized,
	/// Each new best block (and finalized blocks, for any assignment a best block missed).
	Best,
}

/// What the node can do besides running.
#[derive(Debug, clap::Subcommand)]
#[allow(
	clippy::large_enum_variant,
	reason = "parsed once per process; boxing the variants would only obscure the clap derive"
)]
pub enum Subcommand {
	/// Key management: generate, inspect, insert keys and node keys.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (`--chain dev|local|<file>`, `--raw` for the raw form).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Runtime and node benchmarks (`benchmark pallet` generates the pallets' weights).
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Database metadata.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// did:twin DIDs: `did resolve <did> --url ws://…` asks a node for a DID's document.
	#[command(subcommand)]
	Did(DidCmd),

	/// Verifiable credentials (VC-JWTs): `vc issue` signs (and anchors), `vc verify` checks
	/// a credential against the chain.
	#[command(subcommand)]
	Vc(VcCmd),

	/// Machines' digital twins: `machines by-capability <cap>`, `machines status <did>`.
	#[command(subcommand)]
	Machines(MachinesCmd),

	/// Products' provenance: `provenance trace <did>`, `provenance by-machine <did> --from --to`,
	/// `provenance lot <id>`, `provenance by-tag <nfc-tag>`.
	#[command(subcommand)]
	Provenance(ProvenanceCmd),

	/// Machine telemetry: `telemetry verify <did> --start <t> --index <n>` checks a raw
	/// reading against the window root anchored on chain; `telemetry windows <did>` lists them.
	#[command(subcommand)]
	Telemetry(TelemetryCmd),
}

/// Telemetry queries (through the node's `telemetry_*` JSON-RPC methods).
#[derive(Debug, clap::Subcommand)]
pub enum TelemetryCmd {
	/// Fetches reading `--index` of the machine's window starting at `--start` with its Merkle
	/// proof, and the window's root from the chain, and verifies the proof from the reading.
	/// Prints the verified reading; exits 1 if it does not match.
	Verify {
		/// The machine's DID.
		did: String,
		/// The window's start: Unix ms or RFC 3339.
		#[arg(long)]
		start: String,
		/// The reading's position in the window.
		#[arg(long)]
		index: u32,
		/// The node's JSON-RPC WebSocket endpoint.
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		url: String,
	},
	/// A machine's anchored windows, oldest first.
	Windows {
		/// The machine's DID.
		did: String,
		/// The earliest start: Unix ms or RFC 3339.
		#[arg(long)]
		from: Option<String>,
		/// How many (at most 100).
		#[arg(long)]
		limit: Option<u32>,
		/// The node's JSON-RPC WebSocket endpoint.
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		url: String,
	},
}

/// Provenance queries (through the node's `provenance_*` JSON-RPC methods).
#[derive(Debug, clap::Subcommand)]
pub enum ProvenanceCmd {
	/// A product's whole story: type, lots, components, process steps (machine, times,
	/// parameters, result, environment), custody, credentials with live status, recall.
	Trace {
		/// The product's DID.
		did: String,
		/// The first step to show.
		#[arg(long)]
		from_step: Option<u32>,
		/// How many steps to show (default 100, at most 1000).
		#[arg(long)]
		limit: Option<u32>,
		/// The node's JSON-RPC WebSocket endpoint.
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		url: String,
	},
	/// The products a machine worked on in a time range (what a recall of it would reach).
	ByMachine {
		/// The machine's DID.
		did: String,
		/// Start: RFC 3339 (e.g. `2026-11-26T10:00:00Z`) or Unix ms.
		#[arg(long)]
		from: String,
		/// End (inclusive): RFC 3339 or Unix ms.
		#[arg(long)]
		to: String,
		/// How many steps to show (default 100, at most 1000).
		#[arg(long)]
		limit: Option<u32>,
		/// The node's JSON-RPC WebSocket endpoint.
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		url: String,
	},
	/// The products made from a supplier lot.
	Lot {
		/// The lot's id.
		lot: u64,
		/// How many products to show (default 100, at most 1000).
		#[arg(long)]
		limit: Option<u32>,
		/// The node's JSON-RPC WebSocket endpoint.
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		url: String,
	},
	/// The product carrying an NFC tag.
	ByTag {
		/// The tag's id, e.g. `04a1b2c3d4e5f6`.
		tag: String,
		/// The node's JSON-RPC WebSocket endpoint.
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		url: String,
	},
}

/// Machine queries (through the node's `machines_*` JSON-RPC methods).
#[derive(Debug, clap::Subcommand)]
pub enum MachinesCmd {
	/// The machines that can perform a capability now (valid credential), idle ones first.
	ByCapability {
		/// The capability id, e.g. `mill`.
		capability: String,
		/// The node's JSON-RPC WebSocket endpoint.
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		url: String,
	},
	/// What a machine is doing now, or was doing at `--at`.
	Status {
		/// The machine's DID.
		did: String,
		/// A moment in Unix seconds (default: now).
		#[arg(long)]
		at: Option<u64>,
		/// The node's JSON-RPC WebSocket endpoint.
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		url: String,
	},
}

/// Verifiable-credential commands.
#[derive(Debug, clap::Subcommand)]
pub enum VcCmd {
	/// Sign a W3C VC (JWT encoding, `alg: EdDSA`) and print it; `--anchor` also anchors its
	/// digest on chain (the signer must be an active certifier).
	Issue(VcIssueCmd),
	/// Verify a VC-JWT against the chain: issuer DID and key (valid at issuance), signature,
	/// validity window, schema, anchor, issuer role and status. Prints the verified facts, or
	/// exits non-zero with the one reason it is invalid.
	Verify(VcVerifyCmd),
}

/// `vc issue`.
#[derive(Debug, clap::Args)]
pub struct VcIssueCmd {
	/// The issuer's Ed25519 signing key: a secret URI (`//Name`, a mnemonic) or a 0x hex seed.
	#[arg(long)]
	pub issuer_key: String,

	/// The key's absolute DID URL in the issuer's DID document, e.g. `did:twin:5F…#signing`
	/// (an Ed25519 key listed under `assertionMethod`). Its DID is the issuer (`iss`).
	#[arg(long)]
	pub kid: String,

	/// A JSON file with the credential subject: `id` (the subject's DID) and the claims.
	#[arg(long)]
	pub claims: PathBuf,

	/// The credential type: `MachineCapability` or `QualityCertificate` (its schema id is
	/// known), or any type with `--schema`.
	#[arg(long = "type", default_value = "MachineCapability")]
	pub r#type: String,

	/// The schema id (0x + 32 bytes hex) for a type other than the genesis ones.
	#[arg(long)]
	pub schema: Option<String>,

	/// Valid from (Unix seconds; default now): the JWT's `nbf`.
	#[arg(long)]
	pub valid_from: Option<u64>,

	/// Valid until (Unix seconds, exclusive): the JWT's `exp`. Default: until revoked.
	#[arg(long)]
	pub valid_until: Option<u64>,

	/// Anchor the credential's digest on chain (`credentials.anchor`).
	#[arg(long)]
	pub anchor: bool,

	/// The issuer account's Sr25519 secret URI, which signs the anchoring transaction.
	#[arg(long)]
	pub signer: Option<String>,

	/// The node's JSON-RPC WebSocket endpoint (for `--anchor`).
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	pub url: String,
}

/// `vc verify`.
#[derive(Debug, clap::Args)]
pub struct VcVerifyCmd {
	/// The VC-JWT (compact JWS), or `-` to read it from standard input.
	pub jwt: String,

	/// The node's JSON-RPC WebSocket endpoint.
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	pub url: String,
}

/// DID commands.
#[derive(Debug, clap::Subcommand)]
pub enum DidCmd {
	/// Resolve a did:twin DID through a node's `did_resolve` JSON-RPC method and print the W3C
	/// DID resolution result. Exits non-zero when resolution fails (e.g. `invalidDid`).
	Resolve(DidResolveCmd),
}

/// `did resolve`.
#[derive(Debug, clap::Args)]
pub struct DidResolveCmd {
	/// The DID, `did:twin:<SS58 address>`.
	pub did: String,

	/// The node's JSON-RPC WebSocket endpoint.
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	pub url: String,

	/// Resolve the document as it stood at this block (historic resolution; needs a node that
	/// still has that block's state, e.g. `--state-pruning archive`).
	#[arg(long)]
	pub version_id: Option<u32>,

	/// How keys are presented.
	#[arg(long, value_parser = ["JsonWebKey2020", "Multikey"])]
	pub key_format: Option<String>,
}
