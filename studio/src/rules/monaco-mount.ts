import { monaco } from './monaco-setup';
import type { RuleError } from './rules.api';
import { completionAt, spanOf } from './rule-text';

/**
 * The monaco half of RuleEditor, in the chunk that RuleEditor imports dynamically the first
 * time an editor opens: plain functions over monaco, no React, so this chunk shares nothing with
 * the studio's own chunks and adding it leaves their split (and the initial download) as it was.
 * Each editor holds one JSON model; completion offers the object's fields inside `{"var": …}`
 * and the engine's operations at a key; the engine's errors are set on the model as markers.
 */

export interface Completions {
  fields: readonly { name: string; detail: string }[];
  operators: readonly string[];
}

export interface RuleEditorHandle {
  setText(text: string): void;
  setCompletions(completions: Completions): void;
  setErrors(errors: readonly RuleError[]): void;
  dispose(): void;
}

/** What completion offers in each model: set by its editor, read by the one provider below. */
const completions = new Map<string, Completions>();
let provider: monaco.IDisposable | undefined;

function registerCompletion() {
  provider ??= monaco.languages.registerCompletionItemProvider('json', {
    triggerCharacters: ['"'],
    provideCompletionItems(model, position) {
      const source = completions.get(model.uri.toString());
      const where = source && completionAt(model.getValue(), model.getOffsetAt(position));
      if (!source || !where) return { suggestions: [] };
      // Replace the word typed so far inside the quotes.
      const word = model.getWordUntilPosition(position);
      const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
      if (where === 'field')
        return {
          suggestions: source.fields.map((f) => ({
            label: f.name,
            kind: monaco.languages.CompletionItemKind.Field,
            detail: f.detail,
            insertText: f.name,
            range,
          })),
        };
      return {
        suggestions: source.operators.map((op) => ({
          label: op,
          kind: monaco.languages.CompletionItemKind.Operator,
          insertText: op,
          range,
        })),
      };
    },
  });
}

let counter = 0;

export function mountRuleEditor(
  host: HTMLElement,
  options: { text: string; ariaLabel: string; onText: (text: string) => void },
): RuleEditorHandle {
  registerCompletion();
  const uri = monaco.Uri.parse(`inmemory://tessera/rule-${++counter}.json`);
  const model = monaco.editor.createModel(options.text, 'json', uri);
  const editor = monaco.editor.create(host, {
    model,
    ariaLabel: options.ariaLabel,
    automaticLayout: true,
    minimap: { enabled: false },
    lineNumbers: 'off',
    folding: false,
    scrollBeyondLastLine: false,
    fontSize: 13,
    tabSize: 2,
    // Tab leaves the editor, as in any form field (Ctrl+M toggles it back to indenting).
    tabFocusMode: true,
    fixedOverflowWidgets: true,
    quickSuggestions: { strings: true, other: true, comments: false },
  });
  const listening = model.onDidChangeContent(() => options.onText(model.getValue()));
  return {
    setText(text) {
      // Only a text that differs (a reset, a value from outside): typing is never overwritten.
      if (model.getValue() !== text) model.setValue(text);
    },
    setCompletions(next) {
      completions.set(uri.toString(), next);
    },
    setErrors(errors) {
      const text = model.getValue();
      monaco.editor.setModelMarkers(
        model,
        'tessera',
        errors.map((e) => {
          const span = spanOf(text, e.pointer);
          const start = model.getPositionAt(span.start);
          const end = model.getPositionAt(span.end);
          return {
            severity: monaco.MarkerSeverity.Error,
            message: e.detail,
            source: e.code,
            startLineNumber: start.lineNumber,
            startColumn: start.column,
            endLineNumber: end.lineNumber,
            endColumn: end.column,
          };
        }),
      );
    },
    dispose() {
      listening.dispose();
      completions.delete(uri.toString());
      editor.dispose();
      model.dispose();
    },
  };
}
