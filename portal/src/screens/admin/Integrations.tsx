// API keys (the secret is shown once) and webhooks (with their delivery log and replay).

import { useState } from 'preact/hooks';
import { graphql } from '../../gql';
import type { ApiKeyScope } from '../../gql/graphql';
import { byField } from '../../lib/api';
import { useApp } from '../../lib/app';
import { formatDate, t } from '../../lib/i18n';
import { invalidate, useQuery } from '../../lib/query';
import { Await, Button, Chip, Empty, FormErrors, PageHeader, Section, TextField } from '../../ui/kit';

const Query = graphql(`
  query AdminIntegrations {
    apiKeys(first: 100) { edges { node { id name scopes createdAt lastUsedAt revokedAt } } }
    webhookEndpoints {
      id url description eventTypes enabled
      deliveries(first: 10) { edges { node { id eventType status attempts responseStatus latencyMs lastError createdAt deliveredAt } } }
    }
  }
`);
const KeyCreate = graphql(`
  mutation ApiKeyCreate($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { apiKey { id } secret errors { code field message } } }
`);
const KeyRevoke = graphql(`
  mutation ApiKeyRevoke($id: ID!) { apiKeyRevoke(id: $id) { apiKey { id revokedAt } errors { code field message } } }
`);
const HookCreate = graphql(`
  mutation WebhookEndpointCreate($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { webhookEndpoint { id } secret errors { code field message } } }
`);
const Replay = graphql(`
  mutation WebhookDeliveryReplay($id: ID!) { webhookDeliveryReplay(id: $id) { webhookDelivery { id status } errors { code field message } } }
`);

const SCOPES: ApiKeyScope[] = ['PEOPLE_READ', 'PEOPLE_WRITE', 'AUDIENCES_WRITE', 'WEBHOOKS_MANAGE', 'JOBS_MANAGE', 'LEARNING_WRITE', 'LEARNING_RECORD', 'BADGES_WRITE', 'AWARDS_ISSUE', 'AWARDS_READ', 'SCIM_PROVISION'];
const EVENTS = ['award.issued', 'award.revoked', 'award.suspended', 'award.reinstated', 'award.expired', 'award.accepted', 'award.declined', 'award.visibility_changed', 'person.created', 'person.deactivated', 'person.reactivated', 'pathway.completed', 'goal.achieved'];

export function IntegrationsScreen() {
  const { api, notify } = useApp();
  const state = useQuery(api, Query);
  const [keyName, setKeyName] = useState('');
  const [scopes, setScopes] = useState<Set<ApiKeyScope>>(new Set());
  const [keyErrors, setKeyErrors] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState<string | null>(null);
  const [hook, setHook] = useState({ url: '', description: '', events: new Set<string>(['award.issued']) });
  const [hookErrors, setHookErrors] = useState<Record<string, string>>({});
  const [hookSecret, setHookSecret] = useState<string | null>(null);

  return (
    <>
      <PageHeader title={t('API keys and webhooks')} lead={t('Machine access for your systems, and events sent to them.')} />
      <Await state={state}>
        {(data) => (
          <>
            <div class="two-col">
              <Section title={t('API keys')}>
                {data.apiKeys.edges.length ? (
                  <ul class="plain-list">
                    {data.apiKeys.edges.map(({ node: k }) => (
                      <li key={k.id} class="row">
                        <span>
                          <strong>{k.name}</strong>
                          <span class="muted small block">{k.scopes.join(', ')}</span>
                          <span class="muted small block">{k.lastUsedAt ? t('last used {date}', { date: formatDate(k.lastUsedAt) }) : t('never used')}</span>
                        </span>
                        {k.revokedAt ? <Chip status="REVOKED" /> : <Button small variant="danger" onClick={async () => { const r = (await api.request(KeyRevoke, { id: k.id })).apiKeyRevoke; notify(r.errors[0]?.message ?? t('Key revoked')); invalidate(); }}>{t('Revoke')}</Button>}
                      </li>
                    ))}
                  </ul>
                ) : <Empty>{t('No API keys.')}</Empty>}
                <form
                  class="form-grid"
                  onSubmit={async (e) => {
                    e.preventDefault();
                    const result = (await api.request(KeyCreate, { input: { name: keyName, scopes: [...scopes] } })).apiKeyCreate;
                    setKeyErrors(byField(result.errors));
                    if (!result.errors.length) { setSecret(result.secret ?? null); setKeyName(''); setScopes(new Set()); invalidate(); }
                  }}
                >
                  <h3>{t('New API key')}</h3>
                  <TextField label={t('Name')} value={keyName} onValue={setKeyName} error={keyErrors.name} required />
                  <fieldset class="choices inline">
                    <legend>{t('Scopes')}</legend>
                    {SCOPES.map((s) => (
                      <label key={s} class="choice"><input type="checkbox" checked={scopes.has(s)} onChange={(e) => { const next = new Set(scopes); if (e.currentTarget.checked) next.add(s); else next.delete(s); setScopes(next); }} /><span class="mono">{s}</span></label>
                    ))}
                  </fieldset>
                  {keyErrors.scopes ? <p class="field-error">{keyErrors.scopes}</p> : null}
                  <FormErrors errors={keyErrors} />
                  <div class="form-actions"><button class="button primary" type="submit">{t('Create key')}</button></div>
                  {secret ? (<div role="status"><p><strong>{t('Copy the secret now: it is shown once.')}</strong></p><p class="secret">{secret}</p></div>) : null}
                </form>
              </Section>
              <Section title={t('New webhook')}>
                <form
                  class="form-grid"
                  onSubmit={async (e) => {
                    e.preventDefault();
                    const result = (await api.request(HookCreate, { input: { url: hook.url, description: hook.description || null, eventTypes: [...hook.events] } })).webhookEndpointCreate;
                    setHookErrors(byField(result.errors));
                    if (!result.errors.length) { setHookSecret(result.secret ?? null); setHook({ url: '', description: '', events: new Set(['award.issued']) }); invalidate(); }
                  }}
                >
                  <TextField label={t('URL')} type="url" value={hook.url} onValue={(v) => setHook({ ...hook, url: v })} error={hookErrors.url} required />
                  <TextField label={t('Description')} value={hook.description} onValue={(v) => setHook({ ...hook, description: v })} error={hookErrors.description} />
                  <fieldset class="choices inline">
                    <legend>{t('Events')}</legend>
                    {EVENTS.map((ev) => (
                      <label key={ev} class="choice"><input type="checkbox" checked={hook.events.has(ev)} onChange={(e) => { const events = new Set(hook.events); if (e.currentTarget.checked) events.add(ev); else events.delete(ev); setHook({ ...hook, events }); }} /><span class="mono">{ev}</span></label>
                    ))}
                  </fieldset>
                  {hookErrors.eventTypes ? <p class="field-error">{hookErrors.eventTypes}</p> : null}
                  <FormErrors errors={hookErrors} />
                  <div class="form-actions"><button class="button primary" type="submit">{t('Create webhook')}</button></div>
                  {hookSecret ? (<div role="status"><p><strong>{t('The signing secret, shown once:')}</strong></p><p class="secret">{hookSecret}</p></div>) : null}
                </form>
              </Section>
            </div>
            <Section title={t('Webhooks and deliveries')}>
              {data.webhookEndpoints.length ? (
                data.webhookEndpoints.map((w) => (
                  <div key={w.id}>
                    <h3><code>{w.url}</code> {w.enabled ? null : <Chip status="SUSPENDED">{t('Disabled')}</Chip>}</h3>
                    <p class="muted small">{w.eventTypes.join(', ')}</p>
                    {w.deliveries.edges.length ? (
                      <div class="table-wrap">
                        <table>
                          <thead><tr><th scope="col">{t('Event')}</th><th scope="col">{t('Status')}</th><th scope="col" class="num">{t('Tries')}</th><th scope="col">{t('Answer')}</th><th scope="col">{t('Actions')}</th></tr></thead>
                          <tbody>
                            {w.deliveries.edges.map(({ node: d }) => (
                              <tr key={d.id}>
                                <th scope="row" class="mono">{d.eventType}<span class="muted small block">{formatDate(d.createdAt)}</span></th>
                                <td><Chip status={d.status} /></td>
                                <td class="num">{d.attempts}</td>
                                <td>{d.responseStatus ?? '—'}{d.latencyMs !== null && d.latencyMs !== undefined ? ` · ${d.latencyMs} ms` : ''}{d.lastError ? <span class="muted small block">{d.lastError}</span> : null}</td>
                                <td><Button small variant="secondary" onClick={async () => { const r = (await api.request(Replay, { id: d.id })).webhookDeliveryReplay; notify(r.errors[0]?.message ?? t('Delivery queued again')); invalidate(); }}>{t('Replay')}</Button></td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </div>
                    ) : <Empty>{t('No deliveries yet.')}</Empty>}
                  </div>
                ))
              ) : <Empty>{t('No webhooks.')}</Empty>}
            </Section>
          </>
        )}
      </Await>
    </>
  );
}
