import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { setUnauthorizedHandler } from './api/http';
import { ThemeProvider } from './app/ThemeProvider';
import { router } from './app/router';
import './i18n/dayjs-setup';
import './i18n/i18n';
import './app/global.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // 4xx answers are final (a filter the engine refuses stays refused); retry only the rest once.
      retry: (count, error) => count < 1 && !((error as { status?: number }).status! < 500),
      refetchOnWindowFocus: false,
    },
  },
});

// Any 401 means the session ended (expired, logged out elsewhere): back to the login page.
setUnauthorizedHandler(() => queryClient.setQueryData(['session'], null));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ThemeProvider>
        <RouterProvider router={router} />
      </ThemeProvider>
    </QueryClientProvider>
  </StrictMode>,
);
