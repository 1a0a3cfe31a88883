import type { EntityManager } from '@mikro-orm/postgresql';
import { competitionRef } from '../../common/http/text-filter';
import { ValidationProblem } from '../../common/problem/problem.exception';
import { nativeQuery } from '../../infrastructure/database/native-sql';

/**
 * The code of the competition a list's `competition` filter names (a code, or an id), or a 400
 * naming the field: a misspelt code would otherwise filter every list down to an empty page
 * that looks like "no matches" rather than "no such competition".
 */
export async function competitionCodeOf(
  em: EntityManager,
  filter: string,
  field = 'competition',
): Promise<string> {
  const code = await findCompetitionCode(em, filter);
  if (code === undefined) {
    throw new ValidationProblem([
      {
        field,
        reason: `no competition ${JSON.stringify(filter)} (GET /v1/competitions lists their codes and ids)`,
      },
    ]);
  }
  return code;
}

/** The code of the competition a code or an id names, if one does. */
export async function findCompetitionCode(
  em: EntityManager,
  codeOrId: string,
): Promise<string | undefined> {
  const ref = competitionRef(codeOrId);
  const [row] = await nativeQuery<{ code: string }>(
    em,
    'select code from competitions where id = $1 or code = $2',
    ['id' in ref ? ref.id : null, 'code' in ref ? ref.code : null],
  );
  return row?.code;
}

/**
 * The team a list's `team` filter names: the id given, or for a merged team the team that has
 * its matches now; a 400 naming the field for no such team (an empty page would read as "no
 * matches").
 */
export async function teamIdOf(em: EntityManager, id: number, field = 'team'): Promise<number> {
  const [row] = await nativeQuery<{ id: number }>(
    em,
    'select coalesce(merged_into_id, id) as id from teams where id = $1',
    [id],
  );
  if (!row) {
    throw new ValidationProblem([
      { field, reason: `no team ${id} (GET /v1/teams?search= finds a team's id)` },
    ]);
  }
  return row.id;
}
