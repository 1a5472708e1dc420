import { CheckCircleTwoTone, ExclamationCircleTwoTone, SaveOutlined } from '@ant-design/icons';
import type { ApiError } from '@tessera/runtime-ui/api/api-error';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Alert, Breadcrumb, Button, Card, Col, Form, Input, Row, Select, Space, Spin, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ProblemAlert } from '../app/ProblemAlert';
import { toLabel, toTexts } from '../labels/label-value';
import { useDraftChanged, useObject, useObjects } from '../objects/use-studio-data';
import { BuilderBoard } from './BuilderBoard';
import { FieldRulesPanel } from './FieldRulesPanel';
import { errorsUnder } from './layout-draft';
import { LayoutPreview } from './LayoutPreview';
import { saveLayout, type LayoutDef } from './layouts.api';
import { RelatedListsEditor } from './RelatedListsEditor';
import { useLayout, useRoles } from './use-layouts';

/**
 * The layout builder: the layout's name and roles, the drag-and-drop board, related lists and a
 * field's rules on the left, the live preview on the right. Edits stay on this page until Save
 * puts the whole layout in the draft with the ETag it was read with; the engine's 422s are shown
 * beside the control they name.
 */
export default function LayoutBuilderPage() {
  const { apiName = '', layout: layoutName = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const object = useObject(apiName);
  const objects = useObjects();
  const stored = useLayout(layoutName);
  const roles = useRoles();
  const draftChanged = useDraftChanged();
  const queryClient = useQueryClient();
  // Unsaved edits; without any, the layout as the draft holds it.
  const [edits, setEdits] = useState<LayoutDef>();
  const [rulesFor, setRulesFor] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const layout = edits ?? stored.data?.layout;
  const etag = stored.data?.etag ?? '';
  const dirty = edits !== undefined;

  const edit = (next: LayoutDef) => {
    setEdits(next);
    setSaved(false);
  };
  const save = async () => {
    if (!layout) return;
    setSaving(true);
    setError(undefined);
    try {
      const result = await saveLayout(layoutName, layout, etag);
      // The saved layout and its new ETag are the draft's now: shown without waiting for a refetch.
      queryClient.setQueryData(['draft', 'layout', layoutName], result);
      setEdits(undefined);
      setSaved(true);
      void draftChanged();
    } catch (e) {
      setError(e);
      // A rule the engine refused opens that field's rules, where the complaint is shown.
      const ruled = (e as Partial<ApiError>).errors
        ?.map((x) => /^\/fieldRules\/([a-z0-9_]+)/.exec(x.field)?.[1])
        .find(Boolean);
      if (ruled) setRulesFor(ruled);
    } finally {
      setSaving(false);
    }
  };

  if (object.error || stored.error)
    return (
      <div className="tessera-page">
        <ProblemAlert error={object.error ?? stored.error} />
      </div>
    );
  const obj = object.data?.object;
  if (!obj || !layout) return <Spin style={{ margin: 48 }} />;
  const problems = (error as Partial<ApiError> | undefined)?.errors;
  const texts = toTexts(layout.label);
  const fields = obj.fields.map((f) => ({ apiName: f.apiName, label: labelOf(f.label, lng, f.apiName) }));
  const rolesErrors = errorsUnder(problems, '/roles');
  const labelErrors = errorsUnder(problems, '/label');

  return (
    <div className="tessera-page">
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[
          { title: <Link to="/objects">{t('studio.objects.title')}</Link> },
          { title: <Link to={`/objects/${apiName}`}>{labelOf(obj.label, lng, apiName)}</Link> },
          { title: layoutName },
        ]}
      />
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('studio.layouts.builderTitle', { layout: labelOf(layout.label, lng, layoutName) })}
        </Typography.Title>
        <Space>
          {/* Coloured icons, text in the body colour: antd's success and warning text fail contrast. */}
          <span role="status">
            {dirty && (
              <Typography.Text>
                <ExclamationCircleTwoTone twoToneColor="#faad14" /> {t('studio.layouts.unsaved')}
              </Typography.Text>
            )}
            {saved && (
              <Typography.Text>
                <CheckCircleTwoTone twoToneColor="#52c41a" /> {t('studio.layouts.saved')}
              </Typography.Text>
            )}
          </span>
          <Button
            type="primary"
            icon={<SaveOutlined />}
            loading={saving}
            disabled={!dirty}
            data-testid="save-layout"
            onClick={() => void save()}
          >
            {t('studio.layouts.save')}
          </Button>
        </Space>
      </Space>
      {/* After a 412, reloading brings the other admin's version and its ETag; the edits stay, to save again. */}
      <ProblemAlert error={error} />
      <Row gutter={16}>
        <Col xs={24} xl={15}>
          <Card size="small" style={{ marginBottom: 12 }}>
            <Form layout="vertical" component="div">
              <Row gutter={12}>
                <Col xs={24} md={8}>
                  <Form.Item
                    label={t('studio.layouts.labelEn')}
                    htmlFor="layout-label-en"
                    validateStatus={labelErrors.length ? 'error' : undefined}
                    help={labelErrors.join(' ') || undefined}
                  >
                    <Input
                      id="layout-label-en"
                      value={texts.en}
                      onChange={(e) =>
                        edit({ ...layout, label: toLabel({ ...texts, en: e.target.value }, layout.label) ?? '' })
                      }
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={6}>
                  <Form.Item label={t('studio.layouts.labelZh')} htmlFor="layout-label-zh">
                    <Input
                      id="layout-label-zh"
                      lang="zh-CN"
                      value={texts.zh}
                      onChange={(e) =>
                        edit({ ...layout, label: toLabel({ ...texts, zh: e.target.value }, layout.label) ?? '' })
                      }
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={10}>
                  <Form.Item
                    label={t('studio.layouts.roles')}
                    htmlFor="layout-roles"
                    tooltip={t('studio.layouts.rolesHelp')}
                    validateStatus={rolesErrors.length ? 'error' : undefined}
                    help={rolesErrors.join(' ') || undefined}
                  >
                    <Select
                      id="layout-roles"
                      mode="multiple"
                      allowClear
                      placeholder={t('studio.layouts.everyone')}
                      loading={roles.isPending}
                      value={layout.roles ?? []}
                      options={(roles.data ?? []).map((r) => ({
                        value: r.apiName,
                        label: labelOf(r.label, lng, r.apiName),
                      }))}
                      onChange={(value: string[]) => {
                        const { roles: _before, ...rest } = layout;
                        edit(value.length ? { ...rest, roles: value } : rest);
                      }}
                    />
                  </Form.Item>
                </Col>
              </Row>
            </Form>
          </Card>
          {errorsUnder(problems, '/highlights').length > 0 && (
            <Alert
              type="error"
              showIcon
              title={errorsUnder(problems, '/highlights').join(' ')}
              style={{ marginBottom: 8 }}
            />
          )}
          {rulesFor && layout.sections.some((s) => s.fields.includes(rulesFor)) && (
            <FieldRulesPanel
              object={apiName}
              field={rulesFor}
              label={fields.find((f) => f.apiName === rulesFor)?.label ?? rulesFor}
              layout={layout}
              errors={problems}
              onChange={edit}
              onClose={() => setRulesFor(undefined)}
            />
          )}
          <BuilderBoard
            object={apiName}
            fields={fields}
            layout={layout}
            onChange={edit}
            onRules={setRulesFor}
            errors={problems}
          />
          <div style={{ height: 12 }} />
          <RelatedListsEditor layout={layout} objects={objects.data ?? []} errors={problems} onChange={edit} />
        </Col>
        <Col xs={24} xl={9}>
          <LayoutPreview object={obj} layout={layout} roles={roles.data ?? []} />
        </Col>
      </Row>
    </div>
  );
}
