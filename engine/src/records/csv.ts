/**
 * CSV cells, shared by export and the import's error report: RFC 4180 quoting, and formula
 * neutralising (OWASP "CSV injection"): a text cell a spreadsheet would run as a formula gets a
 * leading apostrophe. Numbers are never neutralised, so -12.50 stays a number; anything else that
 * starts with a trigger character does, however harmless it looks.
 */

/** Characters that make a spreadsheet read a cell as a formula (or shift it into one). */
const TRIGGER = /^[=+\-@\t\r]/;
/** Apostrophes then a trigger character: what a neutralised cell looks like. */
const APOSTROPHES_THEN_TRIGGER = /^'+[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Prefixes `'` to text a spreadsheet would evaluate. Text that already looks neutralised gets one
 * too, so `unneutralise` is its exact inverse and a value round-trips through export and import.
 */
export function neutralise(text: string): string {
  return TRIGGER.test(text) || APOSTROPHES_THEN_TRIGGER.test(text) ? `'${text}` : text;
}

/** Undoes `neutralise`: the import reads back what the export wrote (and what a spreadsheet means by `'=`). */
export function unneutralise(text: string): string {
  return APOSTROPHES_THEN_TRIGGER.test(text) ? text.slice(1) : text;
}

/** RFC 4180: a cell holding a comma, quote, CR or LF is quoted, with its quotes doubled. */
export function quote(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A cell of text-like content: neutralised, then quoted. */
export const textCell = (text: string): string => quote(neutralise(text));

/** A cell of a number field. Only a plain number is left as it is; anything else is text. */
export const numberCell = (value: number | string): string => {
  const text = String(value);
  return NUMBER.test(text) ? text : textCell(text);
};

/** One CSV line of ready-made cells, ended with CRLF as RFC 4180 says. */
export const csvLine = (cells: readonly string[]): string => `${cells.join(',')}\r\n`;
