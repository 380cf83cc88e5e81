// Checks W3C DID Core 1.0 conformance of DID documents and DID resolution results: the rules
// of DID Core §3 (syntax), §4 (data model), §5 (core properties), §6.3 (JSON-LD), §7.1
// (resolution) — each rule an explicit check, so a wrong document fails with the rule's name.

import { base58Decode, base64Decode } from '@polkadot/util-crypto';

const DID = /^did:[a-z0-9]+:(?:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$/;
const DATETIME_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s"<>\\^`{|}]+$/;
const RELATIONSHIPS = ['authentication', 'assertionMethod', 'keyAgreement', 'capabilityInvocation', 'capabilityDelegation'];
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const RESOLUTION_ERRORS = ['invalidDid', 'notFound', 'representationNotSupported', 'invalidOptions', 'internalError', 'methodNotSupported'];
const MULTICODECS = { 'ed,1': 'Ed25519', 'ec,1': 'X25519', 'ef,1': 'Sr25519' };

export function isDid(s) { return typeof s === 'string' && DID.test(s); }

/** A DID URL: a DID with an optional path, query and fragment. */
export function isDidUrl(s) {
  if (typeof s !== 'string') return false;
  const m = /^([^/?#]*)(\/[^?#]*)?(\?[^#]*)?(#[A-Za-z0-9._~!$&'()*+,;=:@/?%-]*)?$/.exec(s);
  return !!m && isDid(m[1]);
}

function fail(errors, rule, detail) { errors.push(`${rule}: ${detail}`); }

function checkSetOfStrings(errors, name, v, test) {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) fail(errors, name, 'an empty set');
  if (new Set(list).size !== list.length) fail(errors, name, 'duplicate entries in a set');
  for (const x of list) if (!test(x)) fail(errors, name, `invalid entry ${JSON.stringify(x)}`);
}

function b64urlBytes(s) {
  if (typeof s !== 'string' || !/^[A-Za-z0-9_-]+$/.test(s)) return null;
  const std = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  return base64Decode(std);
}

function checkMethod(errors, vm, where) {
  if (typeof vm !== 'object' || vm === null || Array.isArray(vm)) return fail(errors, '§5.2 verificationMethod', `${where} is not a map`);
  if (!isDidUrl(vm.id)) fail(errors, '§5.2 verification method id', `${where}: ${vm.id} is not a DID URL`);
  if (typeof vm.type !== 'string' || !vm.type) fail(errors, '§5.2 verification method type', `${where}: missing`);
  if (!isDid(vm.controller)) fail(errors, '§5.2 verification method controller', `${where}: ${vm.controller} is not a DID`);
  const hasJwk = 'publicKeyJwk' in vm;
  const hasMb = 'publicKeyMultibase' in vm;
  if (hasJwk && hasMb) fail(errors, '§5.2.1 key material', `${where} has both publicKeyJwk and publicKeyMultibase`);
  if (!hasJwk && !hasMb) fail(errors, '§5.2.1 key material', `${where} has no public key`);
  if (hasJwk) {
    const jwk = vm.publicKeyJwk;
    if (typeof jwk !== 'object' || jwk === null) fail(errors, '§5.2.1 publicKeyJwk', `${where}: not a map`);
    else {
      if (typeof jwk.kty !== 'string') fail(errors, '§5.2.1 publicKeyJwk (RFC 7517)', `${where}: no kty`);
      for (const m of PRIVATE_JWK_MEMBERS) if (m in jwk) fail(errors, '§5.2.1 publicKeyJwk', `${where}: private member ${m}`);
      if (jwk.kty === 'OKP') {
        if (!['Ed25519', 'X25519'].includes(jwk.crv)) fail(errors, 'RFC 8037 crv', `${where}: ${jwk.crv}`);
        const x = b64urlBytes(jwk.x);
        if (!x || x.length !== 32) fail(errors, 'RFC 8037 x', `${where}: not 32 base64url bytes`);
      }
    }
    if (vm.type !== 'JsonWebKey2020') fail(errors, 'JsonWebKey2020', `${where}: publicKeyJwk with type ${vm.type}`);
  }
  if (hasMb) {
    const mb = vm.publicKeyMultibase;
    if (typeof mb !== 'string' || mb[0] !== 'z') fail(errors, '§5.2.1 publicKeyMultibase', `${where}: not base58btc multibase`);
    else {
      let bytes;
      try { bytes = base58Decode(mb.slice(1)); } catch { bytes = null; }
      if (!bytes || bytes.length !== 34 || !MULTICODECS[`${bytes[0].toString(16)},${bytes[1]}`]) {
        fail(errors, 'Multikey', `${where}: not a multicodec-prefixed 32-byte key`);
      }
    }
    if (vm.type !== 'Multikey') fail(errors, 'Multikey', `${where}: publicKeyMultibase with type ${vm.type}`);
  }
}

/** Errors of a DID document against DID Core; [] when it conforms. */
export function didDocumentErrors(doc, { expectedId } = {}) {
  const errors = [];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return ['§4 data model: the document is not a map'];
  if (!isDid(doc.id)) fail(errors, '§5.1.1 id', `${doc.id} is not a conforming DID`);
  if (expectedId && doc.id !== expectedId) fail(errors, '§7.1 resolution', `id ${doc.id} is not the resolved DID ${expectedId}`);
  const ctx = doc['@context'];
  const first = Array.isArray(ctx) ? ctx[0] : ctx;
  if (first !== 'https://www.w3.org/ns/did/v1') fail(errors, '§6.3.1 @context', 'must start with https://www.w3.org/ns/did/v1');
  if (Array.isArray(ctx)) checkSetOfStrings(errors, '§6.3.1 @context', ctx, (c) => typeof c === 'string' && URI.test(c));
  if ('controller' in doc) checkSetOfStrings(errors, '§5.1.2 controller', doc.controller, isDid);
  if ('alsoKnownAs' in doc) checkSetOfStrings(errors, '§5.1.3 alsoKnownAs', doc.alsoKnownAs, (u) => URI.test(u));

  const ids = new Map();
  const note = (id, what) => {
    if (typeof id !== 'string') return;
    if (ids.has(id)) fail(errors, '§5 ids', `${id} is used twice (${ids.get(id)} and ${what})`);
    ids.set(id, what);
  };
  const methods = doc.verificationMethod ?? [];
  if (!Array.isArray(methods)) fail(errors, '§5.2 verificationMethod', 'is not a set');
  else methods.forEach((vm, i) => { checkMethod(errors, vm, `verificationMethod[${i}]`); note(vm?.id, `verificationMethod[${i}]`); });

  for (const rel of RELATIONSHIPS) {
    if (!(rel in doc)) continue;
    const list = doc[rel];
    if (!Array.isArray(list)) { fail(errors, `§5.3 ${rel}`, 'is not a set'); continue; }
    const refs = list.filter((e) => typeof e === 'string');
    if (new Set(refs).size !== refs.length) fail(errors, `§5.3 ${rel}`, 'duplicate references');
    list.forEach((entry, i) => {
      if (typeof entry === 'string') {
        if (!isDidUrl(entry)) fail(errors, `§5.3 ${rel}`, `${entry} is not a DID URL`);
        else if (entry.startsWith(`${doc.id}#`) && !ids.has(entry)) {
          fail(errors, `§5.3 ${rel}`, `${entry} references no verification method of the document`);
        }
      } else {
        checkMethod(errors, entry, `${rel}[${i}]`);
        note(entry?.id, `${rel}[${i}]`);
      }
    });
  }
  if ('keyAgreement' in doc) {
    for (const ref of doc.keyAgreement.filter((e) => typeof e === 'string')) {
      const vm = methods.find((m) => m.id === ref);
      const crv = vm?.publicKeyJwk?.crv;
      const mbKind = vm?.publicKeyMultibase && (() => { const b = base58Decode(vm.publicKeyMultibase.slice(1)); return MULTICODECS[`${b[0].toString(16)},${b[1]}`]; })();
      if (vm && crv !== 'X25519' && mbKind !== 'X25519') fail(errors, '§5.3.3 keyAgreement', `${ref} is not a key-agreement key`);
    }
  }
  if ('service' in doc) {
    if (!Array.isArray(doc.service)) fail(errors, '§5.4 service', 'is not a set');
    else doc.service.forEach((s, i) => {
      if (!URI.test(s?.id ?? '')) fail(errors, '§5.4 service id', `service[${i}]: ${s?.id} is not a URI`);
      note(s?.id, `service[${i}]`);
      const types = Array.isArray(s?.type) ? s.type : [s?.type];
      if (!types.every((t) => typeof t === 'string' && t)) fail(errors, '§5.4 service type', `service[${i}]`);
      const ep = s?.serviceEndpoint;
      const okEndpoint = (e) => (typeof e === 'string' && URI.test(e)) || (typeof e === 'object' && e !== null && !Array.isArray(e));
      if (!(Array.isArray(ep) ? ep.length && ep.every(okEndpoint) : okEndpoint(ep))) {
        fail(errors, '§5.4 serviceEndpoint', `service[${i}]: ${JSON.stringify(ep)}`);
      }
    });
  }
  return errors;
}

/** Errors of a DID resolution result (DID Core §7.1); [] when it conforms. */
export function resolutionErrors(result, did) {
  const errors = [];
  const rm = result?.didResolutionMetadata;
  const dm = result?.didDocumentMetadata;
  if (typeof rm !== 'object' || rm === null) return ['§7.1.2 didResolutionMetadata is missing'];
  if (typeof dm !== 'object' || dm === null) return ['§7.1.3 didDocumentMetadata is missing'];
  if ('error' in rm) {
    if (!RESOLUTION_ERRORS.includes(rm.error)) fail(errors, '§7.1.2 error', `unknown error ${rm.error}`);
    if (result.didDocument !== null && result.didDocument !== undefined) fail(errors, '§7.1 resolve', 'a failed resolution returned a document');
    return errors;
  }
  if (typeof rm.contentType !== 'string') fail(errors, '§7.1.2 contentType', 'missing without an error');
  for (const k of ['created', 'updated']) {
    if (k in dm && !DATETIME_UTC.test(dm[k])) fail(errors, `§7.1.3 ${k}`, `${dm[k]} is not UTC without fractions`);
  }
  if ('created' in dm && 'updated' in dm && dm.updated < dm.created) fail(errors, '§7.1.3 updated', 'before created');
  if ('deactivated' in dm && typeof dm.deactivated !== 'boolean') fail(errors, '§7.1.3 deactivated', 'not a boolean');
  if ('versionId' in dm && (typeof dm.versionId !== 'string' || !dm.versionId)) fail(errors, '§7.1.3 versionId', 'not an ASCII string');
  errors.push(...didDocumentErrors(result.didDocument, { expectedId: did }));
  return errors;
}
