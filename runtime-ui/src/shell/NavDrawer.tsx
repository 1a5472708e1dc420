import { Drawer } from 'antd';
import { NavMenu } from './NavMenu';

/** The navigation on narrow screens, in a drawer from the left; it closes once a page is chosen. */
export default function NavDrawer({ onClose }: { onClose: () => void }) {
  return (
    <Drawer placement="left" open onClose={onClose} size={260} title="Tessera" styles={{ body: { padding: 0 } }}>
      <NavMenu onNavigate={onClose} />
    </Drawer>
  );
}
