import { Migration } from '@mikro-orm/migrations';

/**
 * Repoints every merged team at its final surviving team. A merge now repoints the teams merged
 * into its source (no chains), but merges made before that left chains (A merged into B, B later
 * into C: A still points at B), which readers of `merged_into_id` would have to follow. The walk
 * never revisits a team, so a cycle (which the API cannot make) ends it instead of hanging it: a
 * team on a cycle is left pointing at another team of the cycle.
 */
export class Migration20261205013000 extends Migration {
  override name = 'Migration20261205013000';

  override up(): void | Promise<void> {
    this.addSql(
      `with recursive walk ("id", "target", "path") as (
         select "id", "merged_into_id", array["id", "merged_into_id"]
           from "teams" where "merged_into_id" is not null
         union all
         select w."id", t."merged_into_id", w."path" || t."merged_into_id"
           from walk w join "teams" t on t."id" = w."target"
          where t."merged_into_id" is not null and t."merged_into_id" <> all (w."path")
       ), survivor as (
         select distinct on ("id") "id", "target" from walk order by "id", cardinality("path") desc
       )
       update "teams" t set "merged_into_id" = s."target"
         from survivor s
        where t."id" = s."id" and t."merged_into_id" is distinct from s."target";`,
    );
  }

  override down(): void | Promise<void> {
    // Nothing to undo: a pointer to the final surviving team says everything the intermediate one
    // did (the intermediate team is itself merged into that survivor), and the old code reads both
    // the same way. The chains cannot be rebuilt, and nothing needs them.
  }
}
