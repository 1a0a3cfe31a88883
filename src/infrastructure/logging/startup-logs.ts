import { type LoggerService } from '@nestjs/common';
import { Logger, PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { NEST_EXCEPTION_HANDLER } from '../lifecycle/startup-failure';

type Level = 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';

interface BufferedLine {
  level: Level;
  args: unknown[];
  time: number;
}

/** The time a replayed line was written, while it is being replayed. */
let replayedTime: number | undefined;

/**
 * pino's `timestamp` option: now, or the original time of a start-up line being replayed.
 * (Nest's own bufferLogs replays with the time of the replay: every start-up line, migrations
 * included, would seem to happen in the same millisecond.)
 */
export const logTimestamp = (): string => `,"time":${replayedTime ?? Date.now()}`;

/**
 * Nest's logger while the application is being created, before the configured logger exists:
 * it keeps each line with the time it was written, then replays them into that logger.
 */
export class StartupLogs implements LoggerService {
  private lines: BufferedLine[] = [];

  /**
   * A start-up that fails (bad configuration, an unreachable database) exits before any replay:
   * print what was kept, as the JSON lines every other log line is (a log collector parses them).
   */
  private readonly printOnExit = () => this.writeTo(jsonLogger());

  constructor(private readonly clock: () => number = Date.now) {
    process.once('exit', this.printOnExit);
  }

  log(...args: unknown[]): void {
    this.keep('log', args);
  }
  error(...args: unknown[]): void {
    this.keep('error', args);
  }
  warn(...args: unknown[]): void {
    this.keep('warn', args);
  }
  debug(...args: unknown[]): void {
    this.keep('debug', args);
  }
  verbose(...args: unknown[]): void {
    this.keep('verbose', args);
  }
  fatal(...args: unknown[]): void {
    this.keep('fatal', args);
  }

  /** Writes every kept line to `logger`, in order, each with its own time. */
  replayInto(logger: LoggerService): void {
    process.removeListener('exit', this.printOnExit);
    this.writeTo(logger);
  }

  private writeTo(logger: LoggerService): void {
    const lines = this.lines;
    this.lines = [];
    try {
      for (const { level, args, time } of lines) {
        replayedTime = time;
        const write = logger[level]?.bind(logger) ?? logger.log.bind(logger);
        (write as (...a: unknown[]) => void)(...args);
      }
    } finally {
      replayedTime = undefined;
    }
  }

  private keep(level: Level, args: unknown[]): void {
    // The failure that stops a start is reported once, plainly, by main.ts: not Nest's copy of it.
    if (level === 'error' && args.at(-1) === NEST_EXCEPTION_HANDLER) return;
    this.lines.push({ level, args, time: this.clock() });
  }
}

/** A logger writing JSON lines to stdout as the application's does, for before it exists. */
function jsonLogger(): LoggerService {
  const params = { pinoHttp: { logger: pino({ timestamp: logTimestamp }) } };
  return new Logger(new PinoLogger(params), params);
}
