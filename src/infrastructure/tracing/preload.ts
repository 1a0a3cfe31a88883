import { withEnvFiles } from '../../config/env-files';
import { startTracing } from './tracing';

/**
 * Imported first by main.ts, before any module that loads http, pg or ioredis, so the
 * instrumentations can patch them. Also usable as `node -r dist/src/infrastructure/tracing/preload.js`.
 */
// The configuration reads .env files only later: an endpoint set there must start tracing too.
const endpoint = startTracing(withEnvFiles());
if (endpoint)
  process.stdout.write(`${JSON.stringify({ level: 30, msg: `tracing to ${endpoint}` })}\n`);
