import type { Knex } from 'knex';

/**
 * The engine's own tables, one set per tenant schema. Their names start with `_`, which no API
 * name can, so they never collide with record tables. Migrations run in order, once each.
 */
const MIGRATIONS: { name: string; up: (trx: Knex.Transaction, schema: string) => Promise<void> }[] = [
  {
    name: '001_system_tables',
    async up(trx, s) {
      await trx.schema.withSchema(s).createTable('_users', (t) => {
        t.uuid('id').primary();
        t.text('email').notNullable().unique();
        t.text('name').notNullable();
        t.text('password_hash').notNullable();
        t.boolean('is_admin').notNullable().defaultTo(false);
        t.boolean('active').notNullable().defaultTo(true);
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
      });
      await trx.schema.withSchema(s).createTable('_sessions', (t) => {
        t.text('token_hash').primary();
        t.uuid('user_id').notNullable().references('id').inTable(`${s}._users`).onDelete('CASCADE');
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.timestamp('expires_at', { useTz: true }).notNullable();
      });
      await trx.schema.withSchema(s).createTable('_meta_draft', (t) => {
        t.text('kind').notNullable();
        t.text('id').notNullable();
        t.text('api_name').notNullable();
        t.jsonb('definition').notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.primary(['kind', 'id']);
        t.unique(['kind', 'api_name']);
      });
      await trx.schema.withSchema(s).createTable('_meta_releases', (t) => {
        t.integer('n').primary();
        t.text('kind').notNullable();
        t.integer('source_release');
        t.jsonb('snapshot').notNullable();
        t.jsonb('diff').notNullable();
        t.jsonb('plan').notNullable();
        t.uuid('created_by');
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
      });
      await trx.schema.withSchema(s).createTable('_meta_archive', (t) => {
        t.increments('n').primary();
        t.text('kind').notNullable();
        t.text('item_id').notNullable();
        t.text('object_id').notNullable();
        t.jsonb('definition').notNullable();
        t.text('physical_table').notNullable();
        t.jsonb('physical_columns');
        t.integer('release').notNullable();
        t.timestamp('archived_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.timestamp('restored_at', { useTz: true });
      });
      // Used by the schema planner to count the rows a type change would lose. The type names
      // come from field-type modules, never from input.
      await trx.raw(
        `
        create function ??._tessera_castable(v text, target text) returns boolean
        language plpgsql immutable as $fn$
        begin
          execute format('select $1::%s', target) using v;
          return true;
        exception when others then
          return false;
        end $fn$`,
        [s],
      );
      await trx.raw(
        `
        create function ??._tessera_roundtrips(v text, target text, source text) returns boolean
        language plpgsql immutable as $fn$
        declare same boolean;
        begin
          execute format('select ($1::%s)::%s::%s = $1::%s', source, target, source, source) into same using v;
          return coalesce(same, false);
        exception when others then
          return false;
        end $fn$`,
        [s],
      );
    },
  },
  {
    name: '002_idempotency',
    async up(trx, s) {
      // A retried request with the same Idempotency-Key gets the first answer back, written
      // in the same transaction as the records it created.
      await trx.schema.withSchema(s).createTable('_idempotency', (t) => {
        t.uuid('user_id').notNullable();
        t.text('key').notNullable();
        t.text('request_hash').notNullable();
        t.jsonb('response').notNullable();
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.primary(['user_id', 'key']);
      });
    },
  },
  {
    name: '003_import_jobs',
    async up(trx, s) {
      // A CSV import runs in the background after its request; clients poll this row.
      await trx.schema.withSchema(s).createTable('_import_jobs', (t) => {
        t.uuid('id').primary();
        t.text('object').notNullable();
        t.text('status').notNullable();
        t.text('phase');
        t.text('mode').notNullable();
        t.text('upsert_on');
        t.jsonb('headers').notNullable();
        t.integer('rows_total');
        t.integer('rows_processed').notNullable().defaultTo(0);
        t.integer('rows_created').notNullable().defaultTo(0);
        t.integer('rows_updated').notNullable().defaultTo(0);
        t.integer('rows_failed').notNullable().defaultTo(0);
        t.text('error');
        t.uuid('created_by').notNullable();
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.timestamp('finished_at', { useTz: true });
      });
      // The rows an import refused, with their cells, for the error report.
      await trx.schema.withSchema(s).createTable('_import_errors', (t) => {
        t.uuid('job_id').notNullable().references('id').inTable(`${s}._import_jobs`).onDelete('CASCADE');
        t.integer('row').notNullable();
        t.jsonb('errors').notNullable();
        t.jsonb('cells').notNullable();
        t.primary(['job_id', 'row']);
      });
    },
  },
  {
    name: '004_currencies',
    async up(trx, s) {
      // Tenant settings (the corporate currency) and dated exchange rates: `rate` units of
      // `currency` buy one unit of the corporate currency, from `start_date` until the next rate.
      await trx.schema.withSchema(s).createTable('_settings', (t) => {
        t.text('key').primary();
        t.jsonb('value').notNullable();
      });
      await trx.schema.withSchema(s).createTable('_exchange_rates', (t) => {
        t.specificType('currency', 'character(3)').notNullable();
        t.date('start_date').notNullable();
        t.decimal('rate', 24, 10).notNullable();
        t.primary(['currency', 'start_date']);
      });
    },
  },
  {
    name: '005_security',
    async up(trx, s) {
      // Grants live on the user row, so the one query that checks a session also loads them:
      // a removed permission or a deactivation counts from the very next request.
      await trx.schema.withSchema(s).alterTable('_users', (t) => {
        t.text('role');
        t.specificType('permission_sets', 'text[]').notNullable().defaultTo('{}');
        t.integer('failed_logins').notNullable().defaultTo(0);
        t.timestamp('locked_until', { useTz: true });
        t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.index(['role']);
      });
      // Named API tokens are sessions with a name; the UI's cookie and login tokens have none.
      await trx.schema.withSchema(s).alterTable('_sessions', (t) => {
        t.uuid('id');
        t.text('name');
        t.index(['user_id']);
      });
      await trx.schema.withSchema(s).createTable('_group_members', (t) => {
        t.text('group_name').notNullable();
        t.uuid('user_id').notNullable().references('id').inTable(`${s}._users`).onDelete('CASCADE');
        t.primary(['group_name', 'user_id']);
        t.index(['user_id']);
      });
      // Manual shares: one record of one object with one user or one group.
      await trx.schema.withSchema(s).createTable('_record_shares', (t) => {
        t.uuid('id').primary();
        t.text('object_id').notNullable();
        t.uuid('record_id').notNullable();
        t.uuid('user_id').references('id').inTable(`${s}._users`).onDelete('CASCADE');
        t.text('group_name');
        t.text('access').notNullable();
        t.uuid('created_by');
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.index(['record_id', 'object_id']);
        t.index(['user_id', 'object_id', 'record_id']);
        t.index(['group_name', 'object_id', 'record_id']);
      });
      // Field history: who changed what, when, and through which path. Written in the same
      // transaction as the change; the API can read it and nothing else.
      await trx.schema.withSchema(s).createTable('_field_history', (t) => {
        t.bigIncrements('seq').primary();
        t.text('object_id').notNullable();
        t.uuid('record_id').notNullable();
        t.text('event').notNullable();
        t.text('field');
        t.jsonb('old_value');
        t.jsonb('new_value');
        t.uuid('user_id');
        t.text('via').notNullable();
        t.timestamp('at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.index(['record_id', 'seq']);
      });
      await trx.schema.withSchema(s).createTable('_setup_audit', (t) => {
        t.bigIncrements('seq').primary();
        t.uuid('user_id');
        t.text('action').notNullable();
        t.text('target').notNullable();
        t.jsonb('detail');
        t.timestamp('at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
      });
    },
  },
  {
    name: '006_import_progress',
    async up(trx, s) {
      // Import progress is the share of the file read (no counting pass); updated_at is the
      // running job's heartbeat.
      await trx.schema.withSchema(s).alterTable('_import_jobs', (t) => {
        t.bigInteger('bytes_total');
        t.bigInteger('bytes_processed').notNullable().defaultTo(0);
        t.index(['status', 'updated_at']);
      });
    },
  },
  {
    name: '007_user_views',
    async up(trx, s) {
      // A user's private list views (engine/src/views). Keyed by the object's stable id, so a
      // renamed object keeps its views; the definition names fields and remembers their ids.
      await trx.schema.withSchema(s).createTable('_user_views', (t) => {
        t.uuid('id').primary();
        t.uuid('user_id').notNullable().references('id').inTable(`${s}._users`).onDelete('CASCADE');
        t.text('object_id').notNullable();
        t.text('label').notNullable();
        t.jsonb('definition').notNullable();
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
      });
      // One name per view in a user's picker; also the index the picker's query reads.
      await trx.raw('create unique index ?? on ??.?? (user_id, object_id, lower(label))', [
        '_user_views_label',
        s,
        '_user_views',
      ]);
    },
  },
  {
    name: '008_grants_stamp',
    async up(trx, s) {
      // A number that changes whenever anything a user's access is made of changes (admin flag,
      // active, role, permission sets, groups), kept by the database itself whatever writes the
      // change. A statement that carries its own session check (fused, auth.service.ts) compares
      // this one number instead of each grant.
      await trx.raw('alter table ??._users add column grants_stamp bigint not null default 0', [s]);
      await trx.raw(
        `create function ??.tsr_user_grants_changed() returns trigger language plpgsql as $fn$
        begin
          if new.is_admin is distinct from old.is_admin or new.active is distinct from old.active
            or new.role is distinct from old.role or new.permission_sets is distinct from old.permission_sets then
            new.grants_stamp := old.grants_stamp + 1;
          end if;
          return new;
        end $fn$`,
        [s],
      );
      await trx.raw(
        'create trigger tsr_user_grants_changed before update on ??._users for each row execute function ??.tsr_user_grants_changed()',
        [s, s],
      );
      await trx.raw(
        `create function ??.tsr_group_members_changed() returns trigger language plpgsql as $fn$
        begin
          if tg_op <> 'INSERT' then
            execute format('update %I._users set grants_stamp = grants_stamp + 1 where id = $1', tg_table_schema) using old.user_id;
          end if;
          if tg_op <> 'DELETE' then
            execute format('update %I._users set grants_stamp = grants_stamp + 1 where id = $1', tg_table_schema) using new.user_id;
          end if;
          return null;
        end $fn$`,
        [s],
      );
      await trx.raw(
        'create trigger tsr_group_members_changed after insert or update or delete on ??._group_members for each row execute function ??.tsr_group_members_changed()',
        [s, s],
      );
    },
  },
  {
    name: '009_session_holds',
    async up(trx, s) {
      // The session check a list page or a create carries (auth.service.ts sessionGuard). Written
      // into those statements, its two-table join was planned again with them on every request;
      // a plpgsql function keeps its own plan for the connection's life, and the caller's planner
      // sees one call with constant arguments, evaluated once per statement.
      await trx.raw(
        `create function ??.tsr_session_holds(token_hash text, user_id uuid, grants_stamp bigint, named boolean)
        returns boolean language plpgsql stable as $fn$
        begin
          return exists (select 1 from ??._sessions s join ??._users u on u.id = s.user_id
            where s.token_hash = tsr_session_holds.token_hash and s.expires_at > now() and u.active
              and u.id = tsr_session_holds.user_id and u.grants_stamp = tsr_session_holds.grants_stamp
              and (s.name is null) = tsr_session_holds.named);
        end $fn$`,
        [s, s, s],
      );
    },
  },
  {
    name: '010_automation',
    async up(trx, s) {
      // The outbox: record changes that workflows wait for, written by the capture triggers
      // (automation/capture.ts) in the transaction of the change itself, whichever path made it.
      // Rows live here only until a dispatcher has turned them into runs.
      await trx.schema.withSchema(s).createTable('_automation_outbox', (t) => {
        t.bigIncrements('seq').primary();
        t.text('object_id').notNullable();
        t.uuid('record_id').notNullable();
        t.text('event').notNullable();
        t.jsonb('old_row');
        t.jsonb('new_row');
        t.uuid('user_id');
        t.integer('depth').notNullable().defaultTo(0);
        t.timestamp('at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
      });
      // One run of one workflow for one event, with the definition it started on.
      await trx.schema.withSchema(s).createTable('_automation_runs', (t) => {
        t.uuid('id').primary();
        t.text('workflow_id').notNullable();
        t.text('workflow').notNullable();
        t.integer('release').notNullable();
        t.jsonb('definition').notNullable();
        t.text('object').notNullable();
        t.uuid('record_id');
        t.text('event').notNullable();
        // The record after the change (and before it, for updates and deletes): conditions and
        // values are worked out from these, so a retried run computes what the first try did.
        t.jsonb('record').notNullable();
        t.jsonb('old_record');
        t.specificType('changed', 'text[]').notNullable();
        t.uuid('user_id');
        t.integer('depth').notNullable();
        t.text('status').notNullable();
        t.integer('attempts').notNullable().defaultTo(0);
        t.text('error');
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.timestamp('started_at', { useTz: true });
        t.timestamp('finished_at', { useTz: true });
        t.index(['workflow', 'created_at']);
        t.index(['status', 'created_at']);
        t.index(['record_id']);
      });
      // Every attempt at every action of a run: input, outcome, timing, error.
      await trx.schema.withSchema(s).createTable('_automation_steps', (t) => {
        t.bigIncrements('seq').primary();
        t.uuid('run_id').notNullable().references('id').inTable(`${s}._automation_runs`).onDelete('CASCADE');
        t.integer('step').notNullable();
        t.text('action').notNullable();
        t.integer('attempt').notNullable();
        t.text('status').notNullable();
        t.jsonb('input');
        t.jsonb('output');
        t.text('error');
        t.timestamp('started_at', { useTz: true }).notNullable();
        t.integer('duration_ms').notNullable();
        t.index(['run_id', 'step']);
      });
      // An action's effect and its 'succeeded' row commit together, once: a retried job that
      // finds the row skips the action, and two runners racing on one step cannot both commit.
      await trx.raw("create unique index ?? on ??.?? (run_id, step) where status = 'succeeded'", [
        '_automation_steps_done',
        s,
        '_automation_steps',
      ]);
      // Webhook endpoints that answered 410 Gone: no delivery goes to them until an admin replays one.
      await trx.schema.withSchema(s).createTable('_automation_endpoints', (t) => {
        t.text('url').primary();
        t.text('reason').notNullable();
        t.timestamp('disabled_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
      });
      // The capture triggers' functions. Statement-level with transition tables: an import of
      // 100,000 rows is one INSERT … SELECT here, not 100,000 calls. The chain depth comes from
      // the transaction (a workflow's own writes set it); API writes are depth 0.
      const depth = "coalesce(nullif(current_setting('tessera.depth', true), ''), '0')::int";
      await trx.raw(
        `create function ??.tsr_capture_insert() returns trigger language plpgsql as $fn$
        begin
          insert into ??._automation_outbox (object_id, record_id, event, new_row, user_id, depth)
          select tg_argv[0], n.id, 'created', to_jsonb(n), n.created_by, ${depth} from tsr_new n;
          perform pg_notify('tessera_outbox', tg_table_schema);
          return null;
        end $fn$`,
        [s, s],
      );
      await trx.raw(
        `create function ??.tsr_capture_update() returns trigger language plpgsql as $fn$
        begin
          insert into ??._automation_outbox (object_id, record_id, event, old_row, new_row, user_id, depth)
          select tg_argv[0], n.id,
            case when o.deleted_at is null and n.deleted_at is not null then 'deleted'
                 when o.deleted_at is not null and n.deleted_at is null then 'restored'
                 else 'updated' end,
            to_jsonb(o), to_jsonb(n), n.updated_by, ${depth}
          from tsr_new n join tsr_old o on o.id = n.id
          where n.deleted_at is null or o.deleted_at is null;
          perform pg_notify('tessera_outbox', tg_table_schema);
          return null;
        end $fn$`,
        [s, s],
      );
    },
  },
  {
    name: '011_notifications',
    async up(trx, s) {
      // The bell: what workflows (and later approvals) tell a user, linked to a record.
      await trx.schema.withSchema(s).createTable('_notifications', (t) => {
        t.uuid('id').primary();
        t.uuid('user_id').notNullable().references('id').inTable(`${s}._users`).onDelete('CASCADE');
        t.text('title').notNullable();
        t.text('body');
        t.text('object');
        t.uuid('record_id');
        t.uuid('run_id');
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.timestamp('read_at', { useTz: true });
        t.index(['user_id', 'id']);
      });
      // The unread count the bell asks for on every page.
      await trx.raw('create index ?? on ??.?? (user_id) where read_at is null', [
        '_notifications_unread',
        s,
        '_notifications',
      ]);
    },
  },
  {
    name: '012_automation_schedule',
    async up(trx, s) {
      // What time-based triggers have fired: a schedule's time, a record's date + offset, and
      // when each workflow was first seen (nothing before it fires). The primary key is the
      // claim: of engines scheduling side by side, one inserts the row and starts the runs.
      await trx.schema.withSchema(s).createTable('_automation_fired', (t) => {
        t.text('workflow_id').notNullable();
        t.text('key').notNullable();
        t.timestamp('due_at', { useTz: true }).notNullable();
        t.timestamp('fired_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.primary(['workflow_id', 'key']);
      });
    },
  },
  {
    name: '013_approvals',
    async up(trx, s) {
      // One submission of one record to an approval process, with the definition it follows.
      await trx.schema.withSchema(s).createTable('_approvals', (t) => {
        t.uuid('id').primary();
        t.text('process_id').notNullable();
        t.text('process').notNullable();
        t.jsonb('definition').notNullable();
        t.text('object').notNullable();
        t.uuid('record_id').notNullable();
        t.uuid('submitted_by').notNullable();
        t.text('status').notNullable();
        t.integer('step').notNullable();
        t.text('comment');
        t.timestamp('submitted_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.timestamp('finished_at', { useTz: true });
        t.index(['record_id']);
      });
      // At most one pending approval per record: the lock, and the answer to a second submit.
      await trx.raw("create unique index ?? on ??.?? (object, record_id) where status = 'pending'", [
        '_approvals_pending',
        s,
        '_approvals',
      ]);
      // Each approver's part of each step, and what they decided.
      await trx.schema.withSchema(s).createTable('_approval_tasks', (t) => {
        t.uuid('id').primary();
        t.uuid('approval_id').notNullable().references('id').inTable(`${s}._approvals`).onDelete('CASCADE');
        t.integer('step').notNullable();
        t.uuid('approver_id').notNullable();
        t.text('status').notNullable();
        t.text('comment');
        t.uuid('delegated_from');
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.timestamp('decided_at', { useTz: true });
        t.index(['approver_id', 'status']);
        t.index(['approval_id']);
      });
    },
  },
  {
    name: '014_approval_depth',
    async up(trx, s) {
      // How many workflow runs in a row led to the submission: the loop guard goes through approvals too.
      await trx.raw('alter table ??._approvals add column depth integer not null default 0', [s]);
    },
  },
  {
    name: '015_draft_journal',
    async up(trx, s) {
      // Undo and redo of unpublished edits (metadata/draft-journal.ts): one row per edit.
      await trx.schema.withSchema(s).createTable('_meta_draft_journal', (t) => {
        t.bigIncrements('seq').primary();
        t.jsonb('changes').notNullable();
        t.boolean('undone').notNullable().defaultTo(false);
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
      });
    },
  },
  {
    name: '016_packs',
    async up(trx, s) {
      // The packs installed in the tenant (packs/packs.service.ts): the version's metadata is the
      // base of the next upgrade's three-way merge; an uninstalled pack keeps its items as the
      // tenant had customised them, for a reinstall to bring back.
      await trx.schema.withSchema(s).createTable('_packs', (t) => {
        t.text('name').primary();
        t.text('namespace').notNullable().unique();
        t.text('version').notNullable();
        t.text('state').notNullable();
        t.jsonb('snapshot').notNullable();
        t.jsonb('kept');
        t.uuid('changed_by');
        t.timestamp('changed_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
      });
    },
  },
  {
    name: '017_read_audit',
    async up(trx, s) {
      // Reads of audited fields (records/read-audit.ts): who was shown which record's fields.
      await trx.schema.withSchema(s).createTable('_read_audit', (t) => {
        t.bigIncrements('seq').primary();
        t.timestamp('at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.uuid('user_id').notNullable();
        t.text('object').notNullable();
        t.uuid('record_id').notNullable();
        t.specificType('fields', 'text[]').notNullable();
        t.text('action').notNullable();
        t.text('via').notNullable();
        t.index(['record_id', 'seq']);
        t.index(['user_id', 'seq']);
      });
    },
  },
  {
    name: '018_pack_customizable',
    async up(trx, s) {
      // The installed version's pack.json `customizable`: edits of what it locks are refused.
      await trx.schema.withSchema(s).alterTable('_packs', (t) => t.jsonb('customizable'));
    },
  },
  {
    name: '019_shared_state',
    async up(trx, s) {
      // What engine processes compile from the database (the release, the corporate currency)
      // moves this stamp in the transaction that changes it (db/stamp.ts); each request's session
      // check compares it with the stamp the process compiled, so every process of a scaled-out
      // set answers from the same truth.
      await trx.raw('create table ??._stamp (n bigint not null)', [s]);
      await trx.raw('insert into ??._stamp (n) values (1)', [s]);
      await trx.raw('drop function ??.tsr_session_holds(text, uuid, bigint, boolean)', [s]);
      await trx.raw(
        `create function ??.tsr_session_holds(token_hash text, user_id uuid, grants_stamp bigint, named boolean, stamp bigint)
        returns boolean language plpgsql stable as $fn$
        begin
          return exists (select 1 from ??._sessions s join ??._users u on u.id = s.user_id
            where s.token_hash = tsr_session_holds.token_hash and s.expires_at > now() and u.active
              and u.id = tsr_session_holds.user_id and u.grants_stamp = tsr_session_holds.grants_stamp
              and (s.name is null) = tsr_session_holds.named)
            and (select n from ??._stamp) = tsr_session_holds.stamp;
        end $fn$`,
        [s, s, s, s],
      );
      // Failed logins that have no _users row to live in, shared by every engine process: per
      // client address (a sliding window of attempts) and per e-mail nobody has (a counter and a
      // lock, as _users keeps for an account, so a 429 does not reveal which accounts exist).
      await trx.schema.withSchema(s).createTable('_login_attempts', (t) => {
        t.text('address').notNullable();
        t.timestamp('at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.index(['address', 'at']);
        t.index(['at']);
      });
      await trx.schema.withSchema(s).createTable('_login_unknown', (t) => {
        t.text('email').primary();
        t.integer('failures').notNullable();
        t.timestamp('locked_until', { useTz: true });
        t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.index(['updated_at']);
      });
    },
  },
  {
    name: '020_usage_indexes',
    async up(trx, s) {
      // Indexes that follow use (records/index-advisor.ts). The list shapes engines have run, per
      // object, added up from every process; keys are field ids, so a rename keeps its count.
      await trx.schema.withSchema(s).createTable('_index_usage', (t) => {
        t.text('object_id').notNullable();
        t.text('shape').notNullable();
        t.jsonb('keys').notNullable();
        t.bigInteger('requests').notNullable();
        t.timestamp('first_seen', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.timestamp('last_seen', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.primary(['object_id', 'shape']);
      });
      // The indexes built for them, with when they were last seen in use.
      await trx.schema.withSchema(s).createTable('_usage_indexes', (t) => {
        t.text('name').primary();
        t.text('object_id').notNullable();
        t.text('shape').notNullable();
        t.text('source').notNullable();
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.timestamp('last_used', { useTz: true }).notNullable().defaultTo(trx.fn.now());
        t.bigInteger('scans').notNullable().defaultTo(0);
        t.integer('build_ms');
      });
      // One engine at a time decides and builds: whoever holds the lease.
      await trx.raw(
        'create table ??._index_advisor (id int primary key, lease_until timestamptz, last_run timestamptz)',
        [s],
      );
      await trx.raw('insert into ??._index_advisor (id) values (1)', [s]);
    },
  },
  {
    name: '021_import_applied',
    async up(trx, s) {
      // What an all-or-none import on embedded PGlite has written so far, once every row has been
      // accepted and it writes chunk by chunk (records/import-undo.ts), to undo it if it fails:
      // a row a chunk, with the ids of the records it created and the records it updated as they
      // were (to_jsonb of each row). One row a chunk: one a record made the log a large share of
      // a chunk's write.
      await trx.schema.withSchema(s).createTable('_import_applied', (t) => {
        t.uuid('job_id').notNullable().references('id').inTable(`${s}._import_jobs`).onDelete('CASCADE');
        t.integer('chunk').notNullable();
        t.specificType('created', 'uuid[]').notNullable().defaultTo('{}');
        t.jsonb('updated');
        // The _automation_outbox rows the chunk's transaction wrote fall in (outbox_after,
        // outbox_upto]: its created records' events, which an undo deletes unsent.
        t.bigInteger('outbox_after');
        t.bigInteger('outbox_upto');
        t.primary(['job_id', 'chunk']);
      });
    },
  },
];

export async function migrate(knex: Knex, schema: string): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`tessera:migrate:${schema}`]);
    await trx.raw('create schema if not exists ??', [schema]);
    await trx.raw('create extension if not exists pg_trgm');
    await trx.raw(
      'create table if not exists ??._migrations (name text primary key, applied_at timestamptz not null default now())',
      [schema],
    );
    const done = new Set((await trx(`${schema}._migrations`).select('name')).map((r: { name: string }) => r.name));
    for (const migration of MIGRATIONS) {
      if (done.has(migration.name)) continue;
      await migration.up(trx, schema);
      await trx(`${schema}._migrations`).insert({ name: migration.name });
    }
  });
}
