/**
 * Titles and help texts of forms drawn from the engine's JSON Schemas (field-type settings,
 * workflow triggers and actions, approval steps) in a language other than the schemas' English.
 * A text is found by the property's name, and by `<context>.<name>` where the same name means
 * something else in one place (context: the field type, or the trigger, action or step branch);
 * the context's entry wins. `{default}` in a text stands for the property's default value, so
 * one text serves the types whose defaults differ (a text's and a textarea's maximum length).
 *
 * This file imports nothing, so engine tests could read it as well as the studio.
 */

export interface SchemaText {
  title?: string;
  description?: string;
}

export type SchemaTexts = Readonly<Record<string, SchemaText>>;

type Schema = Record<string, unknown>;

/** The texts of property `name` under `context`: the name's, overridden by the context's own. */
export function schemaText(texts: SchemaTexts, context: string, name: string): SchemaText {
  return { ...texts[name], ...texts[`${context}.${name}`] };
}

const withDefault = (text: string, schema: Schema) =>
  typeof schema.default === 'number' || typeof schema.default === 'string'
    ? text.replaceAll('{default}', String(schema.default))
    : text;

/**
 * The schema with each property's title and description (nested objects, list items and
 * `oneOf`/`anyOf` branches included) taken from `texts`; what has no text keeps the schema's own.
 * A description is replaced, never added: a property the engine leaves unexplained stays so.
 */
export function localizeSchema<S extends object>(schema: S, texts: SchemaTexts, context: string): S {
  const walk = (node: Schema): Schema => {
    const out: Schema = { ...node };
    if (node.properties && typeof node.properties === 'object')
      out.properties = Object.fromEntries(
        Object.entries(node.properties as Record<string, Schema>).map(([name, child]) => {
          const text = schemaText(texts, context, name);
          const next = walk(child);
          if (text.title) next.title = withDefault(text.title, child);
          if (text.description && typeof child.description === 'string')
            next.description = withDefault(text.description, child);
          return [name, next];
        }),
      );
    if (node.items && typeof node.items === 'object' && !Array.isArray(node.items))
      out.items = walk(node.items as Schema);
    for (const key of ['oneOf', 'anyOf'] as const)
      if (Array.isArray(node[key])) out[key] = (node[key] as Schema[]).map(walk);
    return out;
  };
  return walk(schema as Schema) as S;
}

/** Every property of a schema with its path, nested ones and those of list items and branches included. */
export function schemaProperties(schema: Schema, path = ''): { path: string; name: string; property: Schema }[] {
  const out: { path: string; name: string; property: Schema }[] = [];
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    out.push({ path: `${path}/${name}`, name, property });
    out.push(...schemaProperties(property, `${path}/${name}`));
  }
  if (schema.items && typeof schema.items === 'object' && !Array.isArray(schema.items))
    out.push(...schemaProperties(schema.items as Schema, `${path}/items`));
  for (const key of ['oneOf', 'anyOf'] as const)
    if (Array.isArray(schema[key]))
      (schema[key] as Schema[]).forEach((branch, i) => out.push(...schemaProperties(branch, `${path}/${key}/${i}`)));
  return out;
}
