-- Constraints and indexes Tessera created (named tsr_…), per table. Bindings: the schema name, twice.
select t.relname as table_name, con.conname as name
from pg_constraint con
join pg_class t on t.oid = con.conrelid
join pg_namespace n on n.oid = t.relnamespace
where n.nspname = ? and con.conname like 'tsr\_%'
union
select t.relname as table_name, i.relname as name
from pg_index x
join pg_class i on i.oid = x.indexrelid
join pg_class t on t.oid = x.indrelid
join pg_namespace n on n.oid = t.relnamespace
where n.nspname = ? and i.relname like 'tsr\_%'
