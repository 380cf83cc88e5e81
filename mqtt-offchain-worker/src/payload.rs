//! Payload profiles: every message is checked before anything is done with it. A bad one —
//! oversize, not JSON, a field missing or of the wrong type, an out-of-range value — is refused
//! with a [`PayloadError`] naming what is wrong; the caller logs it with its topic, counts it
//! and drops it.
//!
//! Parsing is lenient where the real factory is (see the fischertechnik notes): pretty-printed
//! JSON, numbers sent as strings (`"active": "0"`), empty stock slots as
//! `{"id":"0","state":"","type":""}`, an idle NFC reader's `null`s.

use pallet_telemetry::{MetricKey, Reading, Value as Milli};
use serde_json::{Map, Value};
use std::fmt;
use twinchain_primitives::Colour;

/// Why a payload was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PayloadError {
	/// Larger than `max_payload_bytes`.
	Oversize { len: usize, max: usize },
	/// Not UTF-8 JSON, or not a JSON object.
	NotJson(String),
	/// A required field is absent or null.
	Missing(String),
	/// A field has the wrong type.
	WrongType { field: String, expected: &'static str },
	/// A field's value is out of range or malformed.
	BadValue { field: String, reason: String },
	/// No machine, order or stock uses the topic.
	UnknownTopic,
}

impl PayloadError {
	/// A short label for metrics.
	pub fn kind(&self) -> &'static str {
		match self {
			Self::Oversize { .. } => "oversize",
			Self::NotJson(_) => "not_json",
			Self::Missing(_) => "missing_field",
			Self::WrongType { .. } => "wrong_type",
			Self::BadValue { .. } => "bad_value",
			Self::UnknownTopic => "unknown_topic",
		}
	}
}

impl fmt::Display for PayloadError {
	fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
		match self {
			Self::Oversize { len, max } => write!(f, "payload of {len} bytes exceeds {max}"),
			Self::NotJson(e) => write!(f, "not a JSON object: {e}"),
			Self::Missing(field) => write!(f, "field `{field}` is missing"),
			Self::WrongType { field, expected } => write!(f, "field `{field}` must be {expected}"),
			Self::BadValue { field, reason } => write!(f, "field `{field}`: {reason}"),
			Self::UnknownTopic => write!(f, "no machine, order or stock uses this topic"),
		}
	}
}

type Result<T> = core::result::Result<T, PayloadError>;

/// The JSON object of a payload, after the size check.
pub fn object(payload: &[u8], max: usize) -> Result<Map<String, Value>> {
	if payload.len() > max {
		return Err(PayloadError::Oversize { len: payload.len(), max });
	}
	match serde_json::from_slice::<Value>(payload) {
		Ok(Value::Object(map)) => Ok(map),
		Ok(other) => {
			Err(PayloadError::NotJson(format!("a JSON {} is not an object", kind(&other))))
		},
		Err(e) => Err(PayloadError::NotJson(e.to_string())),
	}
}

fn kind(v: &Value) -> &'static str {
	match v {
		Value::Null => "null",
		Value::Bool(_) => "boolean",
		Value::Number(_) => "number",
		Value::String(_) => "string",
		Value::Array(_) => "array",
		Value::Object(_) => "object",
	}
}

/// The value at a dotted `path` (`power.kw`).
pub fn at<'a>(obj: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
	let mut parts = path.split('.');
	let mut v = obj.get(parts.next()?)?;
	for p in parts {
		v = v.as_object()?.get(p)?;
	}
	(!v.is_null()).then_some(v)
}

/// A number (or a string holding one), required.
pub fn number(obj: &Map<String, Value>, field: &str) -> Result<f64> {
	let v = at(obj, field).ok_or_else(|| PayloadError::Missing(field.into()))?;
	let n = match v {
		Value::Number(n) => n.as_f64(),
		Value::String(s) => s.trim().parse::<f64>().ok(),
		_ => None,
	}
	.ok_or(PayloadError::WrongType { field: field.into(), expected: "a number" })?;
	if !n.is_finite() {
		return Err(PayloadError::BadValue { field: field.into(), reason: "not finite".into() });
	}
	Ok(n)
}

/// A string, required (numbers are accepted as their text).
pub fn text(obj: &Map<String, Value>, field: &str) -> Result<String> {
	match at(obj, field).ok_or_else(|| PayloadError::Missing(field.into()))? {
		Value::String(s) => Ok(s.clone()),
		Value::Number(n) => Ok(n.to_string()),
		_ => Err(PayloadError::WrongType { field: field.into(), expected: "a string" }),
	}
}

/// A `ts` field in the factory's format (`2026-11-26T10:00:00.123Z`, any RFC 3339) as ms.
pub fn timestamp(obj: &Map<String, Value>, field: &str) -> Result<u64> {
	let s = text(obj, field)?;
	twinchain_primitives::text::parse_datetime(&s)
		.map_err(|reason| PayloadError::BadValue { field: field.into(), reason })
}

/// A reading's value in thousandths, refused beyond ±9·10¹² units.
pub fn milli(field: &str, v: f64) -> Result<Milli> {
	let scaled = (v * 1000.0).round();
	if scaled.abs() > 9.0e15 {
		return Err(PayloadError::BadValue { field: field.into(), reason: "out of range".into() });
	}
	Ok(scaled as Milli)
}

fn metric(name: &str) -> MetricKey {
	name.as_bytes()
		.to_vec()
		.try_into()
		.expect("metric names are checked to be ≤ 16 bytes")
}

/// The readings of a telemetry message: the fixed fields of a fischertechnik sensor, or the
/// configured `fields` of a generic JSON payload. `now` is used when the payload has no `ts`.
pub fn readings(
	entry: &crate::config::TelemetryTopic,
	obj: &Map<String, Value>,
	now: u64,
) -> Result<Vec<Reading>> {
	use crate::config::Profile;
	let ts = match (entry.profile, &entry.ts) {
		(Profile::Json, None) => now,
		(Profile::Json, Some(path)) => timestamp(obj, path)?,
		_ => timestamp(obj, "ts")?,
	};
	let fields = entry.metrics();
	let mut out = Vec::with_capacity(fields.len());
	for (name, path) in fields {
		let value = milli(path, number(obj, path)?)?;
		out.push(Reading { metric: metric(name), ts, value });
	}
	Ok(out)
}

/// `f/i/state/<station>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StationState {
	/// When.
	pub ts: u64,
	/// The station, e.g. `mpo`.
	pub station: String,
	/// The LED code: 0 off, 1 ready, 2 busy, 3 wait-ready, 4 error, 6 wait-error, 7 calibrating.
	pub code: u8,
	/// Whether it is active.
	pub active: bool,
}

/// Reads a station state message.
pub fn station_state(obj: &Map<String, Value>) -> Result<StationState> {
	let code = number(obj, "code")?;
	if !(0.0..=7.0).contains(&code) || code.fract() != 0.0 {
		return Err(PayloadError::BadValue {
			field: "code".into(),
			reason: "not an LED code 0-7".into(),
		});
	}
	let active = number(obj, "active")?;
	if active != 0.0 && active != 1.0 {
		return Err(PayloadError::BadValue { field: "active".into(), reason: "not 0 or 1".into() });
	}
	Ok(StationState {
		ts: timestamp(obj, "ts")?,
		station: text(obj, "station")?,
		code: code as u8,
		active: active == 1.0,
	})
}

/// A workpiece type: `WHITE`, `RED` or `BLUE`.
pub fn workpiece_type(obj: &Map<String, Value>, field: &str) -> Result<String> {
	let t = text(obj, field)?;
	match t.parse::<Colour>() {
		Ok(_) => Ok(t),
		Err(_) => Err(PayloadError::BadValue {
			field: field.into(),
			reason: format!("{t:?} is not WHITE, RED or BLUE"),
		}),
	}
}

/// An order (`f/o/order`): the workpiece type ordered.
pub fn order(obj: &Map<String, Value>) -> Result<String> {
	workpiece_type(obj, "type")
}

/// `f/i/order`: the order's state and workpiece type.
pub fn order_state(obj: &Map<String, Value>) -> Result<(String, String)> {
	let state = text(obj, "state")?;
	match state.as_str() {
		"WAITING_FOR_ORDER" | "ORDERED" | "IN_PROCESS" | "SHIPPED" => {},
		_ => {
			return Err(PayloadError::BadValue {
				field: "state".into(),
				reason: format!("{state:?} is not an order state"),
			})
		},
	}
	let kind = match at(obj, "type") {
		None => String::new(),
		Some(_) => workpiece_type(obj, "type")?,
	};
	Ok((state, kind))
}

/// A stock slot holding a workpiece.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockItem {
	/// The workpiece's NFC id.
	pub id: String,
	/// WHITE, RED or BLUE.
	pub kind: String,
	/// RAW, PROCESSED or REJECTED.
	pub state: String,
	/// The slot, A1 … C3.
	pub location: String,
}

/// `f/i/stock`: the occupied slots (empty slots, `id` "0" or "", are skipped).
pub fn stock(obj: &Map<String, Value>) -> Result<Vec<StockItem>> {
	let items = at(obj, "stockItems").ok_or_else(|| PayloadError::Missing("stockItems".into()))?;
	let items = items
		.as_array()
		.ok_or(PayloadError::WrongType { field: "stockItems".into(), expected: "an array" })?;
	let mut out = Vec::new();
	for (i, item) in items.iter().enumerate() {
		let item = item.as_object().ok_or(PayloadError::WrongType {
			field: format!("stockItems[{i}]"),
			expected: "an object",
		})?;
		let wp = match at(item, "workpiece") {
			None => continue,
			Some(Value::Object(wp)) => wp,
			Some(_) => {
				return Err(PayloadError::WrongType {
					field: format!("stockItems[{i}].workpiece"),
					expected: "an object",
				})
			},
		};
		let id = text(wp, "id").unwrap_or_default();
		if id.is_empty() || id == "0" {
			continue;
		}
		if id.len() > 32 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
			return Err(PayloadError::BadValue {
				field: format!("stockItems[{i}].workpiece.id"),
				reason: "not an NFC id (≤ 32 letters and digits)".into(),
			});
		}
		out.push(StockItem {
			id,
			kind: workpiece_type(wp, "type")?,
			state: text(wp, "state")?,
			location: text(item, "location")?,
		});
	}
	Ok(out)
}

/// An NFC read: the workpiece's id and its history, each entry's time (ms) and code.
pub type NfcRead = (String, Vec<(u64, u16)>);

/// `f/i/nfc/ds`: the workpiece read and its history codes (an idle reader sends nulls).
pub fn nfc(obj: &Map<String, Value>) -> Result<Option<NfcRead>> {
	let Some(wp) = at(obj, "workpiece") else { return Ok(None) };
	let wp = wp
		.as_object()
		.ok_or(PayloadError::WrongType { field: "workpiece".into(), expected: "an object" })?;
	let id = text(wp, "id")?;
	let mut history = Vec::new();
	if let Some(h) = at(obj, "history") {
		let h = h
			.as_array()
			.ok_or(PayloadError::WrongType { field: "history".into(), expected: "an array" })?;
		for entry in h {
			let e = entry.as_object().ok_or(PayloadError::WrongType {
				field: "history[]".into(),
				expected: "an object",
			})?;
			let code = number(e, "code")?;
			history.push((timestamp(e, "ts")?, code as u16));
		}
	}
	Ok(Some((id, history)))
}

/// The value of an acknowledgement's `field` as text (numbers as their integer text).
pub fn ack_value(obj: &Map<String, Value>, field: &str) -> Result<String> {
	match at(obj, field).ok_or_else(|| PayloadError::Missing(field.into()))? {
		Value::String(s) => Ok(s.trim().to_string()),
		Value::Number(n) => Ok(n.as_i64().map(|i| i.to_string()).unwrap_or_else(|| n.to_string())),
		_ => Err(PayloadError::WrongType { field: field.into(), expected: "a string or number" }),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::config::{Profile, TelemetryTopic};

	fn obj(s: &str) -> Map<String, Value> {
		object(s.as_bytes(), 1024).unwrap()
	}

	fn topic(profile: Profile, fields: &[(&str, &str)], ts: Option<&str>) -> TelemetryTopic {
		TelemetryTopic {
			topic: "t".into(),
			profile,
			fields: fields.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
			ts: ts.map(String::from),
		}
	}

	const T: u64 = 1_795_651_200_123; // 2026-11-26T00:00:00.123Z

	#[test]
	fn bme680_and_ldr_messages_become_readings_in_thousandths() {
		let bme = "{\n\t\"ts\": \"2026-11-26T00:00:00.123Z\",\n\t\"t\": 22.5, \"rt\": 23.1, \"h\": \"41.25\",\n\t\"rh\": 40, \"p\": 1013.2, \"iaq\": 25, \"aq\": 0, \"gr\": 120000\n}";
		let r = readings(&topic(Profile::Bme680, &[], None), &obj(bme), 0).unwrap();
		let got: Vec<(String, u64, i64)> = r
			.iter()
			.map(|r| (String::from_utf8(r.metric.to_vec()).unwrap(), r.ts, r.value))
			.collect();
		assert_eq!(
			got,
			vec![
				("t".into(), T, 22_500),
				("h".into(), T, 41_250),
				("p".into(), T, 1_013_200),
				("iaq".into(), T, 25_000),
				("gr".into(), T, 120_000_000)
			]
		);
		let ldr = r#"{"ts":"2026-11-26T00:00:00.123Z","br":"87.5","ldr":1502}"#;
		let r = readings(&topic(Profile::Ldr, &[], None), &obj(ldr), 0).unwrap();
		assert_eq!((r[0].value, r[1].value), (87_500, 1_502_000));
	}

	#[test]
	fn generic_json_picks_configured_paths_and_defaults_to_receive_time() {
		let t = topic(Profile::Json, &[("kw", "power.kw"), ("temp", "t")], None);
		let r = readings(&t, &obj(r#"{"power":{"kw":1.5},"t":-3}"#), 42).unwrap();
		assert_eq!(
			r.iter().map(|r| (r.ts, r.value)).collect::<Vec<_>>(),
			vec![(42, 1_500), (42, -3_000)]
		);
		let t = topic(Profile::Json, &[("kiln_t", "temperature")], Some("ts"));
		let r =
			readings(&t, &obj(r#"{"ts":"2026-11-26T00:00:00.123Z","temperature":95}"#), 0).unwrap();
		assert_eq!((r[0].ts, r[0].value), (T, 95_000));
	}

	#[test]
	fn bad_payloads_are_refused_with_what_is_wrong() {
		let bme = topic(Profile::Bme680, &[], None);
		let err = |s: &str| match object(s.as_bytes(), 1024) {
			Ok(o) => readings(&bme, &o, 0).unwrap_err(),
			Err(e) => e,
		};
		assert_eq!(
			object(&[b' '; 2000], 1024).unwrap_err(),
			PayloadError::Oversize { len: 2000, max: 1024 }
		);
		assert_eq!(object(b"\xff\xfe", 1024).unwrap_err().kind(), "not_json");
		assert_eq!(object(b"[1,2]", 1024).unwrap_err().kind(), "not_json");
		assert_eq!(object(b"{\"t\":", 1024).unwrap_err().kind(), "not_json");
		assert_eq!(err(r#"{"t":1}"#), PayloadError::Missing("ts".into()));
		assert_eq!(err(r#"{"ts":"yesterday","t":1}"#).kind(), "bad_value");
		let ts = r#""ts":"2026-11-26T00:00:00Z""#;
		assert_eq!(
			err(&format!("{{{ts},\"t\":true,\"h\":1,\"p\":1,\"iaq\":1,\"gr\":1}}")),
			PayloadError::WrongType { field: "t".into(), expected: "a number" }
		);
		assert_eq!(err(&format!("{{{ts},\"t\":\"warm\"}}")).kind(), "wrong_type");
		assert_eq!(
			err(&format!("{{{ts},\"t\":1e300,\"h\":1,\"p\":1,\"iaq\":1,\"gr\":1}}")).kind(),
			"bad_value"
		);
		assert_eq!(err(&format!("{{{ts},\"t\":null}}")), PayloadError::Missing("t".into()));
		assert!(PayloadError::Missing("ts".into()).to_string().contains("`ts`"));
	}

	#[test]
	fn station_states_orders_stock_and_nfc_are_read_leniently_and_checked() {
		let s = station_state(&obj(
			r#"{"ts":"2026-11-26T00:00:00.123Z","station":"mpo","code":"2","description":"","active":"1"}"#,
		))
		.unwrap();
		assert_eq!(s, StationState { ts: T, station: "mpo".into(), code: 2, active: true });
		assert_eq!(
			station_state(&obj(
				r#"{"ts":"2026-11-26T00:00:00Z","station":"x","code":5.5,"active":0}"#
			))
			.unwrap_err()
			.kind(),
			"bad_value"
		);
		assert_eq!(order(&obj(r#"{"ts":"2026-11-26T00:00:00Z","type":"RED"}"#)).unwrap(), "RED");
		assert_eq!(order(&obj(r#"{"type":"GREEN"}"#)).unwrap_err().kind(), "bad_value");
		assert_eq!(
			order_state(&obj(r#"{"state":"SHIPPED","type":"RED"}"#)).unwrap(),
			("SHIPPED".into(), "RED".into())
		);
		assert_eq!(order_state(&obj(r#"{"state":"LOST"}"#)).unwrap_err().kind(), "bad_value");
		let items = stock(&obj(r#"{"ts":"2026-11-26T00:00:00Z","stockItems":[
				{"workpiece":{"id":"04a1b2c3d4e5f6","type":"RED","state":"RAW"},"location":"A1"},
				{"workpiece":{"id":"0","state":"","type":""},"location":"A2"},
				{"workpiece":null,"location":"A3"}]}"#))
		.unwrap();
		assert_eq!(
			items,
			vec![StockItem {
				id: "04a1b2c3d4e5f6".into(),
				kind: "RED".into(),
				state: "RAW".into(),
				location: "A1".into()
			}]
		);
		assert_eq!(stock(&obj(r#"{"stockItems":{}}"#)).unwrap_err().kind(), "wrong_type");
		assert_eq!(
			nfc(&obj(r#"{"ts":"2026-11-26T00:00:00Z","workpiece":null,"history":null}"#)).unwrap(),
			None
		);
		let (id, h) = nfc(&obj(
			r#"{"workpiece":{"id":"04a1","type":"RED","state":"RAW"},"history":[{"ts":"2026-11-26T00:00:00.123Z","code":100}]}"#,
		))
		.unwrap()
		.unwrap();
		assert_eq!((id.as_str(), h), ("04a1", vec![(T, 100)]));
		assert_eq!(ack_value(&obj(r#"{"code":2}"#), "code").unwrap(), "2");
		assert_eq!(ack_value(&obj(r#"{"state":" SHIPPED "}"#), "state").unwrap(), "SHIPPED");
		assert_eq!(ack_value(&obj(r#"{"code":[2]}"#), "code").unwrap_err().kind(), "wrong_type");
	}
}
