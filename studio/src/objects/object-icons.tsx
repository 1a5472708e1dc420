import {
  BankOutlined,
  CalendarOutlined,
  CarOutlined,
  CustomerServiceOutlined,
  DatabaseOutlined,
  FileTextOutlined,
  HeartOutlined,
  HomeOutlined,
  ShopOutlined,
  ShoppingOutlined,
  TeamOutlined,
  ToolOutlined,
  TrophyOutlined,
  UserAddOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';

/**
 * The icon names an object can carry (metadata stores the name, never a component), with what
 * the studio draws for each. The core pack uses the first seven.
 */
export const OBJECT_ICONS: Record<string, ReactNode> = {
  building: <BankOutlined />,
  calendar: <CalendarOutlined />,
  'customer-service': <CustomerServiceOutlined />,
  user: <UserOutlined />,
  'user-plus': <UserAddOutlined />,
  trophy: <TrophyOutlined />,
  shopping: <ShoppingOutlined />,
  car: <CarOutlined />,
  home: <HomeOutlined />,
  file: <FileTextOutlined />,
  team: <TeamOutlined />,
  shop: <ShopOutlined />,
  tool: <ToolOutlined />,
  heart: <HeartOutlined />,
};

export const objectIcon = (name: string | undefined) => (name && OBJECT_ICONS[name]) ?? <DatabaseOutlined />;
