// The CLI's own settings, applied on import before anything reads the configuration (it is
// validated when the application module loads): main.ts imports this module first.
// The CLI never loads demo data at start (the demo command loads it itself, once), and keeps its
// logs to warnings.
process.env.DEMO_DATA = 'off';
process.env.LOG_LEVEL ??= 'warn';
// The CLI never runs queued jobs (a migration Job must not pick up imports): with Redis it only
// enqueues, like an api replica.
if (process.env.REDIS_URL) process.env.ORACXPRED_ROLE = 'api';

export {}; // a module (imported for its effect), not a global script
