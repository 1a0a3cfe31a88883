import { Injectable, Logger } from '@nestjs/common';

/** A match as a subscriber who shows fixtures knows it (match.cancelled, match.rescheduled). */
export interface FixtureFacts {
  matchId: number;
  competition: { code: string; name: string };
  season: string;
  homeTeam: { id: number; name: string };
  awayTeam: { id: number; name: string };
  /** The kick-off now stored (ISO 8601, UTC). */
  kickoff: string;
}

/**
 * Who changed the match: `admin` (POST /v1/matches/{id}/cancel), else the data source of the
 * import or live-feed row that did (`history`, `football-data.co.uk`, a collector's source...).
 */
export interface FixtureChangeSource {
  source: string;
}

/** Events one module announces and others react to, without knowing each other. */
export interface DomainEventMap {
  /** Matches whose stored data (result, kick-off, status or odds) changed. */
  'match.updated': { matchIds: number[] };
  /** Matches that now have a final result (new or corrected). */
  'match.finished': { matchIds: number[] };
  /** Competitions an import or feed gave results (matches now finished or first seen finished). */
  'results.added': { competitionIds: number[] };
  /**
   * One stored match that became cancelled, once per change (a match already cancelled, or first
   * seen cancelled, is not announced). `reason`: the admin's, null when a source cancelled it.
   */
  'match.cancelled': FixtureFacts & FixtureChangeSource & { reason: string | null };
  /** One stored, not yet played match whose kick-off an import or feed row moved. */
  'match.rescheduled': FixtureFacts & FixtureChangeSource & { previousKickoff: string };
  /** Matches deleted as duplicates of others (a team merge): whatever was scored on them stops counting. */
  'match.removed': { matchIds: number[] };
  /** An import run reached its final status (succeeded, rejected, or failed with no retry left). */
  'import.finished': { importRunId: string; outcome: string };
  /**
   * Upcoming matches whose served prediction may have changed: their data changed
   * (`match.updated`) or the champion serving their competition changed (`model.promoted`).
   * Emitted after the prediction cache dropped them, so a fetch now gets the new prediction.
   */
  'prediction.updated': {
    matchIds: number[];
    reason: 'match.updated' | 'model.promoted';
    /** model.promoted: the scope whose alias changed, and the version now serving it. */
    scope?: string;
    versionId?: string | null;
  };
  /** Quick-start demo data was loaded into an empty database. */
  'demo.loaded': { matches: number };
  'training.finished': { trainingRunId: string; status: string; modelVersionId: string | null };
  'model.promoted': {
    scope: string;
    alias: string;
    versionId: string | null;
    previousVersionId: string | null;
  };
}

export type DomainEventName = keyof DomainEventMap;
type Listener<K extends DomainEventName> = (payload: DomainEventMap[K]) => Promise<void> | void;

/**
 * In-process publish/subscribe. Listeners run after the publisher's work committed; a failing
 * listener is logged and never fails the publisher (its own work is done and must stay done).
 */
@Injectable()
export class DomainEvents {
  private readonly logger = new Logger(DomainEvents.name);
  private readonly listeners = new Map<DomainEventName, Listener<DomainEventName>[]>();

  on<K extends DomainEventName>(event: K, listener: Listener<K>): void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener as Listener<DomainEventName>);
    this.listeners.set(event, list);
  }

  async emit<K extends DomainEventName>(event: K, payload: DomainEventMap[K]): Promise<void> {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        await listener(payload);
      } catch (error) {
        this.logger.error({ err: error, event }, 'event listener failed');
      }
    }
  }
}
