import { Migration } from '@mikro-orm/migrations';

/**
 * A rescheduled match keeps its former keys, flagged superseded: an older listing imported again
 * after the match was played is then recognised (and kept as played) instead of creating a second
 * fixture on the old day. Keys dropped by moves before this migration are not recoverable.
 */
export class Migration20261205020000 extends Migration {
  override name = 'Migration20261205020000';

  override up(): void | Promise<void> {
    this.addSql(`alter table "match_source_refs" add "superseded" boolean not null default false;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`delete from "match_source_refs" where "superseded";`);
    this.addSql(`alter table "match_source_refs" drop column "superseded";`);
  }
}
