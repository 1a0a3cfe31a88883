import { query } from './databases';
import type { TestApp } from './test-app';

const E0_HEADER = 'Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,AvgH,AvgD,AvgA';

/** A football-data.co.uk E0 file with these rows (only the columns the team tests need). */
export const e0File = (...rows: string[]) => [E0_HEADER, ...rows, ''].join('\n');

/** A home win 1-0 on `day` (dd/mm/yyyy), with 1X2 odds, as an E0 row. */
export const e0Row = (day: string, home: string, away: string) =>
  `E0,${day},15:00,${home},${away},1,0,H,0,0,D,2.0,3.5,3.8`;

/** POST /v1/teams/{teamId}/merge as the admin. */
export const mergeTeamsAsAdmin = (testApp: TestApp, teamId: number, intoTeamId: number) =>
  testApp.asAdmin({ method: 'POST', url: `/v1/teams/${teamId}/merge`, payload: { intoTeamId } });

export const teamIdNamed = async (databaseUrl: string, name: string) =>
  (await query<{ id: number }>(databaseUrl, 'select id from teams where name = $1', [name]))[0].id;
