// The engine's layers, top to bottom: a module may import its own layer and those below it.
// `npx depcruise engine/src runtime-ui/src studio/src` (part of `npm run lint`) fails on any other
// import; engine/README.md explains the layers.
const LAYERS = [
  ['cli', 'engine'], // the composition root: engine/src/cli.ts, engine/src/cli/, engine/src/engine.ts
  ['api'],
  ['tenants'],
  ['packs'],
  ['automation'],
  ['records', 'views'],
  ['security'],
  ['query'],
  ['metadata'],
  ['schema'],
  ['rules'],
  ['fields'],
  ['lib', 'db', 'errors', 'config'], // shared helpers
];

// The meta-model's TypeScript types (FieldDef, ObjectDef …) are the vocabulary of every layer, so
// any layer may import them, as types only (TypeScript erases those imports).
const META_MODEL = '^engine/src/metadata/types[.]ts$';

const src = (names) => `^engine/src/(${names.join('|')})([./]|$)`;

const layerRules = LAYERS.flatMap((layer, i) => {
  const above = LAYERS.slice(0, i).flat();
  return above.length
    ? [
        {
          name: `layer-${layer.join('-')}`,
          comment: `${layer.join(' and ')} may not import the layers above: ${above.join(', ')}`,
          severity: 'error',
          from: { path: src(layer) },
          to: { path: src(above), pathNot: META_MODEL },
        },
      ]
    : [];
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'meta-model-types-only',
      comment: 'below metadata, the meta-model is imported for its types only',
      severity: 'error',
      from: { path: src(LAYERS.slice(LAYERS.findIndex((l) => l.includes('metadata')) + 1).flat()) },
      to: { path: META_MODEL, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'records-views-apart',
      comment: 'records and views are siblings: neither imports the other',
      severity: 'error',
      from: { path: '^engine/src/views/' },
      to: { path: '^engine/src/records/' },
    },
    {
      name: 'express-only-in-api',
      comment: 'HTTP stays in api/: services take plain values and return plain values',
      severity: 'error',
      from: { path: '^engine/src/', pathNot: '^engine/src/api/' },
      to: { path: 'node_modules/(express|@types/express)/' },
    },
    {
      name: 'ui-not-engine',
      comment: 'the UIs talk to the engine over HTTP; shared types cross as generated files',
      severity: 'error',
      from: { path: '^(runtime-ui|studio)/' },
      to: { path: '^engine/' },
    },
    {
      name: 'studio-builds-on-runtime-ui',
      comment:
        'the studio imports what the runtime UI exports (api client, session, i18n, renderers); never the reverse',
      severity: 'error',
      from: { path: '^runtime-ui/' },
      to: { path: '^studio/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^(engine|runtime-ui|studio)/src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(\\.test\\.tsx?$|/test/|/e2e/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.js'],
      conditionNames: ['import', 'require', 'node', 'default'],
      // The studio imports runtime-ui's code through its package exports (@tessera/runtime-ui/…).
      exportsFields: ['exports'],
    },
  },
};
