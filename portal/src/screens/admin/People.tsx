// People and audiences: search, invite (with audience, manager and roles), change roles,
// deactivate; the organisation's audiences (employees, partners, customers) and a new one.

import { useState } from 'preact/hooks';
import { graphql } from '../../gql';
import type { Role } from '../../gql/graphql';
import { byField } from '../../lib/api';
import { useApp } from '../../lib/app';
import { t } from '../../lib/i18n';
import { invalidate, useQuery } from '../../lib/query';
import { Await, Button, Chip, Empty, ErrorNote, FormErrors, PageHeader, Section, SelectField, TextField } from '../../ui/kit';

const Query = graphql(`
  query AdminPeople($search: String) {
    people(first: 100, filter: { search: $search }) {
      edges { node { id name email active roles audience { id name } manager { id name } } }
    }
    audiences { id name kind partnerCompany }
  }
`);
const Invite = graphql(`
  mutation PersonInvite($input: PersonInviteInput!) { personInvite(input: $input) { person { id } errors { code field message } } }
`);
const UpdatePerson = graphql(`
  mutation PersonUpdate($input: PersonUpdateInput!) { personUpdate(input: $input) { person { id roles } errors { code field message } } }
`);
const Deactivate = graphql(`
  mutation PersonDeactivate($id: ID!) { personDeactivate(id: $id) { person { id active } errors { code field message } } }
`);
const AudienceCreate = graphql(`
  mutation AudienceCreate($input: AudienceCreateInput!) { audienceCreate(input: $input) { audience { id } errors { code field message } } }
`);

const ROLES: Role[] = ['LEARNER', 'MANAGER', 'ISSUER', 'ADMIN', 'PARTNER_ADMIN'];
const ROLE_LABEL: Record<Role, string> = { LEARNER: 'Learner', MANAGER: 'Manager', ISSUER: 'Issuer', ADMIN: 'Admin', PARTNER_ADMIN: 'Partner admin' };

export function PeopleScreen() {
  const { api, notify } = useApp();
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const state = useQuery(api, Query, { search: query || null });
  const [form, setForm] = useState({ email: '', name: '', audienceId: '', managerId: '', roles: new Set<Role>(['LEARNER']) });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [audience, setAudience] = useState({ name: '', kind: 'PARTNER', partnerCompany: '' });
  const [audienceErrors, setAudienceErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  async function act(action: Promise<{ errors: { message: string }[] }>, done: string) {
    setError(null);
    const result = await action;
    if (result.errors.length) setError(result.errors.map((e) => e.message).join(' '));
    else notify(done);
    invalidate();
  }

  return (
    <>
      <PageHeader title={t('People')} lead={t('Everyone in your organisation, their audiences and roles.')} />
      <Await state={state}>
        {(data) => {
          const people = data.people.edges.map((e) => e.node);
          return (
            <>
              <Section title={t('People')}>
                <form class="inline-form" role="search" onSubmit={(e) => (e.preventDefault(), setQuery(search.trim()))}>
                  <TextField label={t('Search by name or email')} type="search" value={search} onValue={setSearch} />
                  <button class="button secondary" type="submit">{t('Search')}</button>
                </form>
                <ErrorNote error={error} />
                {people.length ? (
                  <div class="table-wrap">
                    <table>
                      <thead>
                        <tr><th scope="col">{t('Person')}</th><th scope="col">{t('Audience')}</th><th scope="col">{t('Roles')}</th><th scope="col">{t('Actions')}</th></tr>
                      </thead>
                      <tbody>
                        {people.map((p) => (
                          <tr key={p.id}>
                            <th scope="row">{p.name}<span class="muted small block">{p.email}{p.manager ? ` · ${t('reports to {name}', { name: p.manager.name })}` : ''}</span></th>
                            <td>{p.audience.name}</td>
                            <td>
                              <SelectField
                                label={t('Add a role for {name}', { name: p.name })}
                                value=""
                                onValue={(v) => v && act(api.request(UpdatePerson, { input: { id: p.id, managerId: p.manager?.id ?? null, roles: [...new Set([...(p.roles ?? []), v as Role])] } }).then((r) => r.personUpdate), t('Roles saved'))}
                                options={ROLES.filter((r) => !(p.roles ?? []).includes(r)).map((r) => ({ value: r, label: t(ROLE_LABEL[r]) }))}
                                placeholder={(p.roles ?? []).map((r) => t(ROLE_LABEL[r])).join(', ')}
                              />
                            </td>
                            <td>{p.active ? <Button small variant="danger" onClick={() => act(api.request(Deactivate, { id: p.id }).then((r) => r.personDeactivate), t('Deactivated'))}>{t('Deactivate')}</Button> : <Chip status="ABANDONED">{t('Deactivated')}</Chip>}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                ) : (
                  <Empty>{t('Nobody matches.')}</Empty>
                )}
              </Section>
              <div class="two-col">
                <Section title={t('Invite someone')}>
                  <form
                    class="form-grid"
                    onSubmit={async (e) => {
                      e.preventDefault();
                      const result = (await api.request(Invite, { input: { email: form.email, name: form.name, audienceId: form.audienceId, managerId: form.managerId || null, roles: [...form.roles] } })).personInvite;
                      setErrors(byField(result.errors));
                      if (!result.errors.length) {
                        notify(t('Invitation sent'));
                        setForm({ email: '', name: '', audienceId: '', managerId: '', roles: new Set<Role>(['LEARNER']) });
                        invalidate();
                      }
                    }}
                  >
                    <TextField label={t('Email')} type="email" value={form.email} onValue={(v) => setForm({ ...form, email: v })} error={errors.email} required />
                    <TextField label={t('Name')} value={form.name} onValue={(v) => setForm({ ...form, name: v })} error={errors.name} required />
                    <SelectField label={t('Audience')} value={form.audienceId} onValue={(v) => setForm({ ...form, audienceId: v })} options={data.audiences.map((a) => ({ value: a.id, label: a.name }))} placeholder={t('Choose')} error={errors.audienceId} />
                    <SelectField label={t('Manager')} value={form.managerId} onValue={(v) => setForm({ ...form, managerId: v })} options={people.map((p) => ({ value: p.id, label: p.name }))} placeholder={t('none')} error={errors.managerId} />
                    <fieldset class="choices inline">
                      <legend>{t('Roles')}</legend>
                      {ROLES.map((r) => (
                        <label key={r} class="choice">
                          <input type="checkbox" checked={form.roles.has(r)} onChange={(e) => { const roles = new Set(form.roles); if (e.currentTarget.checked) roles.add(r); else roles.delete(r); setForm({ ...form, roles }); }} />
                          <span>{t(ROLE_LABEL[r])}</span>
                        </label>
                      ))}
                    </fieldset>
                    {errors.roles ? <p class="field-error">{errors.roles}</p> : null}
                    <FormErrors errors={errors} />
                    <div class="form-actions"><button class="button primary" type="submit">{t('Invite')}</button></div>
                  </form>
                </Section>
                <Section title={t('Audiences')}>
                  <ul class="plain-list">
                    {data.audiences.map((a) => (
                      <li key={a.id}><strong>{a.name}</strong> <span class="muted small">{t(a.kind === 'EMPLOYEE' ? 'Employees' : a.kind === 'PARTNER' ? 'Partners' : 'Customers')}{a.partnerCompany ? ` · ${a.partnerCompany}` : ''}</span></li>
                    ))}
                  </ul>
                  <form
                    class="form-grid"
                    onSubmit={async (e) => {
                      e.preventDefault();
                      const result = (await api.request(AudienceCreate, { input: { name: audience.name, kind: audience.kind as 'PARTNER', partnerCompany: audience.partnerCompany || null } })).audienceCreate;
                      setAudienceErrors(byField(result.errors));
                      if (!result.errors.length) {
                        notify(t('Audience created'));
                        setAudience({ name: '', kind: 'PARTNER', partnerCompany: '' });
                        invalidate();
                      }
                    }}
                  >
                    <h3>{t('New audience')}</h3>
                    <TextField label={t('Name')} value={audience.name} onValue={(v) => setAudience({ ...audience, name: v })} error={audienceErrors.name} required />
                    <SelectField label={t('Kind')} value={audience.kind} onValue={(v) => setAudience({ ...audience, kind: v })} options={[{ value: 'EMPLOYEE', label: t('Employees') }, { value: 'PARTNER', label: t('Partners') }, { value: 'CUSTOMER', label: t('Customers') }]} error={audienceErrors.kind} />
                    <TextField label={t('Company (partners and customers)')} value={audience.partnerCompany} onValue={(v) => setAudience({ ...audience, partnerCompany: v })} error={audienceErrors.partnerCompany} />
                    <FormErrors errors={audienceErrors} />
                    <div class="form-actions"><button class="button secondary" type="submit">{t('Create audience')}</button></div>
                  </form>
                </Section>
              </div>
            </>
          );
        }}
      </Await>
    </>
  );
}
