import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/http/pagination';
import type { AuditRow } from '../repositories/audit.repository';
import { apiDateMessage, IsAfter, toApiDate } from '../../common/http/api-date';

const OUTCOMES = ['success', 'failure', 'denied'] as const;

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Account id of the actor' })
  @IsOptional()
  @IsUUID()
  actor?: string;

  @ApiPropertyOptional({ example: 'auth.', description: 'Action, or its beginning' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  action?: string;

  @ApiPropertyOptional({ enum: OUTCOMES })
  @IsOptional()
  @IsIn(OUTCOMES)
  outcome?: (typeof OUTCOMES)[number];

  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z' })
  @IsOptional()
  @Transform(toApiDate)
  @IsDate({ message: apiDateMessage('from') })
  from?: Date;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', description: 'Exclusive' })
  @IsOptional()
  @Transform(toApiDate)
  @IsDate({ message: apiDateMessage('to') })
  @IsAfter('from')
  to?: Date;
}

export class AuditActorView {
  @ApiProperty({ enum: ['user', 'anonymous', 'system'] })
  type!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' })
  id!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'While the account exists' })
  email!: string | null;
  @ApiProperty({ description: 'The account was erased: only its pseudonymous id remains' })
  erased!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' })
  apiKeyId!: string | null;
}

export class AuditEntryView {
  @ApiProperty({ example: '42' })
  id!: string;
  @ApiProperty()
  occurredAt!: Date;
  @ApiProperty({ type: AuditActorView })
  actor!: AuditActorView;
  @ApiProperty({ example: 'POST /v1/teams/:id/merge' })
  action!: string;
  @ApiProperty({ nullable: true, type: Object, example: { id: '12' } })
  target!: Record<string, unknown> | null;
  @ApiProperty({ enum: OUTCOMES })
  outcome!: string;
  @ApiProperty({ nullable: true, type: String })
  ip!: string | null;
  @ApiProperty({ nullable: true, type: String })
  requestId!: string | null;
  @ApiProperty({ nullable: true, type: Object })
  details!: Record<string, unknown> | null;

  static of(row: AuditRow): AuditEntryView {
    return {
      id: String(row.id),
      occurredAt: new Date(row.occurred_at),
      actor: {
        type: row.actor_type,
        id: row.actor_id,
        email: row.actor_email,
        erased: row.actor_id !== null && row.actor_email === null,
        apiKeyId: row.api_key_id,
      },
      action: row.action,
      target: row.target,
      outcome: row.outcome,
      ip: row.ip,
      requestId: row.request_id,
      details: row.details,
    };
  }
}
