import type { ImportCounts, ImportIssue } from '../entities';

export interface NewTeamReport {
  teamId: number;
  name: string;
  /** Existing teams this name may really be; an admin can merge (POST /v1/teams/{id}/merge). */
  suggestions: Array<{ teamId: number; name: string; score: number }>;
}

export interface ImportReport {
  format: string;
  /** committed: valid rows written; rejected: strict mode found bad rows, nothing written. */
  outcome: 'committed' | 'rejected';
  counts: ImportCounts;
  issues: ImportIssue[];
  newTeams: NewTeamReport[];
}

export interface ImportOptions {
  format?: string;
  strict?: boolean;
  /** Called with 0..100 as the import advances. */
  onProgress?: (percent: number) => void | Promise<void>;
  /**
   * false: announce none of the changes as domain events (the demo data loaded into an empty
   * database, which is announced once, as demo.loaded, when all of it is in).
   */
  announce?: boolean;
}
