import { Migration } from '@mikro-orm/migrations';

export class Migration20261121181842 extends Migration {
  override name = 'Migration20261121181842';

  override up(): void | Promise<void> {
    this.addSql(
      `create type "collector_poll_outcome" as enum ('succeeded', 'failed', 'skipped-breaker-open', 'skipped-busy');`,
    );
    this.addSql(`create type "collector_breaker_state" as enum ('closed', 'open', 'half-open');`);
    this.addSql(
      `create table "collector_polls" ("id" bigserial primary key, "source_id" text not null, "trigger" text not null, "outcome" "collector_poll_outcome" not null, "reason" text null, "attempts" smallint not null default 0, "counts" jsonb null, "started_at" timestamptz not null, "duration_ms" int not null);`,
    );
    this.addSql(
      `create index "collector_polls_source_started_idx" on "collector_polls" ("source_id", "started_at");`,
    );

    this.addSql(
      `create table "collector_sources" ("id" text not null, "provider" text not null, "last_poll_at" timestamptz null, "last_success_at" timestamptz null, "last_error_at" timestamptz null, "last_error" text null, "consecutive_failures" int not null default 0, "breaker_state" "collector_breaker_state" not null default 'closed', "breaker_opened_at" timestamptz null, "polls_succeeded" int not null default 0, "polls_failed" int not null default 0, "last_counts" jsonb null, "updated_at" timestamptz not null, primary key ("id"));`,
    );

    this.addSql(
      `create table "odds_movements" ("id" bigserial primary key, "match_id" int not null, "market" "odds_market" not null, "bookmaker" text not null, "source" text not null, "prices" jsonb not null, "observed_at" timestamptz not null);`,
    );
    this.addSql(
      `create index "odds_movements_key_time_idx" on "odds_movements" ("match_id", "market", "bookmaker", "source", "observed_at");`,
    );

    this.addSql(
      `alter table "odds_movements" add constraint "odds_movements_match_id_foreign" foreign key ("match_id") references "matches" ("id") on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "collector_polls" cascade;`);
    this.addSql(`drop table if exists "collector_sources" cascade;`);
    this.addSql(`drop table if exists "odds_movements" cascade;`);

    this.addSql(`drop type "collector_poll_outcome";`);
    this.addSql(`drop type "collector_breaker_state";`);
  }
}
