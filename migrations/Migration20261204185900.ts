import { Migration } from '@mikro-orm/migrations';

export class Migration20261204185900 extends Migration {
  override name = 'Migration20261204185900';

  override up(): void | Promise<void> {
    // Existing accounts start at 0, like the access tokens signed before it (no "sv" claim: the
    // admin re-check still compares their issue time with sessions_revoked_at).
    this.addSql(`alter table "users" add "session_version" int not null default 0;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "users" drop column "session_version";`);
  }
}
