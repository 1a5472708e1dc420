import { DeleteOutlined, HolderOutlined } from '@ant-design/icons';
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { Alert, Button, Card, Collapse, Input, Radio, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { toLabel, toTexts } from '../labels/label-value';
import { RuleEditor } from '../rules/RuleEditor';
import { DropZone } from './DropZone';
import { FieldChip } from './FieldChip';
import { sectionItem } from './layout-draft';
import type { SectionDef } from './layouts.api';

interface Props {
  object: string;
  sectionKey: string;
  section: SectionDef;
  index: number;
  /** The section's name for people and announcements. */
  name: string;
  fieldLabel: (field: string) => string;
  ruled: (field: string) => boolean;
  /** The engine's complaints about this section (JSON pointers under /sections/<index>). */
  errors: string[];
  onChange: (change: Partial<SectionDef>) => void;
  onDelete: () => void;
  onRules: (field: string) => void;
  onRemoveField: (field: string) => void;
}

/** One section of the layout: its title in both languages, one or two columns, its visibility rule and its fields. */
export function SectionCard(props: Props) {
  const { object, sectionKey, section, index, name, fieldLabel, errors, onChange } = props;
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: sectionItem(sectionKey),
  });
  const texts = toTexts(section.label);
  const n = index + 1;
  return (
    <div ref={setNodeRef} style={{ transform: CSS.Translate.toString(transform), transition, marginBottom: 12 }}>
      <Card
        size="small"
        data-testid={`section-${index}`}
        style={{ borderColor: isDragging ? '#1677ff' : undefined }}
        title={
          <Space wrap size={4}>
            <Button
              type="text"
              size="small"
              icon={<HolderOutlined />}
              aria-label={t('studio.layouts.dragSection', { section: name })}
              style={{ cursor: 'grab' }}
              {...attributes}
              {...listeners}
            />
            <Input
              size="small"
              style={{ width: 150 }}
              aria-label={t('studio.layouts.sectionLabelEn', { n })}
              placeholder={t('studio.layouts.sectionLabelEn', { n })}
              value={texts.en}
              onChange={(e) => onChange({ label: toLabel({ ...texts, en: e.target.value }, section.label) })}
            />
            <Input
              size="small"
              lang="zh-CN"
              style={{ width: 120 }}
              aria-label={t('studio.layouts.sectionLabelZh', { n })}
              placeholder={t('studio.layouts.sectionLabelZh', { n })}
              value={texts.zh}
              onChange={(e) => onChange({ label: toLabel({ ...texts, zh: e.target.value }, section.label) })}
            />
          </Space>
        }
        extra={
          <Space size={4}>
            <Radio.Group
              size="small"
              optionType="button"
              aria-label={t('studio.layouts.columns', { n })}
              value={section.columns ?? 2}
              onChange={(e) => onChange({ columns: e.target.value as 1 | 2 })}
              options={[
                { value: 1, label: t('studio.layouts.oneColumn') },
                { value: 2, label: t('studio.layouts.twoColumns') },
              ]}
            />
            <Button
              size="small"
              danger
              type="text"
              icon={<DeleteOutlined />}
              aria-label={t('studio.layouts.deleteSection', { section: name })}
              onClick={props.onDelete}
            />
          </Space>
        }
      >
        {errors.length > 0 && <Alert type="error" showIcon title={errors.join(' ')} style={{ marginBottom: 8 }} />}
        <DropZone
          container={sectionKey}
          fields={section.fields}
          columns={section.columns ?? 2}
          label={t('studio.layouts.sectionFields', { section: name })}
          testId={`section-fields-${index}`}
        >
          {section.fields.map((f) => (
            <FieldChip
              key={f}
              container={sectionKey}
              field={f}
              label={fieldLabel(f)}
              ruled={props.ruled(f)}
              onRules={() => props.onRules(f)}
              onRemove={() => props.onRemoveField(f)}
            />
          ))}
        </DropZone>
        <Collapse
          ghost
          size="small"
          style={{ marginTop: 4 }}
          items={[
            {
              key: 'rule',
              label:
                section.visibleWhen === undefined
                  ? t('studio.layouts.sectionRule')
                  : t('studio.layouts.sectionRuleSet'),
              children: (
                <RuleEditor
                  object={object}
                  kind="visibility"
                  id={`section-rule-${index}`}
                  label={t('studio.layouts.visibleWhen')}
                  value={section.visibleWhen}
                  onChange={(visibleWhen) => onChange({ visibleWhen })}
                />
              ),
            },
          ]}
        />
      </Card>
    </div>
  );
}
