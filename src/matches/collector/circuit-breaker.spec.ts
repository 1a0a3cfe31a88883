import { BreakerState } from '../entities/collector.entity';
import { BreakerStatus, CircuitBreaker } from './circuit-breaker';

const settings = { failureThreshold: 3, cooldownSeconds: 60 };
const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);
const closed: BreakerStatus = {
  state: BreakerState.Closed,
  consecutiveFailures: 0,
  openedAt: null,
};

describe('CircuitBreaker', () => {
  it('stays closed below the threshold and opens on the Nth consecutive failure', () => {
    let status = closed;
    for (let i = 1; i < 3; i++) {
      status = CircuitBreaker.afterFailure(status, settings, at(i));
      expect(status).toEqual({
        state: BreakerState.Closed,
        consecutiveFailures: i,
        openedAt: null,
      });
      expect(CircuitBreaker.admits(status, settings, at(i))).toBe(true);
    }
    status = CircuitBreaker.afterFailure(status, settings, at(3));
    expect(status).toEqual({ state: BreakerState.Open, consecutiveFailures: 3, openedAt: at(3) });
  });

  it('refuses polls while open, then admits one trial after the cool-down', () => {
    const open: BreakerStatus = {
      state: BreakerState.Open,
      consecutiveFailures: 3,
      openedAt: at(0),
    };
    expect(CircuitBreaker.admits(open, settings, at(59))).toBe(false);
    expect(CircuitBreaker.admits(open, settings, at(60))).toBe(true);
    expect(CircuitBreaker.duringPoll(open)).toBe(BreakerState.HalfOpen);
    // An admin's poll-now is a trial whatever the cool-down.
    expect(CircuitBreaker.admits(open, settings, at(1), true)).toBe(true);
  });

  it('closes on a successful trial and re-opens for a new cool-down on a failed one', () => {
    const trial: BreakerStatus = {
      state: BreakerState.HalfOpen,
      consecutiveFailures: 3,
      openedAt: at(0),
    };
    expect(CircuitBreaker.afterSuccess()).toEqual(closed);
    const reopened = CircuitBreaker.afterFailure(trial, settings, at(70));
    expect(reopened).toEqual({
      state: BreakerState.Open,
      consecutiveFailures: 4,
      openedAt: at(70),
    });
    expect(CircuitBreaker.admits(reopened, settings, at(100))).toBe(false);
  });

  it('reports an open breaker half-open once its cool-down has passed (the trial is due)', () => {
    const open: BreakerStatus = {
      state: BreakerState.Open,
      consecutiveFailures: 3,
      openedAt: at(0),
    };
    expect(CircuitBreaker.reported(open, settings, at(59))).toBe(BreakerState.Open);
    expect(CircuitBreaker.reported(open, settings, at(60))).toBe(BreakerState.HalfOpen);
    // A source no longer configured has no cool-down to pass: shown as stored.
    expect(CircuitBreaker.reported(open, undefined, at(600))).toBe(BreakerState.Open);
    const trial = { ...open, state: BreakerState.HalfOpen };
    expect(CircuitBreaker.reported(trial, settings, at(1))).toBe(BreakerState.HalfOpen);
    expect(CircuitBreaker.reported(closed, settings, at(1))).toBe(BreakerState.Closed);
  });

  it('resets the failure count on any success', () => {
    const failing = CircuitBreaker.afterFailure(closed, settings, at(1));
    expect(failing.consecutiveFailures).toBe(1);
    const recovered = CircuitBreaker.afterSuccess();
    expect(CircuitBreaker.afterFailure(recovered, settings, at(2)).state).toBe(BreakerState.Closed);
  });
});
