// Sign-in: the organisation's SSO connections with the values to give the identity provider
// (redirect URI for OIDC, service-provider metadata for SAML), a new connection, and the portal
// origins allowed to receive people after sign-in.

import { useState } from 'preact/hooks';
import { graphql } from '../../gql';
import { byField } from '../../lib/api';
import { useApp } from '../../lib/app';
import { t } from '../../lib/i18n';
import { invalidate, useQuery } from '../../lib/query';
import { Await, Button, Check, Chip, Empty, FormErrors, PageHeader, Section, SelectField, TextArea, TextField } from '../../ui/kit';

const Query = graphql(`
  query AdminSignIn {
    ssoConnections { id name protocol enabled jitProvisioning allowedDomains loginUrl callbackUrl spMetadataUrl spEntityId acsUrl oidcIssuer oidcClientId clientSecretSet audience { id name } }
    portalOrigins
    audiences { id name }
  }
`);
const Create = graphql(`
  mutation SsoConnectionCreate($input: SsoConnectionCreateInput!) {
    ssoConnectionCreate(input: $input) { ssoConnection { id callbackUrl spMetadataUrl } errors { code field message } }
  }
`);
const Toggle = graphql(`
  mutation SsoConnectionEnable($input: SsoConnectionUpdateInput!) {
    ssoConnectionUpdate(input: $input) { ssoConnection { id enabled } errors { code field message } }
  }
`);
const Origins = graphql(`
  mutation PortalOriginsSet($origins: [String!]!) { portalOriginsSet(origins: $origins) { portalOrigins errors { code field message } } }
`);

export function SignInAdminScreen() {
  const { api, notify } = useApp();
  const state = useQuery(api, Query);
  const [form, setForm] = useState({ name: '', protocol: 'OIDC', audienceId: '', domains: '', issuer: '', clientId: '', clientSecret: '', metadataXml: '', jit: true });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [originErrors, setOriginErrors] = useState<Record<string, string>>({});

  return (
    <>
      <PageHeader title={t('Sign-in')} lead={t('Single sign-on through your identity provider (OpenID Connect or SAML 2.0).')} />
      <Await state={state}>
        {(data) => {
          const here = location.origin;
          const registered = data.portalOrigins.includes(here);
          return (
            <>
              <Section title={t('Connections')}>
                {data.ssoConnections.length ? (
                  <ul class="plain-list">
                    {data.ssoConnections.map((c) => (
                      <li key={c.id}>
                        <div class="row">
                          <span><strong>{c.name}</strong> <span class="muted small">{c.protocol} · {c.audience.name}</span></span>
                          <span class="row-actions">
                            <Chip status={c.enabled ? 'ACTIVE' : 'SUSPENDED'}>{c.enabled ? t('Enabled') : t('Disabled')}</Chip>
                            <Button small variant="secondary" onClick={async () => { const r = (await api.request(Toggle, { input: { id: c.id, enabled: !c.enabled } })).ssoConnectionUpdate; notify(r.errors[0]?.message ?? (c.enabled ? t('Disabled') : t('Enabled'))); invalidate(); }}>
                              {c.enabled ? t('Disable') : t('Enable')}
                            </Button>
                          </span>
                        </div>
                        <dl class="facts small">
                          <dt>{t('Login URL')}</dt><dd><code>{c.loginUrl}</code></dd>
                          {c.callbackUrl ? (<><dt>{t('Redirect URI for the IdP')}</dt><dd><code>{c.callbackUrl}</code></dd></>) : null}
                          {c.spMetadataUrl ? (<><dt>{t('SP metadata for the IdP')}</dt><dd><a href={c.spMetadataUrl}>{c.spMetadataUrl}</a></dd></>) : null}
                          {c.acsUrl ? (<><dt>{t('ACS URL')}</dt><dd><code>{c.acsUrl}</code></dd></>) : null}
                          {c.oidcIssuer ? (<><dt>{t('Issuer')}</dt><dd><code>{c.oidcIssuer}</code></dd></>) : null}
                          <dt>{t('Allowed domains')}</dt><dd>{c.allowedDomains.join(', ') || '—'}</dd>
                        </dl>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <Empty>{t('No sign-in connection yet.')}</Empty>
                )}
              </Section>
              <div class="two-col">
                <Section title={t('New connection')}>
                  <form
                    class="form-grid"
                    onSubmit={async (e) => {
                      e.preventDefault();
                      const domains = form.domains.split(/[\s,]+/).filter(Boolean);
                      const result = (
                        await api.request(Create, {
                          input: {
                            name: form.name,
                            protocol: form.protocol as 'OIDC' | 'SAML',
                            audienceId: form.audienceId,
                            allowedDomains: domains,
                            jitProvisioning: form.jit,
                            oidc: form.protocol === 'OIDC' ? { issuer: form.issuer, clientId: form.clientId, clientSecret: form.clientSecret } : null,
                            saml: form.protocol === 'SAML' ? { metadataXml: form.metadataXml } : null,
                          },
                        })
                      ).ssoConnectionCreate;
                      setErrors(byField(result.errors));
                      if (!result.errors.length) {
                        notify(t('Connection created: give the identity provider the values shown.'));
                        setForm({ ...form, name: '', clientSecret: '', metadataXml: '' });
                        invalidate();
                      }
                    }}
                  >
                    <TextField label={t('Name')} value={form.name} onValue={(v) => setForm({ ...form, name: v })} error={errors.name} required />
                    <SelectField label={t('Protocol')} value={form.protocol} onValue={(v) => setForm({ ...form, protocol: v })} options={[{ value: 'OIDC', label: 'OpenID Connect' }, { value: 'SAML', label: 'SAML 2.0' }]} />
                    <SelectField label={t('Audience of new people')} value={form.audienceId} onValue={(v) => setForm({ ...form, audienceId: v })} options={data.audiences.map((a) => ({ value: a.id, label: a.name }))} placeholder={t('Choose')} error={errors.audienceId} />
                    <TextField label={t('Allowed email domains')} value={form.domains} onValue={(v) => setForm({ ...form, domains: v })} error={errors.allowedDomains} hint={t('Separated by commas: example.com, example.org')} />
                    {form.protocol === 'OIDC' ? (
                      <>
                        <TextField label={t('Issuer URL')} type="url" value={form.issuer} onValue={(v) => setForm({ ...form, issuer: v })} error={errors['oidc.issuer']} />
                        <TextField label={t('Client ID')} value={form.clientId} onValue={(v) => setForm({ ...form, clientId: v })} error={errors['oidc.clientId']} />
                        <TextField label={t('Client secret')} type="password" autoComplete="off" value={form.clientSecret} onValue={(v) => setForm({ ...form, clientSecret: v })} error={errors['oidc.clientSecret']} />
                      </>
                    ) : (
                      <TextArea label={t('IdP metadata XML')} value={form.metadataXml} onValue={(v) => setForm({ ...form, metadataXml: v })} error={errors['saml.metadataXml'] || errors.saml} rows={5} />
                    )}
                    <Check label={t('Create people on first sign-in')} checked={form.jit} onChange={(v) => setForm({ ...form, jit: v })} />
                    <FormErrors errors={errors} />
                    <div class="form-actions"><button class="button primary" type="submit">{t('Create connection')}</button></div>
                  </form>
                </Section>
                <Section title={t('Portal origins')}>
                  <p class="muted small">{t('Only these origins may call the API from a browser and receive people after sign-in.')}</p>
                  <ul class="tags">{data.portalOrigins.map((o) => (<li key={o}>{o}</li>))}</ul>
                  {!registered ? (
                    <>
                      <p>{t('This portal ({origin}) is not registered: single sign-on cannot return here.', { origin: here })}</p>
                      {originErrors[''] || originErrors.origins ? <p class="field-error">{originErrors[''] || originErrors.origins}</p> : null}
                      <Button
                        onClick={async () => {
                          const result = (await api.request(Origins, { origins: [...data.portalOrigins, here] })).portalOriginsSet;
                          setOriginErrors(byField(result.errors, ''));
                          if (!result.errors.length) { notify(t('Portal origin added')); invalidate(); }
                        }}
                      >
                        {t('Add this portal')}
                      </Button>
                    </>
                  ) : (
                    <p>{t('This portal is registered.')}</p>
                  )}
                </Section>
              </div>
            </>
          );
        }}
      </Await>
    </>
  );
}
