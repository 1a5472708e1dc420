import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { setUnauthorizedHandler } from '@tessera/runtime-ui/api/http';
import { ThemeProvider } from '@tessera/runtime-ui/app/ThemeProvider';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { router } from './app/router';
import './i18n/i18n';
import '@tessera/runtime-ui/app/global.css';
import './app/studio.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // 4xx answers are final; retry only the rest once.
      retry: (count, error) => count < 1 && !((error as { status?: number }).status! < 500),
      refetchOnWindowFocus: false,
    },
  },
});

// Any 401 means the session ended: the shell sends the user to the runtime UI's sign-in page.
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
