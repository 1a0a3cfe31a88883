import { Migration } from '@mikro-orm/migrations';

export class Migration20261121153351 extends Migration {
  override name = 'Migration20261121153351';

  override up(): void | Promise<void> {
    this.addSql(
      `create type "import_status" as enum ('queued', 'running', 'succeeded', 'rejected', 'failed');`,
    );
    this.addSql(
      `create type "match_status" as enum ('scheduled', 'live', 'finished', 'postponed', 'cancelled');`,
    );
    this.addSql(`create type "odds_market" as enum ('1x2', 'ou25', 'btts');`);
    this.addSql(`create type "odds_phase" as enum ('opening', 'closing');`);
    this.addSql(
      `create table "competitions" ("id" serial primary key, "code" varchar(255) not null, "name" varchar(255) not null, "country" text null, "created_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "competitions" add constraint "competitions_code_unique" unique ("code");`,
    );

    this.addSql(
      `create table "import_payloads" ("import_run_id" uuid not null, "content" bytea not null, "created_at" timestamptz not null, primary key ("import_run_id"));`,
    );

    this.addSql(
      `create table "import_runs" ("id" uuid not null, "status" "import_status" not null default 'queued', "source_description" text not null, "requested_format" text null, "detected_format" text null, "strict" boolean not null default false, "progress" smallint not null default 0, "counts" jsonb null, "issues" jsonb null, "new_teams" jsonb null, "error" text null, "attempts" smallint not null default 0, "created_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "import_runs_status_idx" on "import_runs" ("status");`);

    this.addSql(
      `create table "teams" ("id" serial primary key, "name" varchar(255) not null, "country" text null, "merged_into_id" int null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "teams_name_index" on "teams" ("name");`);

    this.addSql(
      `create table "matches" ("id" serial primary key, "competition_id" int not null, "season" varchar(255) not null, "kickoff" timestamptz not null, "match_date" date not null, "home_team_id" int not null, "away_team_id" int not null, "status" "match_status" not null, "home_goals" smallint null, "away_goals" smallint null, "home_goals_half_time" smallint null, "away_goals_half_time" smallint null, "neutral" boolean not null default false, "source" varchar(255) not null, "source_key" varchar(255) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`create index "matches_kickoff_idx" on "matches" ("kickoff");`);
    this.addSql(`create index "matches_season_idx" on "matches" ("season");`);
    this.addSql(`create index "matches_status_kickoff_idx" on "matches" ("status", "kickoff");`);
    this.addSql(
      `create index "matches_away_kickoff_idx" on "matches" ("away_team_id", "kickoff");`,
    );
    this.addSql(
      `create index "matches_home_kickoff_idx" on "matches" ("home_team_id", "kickoff");`,
    );
    this.addSql(
      `create index "matches_competition_kickoff_idx" on "matches" ("competition_id", "kickoff");`,
    );
    this.addSql(
      `alter table "matches" add constraint "matches_identity_unique" unique ("home_team_id", "away_team_id", "match_date");`,
    );

    this.addSql(
      `create table "odds_snapshots" ("match_id" int not null, "market" "odds_market" not null, "phase" "odds_phase" not null, "bookmaker" text not null, "source" text not null, "prices" jsonb not null, "captured_at" timestamptz not null, primary key ("match_id", "market", "phase", "bookmaker", "source"));`,
    );

    this.addSql(
      `create table "match_source_refs" ("source" text not null, "source_key" text not null, "match_id" int not null, primary key ("source", "source_key"));`,
    );
    this.addSql(`create index "match_source_refs_match_idx" on "match_source_refs" ("match_id");`);

    this.addSql(
      `create table "team_aliases" ("id" serial primary key, "team_id" int not null, "alias" varchar(255) not null, "normalised_key" varchar(255) not null, "origin" text not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "team_aliases_team_idx" on "team_aliases" ("team_id");`);
    this.addSql(
      `alter table "team_aliases" add constraint "team_aliases_normalised_key_unique" unique ("normalised_key");`,
    );

    this.addSql(
      `alter table "matches" add constraint "matches_competition_id_foreign" foreign key ("competition_id") references "competitions" ("id");`,
    );
    this.addSql(
      `alter table "matches" add constraint "matches_home_team_id_foreign" foreign key ("home_team_id") references "teams" ("id");`,
    );
    this.addSql(
      `alter table "matches" add constraint "matches_away_team_id_foreign" foreign key ("away_team_id") references "teams" ("id");`,
    );

    this.addSql(
      `alter table "odds_snapshots" add constraint "odds_snapshots_match_id_foreign" foreign key ("match_id") references "matches" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "match_source_refs" add constraint "match_source_refs_match_id_foreign" foreign key ("match_id") references "matches" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "team_aliases" add constraint "team_aliases_team_id_foreign" foreign key ("team_id") references "teams" ("id") on delete cascade;`,
    );
  }
}
