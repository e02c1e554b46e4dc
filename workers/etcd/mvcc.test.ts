/**
 * MvccStore on its own, with expectations worked out by hand from etcd's rules (mvcc/kvstore*.go,
 * key_index.go, etcdserver/apply.go). Each test starts from a new store, which is at revision 1.
 */
import { describe, expect, it } from 'vitest';
import { MvccStore } from './mvcc.ts';
import type { KeyValue, RangeRequest, TxnRequest, WatchEvent } from './types.ts';

const kv = (key: string, create: number, mod: number, version: number, value: string): KeyValue => ({
  key,
  create_revision: create,
  mod_revision: mod,
  version,
  value,
  lease: 0,
});

/** Keys of a range, in the order returned. */
const keys = (s: MvccStore, req: RangeRequest) => s.range(req).kvs.map((x) => x.key);

/** The etcd error a call throws (its message), or 'ok'. */
function errorOf(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
}

const COMPACTED = 'etcdserver: mvcc: required revision has been compacted';
const FUTURE = 'etcdserver: mvcc: required revision is a future revision';

describe('revisions', () => {
  it('start at 1 and advance by one per write', () => {
    const s = new MvccStore();
    expect(s.rev).toBe(1);
    expect(s.put({ key: 'a', value: '1' }).header.revision).toBe(2);
    expect(s.put({ key: 'a', value: '2' }).header.revision).toBe(3);
    expect(s.put({ key: 'b', value: '1' }).header.revision).toBe(4);
    expect(s.range({ key: 'a' }).kvs).toEqual([kv('a', 2, 3, 2, '2')]);
    expect(s.range({ key: 'b' }).kvs).toEqual([kv('b', 4, 4, 1, '1')]);
    expect(s.range({ key: 'a' }).header.revision).toBe(4);
  });

  it('do not advance for a delete that finds nothing, nor for a txn without writes', () => {
    const s = new MvccStore();
    s.put({ key: 'a', value: '1' });
    const d = s.deleteRange({ key: 'zzz' });
    expect(d.deleted).toBe(0);
    expect(d.header.revision).toBe(2);
    const t = s.txn({ success: [{ request_range: { key: 'a' } }] });
    expect(t.header.revision).toBe(2);
    expect(s.rev).toBe(2);
  });

  it('reset the version on delete; a re-created key starts again at version 1', () => {
    const s = new MvccStore();
    s.put({ key: 'a', value: '1' }); // 2
    s.put({ key: 'a', value: '2' }); // 3
    const d = s.deleteRange({ key: 'a', prev_kv: true }); // 4
    expect(d).toMatchObject({ deleted: 1, prev_kvs: [kv('a', 2, 3, 2, '2')] });
    expect(d.header.revision).toBe(4);
    expect(s.range({ key: 'a' }).kvs).toEqual([]);
    s.put({ key: 'a', value: '3' }); // 5
    expect(s.range({ key: 'a' }).kvs).toEqual([kv('a', 5, 5, 1, '3')]);
  });

  it('are shared by every key a txn writes', () => {
    const s = new MvccStore();
    const t = s.txn({
      success: [{ request_put: { key: 'a', value: '1' } }, { request_put: { key: 'b', value: '1' } }],
    });
    expect(t.header.revision).toBe(2);
    expect(s.range({ key: 'a', range_end: 'c' }).kvs).toEqual([kv('a', 2, 2, 1, '1'), kv('b', 2, 2, 1, '1')]);
  });
});

describe('reads', () => {
  /** a@2=1, a@3=2, b@4=1, a deleted @5, c@6=1, a@7=3 */
  function history(): MvccStore {
    const s = new MvccStore();
    s.put({ key: 'a', value: '1' });
    s.put({ key: 'a', value: '2' });
    s.put({ key: 'b', value: '1' });
    s.deleteRange({ key: 'a' });
    s.put({ key: 'c', value: '1' });
    s.put({ key: 'a', value: '3' });
    return s;
  }

  it('at a past revision see the keys as they were, with the current revision in the header', () => {
    const s = history();
    const at3 = s.range({ key: 'a', range_end: '\0', revision: 3 });
    expect(at3.kvs).toEqual([kv('a', 2, 3, 2, '2')]);
    expect(at3.count).toBe(1);
    expect(at3.header.revision).toBe(7);
    expect(keys(s, { key: 'a', range_end: '\0', revision: 5 })).toEqual(['b']);
    expect(keys(s, { key: 'a', range_end: '\0', revision: 6 })).toEqual(['b', 'c']);
    expect(s.range({ key: 'a', revision: 7 }).kvs).toEqual([kv('a', 7, 7, 1, '3')]);
    expect(errorOf(() => s.range({ key: 'a', revision: 8 }))).toBe(FUTURE);
    // A revision of 0 or below means the current one.
    expect(s.range({ key: 'a', revision: -4 }).kvs).toEqual([kv('a', 7, 7, 1, '3')]);
  });

  it('follow range_end: one key, [key, end), every key from key ("\\0"), nothing for end ≤ key', () => {
    const s = history();
    expect(keys(s, { key: 'b' })).toEqual(['b']);
    expect(keys(s, { key: 'a', range_end: 'c' })).toEqual(['a', 'b']);
    expect(keys(s, { key: 'b', range_end: '\0' })).toEqual(['b', 'c']);
    expect(keys(s, { key: '\0', range_end: '\0' })).toEqual(['a', 'b', 'c']);
    expect(keys(s, { key: 'c', range_end: 'a' })).toEqual([]);
  });

  it('count everything in range before limit and filters; more says the limit cut', () => {
    const s = history();
    const r = s.range({ key: 'a', range_end: '\0', limit: 2 });
    expect(r.kvs.map((x) => x.key)).toEqual(['a', 'b']);
    expect(r.more).toBe(true);
    expect(r.count).toBe(3);
    expect(s.range({ key: 'a', range_end: '\0', limit: 3 }).more).toBe(false);
    const f = s.range({ key: 'a', range_end: '\0', min_mod_revision: 5 });
    expect(f.kvs.map((x) => x.key)).toEqual(['a', 'c']);
    expect(f.count).toBe(3);
    expect(keys(s, { key: 'a', range_end: '\0', max_create_revision: 4 })).toEqual(['b']);
    expect(keys(s, { key: 'a', range_end: '\0', min_create_revision: 5, max_mod_revision: 6 })).toEqual(['c']);
  });

  it('with count_only return no pairs and never set more; keys_only drops values', () => {
    const s = history();
    const c = s.range({ key: 'a', range_end: '\0', count_only: true, limit: 1 });
    expect(c).toMatchObject({ kvs: [], more: false, count: 3 });
    expect(s.range({ key: 'b', keys_only: true }).kvs).toEqual([kv('b', 4, 4, 1, '')]);
  });

  it('sort by any target; a non-KEY target without an order sorts ascending', () => {
    const s = new MvccStore();
    s.put({ key: 'a', value: 'z' }); // 2
    s.put({ key: 'b', value: 'x' }); // 3
    s.put({ key: 'c', value: 'y' }); // 4
    s.put({ key: 'b', value: 'w' }); // 5: b is now version 2, mod 5
    const all = { key: 'a', range_end: '\0' };
    expect(keys(s, { ...all, sort_order: 'DESCEND' })).toEqual(['c', 'b', 'a']);
    expect(keys(s, { ...all, sort_target: 'VALUE' })).toEqual(['b', 'c', 'a']);
    expect(keys(s, { ...all, sort_target: 'MOD', sort_order: 'DESCEND' })).toEqual(['b', 'c', 'a']);
    expect(keys(s, { ...all, sort_target: 'CREATE', sort_order: 'DESCEND' })).toEqual(['c', 'b', 'a']);
    expect(keys(s, { ...all, sort_target: 'VERSION', sort_order: 'DESCEND' })[0]).toBe('b');
  });

  it('with a sort target, no sort order and a limit, sort only the first limit+1 keys (as apply.go does)', () => {
    const s = new MvccStore();
    s.put({ key: 'a', value: '9' });
    s.put({ key: 'b', value: '8' });
    s.put({ key: 'c', value: '1' }); // smallest value, but third in key order
    const all = { key: 'a', range_end: '\0', sort_target: 'VALUE' } as const;
    // limit 1: etcd fetches a and b, sorts them by value (b, a) and keeps b.
    expect(s.range({ ...all, limit: 1 })).toMatchObject({ kvs: [{ key: 'b' }], more: true, count: 3 });
    // With an explicit order it fetches everything first.
    expect(keys(s, { ...all, sort_order: 'ASCEND', limit: 1 })).toEqual(['c']);
  });

  it('refuse an empty key', () => {
    expect(errorOf(() => new MvccStore().range({ key: '' }))).toBe('etcdserver: key is not provided');
  });
});

describe('puts', () => {
  it('return prev_kv when asked, keep the value with ignore_value, and need the key for it', () => {
    const s = new MvccStore();
    expect(s.put({ key: 'a', value: '1', prev_kv: true }).prev_kv).toBeUndefined();
    expect(s.put({ key: 'a', value: '2', prev_kv: true }).prev_kv).toEqual(kv('a', 2, 2, 1, '1'));
    s.put({ key: 'a', ignore_value: true });
    expect(s.range({ key: 'a' }).kvs).toEqual([kv('a', 2, 4, 3, '2')]);
    expect(errorOf(() => s.put({ key: 'b', ignore_value: true }))).toBe('etcdserver: key not found');
    expect(errorOf(() => s.put({ key: 'a', value: 'x', ignore_value: true }))).toBe('etcdserver: value is provided');
    expect(errorOf(() => s.put({ key: 'a', lease: 5, ignore_lease: true }))).toBe('etcdserver: lease is provided');
    // Outside a txn the lease is checked before the key.
    expect(errorOf(() => s.put({ key: 'b', lease: 5, ignore_value: true }))).toBe(
      'etcdserver: requested lease not found',
    );
    expect(s.rev).toBe(4);
  });
});

describe('compaction', () => {
  /** a@2, a@3, b@4, a deleted @5, b@6 */
  function history(): MvccStore {
    const s = new MvccStore();
    s.put({ key: 'a', value: '1' });
    s.put({ key: 'a', value: '2' });
    s.put({ key: 'b', value: '1' });
    s.deleteRange({ key: 'a' });
    s.put({ key: 'b', value: '2' });
    return s;
  }

  it('makes reads below the compacted revision fail and keeps reads at or above it', () => {
    const s = history();
    expect(s.compact({ revision: 4 }).header.revision).toBe(6);
    expect(errorOf(() => s.range({ key: 'a', revision: 3 }))).toBe(COMPACTED);
    expect(s.range({ key: 'a', range_end: '\0', revision: 4 }).kvs).toEqual([
      kv('a', 2, 3, 2, '2'),
      kv('b', 4, 4, 1, '1'),
    ]);
    expect(keys(s, { key: 'a', range_end: '\0', revision: 5 })).toEqual(['b']);
  });

  it('refuses a revision at or below the last compaction, or ahead of the store', () => {
    const s = history();
    s.compact({ revision: 4 });
    expect(errorOf(() => s.compact({ revision: 4 }))).toBe(COMPACTED);
    expect(errorOf(() => s.compact({ revision: 3 }))).toBe(COMPACTED);
    expect(errorOf(() => s.compact({ revision: 7 }))).toBe(FUTURE);
    expect(errorOf(() => s.compact({ revision: 6 }))).toBe('ok');
  });

  it('allows revision 0 once, and then nothing at or below it', () => {
    const s = history();
    expect(errorOf(() => s.compact({ revision: 0 }))).toBe('ok');
    expect(s.compactRev).toBe(0);
    expect(errorOf(() => s.compact({ revision: 0 }))).toBe(COMPACTED);
    expect(errorOf(() => s.compact({ revision: -1 }))).toBe(COMPACTED);
  });

  it('drops a key whose newest revision at or below it is a deletion, tombstone included', () => {
    const s = history();
    expect(s.keyCount).toBe(2);
    s.compact({ revision: 5 });
    expect(s.keyCount).toBe(1);
    // Watching from 5 no longer sees the deletion at 5; b's put at 6 remains.
    expect(s.eventsSince('a', '\0', 5).map((e) => `${e.type} ${e.kv.key}@${e.kv.mod_revision}`)).toEqual(['PUT b@6']);
    expect(keys(s, { key: 'a', range_end: '\0', revision: 5 })).toEqual(['b']);
  });
});

describe('txn', () => {
  it('compares a missing key as version, create, mod and lease 0, and fails any VALUE compare on it', () => {
    const s = new MvccStore();
    const ok = (c: TxnRequest['compare']) => s.txn({ compare: c }).succeeded;
    expect(ok([{ key: 'x', target: 'VERSION', result: 'EQUAL', version: 0 }])).toBe(true);
    expect(ok([{ key: 'x', target: 'CREATE', result: 'EQUAL', create_revision: 0 }])).toBe(true);
    expect(ok([{ key: 'x', target: 'MOD', result: 'LESS', mod_revision: 1 }])).toBe(true);
    expect(ok([{ key: 'x', target: 'VALUE', result: 'EQUAL', value: '' }])).toBe(false);
    expect(ok([{ key: 'x', target: 'VALUE', result: 'NOT_EQUAL', value: 'y' }])).toBe(false);
  });

  it('needs every key of a range compare to match, and all compares to hold', () => {
    const s = new MvccStore();
    s.put({ key: 'a', value: '1' }); // 2
    s.put({ key: 'b', value: '1' }); // 3
    const cmp = (result: 'GREATER' | 'LESS', mod: number) =>
      s.txn({ compare: [{ key: 'a', range_end: 'c', target: 'MOD', result, mod_revision: mod }] }).succeeded;
    expect(cmp('GREATER', 1)).toBe(true);
    expect(cmp('GREATER', 2)).toBe(false); // a is at 2
    expect(cmp('LESS', 4)).toBe(true);
    const both = s.txn({
      compare: [
        { key: 'a', target: 'VALUE', value: '1' },
        { key: 'b', target: 'VERSION', result: 'GREATER', version: 1 },
      ],
    });
    expect(both.succeeded).toBe(false);
  });

  it('reads its own writes; nested responses carry only what etcd puts there', () => {
    const s = new MvccStore();
    s.put({ key: 'a', value: '1' }); // 2
    const t = s.txn({
      compare: [{ key: 'a', target: 'VALUE', value: '1' }],
      success: [
        { request_range: { key: 'a' } },
        { request_put: { key: 'a', value: '2', prev_kv: true } },
        { request_range: { key: 'a' } },
        { request_txn: { success: [{ request_delete_range: { key: 'b' } }] } },
      ],
    });
    expect(t.succeeded).toBe(true);
    expect(t.header.revision).toBe(3);
    const [r1, p, r2, inner] = t.responses as unknown as [
      { response_range: { header: { revision: number }; kvs: KeyValue[] } },
      { response_put: { header: { revision: number }; prev_kv: KeyValue } },
      { response_range: { header: { revision: number }; kvs: KeyValue[] } },
      { response_txn: TxnRequest & { header: { revision: number }; succeeded: boolean } },
    ];
    // Before the put the txn reads at 2; after it, at its own revision 3.
    expect(r1.response_range.header.revision).toBe(2);
    expect(r1.response_range.kvs).toEqual([kv('a', 2, 2, 1, '1')]);
    expect(p.response_put.header.revision).toBe(3);
    expect(p.response_put.prev_kv).toEqual(kv('a', 2, 2, 1, '1'));
    expect(r2.response_range.header.revision).toBe(3);
    expect(r2.response_range.kvs).toEqual([kv('a', 2, 3, 2, '2')]);
    expect(inner.response_txn.header.revision).toBe(0);
    expect(inner.response_txn.succeeded).toBe(true);
  });

  it('evaluates nested compares against the state before the txn', () => {
    const s = new MvccStore();
    const t = s.txn({
      success: [
        { request_put: { key: 'a', value: '1' } },
        {
          request_txn: {
            compare: [{ key: 'a', target: 'VERSION', version: 0 }],
            success: [{ request_put: { key: 'b' } }],
          },
        },
      ],
    });
    // The nested compare saw a as missing (version 0), so its success branch ran.
    expect((t.responses[1] as { response_txn: { succeeded: boolean } }).response_txn.succeeded).toBe(true);
    expect(keys(s, { key: 'a', range_end: '\0' })).toEqual(['a', 'b']);
  });

  it('checks puts before ranges on the chosen branch, and writes nothing when a check fails', () => {
    const s = new MvccStore();
    s.put({ key: 'a', value: '1' });
    const bad = (success: TxnRequest['success']) => errorOf(() => s.txn({ success }));
    expect(bad([{ request_range: { key: 'a', revision: 9 } }, { request_put: { key: 'x', ignore_value: true } }])).toBe(
      'etcdserver: key not found',
    );
    expect(bad([{ request_put: { key: 'b' } }, { request_range: { key: 'a', revision: 9 } }])).toBe(FUTURE);
    // A negative revision below the compacted one (-1 before any compaction) passes a plain range,
    // which reads it as the current revision, but fails the txn check as compacted.
    expect(bad([{ request_range: { key: 'a', revision: -2 } }])).toBe(COMPACTED);
    expect(bad([{ request_range: { key: 'a', revision: -1 } }])).toBe('ok');
    expect(bad([{} as never])).toBe('etcdserver: key not found');
    // Only the branch taken is checked.
    expect(
      errorOf(() =>
        s.txn({
          compare: [{ key: 'a', target: 'VALUE', value: '1' }],
          failure: [{ request_put: { key: 'x', ignore_value: true } }],
        }),
      ),
    ).toBe('ok');
    expect(keys(s, { key: '\0', range_end: '\0' })).toEqual(['a']);
    expect(s.rev).toBe(2);
  });

  it('refuses a key put twice or put and deleted, except where etcd allows it', () => {
    const s = new MvccStore();
    const put = (key: string) => ({ request_put: { key } });
    const del = (key: string, range_end?: string) => ({ request_delete_range: { key, range_end } });
    const nested = (success: TxnRequest['success'], failure: TxnRequest['failure'] = []) => ({
      request_txn: { success, failure },
    });
    const dup = 'etcdserver: duplicate key given in txn request';
    const check = (success: TxnRequest['success']) => errorOf(() => s.txn({ success }));
    expect(check([put('a'), put('a')])).toBe(dup);
    expect(check([del('a', 'c'), put('b')])).toBe(dup);
    expect(check([nested([del('a')]), nested([put('a')])])).toBe(dup);
    expect(check([put('a'), nested([put('a')])])).toBe(dup);
    expect(check([nested([put('a')], [put('a')])])).toBe('ok'); // only one branch runs
    expect(check([del('a', '\0'), put('b')])).toBe('ok'); // [a, "\0") is empty to etcd's interval check
    expect(check([nested([put('z')]), nested([del('z')])])).toBe('ok'); // deletes of later nested txns come too late
  });

  it('refuses more than 128 ops per list, counting what a nested txn inherits', () => {
    const s = new MvccStore();
    const ranges = (n: number) => Array.from({ length: n }, () => ({ request_range: { key: 'a' } }));
    const compares = (n: number) => Array.from({ length: n }, () => ({ key: 'a' }));
    const too = 'etcdserver: too many operations in txn request';
    // 100 ranges and the nested txn make 101 ops, which leaves the nested txn 27.
    expect(errorOf(() => s.txn({ success: ranges(128) }))).toBe('ok');
    expect(errorOf(() => s.txn({ failure: ranges(129) }))).toBe(too);
    expect(errorOf(() => s.txn({ success: [...ranges(100), { request_txn: { compare: compares(27) } }] }))).toBe('ok');
    expect(errorOf(() => s.txn({ success: [...ranges(100), { request_txn: { compare: compares(28) } }] }))).toBe(too);
  });
});

describe('watch replay (eventsSince) and commit events', () => {
  const show = (evs: WatchEvent[]) =>
    evs.map(
      (e) =>
        `${e.type} ${e.kv.key}@${e.kv.mod_revision}${e.kv.value ? `=${e.kv.value}` : ''}${e.prev_kv ? ` prev=${e.prev_kv.value}@${e.prev_kv.mod_revision}` : ''}`,
    );

  it('gives every change from a revision on, in revision then txn order, with the value before it', () => {
    const s = new MvccStore();
    s.put({ key: 'b', value: '1' }); // 2
    s.put({ key: 'a', value: '1' }); // 3
    s.txn({ success: [{ request_put: { key: 'b', value: '2' } }, { request_delete_range: { key: 'a' } }] }); // 4
    s.put({ key: 'c', value: '1' }); // 5
    expect(show(s.eventsSince('a', '\0', 3))).toEqual([
      'PUT a@3=1',
      'PUT b@4=2 prev=1@2',
      'DELETE a@4 prev=1@3',
      'PUT c@5=1',
    ]);
    expect(show(s.eventsSince('b', '', 1))).toEqual(['PUT b@2=1', 'PUT b@4=2 prev=1@2']);
    // A deletion's kv is just the key and the deletion revision.
    expect(s.eventsSince('a', '', 4)[0]?.kv).toEqual(kv('a', 0, 4, 0, ''));
  });

  it('takes prev_kv from before the txn when one txn puts and then deletes a key', () => {
    const s = new MvccStore();
    s.put({ key: 'a', value: 'old' }); // 2
    const seen: string[][] = [];
    s.onCommit((_rev, evs) => seen.push(show(evs)));
    s.txn({
      success: [
        {
          request_txn: {
            success: [{ request_put: { key: 'a', value: 'new' } }, { request_put: { key: 'n', value: '1' } }],
          },
        },
        { request_txn: { success: [{ request_delete_range: { key: 'a', range_end: 'z' } }] } },
      ],
    }); // 3
    const expected = ['PUT a@3=new prev=old@2', 'PUT n@3=1', 'DELETE a@3 prev=old@2', 'DELETE n@3'];
    expect(seen).toEqual([expected]);
    expect(show(s.eventsSince('a', 'z', 3))).toEqual(expected);
  });

  it('leaves out prev_kv when the revision before the event is compacted', () => {
    const s = new MvccStore();
    s.put({ key: 'a', value: '1' }); // 2
    s.put({ key: 'a', value: '2' }); // 3
    s.put({ key: 'a', value: '3' }); // 4
    s.compact({ revision: 3 });
    // The event at 3 would need the key at 2 (compacted); the one at 4 reads it at 3.
    expect(show(s.eventsSince('a', '', 3))).toEqual(['PUT a@3=2', 'PUT a@4=3 prev=2@3']);
  });

  it('reports one commit per write with that write revision', () => {
    const s = new MvccStore();
    const revs: number[] = [];
    s.onCommit((rev) => revs.push(rev));
    s.put({ key: 'a' });
    s.deleteRange({ key: 'nothing' });
    s.txn({ success: [{ request_range: { key: 'a' } }] });
    s.deleteRange({ key: 'a' });
    expect(revs).toEqual([2, 3]);
  });
});

describe('snapshot and restore', () => {
  it('bring back revisions, history and compaction', () => {
    const s = new MvccStore();
    s.put({ key: 'a', value: '1' });
    s.put({ key: 'b', value: '1' });
    s.put({ key: 'a', value: '2' });
    s.compact({ revision: 3 });
    const r = MvccStore.restore(structuredClone(s.snapshot()));
    expect(r.rev).toBe(4);
    expect(r.compactRev).toBe(3);
    expect(r.range({ key: 'a', range_end: '\0', revision: 3 })).toEqual(
      s.range({ key: 'a', range_end: '\0', revision: 3 }),
    );
    expect(errorOf(() => r.range({ key: 'a', revision: 2 }))).toBe(COMPACTED);
    expect(r.put({ key: 'c' }).header.revision).toBe(5);
  });
});
