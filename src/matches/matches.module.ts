import { Module } from '@nestjs/common';
import { CatalogueController } from './read/catalogue.controller';
import { CatalogueService } from './read/catalogue.service';
import { ImportsController } from './imports/imports.controller';
import { ImportsService } from './imports/imports.service';
import { IngestionService } from './imports/ingestion.service';
import { DemoDataService } from './demo/demo-data.service';
import { MatchDataService } from './read/match-data.service';

@Module({
  controllers: [CatalogueController, ImportsController],
  providers: [
    CatalogueService,
    IngestionService,
    ImportsService,
    DemoDataService,
    MatchDataService,
  ],
  exports: [CatalogueService, IngestionService, ImportsService, MatchDataService],
})
export class MatchesModule {}
