// What every screen may use: the API client, the session, the portal's configuration, and who
// is signed in (from the Shell fragment every first request carries).

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api';
import type { Auth } from './auth';
import type { PortalConfig } from './config';
import type { ShellFragment } from '../gql/graphql';

export interface AppContext {
  api: Api;
  auth: Auth;
  config: PortalConfig;
  shell: ShellFragment;
  notify: (message: string) => void;
  signOut: () => void;
}

export const App = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const app = useContext(App);
  if (!app) throw new Error('useApp outside the signed-in portal');
  return app;
}

export function hasRole(shell: ShellFragment, ...roles: string[]): boolean {
  return (shell.viewer?.roles ?? []).some((r) => roles.includes(r));
}
