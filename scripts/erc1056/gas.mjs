// Measures the gas of the ERC-1056 registry (the `ethr-did-registry` npm package's compiled
// EthereumDIDRegistry, the contract the seed paper builds on) for the operations Twinchain's DID
// pallet offers: deploys it in an in-process EVM (@ethereumjs/vm, mainnet rules) and runs each
// operation as a signed transaction, so the figures include the 21,000 base and the calldata.
// No published per-operation figures exist (the EIP and the registry's repository give none),
// hence this measurement. Prints JSON: { hardfork, contract, operations: [{ op, first, later }] }
// where `first` is the operation as an identity's first change (its `changed` slot goes from
// zero) and `later` the same operation once the identity has changed before.
//   node gas.mjs [--value-bytes N]   (attribute value size, default 200 as in BENCHMARKS.md)
import { readFileSync } from 'node:fs'
import { createBlock } from '@ethereumjs/block'
import { Common, Hardfork, Mainnet } from '@ethereumjs/common'
import { createLegacyTx } from '@ethereumjs/tx'
import { createAccount, createAddressFromPrivateKey, bytesToHex, hexToBytes } from '@ethereumjs/util'
import { createVM, runTx } from '@ethereumjs/vm'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak_256 } from '@noble/hashes/sha3.js'

// The package's `exports` hide its files from resolution: read them from node_modules.
const registryDir = new URL('./node_modules/ethr-did-registry/', import.meta.url)
const pkg = JSON.parse(readFileSync(new URL('package.json', registryDir), 'utf8'))
const artifact = JSON.parse(
  readFileSync(new URL('artifacts/contracts/EthereumDIDRegistry.sol/EthereumDIDRegistry.json', registryDir), 'utf8'),
)

const valueBytes = (() => {
  const i = process.argv.indexOf('--value-bytes')
  return i > 0 ? Number(process.argv[i + 1]) : 200
})()
if (!Number.isInteger(valueBytes) || valueBytes < 0 || valueBytes > 4096) {
  console.error('--value-bytes must be an integer from 0 to 4096')
  process.exit(2)
}

// --- ABI encoding of the few argument types the registry's calls take.
const word = (bytes) => {
  const w = new Uint8Array(32)
  w.set(bytes, 32 - bytes.length)
  return w
}
const uint = (n) => {
  const w = new Uint8Array(32)
  let x = BigInt(n)
  for (let i = 31; i >= 0 && x > 0n; i--, x >>= 8n) w[i] = Number(x & 0xffn)
  return w
}
const address = (a) => word(a.bytes)
const bytes32 = (text) => {
  const w = new Uint8Array(32)
  w.set(new TextEncoder().encode(text).slice(0, 32))
  return w
}
const selector = (signature) => keccak_256(new TextEncoder().encode(signature)).slice(0, 4)
const concat = (parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
// Encodes a call whose arguments are static words, except `dynamic` (at most one `bytes`).
function encode(signature, args) {
  const heads = []
  const tails = []
  const dynamicAt = 32 * args.length
  for (const a of args) {
    if (a instanceof Uint8Array && a.length === 32 && !a.dynamic) heads.push(a)
    else {
      heads.push(uint(dynamicAt))
      const padded = new Uint8Array(Math.ceil(a.length / 32) * 32)
      padded.set(a)
      tails.push(uint(a.length), padded)
    }
  }
  return concat([selector(signature), ...heads, ...tails])
}
const dynamicBytes = (n) => {
  const b = new Uint8Array(n).fill(0x61)
  b.dynamic = true
  return b
}

// --- An EVM with funded accounts and the registry deployed.
const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague })
const vm = await createVM({ common })
const keys = Array.from({ length: 16 }, (_, i) => hexToBytes(`0x${(i + 1).toString(16).padStart(64, '0')}`))
const accounts = keys.map((k) => createAddressFromPrivateKey(k))
for (const a of accounts) await vm.stateManager.putAccount(a, createAccount({ nonce: 0n, balance: 10n ** 21n }))
const nonces = new Map()
let height = 20_000_000n

async function send(who, to, data) {
  const key = keys[who]
  const nonce = nonces.get(who) ?? 0n
  nonces.set(who, nonce + 1n)
  const tx = createLegacyTx({ nonce, gasLimit: 5_000_000n, gasPrice: 10n ** 9n, to, data }, { common }).sign(key)
  // Each transaction in a block of its own, 12 s apart, as on mainnet: the registry stores the
  // block number of an identity's last change.
  height += 1n
  const block = createBlock(
    { header: { number: height, timestamp: 1_700_000_000n + 12n * height, gasLimit: 36_000_000n, baseFeePerGas: 7n } },
    { common, skipConsensusFormatValidation: true },
  )
  const res = await runTx(vm, { tx, block, skipBlockGasLimitValidation: true })
  if (res.execResult.exceptionError) throw new Error(`${bytesToHex(data.slice(0, 4))}: ${res.execResult.exceptionError.error}`)
  return res
}

const deployed = await send(0, undefined, hexToBytes(artifact.bytecode))
const registry = deployed.createdAddress

// Each operation on a fresh identity (its first change), then again on an identity that has
// changed before. Identity k is account k, acting as its own owner; the last account is the
// delegate or new owner.
const other = accounts[15]
const value = dynamicBytes(valueBytes)
const ops = [
  ['changeOwner', (id) => encode('changeOwner(address,address)', [address(id), address(other)]), null],
  [
    'addDelegate',
    (id) => encode('addDelegate(address,bytes32,address,uint256)', [address(id), bytes32('sigAuth'), address(other), uint(86400)]),
    null,
  ],
  [
    'revokeDelegate',
    (id) => encode('revokeDelegate(address,bytes32,address)', [address(id), bytes32('sigAuth'), address(other)]),
    (id) => encode('addDelegate(address,bytes32,address,uint256)', [address(id), bytes32('sigAuth'), address(other), uint(86400)]),
  ],
  [
    'setAttribute',
    (id) => encode('setAttribute(address,bytes32,bytes,uint256)', [address(id), bytes32('did/svc/MachineService'), value, uint(86400)]),
    null,
  ],
  [
    'revokeAttribute',
    (id) => encode('revokeAttribute(address,bytes32,bytes)', [address(id), bytes32('did/svc/MachineService'), value]),
    null,
  ],
]

// setAttribute signed off chain by the identity's key and submitted by a relayer (account 0):
// the registry checks the signature over its own address, the signer's nonce and the call.
const signedNonce = new Map()
function setAttributeSigned(id) {
  const k = accounts.indexOf(id)
  const n = signedNonce.get(k) ?? 0n
  signedNonce.set(k, n + 1n)
  const name = bytes32('did/svc/MachineService')
  const packed = concat([
    Uint8Array.of(0x19, 0),
    registry.bytes,
    uint(n),
    id.bytes,
    new TextEncoder().encode('setAttribute'),
    name,
    value,
    uint(86400),
  ])
  const sig = secp256k1.sign(keccak_256(packed), keys[k], { prehash: false, format: 'recovered' })
  const [v, r, sv] = [uint(27 + sig[0]), sig.slice(1, 33), sig.slice(33, 65)]
  return encode('setAttributeSigned(address,uint8,bytes32,bytes32,bytes32,bytes,uint256)', [address(id), v, r, sv, name, value, uint(86400)])
}
ops.push(['setAttributeSigned (relayed)', setAttributeSigned, null, 0])

const results = []
let next = 1
for (const [op, call, before, relayer] of ops) {
  const by = (id) => relayer ?? id
  // First change: a fresh identity (revokeDelegate needs the delegate added first, which is
  // itself a change, so its "first" is not defined).
  let first = null
  if (!before) {
    const id = next++
    first = Number((await send(by(id), registry, call(accounts[id]))).totalGasSpent)
  }
  // Later change: an identity that changed before (an unrelated earlier change of its own).
  const id = next++
  const earlier = before ?? (relayer === undefined ? null : call)
  await send(
    by(id),
    registry,
    earlier
      ? earlier(accounts[id])
      : encode('addDelegate(address,bytes32,address,uint256)', [address(accounts[id]), bytes32('veriKey'), address(accounts[0]), uint(60)]),
  )
  const later = Number((await send(by(id), registry, call(accounts[id]))).totalGasSpent)
  results.push({ op, first, later })
}

console.log(
  JSON.stringify(
    {
      contract: `ethr-did-registry ${pkg.version} (EthereumDIDRegistry, ERC-1056)`,
      evm: `@ethereumjs/vm, mainnet ${common.hardfork()} rules`,
      valueBytes,
      deployGas: Number(deployed.totalGasSpent),
      operations: results,
    },
    null,
    2,
  ),
)
