import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsUrl } from 'class-validator';
import { ImportRun, ImportStatus } from '../entities';

export const FORMATS = ['football-data-co-uk', 'history', 'international'] as const;

export class ImportFromUrlBody {
  @ApiProperty({ example: 'https://www.football-data.co.uk/mmz4281/2425/E0.csv' })
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  url!: string;

  @ApiPropertyOptional({ enum: FORMATS, description: 'Detected from the header when omitted' })
  @IsOptional()
  @IsIn(FORMATS)
  format?: (typeof FORMATS)[number];

  @ApiPropertyOptional({ default: false, description: 'Commit nothing if any row is bad' })
  @IsOptional()
  @IsBoolean()
  strict?: boolean;
}

/** Row issues a list shows per run; a run's own view shows all of them. */
export const ISSUES_IN_LISTS = 10;

export class ImportIssueView {
  @ApiProperty({ example: 14 }) line!: number;
  @ApiProperty({ example: 'Date', nullable: true, type: String }) column!: string | null;
  @ApiProperty({ example: 'unparseable date "31/02/2024"' }) reason!: string;
  @ApiProperty({ enum: ['error', 'warning'] }) severity!: string;
}

export class ImportCountsView {
  @ApiProperty({ example: 380 }) rowsRead!: number;
  @ApiProperty({ example: 370 }) matchesInserted!: number;
  @ApiProperty({ example: 8 }) matchesUpdated!: number;
  @ApiProperty({ example: 0 }) matchesUnchanged!: number;
  @ApiProperty({ example: 2210 }) oddsWritten!: number;
  @ApiProperty({ example: 2 }) rowsRejected!: number;
  @ApiProperty({ example: 1 }) warnings!: number;
  @ApiProperty({ example: 0 }) teamsCreated!: number;
}

export class NewTeamView {
  @ApiProperty({ type: 'integer' }) teamId!: number;
  @ApiProperty() name!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    example: [{ teamId: 3, name: 'Nottingham', score: 0.82 }],
  })
  suggestions!: Array<{ teamId: number; name: string; score: number }>;
}

export class ImportRunView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ImportStatus }) status!: ImportStatus;
  @ApiProperty({ example: 'upload:E0.csv' }) source!: string;
  @ApiProperty({ example: 'football-data-co-uk', nullable: true, type: String }) format!:
    string | null;
  @ApiProperty() strict!: boolean;
  @ApiProperty({ example: 65, description: 'Percent done' }) progress!: number;
  @ApiProperty({ example: 1 }) attempts!: number;
  @ApiProperty({ type: ImportCountsView, nullable: true }) counts!: ImportCountsView | null;
  @ApiProperty({
    type: [ImportIssueView],
    description: `Row issues in line order: every one from GET /v1/imports/{id}, the first ${ISSUES_IN_LISTS} in lists`,
  })
  issues!: ImportIssueView[];
  @ApiProperty({ example: 5, description: 'How many row issues the run has in all' })
  issueCount!: number;
  @ApiProperty({ type: [NewTeamView] }) newTeams!: NewTeamView[];
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;

  /** The run; `issueLimit` keeps only the first issues (lists: a bad file has thousands). */
  static of(run: ImportRun, issueLimit = Infinity): ImportRunView {
    const issues = run.issues ?? [];
    return {
      id: run.id,
      status: run.status,
      source: run.sourceDescription,
      format: run.detectedFormat ?? run.requestedFormat,
      strict: run.strict,
      progress: run.progress,
      attempts: run.attempts,
      counts: run.counts,
      issues: issues.length > issueLimit ? issues.slice(0, issueLimit) : issues,
      issueCount: issues.length,
      newTeams: run.newTeams ?? [],
      error: run.error,
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
    };
  }
}
