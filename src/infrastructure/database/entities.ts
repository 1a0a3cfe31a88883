import {
  CollectorPoll,
  CollectorSource,
  Competition,
  ImportPayload,
  ImportRun,
  Match,
  MatchSourceRef,
  OddsMovement,
  OddsSnapshot,
  Team,
  TeamAlias,
} from '../../matches/entities';
import { ModelAlias, ModelAliasEvent, ModelVersion, TrainingRun } from '../../training/entities';
import { LedgerEntry, LedgerScore } from '../../predictions/entities';
import {
  ApiKey,
  AuditEntry,
  Invitation,
  LoginFailure,
  RefreshToken,
  User,
} from '../../auth/entities';
import { WebhookDelivery, WebhookSubscription } from '../../webhooks/entities';

/** Every entity the ORM knows; a module adds its entities here. */
export const ALL_ENTITIES = [
  Competition,
  Team,
  TeamAlias,
  Match,
  MatchSourceRef,
  OddsSnapshot,
  OddsMovement,
  CollectorSource,
  CollectorPoll,
  ImportRun,
  ImportPayload,
  TrainingRun,
  ModelVersion,
  ModelAlias,
  ModelAliasEvent,
  LedgerEntry,
  LedgerScore,
  User,
  RefreshToken,
  ApiKey,
  Invitation,
  LoginFailure,
  AuditEntry,
  WebhookSubscription,
  WebhookDelivery,
];
