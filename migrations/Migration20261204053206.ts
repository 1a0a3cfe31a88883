import { Migration } from '@mikro-orm/migrations';

export class Migration20261204053206 extends Migration {
  override name = 'Migration20261204053206';

  override up(): void | Promise<void> {
    this.addSql(
      `alter type "collector_poll_outcome" add value if not exists 'unchanged' after 'skipped-busy';`,
    );

    this.addSql(`alter table "collector_sources" add "feed_validators" jsonb null;`);
  }

  override down(): void | Promise<void> {
    // PostgreSQL cannot drop a value of an enum type: 'unchanged' stays in collector_poll_outcome.
    this.addSql(`alter table "collector_sources" drop column "feed_validators";`);
  }
}
