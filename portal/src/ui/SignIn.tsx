// Signed out: the organisation's sign-in connections (single sign-on with PKCE), and in
// development mode a login by email for demo people.

import { useState } from 'preact/hooks';
import type { Auth } from '../lib/auth';
import type { PortalConfig } from '../lib/config';
import { LOCALES, LOCALE_NAMES, locale, t, type Locale } from '../lib/i18n';
import { ErrorNote, SelectField, TextField } from './kit';

export function SignIn({ auth, config, problem, onLocale }: { auth: Auth; config: PortalConfig; problem: string | null; onLocale: (l: Locale) => void }) {
  const [email, setEmail] = useState('');
  const [devEmail, setDevEmail] = useState('');
  const [error, setError] = useState<string | null>(problem);
  const [busy, setBusy] = useState(false);
  const returnTo = `${location.origin}${location.pathname}`;

  async function dev(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await auth.devLogin(devEmail.trim());
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="signin" id="main">
      <div class="signin-card">
        <div class="brand">
          {config.brand.logoUrl ? <img src={config.brand.logoUrl} alt="" height={40} /> : <span class="brand-mark" aria-hidden="true">{config.tenantName.slice(0, 1)}</span>}
          <span>{config.tenantName}</span>
        </div>
        <h1>{t('Sign in to your learning portal')}</h1>
        <ErrorNote error={error} />
        {config.connections.length ? (
          <form
            class="form-grid"
            onSubmit={(e) => {
              e.preventDefault();
              setBusy(true);
              void auth.begin(config.connections[0], returnTo, email.trim() || undefined);
            }}
          >
            <TextField label={t('Work email (optional)')} type="email" autoComplete="email" value={email} onValue={setEmail} hint={t('Helps your identity provider pick the right account.')} />
            {config.connections.map((c, i) => (
              <button
                key={c.id}
                type={i === 0 ? 'submit' : 'button'}
                class={`button ${i === 0 ? 'primary' : 'secondary'} wide`}
                disabled={busy}
                onClick={i === 0 ? undefined : () => void auth.begin(c, returnTo, email.trim() || undefined)}
              >
                {t('Sign in with {name}', { name: c.name })}
              </button>
            ))}
          </form>
        ) : (
          <p class="muted">{t('Single sign-on is not set up for this organisation yet.')}</p>
        )}
        {config.devLogin ? (
          <form class="form-grid dev-login" onSubmit={dev}>
            <h2>{t('Development login')}</h2>
            <p class="muted small">{t('Only in development mode: sign in as any active person of this organisation.')}</p>
            <TextField label={t('Email')} type="email" value={devEmail} onValue={setDevEmail} required />
            <button class="button secondary wide" type="submit" disabled={busy || !devEmail}>
              {t('Sign in as this person')}
            </button>
          </form>
        ) : null}
        <SelectField label={t('Language')} value={locale()} onValue={(v) => onLocale(v as Locale)} options={LOCALES.map((l) => ({ value: l, label: LOCALE_NAMES[l] }))} />
      </div>
    </main>
  );
}

export function NoTenant({ slug }: { slug: string | null }) {
  const [value, setValue] = useState('');
  return (
    <main class="signin" id="main">
      <div class="signin-card">
        <h1>{t('Learning portal')}</h1>
        {slug ? <ErrorNote error={t('There is no organisation “{slug}” here.', { slug })} /> : null}
        <form
          class="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            const next = value.trim().toLowerCase();
            if (next) location.assign(`/portal/${encodeURIComponent(next)}/`);
          }}
        >
          <TextField label={t('Your organisation’s short name')} value={value} onValue={setValue} hint={t('As in the address your organisation gave you: /portal/<name>/')} required />
          <button class="button primary wide" type="submit">
            {t('Continue')}
          </button>
        </form>
      </div>
    </main>
  );
}
