import {
  Competition,
  ImportPayload,
  ImportRun,
  Match,
  MatchSourceRef,
  OddsSnapshot,
  Team,
  TeamAlias,
} from '../../matches/entities';
import {
  ApiKey,
  AuditEntry,
  Invitation,
  LoginFailure,
  RefreshToken,
  User,
} from '../../auth/entities';
import { ModelAlias, ModelAliasEvent, ModelVersion, TrainingRun } from '../../training/entities';
import { LedgerEntry, LedgerScore } from '../../predictions/entities';

/** Every entity the ORM knows; a module adds its entities here. */
export const ALL_ENTITIES = [
  Competition,
  Team,
  TeamAlias,
  Match,
  MatchSourceRef,
  OddsSnapshot,
  ImportRun,
  ImportPayload,
  User,
  RefreshToken,
  ApiKey,
  Invitation,
  LoginFailure,
  AuditEntry,
  TrainingRun,
  ModelVersion,
  ModelAlias,
  ModelAliasEvent,
  LedgerEntry,
  LedgerScore,
];
