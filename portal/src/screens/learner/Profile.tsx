// My profile: what colleagues see of me (name, audience, headline, badges shared with them), my
// public profile page, and the portal's language.

import { useState } from 'preact/hooks';
import { graphql } from '../../gql';
import { byField } from '../../lib/api';
import { useApp } from '../../lib/app';
import { LOCALES, LOCALE_NAMES, locale, setLocale, t, type Locale } from '../../lib/i18n';
import { invalidate, useQuery } from '../../lib/query';
import { Await, Check, Empty, FormErrors, PageHeader, Section, SelectField, TextField } from '../../ui/kit';

const Query = graphql(`
  query MyProfile {
    viewer {
      id
      name
      email
      headline
      profilePublic
      profileUrl
      did
      audience { id name }
      manager { id name }
      awards(first: 100) { edges { node { id visibility acceptance status badgeClass { id name imageUrl } } } }
    }
  }
`);

const Update = graphql(`
  mutation ViewerProfileUpdate($profilePublic: Boolean, $headline: String, $did: String) {
    viewerProfileUpdate(profilePublic: $profilePublic, headline: $headline, did: $did) {
      person { id headline profilePublic did profileUrl }
      errors { code field message }
    }
  }
`);

export function ProfileScreen({ onLocale }: { onLocale: (l: Locale) => void }) {
  const { api, notify } = useApp();
  const state = useQuery(api, Query);
  const [headline, setHeadline] = useState<string | null>(null);
  const [did, setDid] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});

  return (
    <>
      <PageHeader title={t('My profile')} />
      <Await state={state}>
        {(data) => {
          const me = data.viewer;
          if (!me) return <Empty>{t('Sign in as a person to see a profile.')}</Empty>;
          const shared = me.awards.edges.map((e) => e.node).filter((a) => a.acceptance === 'ACCEPTED' && a.status === 'ACTIVE' && a.visibility !== 'PRIVATE');
          async function save(values: { profilePublic?: boolean; headline?: string; did?: string }) {
            const result = (await api.request(Update, values)).viewerProfileUpdate;
            const found = byField(result.errors, '');
            setErrors(found);
            if (!result.errors.length) {
              notify(t('Profile saved'));
              setHeadline(null);
              setDid(null);
              invalidate();
            }
          }
          return (
            <div class="two-col">
              <Section title={t('About me')}>
                <dl class="facts">
                  <dt>{t('Name')}</dt>
                  <dd>{me.name}</dd>
                  <dt>{t('Email')}</dt>
                  <dd>{me.email}</dd>
                  <dt>{t('Audience')}</dt>
                  <dd>{me.audience.name}</dd>
                  <dt>{t('Manager')}</dt>
                  <dd>{me.manager?.name ?? '—'}</dd>
                </dl>
                <form
                  class="form-grid"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void save({ headline: headline ?? me.headline ?? '', did: did ?? me.did ?? '' });
                  }}
                >
                  <TextField label={t('Headline')} value={headline ?? me.headline ?? ''} onValue={setHeadline} error={errors.headline} maxLength={200} hint={t('Colleagues see it next to your name.')} />
                  <TextField label={t('DID for Open Badges 3.0 (optional)')} value={did ?? me.did ?? ''} onValue={setDid} error={errors.did} placeholder="did:web:…" />
                  <FormErrors errors={errors} />
                  <div class="form-actions">
                    <button class="button primary" type="submit">
                      {t('Save profile')}
                    </button>
                  </div>
                </form>
                <Check label={t('Public profile page')} hint={t('Anyone with the link sees your name and public badges.')} checked={me.profilePublic} onChange={(v) => save({ profilePublic: v })} />
                {me.profilePublic && me.profileUrl ? (
                  <p>
                    <a href={me.profileUrl} target="_blank" rel="noopener">
                      {t('Open my public profile')}
                    </a>
                  </p>
                ) : null}
                <SelectField
                  label={t('Language')}
                  value={locale()}
                  onValue={(v) => onLocale(v as Locale)}
                  options={LOCALES.map((l) => ({ value: l, label: LOCALE_NAMES[l] }))}
                />
              </Section>
              <Section title={t('What colleagues see')}>
                <div class="colleague-card">
                  <p class="colleague-name">{me.name}</p>
                  <p class="muted">{me.audience.name}</p>
                  {me.headline ? <p>{me.headline}</p> : null}
                  {shared.length ? (
                    <ul class="mini-badges">
                      {shared.map((a) => (
                        <li key={a.id}>
                          <img src={a.badgeClass.imageUrl} alt="" width={40} height={40} />
                          {a.badgeClass.name}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <Empty>{t('No badges shared with colleagues.')}</Empty>
                  )}
                </div>
                <p class="muted small">{t('Your email, roles and manager are not shown to colleagues.')}</p>
              </Section>
            </div>
          );
        }}
      </Await>
    </>
  );
}

export { setLocale };
