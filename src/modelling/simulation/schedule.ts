/**
 * Double round-robin by the circle method: 2(n-1) rounds of n/2 pairs [home, away]. The second
 * half repeats the first with venues swapped; home and away alternate for the fixed team.
 */
export function doubleRoundRobin(teams: readonly number[]): Array<Array<[number, number]>> {
  const n = teams.length;
  if (n < 2 || n % 2 !== 0) throw new RangeError(`need an even number of teams, got ${n}`);
  const rotating = teams.slice(1);
  const firstHalf: Array<Array<[number, number]>> = [];
  for (let r = 0; r < n - 1; r++) {
    const round: Array<[number, number]> = [];
    const opponent = rotating[r % rotating.length];
    round.push(r % 2 === 0 ? [teams[0], opponent] : [opponent, teams[0]]);
    for (let i = 1; i < n / 2; i++) {
      const a = rotating[(r + i) % rotating.length];
      const b = rotating[(r + rotating.length - i) % rotating.length];
      round.push(i % 2 === 0 ? [a, b] : [b, a]);
    }
    firstHalf.push(round);
  }
  const secondHalf = firstHalf.map((round) => round.map(([h, a]): [number, number] => [a, h]));
  return [...firstHalf, ...secondHalf];
}
