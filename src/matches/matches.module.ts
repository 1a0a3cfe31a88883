import { Module } from '@nestjs/common';
import { CatalogueController } from './read/catalogue.controller';
import { CatalogueService } from './read/catalogue.service';
import { ImportsController } from './imports/imports.controller';
import { ImportsService } from './imports/imports.service';
import { IngestionService } from './imports/ingestion.service';
import { DemoDataService } from './demo/demo-data.service';
import { MatchDataService } from './read/match-data.service';
import { CollectorController } from './collector/collector.controller';
import { CollectorService } from './collector/collector.service';
import { LiveMatchesController } from './live/live-matches.controller';
import { LiveMatchesService } from './live/live-matches.service';
import { VirtualLeagueController } from './virtual-league/virtual-league.controller';
import { VirtualLeagueService } from './virtual-league/virtual-league.service';
import { OverdueFixturesController } from './overdue/overdue-fixtures.controller';
import { OverdueFixturesService } from './overdue/overdue-fixtures.service';

@Module({
  controllers: [
    LiveMatchesController,
    OverdueFixturesController,
    CatalogueController,
    ImportsController,
    CollectorController,
    VirtualLeagueController,
  ],
  providers: [
    CatalogueService,
    IngestionService,
    ImportsService,
    DemoDataService,
    MatchDataService,
    CollectorService,
    LiveMatchesService,
    VirtualLeagueService,
    OverdueFixturesService,
  ],
  exports: [CatalogueService, IngestionService, ImportsService, MatchDataService],
})
export class MatchesModule {}
