import { Button, type ButtonProps } from 'antd';
import { useNavigate } from 'react-router';

/**
 * A link that looks like a button: a real <a href> (open in new tab works, no button nested in a
 * link for screen readers), navigated inside the app on a plain click.
 */
export function LinkButton({ to, ...props }: Omit<ButtonProps, 'href' | 'onClick'> & { to: string }) {
  const navigate = useNavigate();
  return (
    <Button
      {...props}
      href={to}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        void navigate(to);
      }}
    />
  );
}
