import { EntityRepository, QueryOrder } from '@mikro-orm/postgresql';
import type { FilterQuery } from '@mikro-orm/core';
import type { Match, MatchStatus } from '../entities';

export interface MatchFilter {
  /** A competition's code (the list resolves the caller's code or id first). */
  competitionCode?: string;
  teamId?: number;
  season?: string;
  status?: MatchStatus;
  from?: Date;
  to?: Date;
  sort: 'kickoff' | '-kickoff';
  offset: number;
  limit: number;
}

/** Queries over matches; the API's filters map onto the indexes declared on Match. */
export class MatchRepository extends EntityRepository<Match> {
  async search(filter: MatchFilter): Promise<{ items: Match[]; total: number }> {
    const where: FilterQuery<Match> = {};
    if (filter.competitionCode) where.competition = { code: filter.competitionCode };
    if (filter.teamId !== undefined)
      where.$or = [{ homeTeam: filter.teamId }, { awayTeam: filter.teamId }];
    if (filter.season) where.season = filter.season;
    if (filter.status) where.status = filter.status;
    if (filter.from || filter.to) {
      where.kickoff = {
        ...(filter.from ? { $gte: filter.from } : {}),
        ...(filter.to ? { $lt: filter.to } : {}),
      };
    }
    const direction = filter.sort === '-kickoff' ? QueryOrder.DESC : QueryOrder.ASC;
    const [items, total] = await this.findAndCount(where, {
      populate: ['competition', 'homeTeam', 'awayTeam'],
      orderBy: { kickoff: direction, id: direction },
      offset: filter.offset,
      limit: filter.limit,
    });
    return { items, total };
  }
}
