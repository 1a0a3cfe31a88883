import type { FeedProviderKind } from '../../config/collector-sources';
import type { FeedProvider } from './feed-provider';
import { FootballDataProvider } from './football-data-provider';
import { JsonFeedProvider } from './json-feed-provider';
import { VirtualLeagueProvider } from './virtual-league-provider';

export const FEED_PROVIDER_IMPLEMENTATIONS: Readonly<Record<FeedProviderKind, FeedProvider>> = {
  'football-data-co-uk': new FootballDataProvider(),
  json: new JsonFeedProvider(),
  'virtual-league': new VirtualLeagueProvider(),
};
