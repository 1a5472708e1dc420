/**
 * The header row of a CSV file (RFC 4180: quoted cells, doubled quotes, CRLF or LF), read in the
 * browser so the user can map columns before the file is sent. Only the first record is parsed;
 * the engine parses the rest.
 */
export function csvHeader(text: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a UTF-8 BOM from spreadsheet exports
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') break;
    else cell += c;
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

/** The field a header names: its API name or its label in any language, ignoring case. */
export function guessField(header: string, fields: { apiName: string; labels: string[] }[]): string | undefined {
  const h = header.trim().toLowerCase();
  return fields.find((f) => f.apiName === h || f.labels.some((l) => l.toLowerCase() === h))?.apiName;
}
