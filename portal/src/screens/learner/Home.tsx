// The learner's first screen: my badges (pending ones to accept first), the pathways under way
// and suggested next steps. One GraphQL request, which also carries the portal's shell.

import { graphql } from '../../gql';
import type { LearnerHomeQuery } from '../../gql/graphql';
import { useApp } from '../../lib/app';
import { href } from '../../lib/router';
import { formatDate, plural, t } from '../../lib/i18n';
import { invalidate } from '../../lib/query';
import { Button, Chip, Empty, PageHeader, Progress, Section } from '../../ui/kit';

export const LearnerHome = graphql(`
  query LearnerHome {
    ...Shell
    viewer {
      id
      awards(first: 100) {
        edges {
          node {
            id
            status
            issuedAt
            expiresAt
            visibility
            acceptance
            badgeClass { id name imageUrl }
          }
        }
      }
      enrolments(first: 4) {
        edges { node { id percent completedAt pathway { id name } next(first: 1) { id title badgeClass { name } course { title } } } }
      }
      recommendations(first: 4) {
        reason
        badgeClass { id name imageUrl }
        course { id title }
        pathway { id name }
      }
    }
  }
`);

const Accept = graphql(`
  mutation AwardAccept($id: ID!) { awardAccept(id: $id) { award { id acceptance } errors { code field message } } }
`);
const Decline = graphql(`
  mutation AwardDecline($id: ID!) { awardDecline(id: $id) { award { id acceptance } errors { code field message } } }
`);

export const VISIBILITY_LABEL: Record<string, string> = { PUBLIC: 'Public', TENANT: 'Colleagues', PRIVATE: 'Only me' };

type Award = NonNullable<LearnerHomeQuery['viewer']>['awards']['edges'][number]['node'];

export function BadgeCard({ award }: { award: Award }) {
  const expiring = award.expiresAt && award.status === 'ACTIVE';
  return (
    <li class={`badge-card status-${award.status.toLowerCase()}`}>
      <a href={href(`/badges/${award.id}`)} class="badge-link">
        <img src={award.badgeClass.imageUrl} alt="" width={96} height={96} loading="lazy" />
        <span class="badge-name">{award.badgeClass.name}</span>
      </a>
      <div class="badge-meta">
        <Chip status={award.status} />
        <span class="muted" data-volatile>
          {expiring ? t('Expires {date}', { date: formatDate(award.expiresAt) }) : t('Earned {date}', { date: formatDate(award.issuedAt) })}
        </span>
        <span class="muted">{t(VISIBILITY_LABEL[award.visibility])}</span>
      </div>
    </li>
  );
}

export function HomeScreen({ data }: { data: LearnerHomeQuery }) {
  const { api, notify } = useApp();
  const viewer = data.viewer;
  if (!viewer) return <Empty>{t('This portal is for people; API keys have no home screen.')}</Empty>;
  const awards = viewer.awards.edges.map((e) => e.node);
  const pending = awards.filter((a) => a.acceptance === 'PENDING');
  const shown = awards.filter((a) => a.acceptance === 'ACCEPTED');
  const enrolments = viewer.enrolments.edges.map((e) => e.node);

  async function answer(id: string, accept: boolean) {
    const result = accept ? (await api.request(Accept, { id })).awardAccept : (await api.request(Decline, { id })).awardDecline;
    notify(result.errors.length ? result.errors[0].message : accept ? t('Badge accepted') : t('Badge declined'));
    invalidate();
  }

  return (
    <>
      <PageHeader title={t('My badges')} lead={plural(shown.length, 'You hold {n} badge.', 'You hold {n} badges.')} />
      {pending.length ? (
        <Section title={t('Waiting for you')}>
          <ul class="pending-list">
            {pending.map((a) => (
              <li key={a.id}>
                <img src={a.badgeClass.imageUrl} alt="" width={48} height={48} />
                <span>
                  <strong>{a.badgeClass.name}</strong> — {t('accept it to show it to others')}
                </span>
                <span class="row-actions">
                  <Button small onClick={() => answer(a.id, true)}>
                    {t('Accept')}
                  </Button>
                  <Button small variant="secondary" onClick={() => answer(a.id, false)}>
                    {t('Decline')}
                  </Button>
                </span>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      {shown.length ? (
        <ul class="badge-grid" aria-label={t('My badges')}>
          {shown.map((a) => (
            <BadgeCard key={a.id} award={a} />
          ))}
        </ul>
      ) : (
        <Section title={t('No badges yet')}>
          <Empty>{t('Badges you earn appear here. Start with a suggested next step below.')}</Empty>
        </Section>
      )}
      <div class="two-col">
        <Section title={t('My pathways')} actions={<a href={href('/pathways')}>{t('All pathways')}</a>}>
          {enrolments.length ? (
            <ul class="plain-list">
              {enrolments.map((e) => (
                <li key={e.id}>
                  <a href={href(`/pathways#${e.pathway.id}`)}>{e.pathway.name}</a>
                  <Progress percent={e.percent} label={e.pathway.name} />
                  {e.next[0] ? (
                    <p class="muted small">
                      {t('Next: {step}', { step: e.next[0].title ?? e.next[0].badgeClass?.name ?? e.next[0].course?.title ?? '' })}
                    </p>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <Empty>{t('You are not enrolled in a pathway.')}</Empty>
          )}
        </Section>
        <Section title={t('Suggested next steps')}>
          {viewer.recommendations.length ? (
            <ul class="plain-list">
              {viewer.recommendations.map((r, i) => (
                <li key={i} class="reco">
                  <strong>{r.badgeClass?.name ?? r.pathway?.name ?? r.course?.title}</strong>
                  <span class="muted small">{r.reason}</span>
                </li>
              ))}
            </ul>
          ) : (
            <Empty>{t('No suggestions right now.')}</Empty>
          )}
        </Section>
      </div>
    </>
  );
}
