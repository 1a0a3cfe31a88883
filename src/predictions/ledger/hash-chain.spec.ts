import { createHash } from 'node:crypto';
import {
  canonicalJson,
  entryHash,
  GENESIS_HASH,
  verifyEntries,
  type ChainedEntry,
} from './hash-chain';

function chain(count: number): ChainedEntry[] {
  const entries: ChainedEntry[] = [];
  let previousHash = GENESIS_HASH;
  for (let i = 1; i <= count; i++) {
    const fields = {
      seq: String(i),
      matchId: 100 + i,
      modelVersionId: 'v1',
      competition: 'england/premier-league',
      kickoff: '2027-01-10T15:00:00.000Z',
      servedAt: '2027-01-09T10:00:00.000Z',
      prediction: { markets: { matchResult: { home: 0.5, draw: 0.3, away: 0.2 } } },
    };
    const hash = entryHash(previousHash, fields);
    entries.push({ ...fields, previousHash, hash });
    previousHash = hash;
  }
  return entries;
}

describe('ledger hash chain', () => {
  it('canonical JSON sorts keys at every level and ignores key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('hashes the bytes the README describes, for verifiers in any language', () => {
    const fields = {
      seq: '7',
      matchId: 42,
      modelVersionId: 'v1',
      competition: 'germany/bundesliga',
      kickoff: '2027-01-10T15:00:00.000Z',
      servedAt: '2027-01-09T10:00:00.000Z',
      prediction: { home: { name: 'Fürth' }, p: 0.00001, xg: 2 },
    };
    // Written out by hand: sorted keys, no whitespace, JavaScript's numbers, UTF-8 text.
    const text =
      '{"competition":"germany/bundesliga","kickoff":"2027-01-10T15:00:00.000Z","matchId":42,' +
      '"modelVersionId":"v1","prediction":{"home":{"name":"Fürth"},"p":0.00001,"xg":2},' +
      '"seq":"7","servedAt":"2027-01-09T10:00:00.000Z"}';
    const bytes = Buffer.concat([Buffer.from(`${GENESIS_HASH}\n`), Buffer.from(text, 'utf8')]);
    expect(entryHash(GENESIS_HASH, fields)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('verifies an intact chain', () => {
    const entries = chain(5);
    expect(verifyEntries(entries, GENESIS_HASH)).toEqual({ lastHash: entries[4].hash });
  });

  it('names the entry whose content was altered', () => {
    const entries = chain(5);
    entries[2] = {
      ...entries[2],
      prediction: { markets: { matchResult: { home: 0.9, draw: 0.05, away: 0.05 } } },
    };
    expect(verifyEntries(entries, GENESIS_HASH).broken).toEqual({
      seq: '3',
      reason: expect.stringContaining('altered'),
    });
  });

  it('detects a removed entry and a rehashed rewrite at the next link', () => {
    const removed = chain(5);
    removed.splice(1, 1);
    expect(verifyEntries(removed, GENESIS_HASH).broken?.seq).toBe('3');

    const rewritten = chain(5);
    const forged = { ...rewritten[1], matchId: 999 };
    forged.hash = entryHash(forged.previousHash, forged);
    rewritten[1] = forged;
    expect(verifyEntries(rewritten, GENESIS_HASH).broken?.seq).toBe('3');
  });
});
