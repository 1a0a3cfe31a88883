import { Migration } from '@mikro-orm/migrations';

/**
 * The ledger's UPDATE/DELETE trigger, re-created under the name and function the LedgerEntry
 * entity declares (as the audit log's was), so that schema diffs see it, its foreign keys and its
 * index as wanted instead of proposing to drop them. One transaction: the ledger is never
 * unprotected. The TRUNCATE trigger keeps the first function (introspection does not list
 * TRUNCATE triggers, so diffs never touch it).
 */
export class Migration20261121181833 extends Migration {
  override name = 'Migration20261121181833';

  override up(): void | Promise<void> {
    this.addSql(`drop trigger "ledger_entries_no_update_or_delete" on "ledger_entries";`);
    this.addSql(
      `create or replace function "ledger_entries_ledger_entries_no_update_or_delete_fn"() returns trigger as $$ begin raise exception 'ledger entries are append-only (% refused)', tg_op using errcode = 'insufficient_privilege'; end; $$ language plpgsql;`,
    );
    this.addSql(
      `create trigger "ledger_entries_no_update_or_delete" BEFORE UPDATE OR DELETE on "ledger_entries" for each ROW execute function "ledger_entries_ledger_entries_no_update_or_delete_fn"();`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger "ledger_entries_no_update_or_delete" on "ledger_entries";`);
    this.addSql(`drop function "ledger_entries_ledger_entries_no_update_or_delete_fn"();`);
    this.addSql(
      `create trigger ledger_entries_no_update_or_delete before update or delete on "ledger_entries" for each row execute function ledger_entries_append_only();`,
    );
  }
}
