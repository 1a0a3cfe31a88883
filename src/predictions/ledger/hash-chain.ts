// The ledger's hash chain, pure so anyone can re-implement it from this file: each entry's hash is
// SHA-256 over the previous entry's hash, a newline, and the canonical JSON of the entry's fields
// (keys sorted at every level, no whitespace). The first entry's previous hash is 64 zeros.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainFields {
  seq: string;
  matchId: number;
  modelVersionId: string;
  competition: string;
  kickoff: string;
  servedAt: string;
  prediction: unknown;
}

export interface ChainedEntry extends ChainFields {
  previousHash: string;
  hash: string;
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

export function entryHash(previousHash: string, fields: ChainFields): string {
  const { seq, matchId, modelVersionId, competition, kickoff, servedAt, prediction } = fields;
  return createHash('sha256')
    .update(previousHash)
    .update('\n')
    .update(
      canonicalJson({ seq, matchId, modelVersionId, competition, kickoff, servedAt, prediction }),
    )
    .digest('hex');
}

export interface ChainBreak {
  seq: string;
  reason: string;
}

/** Checks a run of entries in sequence order, continuing from `previousHash`. */
export function verifyEntries(
  entries: readonly ChainedEntry[],
  previousHash: string,
): { lastHash: string; broken?: ChainBreak } {
  let expectedPrevious = previousHash;
  for (const entry of entries) {
    if (entry.previousHash !== expectedPrevious) {
      return {
        lastHash: expectedPrevious,
        broken: {
          seq: entry.seq,
          reason: 'its previous hash does not match the hash of the entry before it',
        },
      };
    }
    if (entryHash(entry.previousHash, entry) !== entry.hash) {
      return {
        lastHash: expectedPrevious,
        broken: {
          seq: entry.seq,
          reason: 'its content does not match its hash (the entry was altered)',
        },
      };
    }
    expectedPrevious = entry.hash;
  }
  return { lastHash: expectedPrevious };
}
