// The administration screens (loaded on first use): branding, badges, pathways, roles and
// skills, people and audiences, sign-in, API keys and webhooks, insights.

import { hasRole, useApp } from '../../lib/app';
import { t } from '../../lib/i18n';
import { match } from '../../lib/router';
import { BrandingScreen } from './Branding';
import { BadgesScreen } from './Badges';
import { PathwayEditorScreen, PathwaysAdminScreen } from './Pathways';
import { PeopleScreen } from './People';
import { RolesScreen } from './Roles';
import { SignInAdminScreen } from './SignInAdmin';
import { IntegrationsScreen } from './Integrations';
import { InsightsScreen } from './Insights';

export function AdminScreen({ path }: { path: string }) {
  const { shell } = useApp();
  const admin = hasRole(shell, 'ADMIN');
  let params: Record<string, string> | null;
  if (path === '/admin' || path === '/admin/badges') return <BadgesScreen />;
  if (path === '/admin/pathways') return <PathwaysAdminScreen />;
  if (path === '/admin/pathways/new') return <PathwayEditorScreen />;
  if ((params = match('/admin/pathways/:id', path))) return <PathwayEditorScreen id={params.id} />;
  if (path === '/admin/roles') return <RolesScreen />;
  if (path === '/admin/insights') return <InsightsScreen />;
  if (admin && path === '/admin/branding') return <BrandingScreen />;
  if (admin && path === '/admin/people') return <PeopleScreen />;
  if (admin && path === '/admin/sign-in') return <SignInAdminScreen />;
  if (admin && path === '/admin/integrations') return <IntegrationsScreen />;
  return <p class="empty">{t('There is no such page here.')}</p>;
}
