// Verifies one Verifiable Credential with @digitalcredentials/verifier-core, an independent verifier
// (Digital Credentials Consortium), fully offline, and prints a JSON summary on stdout.
//
//   node verify.mjs CREDENTIAL.json [--serve URL=FILE ...]
//
// Offline: every network request is refused, except the URLs given with --serve (answered from the
// local FILE, e.g. the status list credential the application published) and loopback addresses (a
// test server). JSON-LD contexts come from the verifier's own bundled loader; the issuer is a did:key,
// resolved without any network. The verifier's schema check fetches the OB 3.0 JSON schema from its
// publisher: offline it is refused, which the verifier reports as "additional information" only.
import { readFileSync } from 'node:fs';
import net from 'node:net';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const refused = [];

function parseArgs(argv) {
  const served = new Map();
  let credentialPath = null;
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--serve') {
      const [url, file] = argv[i + 1].split(/=(.*)/s);
      served.set(url, file);
      i += 1;
    } else {
      credentialPath = argv[i];
    }
  }
  if (!credentialPath) {
    throw new Error('usage: node verify.mjs CREDENTIAL.json [--serve URL=FILE ...]');
  }
  return { credentialPath, served };
}

function isLoopback(hostname) {
  return LOOPBACK.has(hostname) || hostname.startsWith('127.');
}

function goOffline(served) {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : (input.url ?? String(input));
    if (served.has(url)) {
      return new Response(readFileSync(served.get(url)), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }
    const { hostname } = new URL(url);
    if (isLoopback(hostname)) {
      return realFetch(input, init);
    }
    refused.push(url);
    throw new TypeError(`offline: request to ${url} refused`);
  };
  // Anything that bypasses fetch (http, https, undici's own agents) ends up opening a socket.
  const realConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function connect(...args) {
    const options = typeof args[0] === 'object' ? args[0] : { host: args[1] };
    const host = options.host ?? 'localhost';
    if (options.path === undefined && !isLoopback(host)) {
      refused.push(`socket:${host}`);
      throw new Error(`offline: connection to ${host} refused`);
    }
    return realConnect.apply(this, args);
  };
}

function summarise(result) {
  const summary = {
    verified: false,
    signature: 'invalid',
    expired: null,
    revocation: null,
    schema: null,
    errors: [],
    refused_requests: refused,
  };
  if (result.errors) {
    summary.errors = result.errors.map((error) => ({ name: error.name, message: String(error.message) }));
    return summary;
  }
  const step = (id) => (result.log ?? []).find((entry) => entry.id === id);
  const signature = step('valid_signature');
  summary.signature = signature?.valid ? 'valid' : 'invalid';
  const expiration = step('expiration');
  summary.expired = expiration ? !expiration.valid : null;
  const revocation = step('revocation_status');
  if (revocation?.error) {
    summary.revocation = 'error';
    summary.errors.push({ name: revocation.error.name, message: String(revocation.error.message) });
  } else if (revocation) {
    summary.revocation = revocation.valid ? 'not_revoked' : 'revoked';
  }
  const schema = (result.additionalInformation ?? []).find((entry) => entry.id === 'schema_check');
  summary.schema = schema ? schema.results : null;
  summary.verified = summary.signature === 'valid' && summary.expired === false
    && summary.revocation !== 'revoked' && summary.revocation !== 'error';
  return summary;
}

async function main() {
  const { credentialPath, served } = parseArgs(process.argv.slice(2));
  goOffline(served);
  // The verifier logs on stdout; keep stdout for the summary alone.
  console.log = (...args) => console.error(...args);
  const { verifyCredential } = await import('@digitalcredentials/verifier-core');
  const credential = JSON.parse(readFileSync(credentialPath, 'utf8'));
  const result = await verifyCredential({ credential, knownDIDRegistries: [] });
  process.stdout.write(`${JSON.stringify(summarise(result))}\n`);
}

main().catch((error) => {
  process.stdout.write(`${JSON.stringify({ verified: false, errors: [{ name: 'crash', message: String(error?.stack ?? error) }], refused_requests: refused })}\n`);
  process.exitCode = 2;
});
