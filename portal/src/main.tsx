// The portal's entry: find the tenant in the URL, finish or resume a sign-in, load the first
// screen (for a learner, one GraphQL request that also carries the shell), then route.

import { render } from 'preact';
import { lazy, Suspense } from 'preact/compat';
import { useEffect, useMemo, useState } from 'preact/hooks';
import './styles.css';
import { Api, SignedOut } from './lib/api';
import { App, hasRole, useApp, type AppContext } from './lib/app';
import { Auth } from './lib/auth';
import { applyBrand } from './lib/colour';
import { loadConfig, slugFromPath, type PortalConfig } from './lib/config';
import { preferredLocale, setLocale, t, type Locale } from './lib/i18n';
import { prime, useQuery } from './lib/query';
import { currentPath, match, navigate, onLinkClick, setPrefix, usePath } from './lib/router';
import { ShellQuery } from './lib/shell';
import type { ShellFragment } from './gql/graphql';
import { Layout } from './ui/Layout';
import { SignIn, NoTenant } from './ui/SignIn';
import { ErrorNote, Loading } from './ui/kit';
import { HomeScreen, LearnerHome } from './screens/learner/Home';
import { BadgeDetailScreen } from './screens/learner/BadgeDetail';
import { PathwaysScreen } from './screens/learner/Pathways';
import { GoalsScreen } from './screens/learner/Goals';
import { SkillsScreen } from './screens/learner/Skills';
import { ProfileScreen } from './screens/learner/Profile';

// Managers' and admins' screens are loaded when first opened: learners never download them.
const TeamScreen = lazy(() => import('./screens/manager/Team').then((m) => ({ default: m.TeamScreen })));
const AdminScreen = lazy(() => import('./screens/admin/Admin').then((m) => ({ default: m.AdminScreen })));

function Routes({ path, onLocale }: { path: string; onLocale: (l: Locale) => void }) {
  const { api, shell } = useApp();
  const home = useQuery(api, LearnerHome, undefined, path !== '/');
  let params: Record<string, string> | null;
  if (path === '/') {
    if (home.data) return <HomeScreen data={home.data} />;
    return home.error ? <ErrorNote error={home.error} retry={home.reload} /> : <Loading />;
  }
  if ((params = match('/badges/:id', path))) return <BadgeDetailScreen id={params.id} />;
  if (path === '/pathways') return <PathwaysScreen />;
  if (path === '/goals') return <GoalsScreen />;
  if (path === '/skills') return <SkillsScreen />;
  if (path === '/profile') return <ProfileScreen onLocale={onLocale} />;
  if (path === '/team' && hasRole(shell, 'MANAGER', 'ADMIN', 'PARTNER_ADMIN')) return <TeamScreen />;
  if (path.startsWith('/admin') && hasRole(shell, 'ADMIN', 'ISSUER')) return <AdminScreen path={path} />;
  return <p class="empty">{t('There is no such page here.')}</p>;
}

function SignedIn({ api, auth, config, onLocale }: { api: Api; auth: Auth; config: PortalConfig; onLocale: (l: Locale) => void }) {
  const path = usePath();
  const [shell, setShell] = useState<ShellFragment | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    // The first request: the learner's home carries the shell; other screens ask for it alone.
    const first = currentPath() === '/' ? api.request(LearnerHome).then((d) => (prime(LearnerHome, undefined, d), d)) : api.request(ShellQuery);
    first.then(
      (d) => setShell({ viewer: d.viewer, tenant: d.tenant }),
      (e: Error) => setError(e),
    );
  }, []);

  useEffect(() => {
    if (shell) applyBrand(shell.tenant.branding.color);
  }, [shell?.tenant.branding.color]);

  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(() => setMessage(null), 4000);
    return () => clearTimeout(timer);
  }, [message]);

  const value = useMemo<AppContext | null>(
    () =>
      shell
        ? {
            api,
            auth,
            config,
            shell,
            notify: setMessage,
            signOut: () => void auth.signOut().then(() => navigate('/', true)),
          }
        : null,
    [shell],
  );
  if (error) return error instanceof SignedOut ? null : <ErrorNote error={error} retry={() => location.reload()} />;
  if (!value) return <Loading label={t('Opening your portal…')} />;
  return (
    <App.Provider value={value}>
      <Layout path={path} message={message}>
        <Suspense fallback={<Loading />}>
          <Routes path={path} onLocale={onLocale} />
        </Suspense>
      </Layout>
    </App.Provider>
  );
}

function Root({ slug }: { slug: string }) {
  const auth = useMemo(() => new Auth(slug), [slug]);
  const api = useMemo(() => new Api(auth), [auth]);
  const [config, setConfig] = useState<PortalConfig | null | undefined>(undefined);
  const [signedIn, setSignedIn] = useState<boolean | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [, setLanguage] = useState<Locale>('en');

  useEffect(() => auth.onChange(setSignedIn), [auth]);

  useEffect(() => {
    const params = new URLSearchParams(location.search);
    const code = params.get('insignia_code');
    if (code) {
      // Take the one-time code out of the address bar (and history) before anything else.
      params.delete('insignia_code');
      const rest = params.toString();
      history.replaceState(null, '', location.pathname + (rest ? `?${rest}` : ''));
    }
    const session = code ? auth.complete(code).then(() => true) : auth.resume();
    Promise.all([loadConfig(slug), session.catch((e: Error) => (setProblem(e.message), false)), setLocale(preferredLocale())]).then(
      ([loaded, ok]) => {
        setConfig(loaded);
        if (loaded) applyBrand(loaded.brand.color);
        setSignedIn(ok);
      },
      (e: Error) => setProblem(e.message),
    );
  }, [auth]);

  async function changeLocale(next: Locale) {
    await setLocale(next, true);
    setLanguage(next);
  }

  if (config === null) return <NoTenant slug={slug} />;
  if (config === undefined || signedIn === null) return problem ? <ErrorNote error={problem} /> : <Loading />;
  if (!signedIn) return <SignIn auth={auth} config={config} problem={problem} onLocale={changeLocale} />;
  return <SignedIn api={api} auth={auth} config={config} onLocale={changeLocale} />;
}

const slug = slugFromPath(location.pathname);
const mount = document.getElementById('app')!;
document.addEventListener('click', onLinkClick);
if (slug) {
  setPrefix(`/portal/${slug}`);
  render(<Root slug={slug} />, mount);
} else {
  void setLocale(preferredLocale()).then(() => render(<NoTenant slug={null} />, mount));
}
