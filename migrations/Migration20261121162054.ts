import { Migration } from '@mikro-orm/migrations';

export class Migration20261121162054 extends Migration {
  override name = 'Migration20261121162054';

  override up(): void | Promise<void> {
    this.addSql(
      `create type "training_status" as enum ('queued', 'running', 'succeeded', 'failed', 'cancelled');`,
    );
    this.addSql(
      `create table "ledger_entries" ("seq" bigint not null, "match_id" int not null, "model_version_id" uuid not null, "competition" text not null, "kickoff" timestamptz not null, "served_at" timestamptz not null, "prediction" jsonb not null, "previous_hash" text not null, "hash" text not null, primary key ("seq"));`,
    );
    this.addSql(
      `alter table "ledger_entries" add constraint "ledger_entries_hash_unique" unique ("hash");`,
    );
    this.addSql(
      `create index "ledger_entries_version_idx" on "ledger_entries" ("model_version_id", "seq");`,
    );
    this.addSql(
      `alter table "ledger_entries" add constraint "ledger_entries_match_version_unique" unique ("match_id", "model_version_id");`,
    );

    this.addSql(
      `create table "ledger_scores" ("seq" bigint not null, "home_goals" smallint not null, "away_goals" smallint not null, "outcome" text not null, "rps" double precision not null, "log_loss" double precision not null, "brier" double precision not null, "correct" boolean not null, "market_probabilities" jsonb null, "market_rps" double precision null, "evaluated_at" timestamptz not null, primary key ("seq"));`,
    );

    this.addSql(
      `create table "model_alias_events" ("id" serial primary key, "scope" text not null, "alias" text not null, "version_id" uuid null, "previous_version_id" uuid null, "action" text not null, "actor" text null, "reason" text null, "at" timestamptz not null);`,
    );
    this.addSql(
      `create index "model_alias_events_scope_idx" on "model_alias_events" ("scope", "alias", "id");`,
    );

    this.addSql(
      `create table "model_versions" ("id" uuid not null, "model_type" text not null, "scope" text not null, "competitions" jsonb not null, "parameters" jsonb not null, "hyperparameters" jsonb not null, "evaluation" jsonb not null, "search" jsonb null, "fingerprint" text not null, "matches_used" int not null, "data_from" timestamptz not null, "data_to" timestamptz not null, "as_of" timestamptz not null, "code_version" text not null, "created_by" text null, "training_run_id" uuid null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "model_versions_fingerprint_idx" on "model_versions" ("fingerprint");`,
    );
    this.addSql(
      `create index "model_versions_scope_created_idx" on "model_versions" ("scope", "created_at");`,
    );

    this.addSql(
      `create table "model_aliases" ("scope" text not null, "alias" text not null, "version_id" uuid not null, "updated_at" timestamptz not null, primary key ("scope", "alias"));`,
    );

    this.addSql(
      `create table "training_runs" ("id" uuid not null, "status" "training_status" not null default 'queued', "model_type" text not null, "scope" text not null, "competitions" jsonb not null, "data_from" timestamptz null, "data_to" timestamptz null, "hyperparameters" jsonb not null, "search_space" jsonb null, "evaluation_weeks" smallint not null, "trigger" text not null default 'api', "requested_by" text null, "progress" smallint not null default 0, "attempts" smallint not null default 0, "log" jsonb not null, "error" text null, "timings" jsonb null, "model_version_id" uuid null, "created_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "training_runs_created_idx" on "training_runs" ("created_at");`);
    this.addSql(
      `create unique index training_runs_one_active_per_scope on training_runs (scope) where status in ('queued', 'running');`,
    );

    this.addSql(
      `alter table "model_aliases" add constraint "model_aliases_version_id_foreign" foreign key ("version_id") references "model_versions" ("id");`,
    );

    // Written by hand: the ledger's integrity rules, which the ORM cannot express.
    this.addSql(
      `alter table "ledger_entries" add constraint "ledger_entries_version_foreign" foreign key ("model_version_id") references "model_versions" ("id");`,
    );
    this.addSql(
      `alter table "ledger_scores" add constraint "ledger_scores_entry_foreign" foreign key ("seq") references "ledger_entries" ("seq");`,
    );
    this.addSql(
      `create index "ledger_entries_competition_kickoff_idx" on "ledger_entries" ("competition", "kickoff");`,
    );
    // Append-only: the database refuses to change or remove a frozen prediction, whoever asks;
    // the hash chain still exposes anyone who disables this trigger to rewrite history.
    this.addSql(`create function ledger_entries_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'ledger entries are append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
      end $$;`);
    this.addSql(
      `create trigger ledger_entries_no_update_or_delete before update or delete on "ledger_entries" for each row execute function ledger_entries_append_only();`,
    );
    this.addSql(
      `create trigger ledger_entries_no_truncate before truncate on "ledger_entries" for each statement execute function ledger_entries_append_only();`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "model_aliases" drop constraint "model_aliases_version_id_foreign";`);
    this.addSql(`drop function if exists ledger_entries_append_only() cascade;`);

    this.addSql(`drop table if exists "ledger_entries" cascade;`);
    this.addSql(`drop table if exists "ledger_scores" cascade;`);
    this.addSql(`drop table if exists "model_alias_events" cascade;`);
    this.addSql(`drop table if exists "model_versions" cascade;`);
    this.addSql(`drop table if exists "model_aliases" cascade;`);
    this.addSql(`drop table if exists "training_runs" cascade;`);

    this.addSql(`drop type "training_status";`);
  }
}
