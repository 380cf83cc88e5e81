//! `did:twin` resolution on the node, three ways:
//!
//! - the JSON-RPC method `did_resolve(did, options?)` (see [`DidRpcApiServer`]);
//! - an HTTP `GET /1.0/identifiers/{did}` endpoint, the Universal Resolver driver interface,
//!   started only with `--did-http <ADDR>` ([`serve_http`]);
//! - the `twinchain did resolve <did> --url ws://…` command, a JSON-RPC client ([`resolve_cmd`]).
//!
//! The document itself is built by the runtime (`DidApi::resolve`) from the state of the best
//! block (not necessarily finalized yet: a change is visible within one 2 s block), or of block
//! `versionId` for historic resolution. Historic resolution needs that block's
//! state: on a pruning node (the default keeps 256 blocks) resolve against an archive node
//! (`--state-pruning archive`).

use std::{net::SocketAddr, sync::Arc, time::Duration};

use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use pallet_did::{runtime_api::DidApi, KeyFormat};
use serde::Deserialize;
use serde_json::{json, Value};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use tokio::{
	io::{AsyncReadExt, AsyncWriteExt},
	net::{TcpListener, TcpStream},
};
use twinchain_primitives::text::quote;
use twinchain_runtime::opaque::Block;

/// Options of a resolution (the DID Resolution spec's `resolutionOptions`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResolveOptions {
	/// Resolve the document as it stood at this block number (a string or a number).
	pub version_id: Option<Value>,
	/// `JsonWebKey2020` (default) or `Multikey`.
	pub key_format: Option<String>,
	/// The media type asked for: `application/did+ld+json` (the default) or
	/// `application/did+json`; anything else is `representationNotSupported`.
	pub accept: Option<String>,
}

/// A resolution result that carries only an error.
pub fn error_result(error: &str, message: impl Into<String>) -> Value {
	json!({
		"@context": "https://w3id.org/did-resolution/v1",
		"didDocument": null,
		"didResolutionMetadata": { "error": error, "errorMessage": message.into() },
		"didDocumentMetadata": {},
	})
}

/// Resolves DIDs through the runtime API of a client.
pub struct DidResolver<C> {
	client: Arc<C>,
}

impl<C> DidResolver<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: DidApi<Block>,
{
	/// A resolver over `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}

	/// The DID resolution result of `did`; errors are reported in `didResolutionMetadata`.
	pub fn resolve(&self, did: &str, options: &ResolveOptions) -> Value {
		let key_format = match options.key_format.as_deref() {
			None | Some("JsonWebKey2020") => KeyFormat::JsonWebKey2020,
			Some("Multikey") => KeyFormat::Multikey,
			Some(other) => {
				return error_result(
					"invalidOptions",
					format!("keyFormat {}: use \"JsonWebKey2020\" or \"Multikey\"", quote(other)),
				)
			},
		};
		if let Some(accept) = options.accept.as_deref() {
			if !["application/did+ld+json", "application/did+json"].contains(&accept) {
				return error_result(
					"representationNotSupported",
					format!(
						"accept {accept:?}: use application/did+ld+json or application/did+json"
					),
				);
			}
		}
		let (hash, at) = match &options.version_id {
			None => {
				let info = self.client.info();
				(info.best_hash, info.best_number)
			},
			Some(v) => {
				let number = match v {
					Value::Number(n) => n.as_u64(),
					Value::String(s) => s.parse::<u64>().ok(),
					_ => None,
				};
				let Some(number) = number.and_then(|n| u32::try_from(n).ok()) else {
					return error_result(
						"invalidOptions",
						format!("versionId {v}: expected a block number"),
					);
				};
				match self.client.hash(number) {
					Ok(Some(hash)) => (hash, number),
					_ => {
						return error_result(
							"notFound",
							format!("versionId {number}: the chain has no block {number} yet"),
						)
					},
				}
			},
		};
		match self.client.runtime_api().resolve(hash, did.as_bytes().to_vec(), key_format) {
			Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
				error_result("internalError", format!("the runtime returned invalid JSON: {e}"))
			}),
			Err(e) => error_result(
				"internalError",
				format!(
					"cannot read the state of block {at} ({e}); historic resolution needs a node \
					 that keeps it (--state-pruning archive)"
				),
			),
		}
	}
}

/// The `did_*` JSON-RPC methods.
#[rpc(server)]
pub trait DidRpcApi {
	/// Resolves a `did:twin` DID to its W3C DID resolution result (`didDocument`,
	/// `didResolutionMetadata`, `didDocumentMetadata`). `options`: `versionId` (block number)
	/// for the document as it stood then, `keyFormat` (`JsonWebKey2020` or `Multikey`).
	#[method(name = "did_resolve")]
	fn resolve(&self, did: String, options: Option<ResolveOptions>) -> RpcResult<Value>;
}

impl<C> DidRpcApiServer for DidResolver<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: DidApi<Block>,
{
	fn resolve(&self, did: String, options: Option<ResolveOptions>) -> RpcResult<Value> {
		Ok(DidResolver::resolve(self, &did, &options.unwrap_or_default()))
	}
}

/// The HTTP status of a resolution result, as the Universal Resolver driver interface maps them.
pub fn http_status(result: &Value) -> (u16, &'static str) {
	match result["didResolutionMetadata"]["error"].as_str() {
		Some("invalidDid") | Some("invalidOptions") => (400, "Bad Request"),
		Some("notFound") => (404, "Not Found"),
		Some("representationNotSupported") => (406, "Not Acceptable"),
		Some(_) => (500, "Internal Server Error"),
		None if result["didDocumentMetadata"]["deactivated"] == true => (410, "Gone"),
		None => (200, "OK"),
	}
}

fn percent_decode(s: &str) -> Option<String> {
	let bytes = s.as_bytes();
	let mut out = Vec::with_capacity(bytes.len());
	let mut i = 0;
	while i < bytes.len() {
		if bytes[i] == b'%' {
			let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
			out.push(u8::from_str_radix(hex, 16).ok()?);
			i += 3;
		} else {
			out.push(bytes[i]);
			i += 1;
		}
	}
	String::from_utf8(out).ok()
}

/// Answers one HTTP request: `(status, reason, content type, body)`.
fn answer<C>(resolver: &DidResolver<C>, request: &str) -> (u16, &'static str, &'static str, String)
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: DidApi<Block>,
{
	const JSON: &str = "application/json";
	let mut lines = request.split("\r\n");
	let mut first = lines.next().unwrap_or_default().split(' ');
	let (method, target) = (first.next().unwrap_or_default(), first.next().unwrap_or_default());
	let accept = lines
		.filter_map(|l| l.split_once(':'))
		.find(|(k, _)| k.trim().eq_ignore_ascii_case("accept"))
		.map(|(_, v)| v.trim().to_string())
		.unwrap_or_default();
	let problem = |status, reason, message: &str| {
		(status, reason, JSON, json!({ "error": message }).to_string())
	};
	if method != "GET" {
		return problem(405, "Method Not Allowed", "only GET /1.0/identifiers/{did} is served");
	}
	let (path, query) = target.split_once('?').unwrap_or((target, ""));
	let Some(did) = path.strip_prefix("/1.0/identifiers/") else {
		return problem(404, "Not Found", "only GET /1.0/identifiers/{did} is served");
	};
	let Some(did) = percent_decode(did) else {
		let result = error_result("invalidDid", "the DID is not valid percent-encoded UTF-8");
		return (400, "Bad Request", JSON, result.to_string());
	};
	let mut options = ResolveOptions::default();
	for pair in query.split('&').filter(|p| !p.is_empty()) {
		let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
		let v = percent_decode(v).unwrap_or_default();
		match k {
			"versionId" => options.version_id = Some(Value::String(v)),
			"keyFormat" => options.key_format = Some(v),
			_ => {
				let result = error_result("invalidOptions", format!("unknown option {k:?}"));
				return (400, "Bad Request", JSON, result.to_string());
			},
		}
	}
	let acceptable = ["json", "did-resolution", "*/*", "application/*"];
	if !accept.is_empty() && !acceptable.iter().any(|t| accept.contains(t)) {
		let result = error_result(
			"representationNotSupported",
			format!("Accept {accept:?}: this driver serves JSON (application/did-resolution, application/did+ld+json, application/did+json)"),
		);
		return (406, "Not Acceptable", JSON, result.to_string());
	}
	let result = resolver.resolve(&did, &options);
	let (status, reason) = http_status(&result);
	let document_only = ["application/did+ld+json", "application/did+json"]
		.iter()
		.any(|t| accept.contains(t))
		&& !accept.contains("did-resolution");
	if document_only && status == 200 {
		let content_type = if accept.contains("application/did+ld+json") {
			"application/did+ld+json"
		} else {
			"application/did+json"
		};
		return (status, reason, content_type, result["didDocument"].to_string());
	}
	(status, reason, "application/did-resolution", result.to_string())
}

async fn handle<C>(mut stream: TcpStream, resolver: Arc<DidResolver<C>>) -> std::io::Result<()>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: DidApi<Block>,
{
	let mut buf = Vec::with_capacity(1024);
	let mut chunk = [0u8; 1024];
	let head_complete = loop {
		let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk))
			.await
			.map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "slow client"))??;
		if n == 0 {
			break false;
		}
		buf.extend_from_slice(&chunk[..n]);
		if buf.windows(4).any(|w| w == b"\r\n\r\n") {
			break true;
		}
		if buf.len() > 16 * 1024 {
			break false;
		}
	};
	let (status, reason, content_type, body) = if head_complete {
		answer(&resolver, &String::from_utf8_lossy(&buf))
	} else {
		(400, "Bad Request", "application/json", r#"{"error":"malformed HTTP request"}"#.into())
	};
	let response = format!(
		"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
		 Access-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n{body}",
		body.len()
	);
	stream.write_all(response.as_bytes()).await?;
	stream.shutdown().await
}

/// How many HTTP requests the resolver serves at once.
pub const MAX_HTTP_CONNECTIONS: usize = 64;

/// Serves `GET /1.0/identifiers/{did}` on `listener` until the node stops. Query parameters:
/// `versionId`, `keyFormat`. With `Accept: application/did+ld+json` (or `did+json`) only the
/// document is returned; otherwise the whole resolution result. Status codes: 200, 400
/// (`invalidDid`, `invalidOptions`), 404 (`notFound`), 410 (deactivated), 500.
pub async fn serve_http<C>(listener: TcpListener, resolver: Arc<DidResolver<C>>)
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: DidApi<Block>,
{
	// At most this many requests are served at once; further connections wait in the backlog.
	let limit = Arc::new(tokio::sync::Semaphore::new(MAX_HTTP_CONNECTIONS));
	loop {
		let Ok(permit) = limit.clone().acquire_owned().await else { return };
		match listener.accept().await {
			Ok((stream, _)) => {
				let resolver = resolver.clone();
				tokio::spawn(async move {
					if let Err(e) = handle(stream, resolver).await {
						log::debug!(target: "did-http", "request failed: {e}");
					}
					drop(permit);
				});
			},
			Err(e) => {
				log::warn!(target: "did-http", "accept failed: {e}");
				tokio::time::sleep(Duration::from_millis(100)).await;
			},
		}
	}
}

/// Binds the HTTP resolver's address (so a taken port fails the node's start with a clear error).
pub fn bind_http(addr: SocketAddr) -> std::io::Result<TcpListener> {
	let listener = std::net::TcpListener::bind(addr)?;
	listener.set_nonblocking(true)?;
	TcpListener::from_std(listener)
}

/// `twinchain did resolve`: asks a node over JSON-RPC and prints the resolution result. Fails
/// (exit code 1) when the result carries an error.
pub fn resolve_cmd(cmd: &crate::cli::DidResolveCmd) -> sc_cli::Result<()> {
	use jsonrpsee::rpc_params;
	let mut options = serde_json::Map::new();
	if let Some(v) = cmd.version_id {
		options.insert("versionId".into(), json!(v.to_string()));
	}
	if let Some(f) = &cmd.key_format {
		options.insert("keyFormat".into(), json!(f));
	}
	let result =
		crate::query::call(&cmd.url, "did_resolve", rpc_params![&cmd.did, Value::Object(options)]);
	let result = result.unwrap_or_else(|e| {
		eprintln!("error: {e}");
		std::process::exit(1)
	});
	println!("{}", serde_json::to_string_pretty(&result).expect("JSON values serialize"));
	if let Some(error) = result["didResolutionMetadata"]["error"].as_str() {
		eprintln!(
			"error: {error}: {}",
			result["didResolutionMetadata"]["errorMessage"].as_str().unwrap_or("")
		);
		std::process::exit(1);
	}
	Ok(())
}
