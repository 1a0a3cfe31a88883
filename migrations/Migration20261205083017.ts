import { Migration } from '@mikro-orm/migrations';

/**
 * Who cancelled a match, when and why (shown on the match while it is cancelled). Matches
 * cancelled before this migration have none recorded (the audit log has the admins' cancels).
 */
export class Migration20261205083017 extends Migration {
  override name = 'Migration20261205083017';

  override up(): void | Promise<void> {
    this.addSql(
      `alter table "matches" add "cancelled_at" timestamptz null, add "cancelled_by" text null, add "cancel_reason" text null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(
      `alter table "matches" drop column "cancelled_at", drop column "cancelled_by", drop column "cancel_reason";`,
    );
  }
}
