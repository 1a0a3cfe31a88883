import { Migration } from '@mikro-orm/migrations';

export class Migration20261121215332 extends Migration {
  override name = 'Migration20261121215332';

  override up(): void | Promise<void> {
    this.addSql(
      `alter table "webhook_subscriptions" add "previous_secret" text null, add "previous_secret_expires_at" timestamptz null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(
      `alter table "webhook_subscriptions" drop column "previous_secret", drop column "previous_secret_expires_at";`,
    );
  }
}
