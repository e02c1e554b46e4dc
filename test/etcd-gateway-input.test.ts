/**
 * Bad input at the simulated etcd's JSON gateway: malformed JSON, fields of the wrong type, unknown
 * fields and oversized requests are refused with an HTTP status and a message that names what is
 * wrong (and for the size limits, exactly real etcd's status and body), and a refused request
 * leaves the store as it was: same revision, same keys and values.
 *
 * The simulated side needs only Node. When /usr/bin/etcd is there, every case is also sent to a
 * real etcd: the status and gRPC code must match (the messages of JSON decoding errors are our
 * own, Go's are terse), etcd's own errors must match byte for byte, and the cases where the
 * simulation is deliberately stricter than real etcd are checked to still be accepted there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  b64,
  ETCD_BIN,
  post,
  type Reply,
  type Server,
  startRealEtcd,
  startSimEtcd,
  WatchStream,
} from './etcd-harness.ts';
import { requireTool } from './real-tools.ts';

const hasEtcd = requireTool('etcd', ETCD_BIN, 'install etcd-server (Debian/Ubuntu: apt-get install etcd-server)');

const MiB = 1024 * 1024;
const bigValue = (n: number) => b64('x'.repeat(n));

interface Case {
  name: string;
  path: string;
  body: string;
  status: number;
  /** What the simulated gateway's message must say. */
  message: RegExp;
  /** The gRPC code in the body, when not InvalidArgument (3). */
  code?: number;
  /**
   * How real etcd answers: 'body' the identical body; 'status' the same status and code with a
   * message of its own; 'accepts' it takes the request (the simulation is stricter on purpose);
   * 'skip' not sent (it breaks the connection in real etcd 3.4).
   */
  real: 'body' | 'status' | 'accepts' | 'skip';
}

const R = '/v3/kv/range';
const P = '/v3/kv/put';
const D = '/v3/kv/deleterange';
const T = '/v3/kv/txn';
const C = '/v3/kv/compaction';
const W = '/v3/watch';
const A = b64('a');

const malformed: Case[] = [
  {
    name: 'truncated object',
    path: R,
    body: '{"key":',
    status: 400,
    message: /malformed JSON.*end of the body/,
    real: 'status',
  },
  {
    name: 'missing colon',
    path: R,
    body: `{"key" "${A}"}`,
    status: 400,
    message: /malformed JSON.*expected ':' after field name "key"/,
    real: 'status',
  },
  {
    name: 'single quotes',
    path: R,
    body: `{'key':'${A}'}`,
    status: 400,
    message: /malformed JSON.*expected a string field name/,
    real: 'status',
  },
  {
    name: 'trailing comma',
    path: P,
    body: `{"key":"${A}",}`,
    status: 400,
    message: /malformed JSON at line 1, column 15/,
    real: 'status',
  },
  {
    name: 'bare word',
    path: P,
    body: 'put a b',
    status: 400,
    message: /malformed JSON.*expected a value/,
    real: 'status',
  },
  {
    name: 'bad escape',
    path: R,
    body: '{"key":"\\q"}',
    status: 400,
    message: /malformed JSON.*invalid escape/,
    real: 'status',
  },
  {
    name: 'unterminated string',
    path: T,
    body: '{"compare":[{"key":"YQ==}]}',
    status: 400,
    message: /malformed JSON.*unterminated string/,
    real: 'status',
  },
  {
    name: 'two lines, error on the second',
    path: P,
    body: `{\n "key": "${A}" "value": "${A}"}`,
    status: 400,
    message: /line 2, column 16.*expected ',' or '}'/,
    real: 'status',
  },
  {
    name: 'an array body',
    path: R,
    body: '[1]',
    status: 400,
    message: /body: expected a JSON object for etcdserverpb.RangeRequest, got array/,
    real: 'status',
  },
  {
    name: 'a string body',
    path: C,
    body: '"compact"',
    status: 400,
    message: /body: expected a JSON object for etcdserverpb.CompactionRequest, got string/,
    real: 'status',
  },
  {
    name: 'text after the value',
    path: P,
    body: `{"key":"${A}","value":"${A}"} {"key":"${A}"}`,
    status: 400,
    message: /unexpected data after the JSON value/,
    real: 'accepts',
  },
];

const wrongTypes: Case[] = [
  {
    name: 'key as a number',
    path: P,
    body: '{"key":123,"value":"YQ=="}',
    status: 400,
    message: /^key: expected a base64 string, got number/,
    real: 'status',
  },
  {
    name: 'key not base64',
    path: P,
    body: '{"key":"not base64!"}',
    status: 400,
    message: /^key: illegal base64 data at input byte 3/,
    real: 'status',
  },
  {
    name: 'key in URL-safe base64',
    path: R,
    body: '{"key":"-_8="}',
    status: 400,
    message: /^key: illegal base64 data at input byte 0: character "-"/,
    real: 'status',
  },
  {
    name: 'key without padding',
    path: R,
    body: '{"key":"YQ"}',
    status: 400,
    message: /^key: illegal base64 data.*padded/,
    real: 'status',
  },
  {
    name: 'value as an object',
    path: P,
    body: `{"key":"${A}","value":{"a":1}}`,
    status: 400,
    message: /^value: expected a base64 string, got object/,
    real: 'status',
  },
  {
    name: 'limit as a word',
    path: R,
    body: `{"key":"${A}","limit":"abc"}`,
    status: 400,
    message: /^limit: expected an integer, got "abc"/,
    real: 'status',
  },
  {
    name: 'limit as a fraction',
    path: R,
    body: `{"key":"${A}","limit":1.5}`,
    status: 400,
    message: /^limit: expected an integer, got 1.5/,
    real: 'status',
  },
  {
    name: 'limit with an exponent',
    path: R,
    body: `{"key":"${A}","limit":1e2}`,
    status: 400,
    message: /^limit: expected an integer, got 1e2/,
    real: 'status',
  },
  {
    name: 'revision as a boolean',
    path: R,
    body: `{"key":"${A}","revision":true}`,
    status: 400,
    message: /^revision: expected an integer.*got boolean/,
    real: 'status',
  },
  {
    name: 'keys_only as a string',
    path: R,
    body: `{"key":"${A}","keys_only":"yes"}`,
    status: 400,
    message: /^keys_only: expected true or false, got "yes"/,
    real: 'status',
  },
  {
    name: 'prev_kv as a number',
    path: D,
    body: `{"key":"${A}","prev_kv":1}`,
    status: 400,
    message: /^prev_kv: expected true or false, got 1/,
    real: 'status',
  },
  {
    name: 'unknown sort order',
    path: R,
    body: `{"key":"${A}","sort_order":"UP"}`,
    status: 400,
    message: /^sort_order: unknown value "UP"; expected one of NONE, ASCEND, DESCEND/,
    real: 'status',
  },
  {
    name: 'compare not a list',
    path: T,
    body: '{"compare":{}}',
    status: 400,
    message: /^compare: expected an array, got object/,
    real: 'status',
  },
  {
    name: 'unknown compare target',
    path: T,
    body: `{"compare":[{"key":"${A}","target":"SIZE"}]}`,
    status: 400,
    message: /^compare\[0\]\.target: unknown value "SIZE"/,
    real: 'status',
  },
  {
    name: 'nested key as a number',
    path: T,
    body: '{"success":[{"request_put":{"key":5}}]}',
    status: 400,
    message: /^success\[0\]\.request_put\.key: expected a base64 string, got number/,
    real: 'status',
  },
  {
    name: 'deeply nested bad value',
    path: T,
    body: `{"failure":[{"request_txn":{"success":[{"request_delete_range":{"key":"${A}","range_end":7}}]}}]}`,
    status: 400,
    message: /^failure\[0\]\.request_txn\.success\[0\]\.request_delete_range\.range_end: expected a base64 string/,
    real: 'status',
  },
  {
    name: 'compaction revision as a word',
    path: C,
    body: '{"revision":"x"}',
    status: 400,
    message: /^revision: expected an integer, got "x"/,
    real: 'status',
  },
  {
    name: 'watch key as a number',
    path: W,
    body: '{"create_request":{"key":7}}',
    status: 400,
    message: /^create_request\.key: expected a base64 string, got number/,
    real: 'skip',
  },
  {
    name: 'two requests in one op',
    path: T,
    body: `{"success":[{"request_put":{"key":"${A}"},"request_range":{"key":"${A}"}}]}`,
    status: 400,
    message: /^success\[0\]: request_put and request_range are all set; a RequestOp carries one request/,
    real: 'accepts',
  },
  {
    name: 'two compare values',
    path: T,
    body: `{"compare":[{"key":"${A}","version":"1","mod_revision":"2"}]}`,
    status: 400,
    message: /^compare\[0\]: version and mod_revision are all set/,
    real: 'accepts',
  },
  {
    name: 'a null op',
    path: T,
    body: '{"success":[null]}',
    status: 400,
    message: /^success\[0\]: expected a JSON object for etcdserverpb.RequestOp, got object/,
    real: 'skip',
  },
];

const unknownFields: Case[] = [
  {
    name: 'unknown range field',
    path: R,
    body: `{"key":"${A}","bogus":1}`,
    status: 400,
    message: /^unknown field "bogus" in etcdserverpb.RangeRequest$/,
    real: 'accepts',
  },
  {
    name: 'field name in the wrong case',
    path: P,
    body: `{"key":"${A}","Value":"${A}"}`,
    status: 400,
    message: /^unknown field "Value" in etcdserverpb.PutRequest$/,
    real: 'accepts',
  },
  {
    name: 'a prototype name',
    path: P,
    body: `{"key":"${A}","constructor":"${A}"}`,
    status: 400,
    message: /^unknown field "constructor"/,
    real: 'accepts',
  },
  {
    name: '__proto__',
    path: D,
    body: `{"key":"${A}","__proto__":{}}`,
    status: 400,
    message: /^unknown field "__proto__"/,
    real: 'accepts',
  },
  {
    // Real etcd drops the unknown member, leaving an empty op: "key not found", also 400 with code 3.
    name: 'unknown op',
    path: T,
    body: `{"success":[{"request_get":{"key":"${A}"}}]}`,
    status: 400,
    message: /^unknown field "request_get" in etcdserverpb.RequestOp at success\[0\]$/,
    real: 'status',
  },
  {
    name: 'unknown nested field',
    path: T,
    body: `{"success":[{"request_put":{"key":"${A}","ttl":"5"}}]}`,
    status: 400,
    message: /^unknown field "ttl" in etcdserverpb.PutRequest at success\[0\]\.request_put$/,
    real: 'accepts',
  },
];

const tooLarge: Case[] = [
  {
    name: 'a put just over 1.5 MiB',
    path: P,
    body: JSON.stringify({ key: A, value: bigValue(1.5 * MiB) }),
    status: 400,
    message: /^etcdserver: request is too large$/,
    real: 'body',
  },
  {
    name: 'a txn whose put is over 1.5 MiB',
    path: T,
    body: JSON.stringify({ success: [{ request_put: { key: A, value: bigValue(1.5 * MiB - 10) } }] }),
    status: 400,
    message: /^etcdserver: request is too large$/,
    real: 'body',
  },
  {
    name: 'a put over the 2 MiB gRPC limit',
    path: P,
    body: JSON.stringify({ key: A, value: bigValue(2 * MiB) }),
    status: 429,
    // The PutRequest: key (1 + 1 + 1 bytes) and value (1 + 4-byte length + 2 MiB).
    message: /^grpc: received message larger than max \(2097160 vs\. 2097152\)$/,
    code: 8,
    real: 'body',
  },
];

/** Refused by etcd itself (not the JSON decoding): bodies are real etcd's, byte for byte. */
const etcdErrors: Case[] = [
  { name: 'no key', path: R, body: '{}', status: 400, message: /^etcdserver: key is not provided$/, real: 'body' },
  { name: 'null body', path: P, body: 'null', status: 400, message: /^etcdserver: key is not provided$/, real: 'body' },
  {
    name: 'value with ignore_value',
    path: P,
    body: `{"key":"${A}","value":"${A}","ignore_value":true}`,
    status: 400,
    message: /^etcdserver: value is provided$/,
    real: 'body',
  },
  {
    name: 'ignore_value on a missing key',
    path: P,
    body: `{"key":"${b64('missing')}","ignore_value":true}`,
    status: 400,
    message: /^etcdserver: key not found$/,
    real: 'body',
  },
  {
    name: 'an unknown lease',
    path: P,
    body: `{"key":"${A}","lease":"42"}`,
    status: 404,
    message: /^etcdserver: requested lease not found$/,
    code: 5,
    real: 'body',
  },
  {
    name: 'an empty op',
    path: T,
    body: '{"success":[{}]}',
    status: 400,
    message: /^etcdserver: key not found$/,
    real: 'body',
  },
  {
    name: 'a duplicate put',
    path: T,
    body: `{"success":[{"request_put":{"key":"${A}"}},{"request_put":{"key":"${A}"}}]}`,
    status: 400,
    message: /^etcdserver: duplicate key given in txn request$/,
    real: 'body',
  },
  {
    name: 'a future revision',
    path: R,
    body: `{"key":"${A}","revision":"1000000"}`,
    status: 400,
    message: /^etcdserver: mvcc: required revision is a future revision$/,
    code: 11,
    real: 'body',
  },
  {
    name: 'a future compaction',
    path: C,
    body: '{"revision":"1000000"}',
    status: 400,
    message: /^etcdserver: mvcc: required revision is a future revision$/,
    code: 11,
    real: 'body',
  },
];

const ALL: [string, Case[]][] = [
  ['malformed JSON', malformed],
  ['fields of the wrong type', wrongTypes],
  ['unknown fields', unknownFields],
  ['requests over the size limits', tooLarge],
  ['requests etcd refuses', etcdErrors],
];

/** Everything in the store, with the header's revision. */
async function everything(server: Server): Promise<unknown> {
  const r = await post(server, R, JSON.stringify({ key: b64('\x00'), range_end: b64('\x00') }));
  expect(r.status).toBe(200);
  const body = r.body as { header: { revision: string }; kvs?: unknown[] };
  return { revision: body.header.revision, kvs: body.kvs ?? [] };
}

async function seed(server: Server): Promise<void> {
  for (const [k, v] of [
    ['a', '1'],
    ['b', '\x00\xff'],
    ['\xc3\xa9', 'x'],
  ]) {
    const r = await post(server, P, JSON.stringify({ key: b64(k as string), value: b64(v as string) }));
    expect(r.status).toBe(200);
  }
}

/** Sends a case; for the watch endpoint only the first line of the answer matters. */
async function send(server: Server, c: Case): Promise<Reply> {
  if (c.path !== W) return post(server, c.path, c.body);
  const w = new WatchStream(server, c.body);
  await w.settle(1, 0);
  await w.close();
  return { status: w.status, body: w.lines[0] };
}

describe('the simulated etcd gateway refuses bad input and changes nothing', () => {
  let sim: Server | undefined;

  beforeAll(async () => {
    sim = await startSimEtcd();
    await seed(sim);
  });

  afterAll(async () => {
    await sim?.stop();
  });

  for (const [group, cases] of ALL) {
    describe(group, () => {
      for (const c of cases) {
        it(`${c.name} → ${c.status}`, async () => {
          const server = sim as Server;
          const before = await everything(server);
          const r = await send(server, c);
          expect(r.status, JSON.stringify(r.body)).toBe(c.status);
          const body = r.body as { error: string; message: string; code: number };
          expect(body.message).toMatch(c.message);
          expect(body.error).toBe(body.message);
          expect(body.code).toBe(c.code ?? 3);
          expect(await everything(server)).toEqual(before);
        });
      }
    });
  }
});

describe.skipIf(!hasEtcd)('real etcd answers the same bad input the same way', () => {
  let real: Server | undefined;
  let sim: Server | undefined;

  beforeAll(async () => {
    [real, sim] = await Promise.all([startRealEtcd(), startSimEtcd()]);
    await Promise.all([seed(real), seed(sim)]);
  });

  afterAll(async () => {
    await Promise.all([real?.stop(), sim?.stop()]);
  });

  for (const [group, cases] of ALL) {
    for (const c of cases.filter((x) => x.real !== 'skip')) {
      it(`${group}: ${c.name} (${c.real === 'accepts' ? 'real etcd accepts it' : `same ${c.real}`})`, async () => {
        const r = await send(real as Server, c);
        if (c.real === 'accepts') {
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          return;
        }
        const s = await send(sim as Server, c);
        expect(s.status).toBe(r.status);
        if (c.real === 'body') expect(s.body).toEqual(r.body);
        else expect((s.body as { code: number }).code).toBe((r.body as { code: number }).code);
      });
    }
  }
});
