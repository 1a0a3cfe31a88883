import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Opt } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export enum ImportStatus {
  Queued = 'queued',
  Running = 'running',
  Succeeded = 'succeeded',
  Rejected = 'rejected',
  Failed = 'failed',
}

export interface ImportCounts {
  rowsRead: number;
  matchesInserted: number;
  matchesUpdated: number;
  matchesUnchanged: number;
  oddsWritten: number;
  rowsRejected: number;
  warnings: number;
  teamsCreated: number;
}

export interface ImportIssue {
  line: number;
  column: string | null;
  reason: string;
  severity: 'error' | 'warning';
}

/** One import (file, upload or URL), its progress and its report; survives restarts. */
@Entity({ tableName: 'import_runs' })
export class ImportRun {
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = randomUUID();

  @Index({ name: 'import_runs_status_idx' })
  @Enum({ items: () => ImportStatus, nativeEnumName: 'import_status' })
  status: ImportStatus & Opt = ImportStatus.Queued;

  /** What was imported: a URL, a path, or "upload:<file name>". */
  @Property({ type: 'text' })
  sourceDescription!: string;

  @Property({ type: 'text', nullable: true })
  requestedFormat: string | null = null;

  @Property({ type: 'text', nullable: true })
  detectedFormat: string | null = null;

  @Property({ default: false })
  strict: boolean & Opt = false;

  @Property({ type: 'smallint', default: 0 })
  progress: number & Opt = 0;

  @Property({ type: 'json', nullable: true })
  counts: ImportCounts | null = null;

  @Property({ type: 'json', nullable: true })
  issues: ImportIssue[] | null = null;

  /** Teams created for unknown names, with the likely existing teams an admin may merge into. */
  @Property({ type: 'json', nullable: true })
  newTeams: Array<{
    teamId: number;
    name: string;
    suggestions: Array<{ teamId: number; name: string; score: number }>;
  }> | null = null;

  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  @Property({ type: 'smallint', default: 0 })
  attempts: number & Opt = 0;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  finishedAt: Date | null = null;
}

/** The bytes to import, kept in the database so any worker replica can run the job. */
@Entity({ tableName: 'import_payloads' })
export class ImportPayload {
  @PrimaryKey({ type: 'uuid' })
  importRunId!: string;

  @Property({ type: 'blob' })
  content!: Buffer;

  @Property({ type: 'datetime' })
  createdAt: Date & Opt = new Date();
}
