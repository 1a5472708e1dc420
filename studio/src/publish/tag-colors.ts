/**
 * Tag colours dark enough for white text (WCAG AA, 4.5:1): Ant Design's preset green and orange
 * tags draw light text on light ground, which axe-core refuses.
 */
export const TAG_COLORS = {
  safe: '#237804',
  added: '#237804',
  lossy: '#ad4e00',
  blocked: '#cf1322',
  removed: '#cf1322',
  changed: '#0958d9',
  renamed: '#531dab',
} as const;
