import { BreakerState } from '../entities/collector.entity';

export interface BreakerSettings {
  /** Consecutive failed polls that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker refuses polls before it lets one trial poll through. */
  cooldownSeconds: number;
}

export interface BreakerStatus {
  state: BreakerState;
  consecutiveFailures: number;
  openedAt: Date | null;
}

/**
 * A source's circuit breaker, as pure functions over the state stored with the source (so all
 * replicas share it): closed → open after N consecutive failures; open refuses polls until the
 * cool-down has passed, then one trial poll runs half-open; its success closes the breaker, its
 * failure opens it for another cool-down.
 */
export const CircuitBreaker = {
  /** Whether a poll may ask the source now; a manual poll is always let through as a trial. */
  admits(status: BreakerStatus, settings: BreakerSettings, now: Date, manual = false): boolean {
    if (status.state !== BreakerState.Open || manual) return true;
    return now.getTime() - (status.openedAt?.getTime() ?? 0) >= settings.cooldownSeconds * 1000;
  },

  /** The state a poll runs in (an admitted poll on an open breaker is the half-open trial). */
  duringPoll(status: BreakerStatus): BreakerState {
    return status.state === BreakerState.Closed ? BreakerState.Closed : BreakerState.HalfOpen;
  },

  /**
   * The state shown (API, metric): an open breaker whose cool-down has passed is half-open, as
   * its next poll is let through as the trial (while a trial runs, half-open is stored). A source
   * no longer configured (no settings) keeps its stored state.
   */
  reported(status: BreakerStatus, settings: BreakerSettings | undefined, now: Date): BreakerState {
    const trialDue =
      status.state === BreakerState.Open &&
      settings !== undefined &&
      CircuitBreaker.admits(status, settings, now);
    return trialDue ? BreakerState.HalfOpen : status.state;
  },

  afterSuccess(): BreakerStatus {
    return { state: BreakerState.Closed, consecutiveFailures: 0, openedAt: null };
  },

  afterFailure(status: BreakerStatus, settings: BreakerSettings, now: Date): BreakerStatus {
    const consecutiveFailures = status.consecutiveFailures + 1;
    const trialFailed = status.state !== BreakerState.Closed;
    if (trialFailed || consecutiveFailures >= settings.failureThreshold) {
      return { state: BreakerState.Open, consecutiveFailures, openedAt: now };
    }
    return { state: BreakerState.Closed, consecutiveFailures, openedAt: null };
  },
};
