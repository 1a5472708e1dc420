import type { WidgetProps } from '@rjsf/utils';
import { FieldValue } from '../../fields/FieldValue';
import { fieldMetaOf } from './field-meta';

/** Values the engine computes (autonumber, formula, rollup): shown, never edited. */
export function ReadonlyValueWidget({ id, value, options }: WidgetProps) {
  return <div id={id}><FieldValue field={fieldMetaOf(options)} value={value} /></div>;
}
