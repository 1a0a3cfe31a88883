import { Migration } from '@mikro-orm/migrations';

export class Migration20261204190000 extends Migration {
  override name = 'Migration20261204190000';

  override up(): void | Promise<void> {
    // A run retried after its version was saved used to train and save another one. Before the
    // constraint, each run keeps the version it names (else its first) and the others, which are
    // kept as models (one may hold an alias), stop naming the run; the run's log says which.
    this.addSql(
      `with ranked as (
         select v.id, v.training_run_id, row_number() over (
           partition by v.training_run_id
           order by coalesce(v.id = r.model_version_id, false) desc, v.created_at, v.id) as n
         from model_versions v left join training_runs r on r.id = v.training_run_id
         where v.training_run_id is not null
       ), detached as (
         update model_versions v set training_run_id = null from ranked
         where ranked.id = v.id and ranked.n > 1
         returning v.id, ranked.training_run_id
       )
       update training_runs r set log = r.log || (
         select jsonb_agg(jsonb_build_object(
           'at', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'message', 'model version ' || d.id || ', saved again by a retry, no longer names this run'))
         from detached d where d.training_run_id = r.id)
       where r.id in (select training_run_id from detached);`,
    );
    this.addSql(
      `alter table "model_versions" add constraint "model_versions_training_run_id_unique" unique ("training_run_id");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(
      `alter table "model_versions" drop constraint "model_versions_training_run_id_unique";`,
    );
  }
}
