import { Migration } from '@mikro-orm/migrations';

/**
 * The audit log's UPDATE/DELETE trigger, re-created under the name and function the AuditEntry
 * entity declares, so that schema diffs (`npm run migration:create`) see it as wanted instead of
 * proposing to drop it. One transaction: the table is never unprotected. The TRUNCATE trigger of
 * the first auth migration stays as it is (schema introspection does not list TRUNCATE triggers,
 * so diffs never touch it).
 */
export class Migration20261121171730 extends Migration {
  override name = 'Migration20261121171730';

  override up(): void | Promise<void> {
    this.addSql(`drop trigger "audit_log_no_update_delete" on "audit_log";`);
    this.addSql(
      `create or replace function "audit_log_audit_log_no_update_delete_fn"() returns trigger as $$ begin raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege'; end; $$ language plpgsql;`,
    );
    this.addSql(
      `create trigger "audit_log_no_update_delete" BEFORE UPDATE OR DELETE on "audit_log" for each ROW execute function "audit_log_audit_log_no_update_delete_fn"();`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger "audit_log_no_update_delete" on "audit_log";`);
    this.addSql(`drop function "audit_log_audit_log_no_update_delete_fn"();`);
    this.addSql(
      `create trigger "audit_log_no_update_delete" before update or delete on "audit_log" for each row execute function "audit_log_append_only"();`,
    );
  }
}
