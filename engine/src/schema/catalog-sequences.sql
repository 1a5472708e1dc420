-- Sequences behind autonumber fields. Binding: the schema name.
select c.relname as name
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = ? and c.relkind = 'S' and c.relname like 'tsr\_seq\_%'
