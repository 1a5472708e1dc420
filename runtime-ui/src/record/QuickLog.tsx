import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, DatePicker, Form, Input, Segmented } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/api-error';
import { createRecord } from '../api/records.api';

type Kind = 'call' | 'task' | 'note';

/**
 * Log a call, a task or a note against this record in two fields, as a core `activity` linked by
 * related_object / related_record_id (and contact, on a contact). Calls and notes are done
 * when logged; tasks start open with a due date.
 */
export function QuickLog({ object, recordId }: { object: string; recordId: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind>('call');
  const [form] = Form.useForm<{ subject: string; description?: string; due?: Dayjs }>();
  const log = useMutation({
    mutationFn: (values: { subject: string; description?: string; due?: Dayjs }) =>
      createRecord('activity', {
        subject: values.subject,
        activity_type: kind,
        status: kind === 'task' ? 'not_started' : 'completed',
        ...(values.description ? { description: values.description } : {}),
        ...(kind === 'task' && values.due ? { due_date: values.due.format('YYYY-MM-DD') } : {}),
        ...(kind !== 'task' ? { due_date: new Date().toISOString().slice(0, 10) } : {}),
        related_object: object,
        related_record_id: recordId,
        ...(object === 'contact' ? { contact: recordId } : {}),
      }),
    onSuccess: () => {
      form.resetFields();
      message.success(t('activity.logged'));
      void queryClient.invalidateQueries({ queryKey: ['records', 'activity'] });
    },
    onError: (e: ApiError) => message.error(e.display),
  });
  return (
    <Form form={form} layout="vertical" onFinish={(v) => log.mutate(v)} data-testid="quick-log">
      <Segmented<Kind>
        block
        value={kind}
        onChange={setKind}
        style={{ marginBottom: 12 }}
        options={[
          { value: 'call', label: t('activity.call') },
          { value: 'task', label: t('activity.task') },
          { value: 'note', label: t('activity.note') },
        ]}
      />
      <Form.Item name="subject" label={t('activity.subject')} rules={[{ required: true, message: t('form.required') }]}>
        <Input maxLength={255} />
      </Form.Item>
      {kind === 'task' && (
        <Form.Item name="due" label={t('activity.dueDate')}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
      )}
      <Form.Item name="description" label={t('activity.description')}>
        <Input.TextArea rows={2} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={log.isPending}>
        {t('activity.log')}
      </Button>
    </Form>
  );
}
