/**
 * monaco-editor from the installed package, never a CDN: the editor core, the few editor
 * features a rule needs and the JSON language, with their workers built by Vite (`?worker`).
 * Only MonacoRuleEditor imports this module, and only RuleEditor's lazy import reaches that,
 * so all of it lands in its own chunk, fetched when an editor first opens.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/suggest/register';
// The suggest widget itself (Ctrl+Space, completion as one types): features/suggest only adds
// its inline-completion bridge.
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/toggleTabFocusMode/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/snippet/register';
import 'monaco-editor/features/placeholderText/register';
import 'monaco-editor/languages/features/json/register';
// Services that contributions above ask for and that editor.main would register with the rest.
import 'monaco-editor/editor/contrib/codelens/browser/codeLensCache';
import 'monaco-editor/editor/common/services/treeViewsDndService';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';

self.MonacoEnvironment = {
  getWorker: (_id: string, label: string) => (label === 'json' ? new JsonWorker() : new EditorWorker()),
};

export { monaco };
