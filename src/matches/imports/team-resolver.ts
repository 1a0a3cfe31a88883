import type { ReferenceWriteRepository } from '../repositories/reference-write.repository';
import { CURATED_TEAM_ALIASES, normaliseTeamName, suggestTeam } from '../ingestion/team-names';
import type { NewTeamReport } from './import-report';

/** Curated spelling key → canonical (history-file) spelling, e.g. "man city" → "Manchester City". */
const CURATED_CANONICAL = new Map(
  CURATED_TEAM_ALIASES.map((entry) => [normaliseTeamName(entry.alias), entry.canonical]),
);

export interface UnknownTeamEvidence {
  /** A row naming the unknown team, with its known opponent and the day. */
  day: string;
  opponentId: number;
  unknownIsHome: boolean;
}

/**
 * Resolves team names to ids within one import: an existing alias, else a curated alias of an
 * existing (or to-be-created canonical) team, else a new team reported with suggestions.
 */
export class TeamResolver {
  private readonly pendingAliases: Array<{
    teamId: number;
    alias: string;
    key: string;
    origin: string;
  }> = [];
  readonly newTeams: NewTeamReport[] = [];

  private constructor(
    private readonly repository: ReferenceWriteRepository,
    private readonly index: Map<string, number>,
    private readonly now: Date,
  ) {}

  static async load(repository: ReferenceWriteRepository, now: Date): Promise<TeamResolver> {
    return new TeamResolver(repository, await repository.loadAliasIndex(), now);
  }

  /** The id of an existing team for this spelling, or undefined when the name is unknown. */
  lookup(name: string): number | undefined {
    const key = normaliseTeamName(name);
    const known = this.index.get(key);
    if (known !== undefined) return known;
    const canonical = CURATED_CANONICAL.get(key);
    const canonicalId = canonical ? this.index.get(normaliseTeamName(canonical)) : undefined;
    if (canonicalId !== undefined) this.remember(canonicalId, name, key, 'curated');
    return canonicalId;
  }

  /**
   * Creates a team for an unknown name (under its canonical spelling when the curated table knows
   * it) and reports it with the likely existing teams of the competition.
   */
  async create(
    name: string,
    country: string | null,
    competitionTeams: Array<{ id: number; name: string }>,
  ): Promise<number> {
    const key = normaliseTeamName(name);
    const canonical = CURATED_CANONICAL.get(key) ?? name;
    const teamId = await this.repository.createTeam(canonical, country, this.now);
    this.remember(teamId, canonical, normaliseTeamName(canonical), 'canonical');
    if (canonical !== name) this.remember(teamId, name, key, 'curated');
    else {
      const suggestions = suggestTeam(
        name,
        competitionTeams.map((team) => ({ teamName: team.name, id: team.id })),
      )
        .slice(0, 3)
        .map((s) => ({
          teamId: idOf(competitionTeams, s.teamName),
          name: s.teamName,
          score: s.score,
        }));
      this.newTeams.push({ teamId, name, suggestions });
    }
    return teamId;
  }

  /** The existing teams this import stores new spellings of. */
  aliasTeamIds(): number[] {
    return this.pendingAliases.map((alias) => alias.teamId);
  }

  /** New spellings of a team merged meanwhile go to the team that absorbed it. */
  follow(survivors: Map<number, number>): void {
    for (const alias of this.pendingAliases) {
      alias.teamId = survivors.get(alias.teamId) ?? alias.teamId;
    }
  }

  async flush(): Promise<void> {
    await this.repository.addAliases(this.pendingAliases.splice(0), this.now);
  }

  private remember(teamId: number, alias: string, key: string, origin: string): void {
    if (this.index.has(key)) return;
    this.index.set(key, teamId);
    this.pendingAliases.push({ teamId, alias, key, origin });
  }
}

function idOf(teams: Array<{ id: number; name: string }>, name: string): number {
  return teams.find((team) => team.name === name)?.id ?? -1;
}
