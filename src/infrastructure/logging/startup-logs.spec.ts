import { Writable } from 'node:stream';
import { Logger, PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { logTimestamp, StartupLogs } from './startup-logs';

/** A pino logger like the application's (same timestamp option), writing into `lines`. */
function capturingLogger(lines: Array<Record<string, unknown>>): Logger {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const root = pino({ level: 'debug', timestamp: logTimestamp }, stream);
  const params = { pinoHttp: { logger: root } };
  return new Logger(new PinoLogger(params), params);
}

describe('StartupLogs', () => {
  // One logger for the file: nestjs-pino keeps its first pino instance as a process-wide root.
  const lines: Array<Record<string, unknown>> = [];
  const logger = capturingLogger(lines);

  it('replays start-up lines in order, each with the time it was written; later lines get now', () => {
    let now = 1_000;
    const startup = new StartupLogs(() => now);
    startup.log('Starting Nest application...', 'NestFactory');
    now = 1_750;
    startup.warn('REDIS_URL not set', 'JobQueue');
    now = 5_000;
    startup.replayInto(logger);
    const before = Date.now();
    logger.log('later', 'Test');
    expect(lines.map((l) => [l.time, l.level, l.context, l.msg])).toEqual([
      [1_000, 30, 'NestFactory', 'Starting Nest application...'],
      [1_750, 40, 'JobQueue', 'REDIS_URL not set'],
      [expect.any(Number), 30, 'Test', 'later'],
    ]);
    expect(lines[2].time).toBeGreaterThanOrEqual(before);
  });
});
