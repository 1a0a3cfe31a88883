import { Migration } from '@mikro-orm/migrations';

export class Migration20261204210830 extends Migration {
  override name = 'Migration20261204210830';

  override up(): void | Promise<void> {
    this.addSql(
      `alter table "webhook_subscriptions" add "previous_secrets" jsonb not null default '[]';`,
    );
    // A previous secret still in its overlap keeps signing until the expiry it was given.
    this.addSql(
      `update "webhook_subscriptions" set "previous_secrets" = jsonb_build_array(jsonb_build_object(
         'secret', "previous_secret",
         'retiredAt', to_char("secret_rotated_at" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'expiresAt', to_char("previous_secret_expires_at" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
       where "previous_secret" is not null and "previous_secret_expires_at" > now();`,
    );
    this.addSql(
      `alter table "webhook_subscriptions" drop column "previous_secret", drop column "previous_secret_expires_at";`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(
      `alter table "webhook_subscriptions" add "previous_secret" text null, add "previous_secret_expires_at" timestamptz(6) null;`,
    );
    // The old schema holds one previous secret: the newest still signing keeps its expiry.
    this.addSql(
      `update "webhook_subscriptions" s set "previous_secret" = p.secret, "previous_secret_expires_at" = p.expires_at
         from (select distinct on (w.id) w.id, e->>'secret' as secret, (e->>'expiresAt')::timestamptz as expires_at
                 from "webhook_subscriptions" w, jsonb_array_elements(w."previous_secrets") e
                where (e->>'expiresAt')::timestamptz > now()
                order by w.id, (e->>'retiredAt')::timestamptz desc) p
        where p.id = s.id;`,
    );
    this.addSql(`alter table "webhook_subscriptions" drop column "previous_secrets";`);
  }
}
