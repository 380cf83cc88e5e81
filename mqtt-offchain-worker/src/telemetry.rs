//! Telemetry windows: readings are kept per machine in fixed windows of `window_ms` (by their
//! timestamp), durably in the [`Store`]. A window closes `close_delay_ms` after its end: its
//! readings are summarised (count/min/max/mean per metric), their Merkle root computed, the
//! raw readings kept for proofs (the latest [`RAW_RETAINED`] windows per machine), and the
//! summary handed on to be anchored on chain.
//!
//! The buffer is bounded (`buffer_capacity` readings in open windows, all machines): a reading
//! that does not fit is refused ([`Refused::BufferFull`]), never silently dropped.

use crate::store::{Store, StoreExt};
use codec::{Decode, Encode};
use pallet_telemetry::{merkle, MetricSummary, Reading, WindowInput};
use sp_core::crypto::AccountId32;
use std::collections::BTreeMap;

/// Closed windows whose raw readings are kept per machine.
pub const RAW_RETAINED: usize = 8_640;
/// The most readings one window holds.
pub const MAX_WINDOW_READINGS: usize = 10_000;

const OPEN: &[u8] = b"twinchain/mqtt/open/";
const RAW: &[u8] = b"twinchain/mqtt/raw/";
const RAW_INDEX: &[u8] = b"twinchain/mqtt/rawidx/";
const COUNT: &[u8] = b"twinchain/mqtt/open-count";

fn key(prefix: &[u8], machine: &AccountId32) -> Vec<u8> {
	[prefix, machine.as_ref()].concat()
}

fn raw_key(machine: &AccountId32, start: u64) -> Vec<u8> {
	[RAW, machine.as_ref(), &start.to_be_bytes()].concat()
}

/// Why a reading was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
	/// The buffer holds `buffer_capacity` readings.
	BufferFull,
	/// Its window closed already.
	Late,
	/// Its window holds [`MAX_WINDOW_READINGS`].
	WindowFull,
}

/// A machine's open windows: start → readings in arrival order.
#[derive(Clone, Debug, Decode, Default, Encode)]
struct Open {
	windows: BTreeMap<u64, Vec<Reading>>,
	/// Where the latest closed window ended: older readings are late.
	closed_until: u64,
}

/// A closed window: what to anchor, and whose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closed {
	/// The machine.
	pub machine: AccountId32,
	/// The summary to anchor.
	pub window: WindowInput,
}

/// A reading with its proof against a window's root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadingProof {
	/// The window's start and end.
	pub start: u64,
	/// The window's end.
	pub end: u64,
	/// The reading's position among the window's readings.
	pub index: u32,
	/// The reading.
	pub reading: Reading,
	/// Its Merkle proof.
	pub proof: Vec<merkle::ProofStep>,
	/// The root the proof leads to.
	pub root: [u8; 32],
}

/// The window buffer.
pub struct Windows<S> {
	store: S,
	window_ms: u64,
	close_delay_ms: u64,
	capacity: usize,
}

impl<S: Store> Windows<S> {
	/// A buffer over `store`.
	pub fn new(store: S, window_ms: u64, close_delay_ms: u64, capacity: usize) -> Self {
		Self { store, window_ms, close_delay_ms, capacity }
	}

	/// Readings held in open windows, all machines.
	pub fn buffered(&self) -> usize {
		self.store.load::<u64>(COUNT).unwrap_or(0) as usize
	}

	/// Takes `readings` of `machine` (all or none); returns how many were new. A reading equal
	/// to one its window holds (same metric, timestamp and value) is a second delivery of the
	/// same message (MQTT QoS 1 is at least once) and is not taken twice.
	pub fn add(&self, machine: &AccountId32, readings: &[Reading]) -> Result<usize, Refused> {
		let count = self.buffered();
		if count + readings.len() > self.capacity {
			return Err(Refused::BufferFull);
		}
		let k = key(OPEN, machine);
		let mut open: Open = self.store.load(&k).unwrap_or_default();
		for r in readings {
			if r.ts < open.closed_until {
				return Err(Refused::Late);
			}
			let start = r.ts - r.ts % self.window_ms;
			if open.windows.get(&start).map_or(0, |w| w.len()) >= MAX_WINDOW_READINGS {
				return Err(Refused::WindowFull);
			}
		}
		let mut added = 0;
		for r in readings {
			let start = r.ts - r.ts % self.window_ms;
			let window = open.windows.entry(start).or_default();
			if !window.contains(r) {
				window.push(r.clone());
				added += 1;
			}
		}
		if added > 0 {
			self.store.save(&k, &open);
			self.store.save(COUNT, &((count + added) as u64));
		}
		Ok(added)
	}

	/// Closes `machine`'s windows that ended at least `close_delay_ms` before `now`.
	pub fn close_due(&self, machine: &AccountId32, now: u64) -> Vec<Closed> {
		let k = key(OPEN, machine);
		let Some(mut open) = self.store.load::<Open>(&k) else { return Vec::new() };
		let due: Vec<u64> = open
			.windows
			.keys()
			.copied()
			.filter(|start| start + self.window_ms + self.close_delay_ms <= now)
			.collect();
		if due.is_empty() {
			return Vec::new();
		}
		let mut closed = Vec::new();
		let mut removed = 0usize;
		for start in due {
			let readings = open.windows.remove(&start).expect("listed above");
			removed += readings.len();
			let end = start + self.window_ms;
			open.closed_until = open.closed_until.max(end);
			let window = summarise(machine, start, end, &readings);
			self.keep_raw(machine, start, &readings);
			closed.push(Closed { machine: machine.clone(), window });
		}
		self.store.save(&k, &open);
		let count = self.buffered().saturating_sub(removed);
		self.store.save(COUNT, &(count as u64));
		closed
	}

	fn keep_raw(&self, machine: &AccountId32, start: u64, readings: &[Reading]) {
		self.store.save(&raw_key(machine, start), &readings.to_vec());
		let ik = key(RAW_INDEX, machine);
		let mut index: Vec<u64> = self.store.load(&ik).unwrap_or_default();
		index.push(start);
		while index.len() > RAW_RETAINED {
			let old = index.remove(0);
			self.store.remove(&raw_key(machine, old));
		}
		self.store.save(&ik, &index);
	}

	/// The raw readings of `machine`'s closed window starting at `start`, if kept.
	pub fn raw(&self, machine: &AccountId32, start: u64) -> Option<Vec<Reading>> {
		self.store.load(&raw_key(machine, start))
	}

	/// The start of the kept window of `machine` holding time `ts`.
	pub fn window_of(&self, ts: u64) -> u64 {
		ts - ts % self.window_ms
	}

	/// Reading `index` of `machine`'s closed window starting at `start`, with its proof.
	pub fn proof(&self, machine: &AccountId32, start: u64, index: u32) -> Option<ReadingProof> {
		let readings = self.raw(machine, start)?;
		let leaves: Vec<[u8; 32]> = readings.iter().map(|r| merkle::leaf(machine, r)).collect();
		let proof = merkle::proof(&leaves, index as usize)?;
		Some(ReadingProof {
			start,
			end: start + self.window_ms,
			index,
			reading: readings[index as usize].clone(),
			proof,
			root: merkle::root(&leaves)?,
		})
	}
}

/// The summary of a window's readings: sorted metrics with count/min/max/mean and the Merkle
/// root. At most 16 metrics are summarised (the rest still count in the root).
pub fn summarise(machine: &AccountId32, start: u64, end: u64, readings: &[Reading]) -> WindowInput {
	let mut by_metric: BTreeMap<Vec<u8>, (u32, i64, i64, i128)> = BTreeMap::new();
	for r in readings {
		let e = by_metric.entry(r.metric.to_vec()).or_insert((0, i64::MAX, i64::MIN, 0));
		e.0 += 1;
		e.1 = e.1.min(r.value);
		e.2 = e.2.max(r.value);
		e.3 += r.value as i128;
	}
	let metrics: Vec<MetricSummary> = by_metric
		.into_iter()
		.take(pallet_telemetry::MAX_METRICS as usize)
		.map(|(metric, (count, min, max, sum))| MetricSummary {
			metric: metric.try_into().expect("metric keys come from MetricKey"),
			count,
			min,
			max,
			mean: (sum / count as i128) as i64,
		})
		.collect();
	let leaves: Vec<[u8; 32]> = readings.iter().map(|r| merkle::leaf(machine, r)).collect();
	let count = metrics.iter().map(|m| m.count).sum();
	WindowInput {
		start,
		end,
		root: merkle::root(&leaves).unwrap_or_default(),
		count,
		metrics: metrics.try_into().expect("at most MAX_METRICS"),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::store::MemStore;

	fn reading(metric: &str, ts: u64, value: i64) -> Reading {
		Reading { metric: metric.as_bytes().to_vec().try_into().unwrap(), ts, value }
	}

	#[test]
	fn readings_close_into_summarised_provable_windows_that_survive_a_restart() {
		let store = MemStore::default();
		let m = AccountId32::from([7; 32]);
		let w = Windows::new(store.clone(), 10_000, 2_000, 100);
		w.add(&m, &[reading("t", 1_000, 20_000), reading("h", 1_000, 40_000)]).unwrap();
		w.add(&m, &[reading("t", 9_999, 24_000)]).unwrap();
		w.add(&m, &[reading("t", 10_000, 30_000)]).unwrap();
		assert_eq!(w.buffered(), 4);
		assert!(w.close_due(&m, 11_999).is_empty(), "not before end + delay");

		// A "restart": a new buffer over the same store.
		let w = Windows::new(store.clone(), 10_000, 2_000, 100);
		let closed = w.close_due(&m, 12_000);
		assert_eq!(closed.len(), 1);
		let win = &closed[0].window;
		assert_eq!((win.start, win.end, win.count), (0, 10_000, 3));
		let t = win.metrics.iter().find(|s| &s.metric[..] == b"t").unwrap();
		assert_eq!((t.count, t.min, t.max, t.mean), (2, 20_000, 24_000, 22_000));
		assert_eq!(&win.metrics[0].metric[..], b"h", "sorted");
		assert_eq!(w.buffered(), 1);
		// Every kept reading proves against the root; the window is late for new readings.
		for i in 0..3 {
			let p = w.proof(&m, 0, i).unwrap();
			assert_eq!(p.root, win.root);
			assert!(merkle::verify(&win.root, merkle::leaf(&m, &p.reading), &p.proof));
		}
		assert!(w.proof(&m, 0, 3).is_none());
		assert_eq!(w.add(&m, &[reading("t", 5_000, 1)]), Err(Refused::Late));
	}

	#[test]
	fn the_buffer_is_bounded_and_refuses_whole_messages() {
		let m = AccountId32::from([1; 32]);
		let w = Windows::new(MemStore::default(), 10_000, 0, 3);
		w.add(&m, &[reading("a", 1, 1), reading("b", 1, 1)]).unwrap();
		assert_eq!(w.add(&m, &[reading("a", 2, 1), reading("b", 2, 1)]), Err(Refused::BufferFull));
		assert_eq!(w.buffered(), 2, "nothing of the refused message was taken");
		w.add(&m, &[reading("a", 2, 1)]).unwrap();
		assert_eq!(w.close_due(&m, 10_000).len(), 1);
		assert_eq!(w.buffered(), 0, "closing frees the buffer");
	}

	#[test]
	fn a_second_delivery_of_a_reading_is_not_taken_twice() {
		let m = AccountId32::from([3; 32]);
		let w = Windows::new(MemStore::default(), 10_000, 0, 100);
		assert_eq!(w.add(&m, &[reading("t", 1, 20), reading("h", 1, 40)]), Ok(2));
		// QoS 1 redelivers the same message: nothing new.
		assert_eq!(w.add(&m, &[reading("t", 1, 20), reading("h", 1, 40)]), Ok(0));
		// Another value or another time is another reading.
		assert_eq!(w.add(&m, &[reading("t", 1, 21), reading("t", 2, 20)]), Ok(2));
		assert_eq!(w.buffered(), 4);
		assert_eq!(w.close_due(&m, 10_000)[0].window.count, 4);
	}

	#[test]
	fn summaries_pass_the_chains_checks() {
		let m = AccountId32::from([2; 32]);
		let readings: Vec<Reading> = (0..50)
			.map(|i| reading(if i % 3 == 0 { "x" } else { "y" }, i, -(i as i64) * 7))
			.collect();
		let w = summarise(&m, 0, 10_000, &readings);
		assert_eq!(w.count, 50);
		assert!(w.metrics.windows(2).all(|p| p[0].metric < p[1].metric));
		assert!(w.metrics.iter().all(|s| s.min <= s.mean && s.mean <= s.max));
		assert_eq!(w.metrics.iter().map(|s| s.count).sum::<u32>(), 50);
	}
}
