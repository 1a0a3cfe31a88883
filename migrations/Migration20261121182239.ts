import { Migration } from '@mikro-orm/migrations';

/** Webhook subscriptions and their delivery log (issue 7). */
export class Migration20261121182239 extends Migration {
  override name = 'Migration20261121182239';

  override up(): void | Promise<void> {
    this.addSql(
      `create type "webhook_delivery_status" as enum ('pending', 'retrying', 'delivered', 'failed', 'cancelled');`,
    );
    this.addSql(
      `create table "webhook_subscriptions" ("id" uuid not null, "owner_id" uuid not null, "url" text not null, "events" jsonb not null, "description" text null, "secret" text not null, "disabled_at" timestamptz null, "disabled_reason" text null, "consecutive_failures" int not null default 0, "created_at" timestamptz not null, "secret_rotated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "webhook_subscriptions_owner_idx" on "webhook_subscriptions" ("owner_id");`,
    );

    this.addSql(
      `create table "webhook_deliveries" ("id" uuid not null, "subscription_id" uuid not null, "event" text not null, "payload" text not null, "status" "webhook_delivery_status" not null default 'pending', "attempts" smallint not null default 0, "last_response_status" smallint null, "last_error" text null, "last_duration_ms" int null, "created_at" timestamptz not null, "last_attempt_at" timestamptz null, "next_attempt_at" timestamptz null, "delivered_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(
      `create index "webhook_deliveries_subscription_created_idx" on "webhook_deliveries" ("subscription_id", "created_at");`,
    );

    this.addSql(
      `alter table "webhook_subscriptions" add constraint "webhook_subscriptions_owner_id_foreign" foreign key ("owner_id") references "users" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "webhook_deliveries" add constraint "webhook_deliveries_subscription_id_foreign" foreign key ("subscription_id") references "webhook_subscriptions" ("id") on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(
      `alter table "webhook_deliveries" drop constraint "webhook_deliveries_subscription_id_foreign";`,
    );

    this.addSql(`drop table if exists "webhook_subscriptions" cascade;`);
    this.addSql(`drop table if exists "webhook_deliveries" cascade;`);

    this.addSql(`drop type "webhook_delivery_status";`);
  }
}
