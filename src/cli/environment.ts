import { parseArgs } from './arguments';

// The CLI's own settings, applied on import before anything reads the configuration (it is
// validated when the application module loads): main.ts imports this module first.
const { command } = parseArgs(process.argv.slice(2));
// The CLI never loads demo data by itself, and keeps its logs to warnings.
process.env.DEMO_DATA = command === 'demo' ? 'auto' : 'off';
process.env.LOG_LEVEL ??= 'warn';
// The CLI never runs queued jobs (a migration Job must not pick up imports): with Redis it only
// enqueues, like an api replica.
if (process.env.REDIS_URL) process.env.ORACXPRED_ROLE = 'api';
