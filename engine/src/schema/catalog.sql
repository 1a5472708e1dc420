-- Tables and columns of one schema that Tessera manages, recognised by their comments.
-- Binding: the schema name.
select c.relname as table_name,
       obj_description(c.oid, 'pg_class') as table_comment,
       a.attname as column_name,
       format_type(a.atttypid, a.atttypmod) as sql_type,
       col_description(c.oid, a.attnum) as column_comment
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
where n.nspname = ?
  and c.relkind = 'r'
  and obj_description(c.oid, 'pg_class') like 'tessera:%'
order by c.relname, a.attnum
