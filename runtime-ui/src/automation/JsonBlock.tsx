import { prettyJson } from './run-format';

/**
 * A value as indented JSON, in a box that scrolls when long; it takes the keyboard focus so the
 * scrolling works without a mouse too.
 */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- a scrolling region must be reachable by keyboard
    <pre className="tessera-json" tabIndex={0} aria-label={label}>
      {prettyJson(value)}
    </pre>
  );
}
