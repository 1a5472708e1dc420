import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Steps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/api-error';
import { editRefusal } from '../approvals/approval-state';
import type { FieldMeta } from '../api/metadata.api';
import { updateRecord, type RecordData } from '../api/records.api';
import { picklistLabel, plainText } from '../fields/format';
import { labelOf } from '../i18n/label';

/**
 * The path of a picklist marked as stages (isStage): where the record is, and a click on a later
 * or earlier stage moves it there (with If-Match; a validation rule may refuse, and says why).
 */
export function StagePath({
  object,
  record,
  field,
  editable,
}: {
  object: string;
  record: RecordData;
  field: FieldMeta;
  editable: boolean;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const values = field.values ?? [];
  const current = values.findIndex((v) => v.value === record[field.apiName]);
  const lost = /lost/.test(plainText(record[field.apiName] ?? ''));
  const move = useMutation({
    mutationFn: (value: string) => updateRecord(object, record.id, { [field.apiName]: value }, record.version),
    onSuccess: (_saved, value) => {
      message.success(`${t('record.stageChanged')}: ${picklistLabel(field, value, i18n.language)}`);
      void queryClient.invalidateQueries({ queryKey: ['records', object] });
      void queryClient.invalidateQueries({ queryKey: ['history', object, record.id] });
    },
    onError: (e: ApiError) => message.error(editRefusal(e, t)),
  });
  return (
    <nav
      aria-label={labelOf(field.label, i18n.language)}
      data-testid="stage-path"
      style={{ overflowX: 'auto', padding: '8px 0' }}
    >
      <Steps
        size="small"
        type="navigation"
        // Stays one row on phones too, scrolling sideways inside its own box.
        responsive={false}
        style={{ minWidth: values.length * 130 }}
        current={current}
        status={lost ? 'error' : undefined}
        onChange={editable && !move.isPending ? (i) => i !== current && move.mutate(values[i]!.value) : undefined}
        items={values.map((v) => ({ title: labelOf(v.label, i18n.language, v.value), disabled: !editable }))}
      />
    </nav>
  );
}
