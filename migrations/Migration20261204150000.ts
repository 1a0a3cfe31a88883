import { Migration } from '@mikro-orm/migrations';

export class Migration20261204150000 extends Migration {
  override name = 'Migration20261204150000';

  override up(): void | Promise<void> {
    // NOT VALID: enforced for every new or changed row at once, without refusing to deploy over
    // a database where an earlier merge left a team playing itself (VALIDATE it once repaired).
    this.addSql(
      `alter table "matches" add constraint "matches_teams_differ" check (home_team_id <> away_team_id) not valid;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "matches" drop constraint "matches_teams_differ";`);
  }
}
