/**
 * The rule editor's text: json-logic as JSON the admin types. Pure, so it is tested without an
 * editor: parsing the text, placing an engine error (a JSON pointer inside the rule) on the text,
 * and telling what completion fits where the cursor is.
 */

export type Parsed = { ok: true; value: unknown } | { ok: false };

export function parseRule(text: string): Parsed {
  if (text.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The text for a rule: two-space JSON, empty when there is none yet. */
export const ruleText = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value, null, 2));

export interface Span {
  start: number;
  end: number;
}

/**
 * Where each JSON pointer's value sits in the text, by a small JSON scanner that keeps offsets
 * (JSON.parse forgets them). Text that does not parse maps nothing.
 */
export function pointerSpans(text: string): Map<string, Span> {
  const spans = new Map<string, Span>();
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const fail = (): never => {
    throw new Error('bad json');
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail();
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
  const value = (path: string): void => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') i++;
      else
        for (;;) {
          ws();
          if (text[i] !== '"') fail();
          const key = str();
          ws();
          if (text[i] !== ':') fail();
          i++;
          value(`${path}/${escape(key)}`);
          ws();
          if (text[i] === ',') i++;
          else if (text[i] === '}') {
            i++;
            break;
          } else fail();
        }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') i++;
      else
        for (let n = 0; ; n++) {
          value(`${path}/${n}`);
          ws();
          if (text[i] === ',') i++;
          else if (text[i] === ']') {
            i++;
            break;
          } else fail();
        }
    } else if (c === '"') str();
    else {
      const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
      if (!m) fail();
      i += m![0].length;
    }
    spans.set(path, { start, end: i });
  };
  try {
    value('');
  } catch {
    return new Map();
  }
  return spans;
}

/** The span an error at `pointer` underlines: its value, or the nearest enclosing one that exists, or all. */
export function spanOf(text: string, pointer: string): Span {
  const spans = pointerSpans(text);
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const span = spans.get(p);
    if (span) return span;
    if (p === '') return { start: 0, end: text.length };
  }
}

/**
 * What the cursor at `offset` completes: a field name inside the string of a `"var"`
 * (`{"var": "am|`, or `{"var": ["am|`), an operation at a key position (`{"|`), or nothing.
 */
export function completionAt(text: string, offset: number): 'field' | 'operator' | undefined {
  const before = text.slice(0, offset);
  if (/\{\s*"var"\s*:\s*\[?\s*"[^"]*$/.test(before)) return 'field';
  if (/[{,]\s*"[^"]*$/.test(before) || /\{\s*$/.test(before)) return 'operator';
  return undefined;
}
