import { Migration } from '@mikro-orm/migrations';

export class Migration20261121161536 extends Migration {
  override name = 'Migration20261121161536';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "audit_log" ("id" bigserial primary key, "occurred_at" timestamptz not null default now(), "actor_type" text not null, "actor_id" uuid null, "api_key_id" uuid null, "action" text not null, "target" jsonb null, "outcome" text not null, "ip" text null, "request_id" text null, "details" jsonb null);`,
    );
    this.addSql(`create index "audit_log_occurred_at_idx" on "audit_log" ("occurred_at");`);
    this.addSql(`create index "audit_log_actor_idx" on "audit_log" ("actor_id");`);
    this.addSql(`create index "audit_log_action_idx" on "audit_log" ("action");`);

    this.addSql(
      `create table "login_failures" ("key" text not null, "failures" int not null, "last_failure_at" timestamptz not null, "locked_until" timestamptz null, primary key ("key"));`,
    );

    this.addSql(
      `create table "users" ("id" uuid not null, "email" text not null, "password_hash" text not null, "role" text not null, "created_at" timestamptz not null, "password_changed_at" timestamptz not null, "last_login_at" timestamptz null, "disabled_at" timestamptz null, "sessions_revoked_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);

    this.addSql(
      `create table "refresh_tokens" ("id" uuid not null, "family_id" uuid not null, "user_id" uuid not null, "token_hash" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "revoked_at" timestamptz null, "user_agent" text null, "ip" text null, primary key ("id"));`,
    );
    this.addSql(`create index "refresh_tokens_family_idx" on "refresh_tokens" ("family_id");`);
    this.addSql(`create index "refresh_tokens_user_idx" on "refresh_tokens" ("user_id");`);
    this.addSql(
      `alter table "refresh_tokens" add constraint "refresh_tokens_token_hash_unique" unique ("token_hash");`,
    );

    this.addSql(
      `create table "invitations" ("id" uuid not null, "email" text not null, "role" text not null, "token_hash" text not null, "created_by_id" uuid null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "accepted_by_id" uuid null, "accepted_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "invitations" add constraint "invitations_token_hash_unique" unique ("token_hash");`,
    );

    this.addSql(
      `create table "api_keys" ("id" uuid not null, "user_id" uuid not null, "name" text not null, "prefix" text not null, "key_hash" text not null, "scopes" jsonb not null, "plan" text not null, "created_at" timestamptz not null, "expires_at" timestamptz null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "api_keys_user_idx" on "api_keys" ("user_id");`);
    this.addSql(
      `alter table "api_keys" add constraint "api_keys_key_hash_unique" unique ("key_hash");`,
    );

    this.addSql(
      `alter table "users" add constraint "users_role_check" check ("role" in ('viewer', 'user', 'admin'));`,
    );

    this.addSql(
      `alter table "refresh_tokens" add constraint "refresh_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "invitations" add constraint "invitations_created_by_id_foreign" foreign key ("created_by_id") references "users" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "invitations" add constraint "invitations_accepted_by_id_foreign" foreign key ("accepted_by_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "invitations" add constraint "invitations_role_check" check ("role" in ('viewer', 'user', 'admin'));`,
    );

    this.addSql(
      `alter table "api_keys" add constraint "api_keys_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`,
    );

    // The audit log is append-only in PostgreSQL itself, whatever the client: a trigger refuses
    // UPDATE, DELETE and TRUNCATE for every role (table owner and superusers included; only DDL
    // that drops or disables the trigger gets around it, which the app never runs). Erasing a
    // person needs no UPDATE: entries name accounts by their random id, and the account row that
    // links the id to a person is deleted. A separate runtime role gets INSERT and SELECT only
    // (README, "Audit log").
    this.addSql(`create function "audit_log_append_only"() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
      end $$;`);
    this.addSql(
      `create trigger "audit_log_no_update_delete" before update or delete on "audit_log" for each row execute function "audit_log_append_only"();`,
    );
    this.addSql(
      `create trigger "audit_log_no_truncate" before truncate on "audit_log" for each statement execute function "audit_log_append_only"();`,
    );
    this.addSql(`revoke update, delete, truncate on "audit_log" from public;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "refresh_tokens" drop constraint "refresh_tokens_user_id_foreign";`);
    this.addSql(`alter table "invitations" drop constraint "invitations_created_by_id_foreign";`);
    this.addSql(`alter table "invitations" drop constraint "invitations_accepted_by_id_foreign";`);
    this.addSql(`alter table "api_keys" drop constraint "api_keys_user_id_foreign";`);

    this.addSql(`drop table if exists "audit_log" cascade;`);
    this.addSql(`drop function if exists "audit_log_append_only"();`);
    this.addSql(`drop table if exists "login_failures" cascade;`);
    this.addSql(`drop table if exists "users" cascade;`);
    this.addSql(`drop table if exists "refresh_tokens" cascade;`);
    this.addSql(`drop table if exists "invitations" cascade;`);
    this.addSql(`drop table if exists "api_keys" cascade;`);
  }
}
