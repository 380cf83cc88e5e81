//! The Merkle tree over a window's readings, shared by the chain, the node that builds windows
//! and the auditor's CLI that checks a reading against an anchored root.
//!
//! - A leaf is `BLAKE2b-256(0x00 ‖ SCALE(machine) ‖ SCALE(reading))`: it binds the reading to
//!   its machine, so a proof for one machine never verifies against another's root.
//! - An inner node is `BLAKE2b-256(0x01 ‖ left ‖ right)`; the prefixes keep leaves and nodes
//!   apart (no second-preimage trick with a 64-byte "reading").
//! - Leaves are in the order readings arrived. On a level with an odd count the last node is
//!   carried up unchanged. One leaf is its own root.
//! - A proof lists, from the leaf up, each sibling and whether it is on the left.

use crate::types::{Hash, Reading};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use scale_info::TypeInfo;
use sp_crypto_hashing::blake2_256;

/// One step of a proof: the sibling hash and whether it lies to the left.
#[derive(Clone, Debug, Decode, DecodeWithMemTracking, Encode, Eq, PartialEq, TypeInfo)]
pub struct ProofStep {
	/// The sibling's hash.
	pub sibling: Hash,
	/// Whether the sibling is the left child.
	pub left: bool,
}

/// The leaf hash of `reading` taken by `machine`.
pub fn leaf<AccountId: Encode>(machine: &AccountId, reading: &Reading) -> Hash {
	let mut bytes = Vec::with_capacity(1 + 32 + 32);
	bytes.push(0u8);
	machine.encode_to(&mut bytes);
	reading.encode_to(&mut bytes);
	blake2_256(&bytes)
}

fn node(left: &Hash, right: &Hash) -> Hash {
	let mut bytes = [0u8; 65];
	bytes[0] = 1;
	bytes[1..33].copy_from_slice(left);
	bytes[33..].copy_from_slice(right);
	blake2_256(&bytes)
}

fn up(level: &[Hash]) -> Vec<Hash> {
	level
		.chunks(2)
		.map(|pair| match pair {
			[l, r] => node(l, r),
			[last] => *last,
			_ => unreachable!("chunks(2) yields one or two"),
		})
		.collect()
}

/// The root over `leaves`; `None` for no leaves.
pub fn root(leaves: &[Hash]) -> Option<Hash> {
	let mut level = leaves.to_vec();
	while level.len() > 1 {
		level = up(&level);
	}
	level.first().copied()
}

/// The proof for leaf `index` of `leaves`; `None` if out of range.
pub fn proof(leaves: &[Hash], index: usize) -> Option<Vec<ProofStep>> {
	if index >= leaves.len() {
		return None;
	}
	let mut steps = Vec::new();
	let mut level = leaves.to_vec();
	let mut i = index;
	while level.len() > 1 {
		let sibling = i ^ 1;
		if sibling < level.len() {
			steps.push(ProofStep { sibling: level[sibling], left: sibling < i });
		}
		level = up(&level);
		i /= 2;
	}
	Some(steps)
}

/// Whether `leaf` with `proof` leads to `root`.
pub fn verify(root: &Hash, leaf: Hash, proof: &[ProofStep]) -> bool {
	let top = proof.iter().fold(leaf, |acc, step| {
		if step.left {
			node(&step.sibling, &acc)
		} else {
			node(&acc, &step.sibling)
		}
	});
	&top == root
}

#[cfg(test)]
mod tests {
	use super::*;

	fn reading(i: i64) -> Reading {
		Reading { metric: b"t".to_vec().try_into().unwrap(), ts: 1_000 + i as u64, value: i }
	}

	#[test]
	fn every_leaf_proves_and_nothing_else_does() {
		for n in 1..=17usize {
			let leaves: Vec<Hash> = (0..n as i64).map(|i| leaf(&7u64, &reading(i))).collect();
			let r = root(&leaves).unwrap();
			for (i, l) in leaves.iter().enumerate() {
				let p = proof(&leaves, i).unwrap();
				assert!(p.len() <= 5, "depth of {n} leaves");
				assert!(verify(&r, *l, &p), "leaf {i} of {n}");
				// Another reading, another machine, a tampered sibling: all fail.
				assert!(!verify(&r, leaf(&7u64, &reading(100)), &p));
				assert!(!verify(&r, leaf(&8u64, &reading(i as i64)), &p));
				if let Some(first) = p.first() {
					let mut bad = p.clone();
					bad[0] = ProofStep { sibling: [0; 32], left: first.left };
					assert!(!verify(&r, *l, &bad));
				}
			}
			assert!(proof(&leaves, n).is_none());
		}
		assert_eq!(root(&[]), None);
	}

	#[test]
	fn the_tree_has_the_documented_shape() {
		let l: Vec<Hash> = (0..3).map(|i| leaf(&1u64, &reading(i))).collect();
		// Three leaves: node(node(l0, l1), l2), the odd leaf carried up.
		assert_eq!(root(&l).unwrap(), node(&node(&l[0], &l[1]), &l[2]));
		assert_eq!(root(&l[..1]).unwrap(), l[0], "one leaf is its own root");
		let mut bytes = vec![0u8];
		bytes.extend(1u64.encode());
		bytes.extend(reading(0).encode());
		assert_eq!(l[0], blake2_256(&bytes));
	}
}
