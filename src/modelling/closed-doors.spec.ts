import { CLOSED_DOORS, playedBehindClosedDoors } from './closed-doors';

const at = (iso: string) => Date.parse(iso);

describe('playedBehindClosedDoors', () => {
  it('knows the six history leagues by the codes the loaders produce', () => {
    expect(Object.keys(CLOSED_DOORS).sort()).toEqual([
      'england/premier-league',
      'france/ligue-1',
      'germany/bundesliga',
      'italy/serie-a',
      'netherlands/eredivisie',
      'spain/laliga',
    ]);
  });

  it.each([
    // restarts of 2019-2020 without crowds
    ['germany/bundesliga', '2020-05-16T13:30:00Z'],
    ['england/premier-league', '2020-06-17T17:00:00Z'],
    ['spain/laliga', '2020-06-11T20:00:00Z'],
    ['italy/serie-a', '2020-06-20T17:15:00Z'],
    ['italy/serie-a', '2020-03-08T19:45:00Z'], // Juventus - Inter
    ['germany/bundesliga', '2020-03-11T18:30:00Z'], // Gladbach - Köln
    // 2020-2021
    ['england/premier-league', '2021-01-12T20:15:00Z'],
    ['france/ligue-1', '2020-11-08T20:00:00Z'],
    ['netherlands/eredivisie', '2021-03-14T13:30:00Z'],
    ['germany/bundesliga', '2021-05-22T13:30:00Z'],
    ['spain/laliga', '2021-05-22T19:00:00Z'],
    // closures of winter 2021-2022
    ['netherlands/eredivisie', '2021-12-19T13:30:00Z'],
    ['france/ligue-1', '2022-01-09T20:00:00Z'],
  ])('%s at %s: behind closed doors', (competition, kickoff) => {
    expect(playedBehindClosedDoors(competition, at(kickoff))).toBe(true);
  });

  it.each([
    ['germany/bundesliga', '2020-03-07T14:30:00Z'], // the last round with crowds
    ['england/premier-league', '2020-03-09T20:00:00Z'],
    ['france/ligue-1', '2020-03-08T20:00:00Z'],
    ['england/premier-league', '2021-08-14T14:00:00Z'], // crowds back
    ['spain/laliga', '2021-12-19T20:00:00Z'],
    ['netherlands/eredivisie', '2022-02-06T13:30:00Z'],
    ['italy/serie-a', '2023-05-01T18:45:00Z'],
    ['england/premier-league', '2019-12-26T15:00:00Z'],
    // a competition the table does not list, during the pandemic
    ['portugal/primeira-liga', '2021-01-12T20:15:00Z'],
  ])('%s at %s: with a crowd', (competition, kickoff) => {
    expect(playedBehindClosedDoors(competition, at(kickoff))).toBe(false);
  });

  it('counts periods from their first UTC day up to, not including, their last', () => {
    expect(playedBehindClosedDoors('germany/bundesliga', at('2020-05-15T23:59:59Z'))).toBe(false);
    expect(playedBehindClosedDoors('germany/bundesliga', at('2020-05-16T00:00:00Z'))).toBe(true);
    expect(playedBehindClosedDoors('germany/bundesliga', at('2021-05-31T23:59:59Z'))).toBe(true);
    expect(playedBehindClosedDoors('germany/bundesliga', at('2021-06-01T00:00:00Z'))).toBe(false);
  });
});
