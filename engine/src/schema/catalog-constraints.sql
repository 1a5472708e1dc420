-- Constraints and indexes Tessera created (named tsr_…), per table, with the column of their first
-- key (so the planner sees one left behind on an archived column). Bindings: the schema name, twice.
select t.relname as table_name, con.conname as name, a.attname as column_name
from pg_constraint con
join pg_class t on t.oid = con.conrelid
join pg_namespace n on n.oid = t.relnamespace
left join pg_attribute a on a.attrelid = t.oid and a.attnum = con.conkey[1]
where n.nspname = ? and con.conname like 'tsr\_%'
union
select t.relname as table_name, i.relname as name, a.attname as column_name
from pg_index x
join pg_class i on i.oid = x.indexrelid
join pg_class t on t.oid = x.indrelid
join pg_namespace n on n.oid = t.relnamespace
left join pg_attribute a on a.attrelid = t.oid and a.attnum = x.indkey[0]
where n.nspname = ? and i.relname like 'tsr\_%'
