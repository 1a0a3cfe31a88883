import { Injectable, Logger } from '@nestjs/common';

/** Events one module announces and others react to, without knowing each other. */
export interface DomainEventMap {
  /** Matches whose stored data (result, kick-off, status or odds) changed. */
  'match.updated': { matchIds: number[] };
  /** Matches that now have a final result (new or corrected). */
  'match.finished': { matchIds: number[] };
  'import.finished': { importRunId: string; outcome: string };
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
