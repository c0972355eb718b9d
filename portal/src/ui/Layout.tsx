// The frame of every signed-in screen: the organisation's logo and colour, the navigation for
// what the person may do (learner, manager, admin), and their menu. On phones the navigation
// folds into a menu button.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { hasRole, useApp } from '../lib/app';
import { t } from '../lib/i18n';
import { href } from '../lib/router';
import { Toast } from './kit';

interface Item {
  path: string;
  label: string;
}

export function navFor(roles: { manager: boolean; admin: boolean; issuer: boolean }): { title: string; items: Item[] }[] {
  const groups = [
    {
      title: 'Learning',
      items: [
        { path: '/', label: 'My badges' },
        { path: '/pathways', label: 'Pathways' },
        { path: '/goals', label: 'Goals' },
        { path: '/skills', label: 'Skills' },
      ],
    },
  ];
  if (roles.manager) groups.push({ title: 'Team', items: [{ path: '/team', label: 'My team' }] });
  if (roles.admin || roles.issuer) {
    const items = [
      { path: '/admin/badges', label: 'Badges' },
      { path: '/admin/pathways', label: 'Pathways' },
      { path: '/admin/roles', label: 'Roles and skills' },
      { path: '/admin/insights', label: 'Insights' },
    ];
    if (roles.admin)
      items.push(
        { path: '/admin/branding', label: 'Branding' },
        { path: '/admin/people', label: 'People' },
        { path: '/admin/sign-in', label: 'Sign-in' },
        { path: '/admin/integrations', label: 'API keys and webhooks' },
      );
    groups.push({ title: 'Administration', items });
  }
  return groups;
}

export function Layout({ path, message, children }: { path: string; message: string | null; children: ComponentChildren }) {
  const { shell, signOut } = useApp();
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [path]);
  const groups = navFor({
    manager: hasRole(shell, 'MANAGER', 'ADMIN', 'PARTNER_ADMIN'),
    admin: hasRole(shell, 'ADMIN'),
    issuer: hasRole(shell, 'ISSUER'),
  });
  const current = (p: string) => (p === '/' ? path === '/' || path.startsWith('/badges/') : path === p || path.startsWith(`${p}/`));
  const tenant = shell.tenant;
  return (
    <div class="shell">
      <a class="skip" href="#main">
        {t('Skip to content')}
      </a>
      <header class="topbar">
        <a class="brand" href={href('/')}>
          {tenant.branding.logoUrl ? <img src={tenant.branding.logoUrl} alt="" height={32} /> : <span class="brand-mark" aria-hidden="true">{tenant.name.slice(0, 1)}</span>}
          <span>{tenant.name}</span>
        </a>
        <button type="button" class="menu-button" aria-expanded={open} aria-controls="nav" onClick={() => setOpen(!open)}>
          {t('Menu')}
        </button>
        <div class="who">
          <a href={href('/profile')} class="who-name" aria-current={path === '/profile' ? 'page' : undefined}>
            {shell.viewer?.name ?? ''}
          </a>
          <button type="button" class="button ghost small" onClick={signOut}>
            {t('Sign out')}
          </button>
        </div>
      </header>
      <div class="frame">
        <nav id="nav" class={open ? 'open' : ''} aria-label={t('Main')}>
          {groups.map((g) => (
            <div key={g.title} class="nav-group">
              <p class="nav-title">{t(g.title)}</p>
              <ul>
                {g.items.map((item) => (
                  <li key={item.path}>
                    <a href={href(item.path)} aria-current={current(item.path) ? 'page' : undefined}>
                      {t(item.label)}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ))}
          <div class="nav-group nav-mobile-only">
            <ul>
              <li>
                <a href={href('/profile')}>{t('My profile')}</a>
              </li>
              <li>
                <button type="button" class="link" onClick={signOut}>
                  {t('Sign out')}
                </button>
              </li>
            </ul>
          </div>
        </nav>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </div>
      <Toast message={message} />
    </div>
  );
}
