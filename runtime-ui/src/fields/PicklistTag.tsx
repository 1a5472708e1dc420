import { Tag } from 'antd';

/**
 * A picklist value: its colour as a dot, the text in the normal text colour. (A tag filled with
 * the value's colour would put white text on light greys and fail contrast.)
 */
export function PicklistTag({ color, children }: { color: string | undefined; children: React.ReactNode }) {
  return (
    <Tag>
      {color && (
        <span
          aria-hidden
          style={{
            display: 'inline-block',
            width: 8,
            height: 8,
            borderRadius: 4,
            background: color,
            marginInlineEnd: 6,
          }}
        />
      )}
      {children}
    </Tag>
  );
}
