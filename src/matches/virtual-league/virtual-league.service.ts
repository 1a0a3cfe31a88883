import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { VirtualFeedDocument, VirtualLeague } from './virtual-league';

/** The in-service virtual league (VIRTUAL_LEAGUE), on the wall clock. */
@Injectable()
export class VirtualLeagueService {
  readonly enabled: boolean;
  private readonly league: VirtualLeague;

  constructor(config: AppConfig) {
    this.enabled = config.virtualLeagueEnabled;
    this.league = new VirtualLeague(config.virtualLeague);
  }

  feed(now = Date.now()): VirtualFeedDocument {
    return this.league.feed(now);
  }
}
