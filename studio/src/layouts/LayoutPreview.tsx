import { useQuery } from '@tanstack/react-query';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { LayoutFormPreview } from '@tessera/runtime-ui/form/LayoutFormPreview';
import { Alert, Card, Select, Spin } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DraftObject } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { useFieldTypes } from '../objects/use-studio-data';
import { roleFieldAccess, type LayoutDef, type RoleDef } from './layouts.api';
import { previewLayout, previewObject } from './preview-object';

/**
 * The layout as users will see its form, drawn by the runtime UI's own form renderer
 * (LayoutFormPreview) as it is being built. "Preview as role" applies what that role's users may
 * read and edit (the engine answers it from their permission sets); the rules run as you type.
 */
export function LayoutPreview({ object, layout, roles }: { object: DraftObject; layout: LayoutDef; roles: RoleDef[] }) {
  const { t, i18n } = useTranslation();
  const [role, setRole] = useState<string>();
  const types = useFieldTypes();
  const access = useQuery({
    queryKey: ['role-field-access', role, object.apiName],
    queryFn: () => roleFieldAccess(role!, object.apiName),
    enabled: role !== undefined,
  });
  const meta = useMemo(
    () => (types.data ? previewObject(object, types.data, role ? access.data : undefined) : undefined),
    [object, types.data, role, access.data],
  );
  const shown = useMemo(() => previewLayout(layout), [layout]);
  return (
    <Card size="small" title={t('studio.layouts.preview')} data-testid="layout-preview">
      <label htmlFor="preview-role" style={{ display: 'block', marginBottom: 4 }}>
        {t('studio.layouts.previewAs')}
      </label>
      <Select
        id="preview-role"
        allowClear
        style={{ width: '100%', marginBottom: 8 }}
        placeholder={t('studio.layouts.previewAsAdmin')}
        value={role}
        onChange={(v: string | undefined) => setRole(v)}
        options={roles.map((r) => ({ value: r.apiName, label: labelOf(r.label, i18n.language, r.apiName) }))}
      />
      {access.error && <ProblemAlert error={access.error} />}
      {role && access.data && access.data.users === 0 && (
        <Alert type="info" showIcon title={t('studio.layouts.roleNobody')} style={{ marginBottom: 8 }} />
      )}
      {role && access.data && !access.data.read && access.data.users > 0 && (
        <Alert type="warning" showIcon title={t('studio.layouts.roleNoRead')} style={{ marginBottom: 8 }} />
      )}
      {!meta || (role && access.isPending) ? (
        <Spin />
      ) : (
        // Remounted per role so the preview starts empty under each role's permissions.
        <LayoutFormPreview key={role ?? ''} object={meta} layout={shown} />
      )}
    </Card>
  );
}
