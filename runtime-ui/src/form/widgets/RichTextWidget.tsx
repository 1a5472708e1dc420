import { BoldOutlined, ItalicOutlined, LinkOutlined, UnorderedListOutlined } from '@ant-design/icons';
import type { WidgetProps } from '@rjsf/utils';
import { Button, Space } from 'antd';
import DOMPurify from 'dompurify';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Formatted text (bold, italic, lists, links) in a contenteditable box. What it emits is
 * sanitised HTML; what it shows of a stored value is sanitised too, as the engine stores as written.
 */
export function RichTextWidget({ id, value, onChange, disabled, readonly, label }: WidgetProps) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  // Set the content from outside only when it differs, or the caret would jump while typing.
  useEffect(() => {
    const clean = DOMPurify.sanitize((value as string | undefined) ?? '');
    if (box.current && box.current.innerHTML !== clean) box.current.innerHTML = clean;
  }, [value]);
  const emit = () => {
    const html = DOMPurify.sanitize(box.current?.innerHTML ?? '');
    onChange(box.current?.textContent?.trim() ? html : undefined);
  };
  const exec = (command: string, arg?: string) => {
    box.current?.focus();
    document.execCommand(command, false, arg);
    emit();
  };
  const editable = !disabled && !readonly;
  return (
    <div>
      {editable && (
        <Space.Compact style={{ marginBottom: 4 }}>
          <Button
            size="small"
            icon={<BoldOutlined />}
            aria-label={t('form.bold')}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => exec('bold')}
          />
          <Button
            size="small"
            icon={<ItalicOutlined />}
            aria-label={t('form.italic')}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => exec('italic')}
          />
          <Button
            size="small"
            icon={<UnorderedListOutlined />}
            aria-label={t('form.bulletList')}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => exec('insertUnorderedList')}
          />
          <Button
            size="small"
            icon={<LinkOutlined />}
            aria-label={t('form.link')}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => {
              const url = window.prompt(t('form.linkPrompt'));
              if (url && /^https?:\/\//i.test(url)) exec('createLink', url);
            }}
          />
        </Space.Compact>
      )}
      <div
        id={id}
        ref={box}
        role="textbox"
        aria-multiline="true"
        aria-label={label}
        contentEditable={editable}
        suppressContentEditableWarning
        className="tessera-richtext"
        onInput={emit}
      />
    </div>
  );
}
