import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppConfig } from '../../config/app-config';
import { DomainEvents } from '../../common/events/domain-events';
import { Profile } from '../../config/environment';
import { Match } from '../entities';
import { IngestionService } from '../imports/ingestion.service';
import { generatedLeague } from './generated-league';

/**
 * The demo data goes into an empty database and is announced once, as demo.loaded (one first
 * model for all of it), not file by file (a first model per competition, webhook events).
 */
const QUIET = { announce: false };

/**
 * Quick-start data: on an empty database in development, load the real public data from
 * SHARED_DATA_DIR when it is there, else a seeded generated league (labelled as generated).
 */
@Injectable()
export class DemoDataService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoDataService.name);

  constructor(
    private readonly em: EntityManager,
    private readonly ingestion: IngestionService,
    private readonly config: AppConfig,
    private readonly events: DomainEvents,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.demoData !== 'auto' || this.config.profile !== Profile.Development) return;
    await this.loadIntoEmptyDatabase();
  }

  /** Loads the demo data if the database has no match yet; false when it had (nothing loaded). */
  async loadIntoEmptyDatabase(): Promise<boolean> {
    if ((await this.em.fork().count(Match, {})) > 0) return false;
    await this.load();
    await this.events.emit('demo.loaded', { matches: await this.em.fork().count(Match, {}) });
    return true;
  }

  private async load(): Promise<void> {
    const files = this.realDataFiles();
    if (files.length === 0) {
      this.logger.log(
        `no real data in ${this.config.sharedDataDir}: loading a GENERATED demo league`,
      );
      const report = await this.ingestion.importParsed(generatedLeague(new Date()), QUIET);
      this.logger.log(`generated demo league: ${report.counts.matchesInserted} matches`);
      return;
    }
    for (const file of files) {
      const report = await this.ingestion.importContent(await readFile(file), QUIET);
      this.logger.log(
        `demo data ${path.basename(file)}: ${report.counts.matchesInserted} new matches, ${report.counts.rowsRejected} rows rejected`,
      );
    }
  }

  private realDataFiles(): string[] {
    const football = path.join(this.config.sharedDataDir, 'football');
    const inFolder = (folder: string) => {
      const dir = path.join(football, folder);
      return existsSync(dir)
        ? readdirSync(dir)
            .filter((name) => name.endsWith('.csv'))
            .sort()
            .map((name) => path.join(dir, name))
        : [];
    };
    // History first: it is the canonical spelling the curated aliases map onto.
    return [...inFolder('history'), ...inFolder('football-data-co-uk')];
  }
}
