import { Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import type { Completions, RuleEditorHandle } from './monaco-mount';
import type { RuleError } from './rules.api';

/**
 * Where RuleEditor's monaco goes: the first editor to open fetches monaco's chunk (a dynamic
 * import, so the studio's first load never does) and mounts it here; props reach it through the
 * handle.
 */
export function MonacoHost({
  text,
  onText,
  completions,
  errors,
  ariaLabel,
  loadingLabel,
  height,
}: {
  text: string;
  onText: (text: string) => void;
  completions: Completions;
  errors: readonly RuleError[];
  ariaLabel: string;
  loadingLabel: string;
  height: number;
}) {
  const host = useRef<HTMLDivElement>(null);
  const [handle, setHandle] = useState<RuleEditorHandle>();
  const latest = useRef({ text, onText, ariaLabel });
  useEffect(() => {
    latest.current = { text, onText, ariaLabel };
  });
  // The texts the editor has reported and the parent has not yet given back. A fast typist's
  // next key lands before React renders the last one, so the text coming back may already be
  // older than the editor's: it is an echo, not a change from outside, and must not replace
  // what was typed since (that lost keys and closed the suggestions).
  const echoes = useRef<string[]>([]);

  useEffect(() => {
    let mounted: RuleEditorHandle | undefined;
    let cancelled = false;
    void import('./monaco-mount').then(({ mountRuleEditor }) => {
      if (cancelled || !host.current) return;
      mounted = mountRuleEditor(host.current, {
        text: latest.current.text,
        ariaLabel: latest.current.ariaLabel,
        onText: (next) => {
          echoes.current.push(next);
          latest.current.onText(next);
        },
      });
      setHandle(mounted);
    });
    return () => {
      cancelled = true;
      mounted?.dispose();
    };
  }, []);

  useEffect(() => {
    if (!handle) return;
    const echo = echoes.current.indexOf(text);
    if (echo >= 0) echoes.current.splice(0, echo + 1);
    else {
      echoes.current = [];
      handle.setText(text);
    }
  }, [handle, text]);
  useEffect(() => handle?.setCompletions(completions), [handle, completions]);
  useEffect(() => handle?.setErrors(errors), [handle, errors]);

  return (
    <div style={{ position: 'relative' }}>
      {!handle && <Spin size="small" style={{ position: 'absolute', margin: 8 }} aria-label={loadingLabel} />}
      <div ref={host} className="rule-editor-monaco" style={{ height }} data-testid="rule-monaco" />
    </div>
  );
}
