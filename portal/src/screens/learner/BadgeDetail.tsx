// One badge: what it certifies, its criteria and evidence, its status, and how to share it. The
// learner chooses who sees it (public, colleagues, only me); sharing needs it public.

import { useState } from 'preact/hooks';
import { graphql } from '../../gql';
import { useApp } from '../../lib/app';
import { formatDate, t } from '../../lib/i18n';
import { invalidate, useQuery } from '../../lib/query';
import { href } from '../../lib/router';
import { Markdown } from '../../ui/markdown';
import { Await, Chip, Empty, ErrorNote, PageHeader, Section } from '../../ui/kit';
import { VISIBILITY_LABEL } from './Home';

const BadgeQuery = graphql(`
  query BadgeDetail($id: ID!) {
    node(id: $id) {
      ... on Award {
        id
        status
        issuedAt
        expiresAt
        revokedAt
        revocationReason
        suspendedAt
        suspensionReason
        visibility
        acceptance
        shareable
        delegatedIssuer
        evidence { url narrative }
        verificationUrl
        openBadge3Url
        linkedInAddToProfileUrl
        emailSignatureHtml
        embedHtml
        png: bakedImageUrl(format: PNG, version: V2)
        recipient { id name }
        badgeClass {
          id
          name
          description
          imageUrl
          criteriaNarrative
          validityDays
          skillLevels { level skill { id name } }
        }
      }
    }
  }
`);

const SetVisibility = graphql(`
  mutation AwardVisibilitySet($input: AwardVisibilitySetInput!) {
    awardVisibilitySet(input: $input) { award { id visibility shareable } errors { code field message } }
  }
`);

const CHOICES = [
  { value: 'PUBLIC', hint: 'Anyone with the link can open and verify it; sharing works.' },
  { value: 'TENANT', hint: 'People of your organisation who may see you.' },
  { value: 'PRIVATE', hint: 'You, your managers and admins.' },
] as const;

export function BadgeDetailScreen({ id }: { id: string }) {
  const { api, notify } = useApp();
  const state = useQuery(api, BadgeQuery, { id });
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The choice shows at once; the server's answer confirms it (or the error undoes it).
  const [chosen, setChosen] = useState<string | null>(null);

  async function copy(text: string, done: string) {
    try {
      await navigator.clipboard.writeText(text);
      notify(done);
    } catch {
      notify(t('Copying is blocked here; select the text and copy it yourself.'));
    }
  }

  return (
    <Await state={state}>
      {(data) => {
        const award = data.node && 'badgeClass' in data.node ? data.node : null;
        if (!award) return <Empty>{t('This badge does not exist or is not yours to see.')}</Empty>;
        const badge = award.badgeClass;
        const standing = award.status === 'ACTIVE';

        async function choose(visibility: 'PUBLIC' | 'TENANT' | 'PRIVATE') {
          setSaving(true);
          setError(null);
          setChosen(visibility);
          try {
            const result = (await api.request(SetVisibility, { input: { id: award!.id, visibility } })).awardVisibilitySet;
            if (result.errors.length) {
              setError(result.errors.map((e) => e.message).join(' '));
              setChosen(null);
            } else notify(t('Now visible to: {who}', { who: t(VISIBILITY_LABEL[visibility]) }));
            invalidate();
          } catch (e) {
            setError((e as Error).message);
            setChosen(null);
          } finally {
            setSaving(false);
          }
        }

        return (
          <>
            <p class="breadcrumb">
              <a href={href('/')}>{t('My badges')}</a>
            </p>
            <div class="badge-hero">
              <img src={badge.imageUrl} alt={t('Badge image: {name}', { name: badge.name })} width={160} height={160} />
              <div>
                <PageHeader title={badge.name} />
                <p class="status-line">
                  <Chip status={award.status} />
                  <span data-volatile>{t('Earned {date}', { date: formatDate(award.issuedAt) })}</span>
                  {award.expiresAt ? (
                    <span data-volatile>
                      {award.status === 'EXPIRED' ? t('Expired {date}', { date: formatDate(award.expiresAt) }) : t('Expires {date}', { date: formatDate(award.expiresAt) })}
                    </span>
                  ) : (
                    <span>{t('Does not expire')}</span>
                  )}
                </p>
                {award.revocationReason ? <p class="warning">{t('Revoked: {reason}', { reason: award.revocationReason })}</p> : null}
                {award.suspensionReason ? <p class="warning">{t('Suspended: {reason}', { reason: award.suspensionReason })}</p> : null}
                {award.delegatedIssuer ? <p class="muted">{t('Issued through {partner}', { partner: award.delegatedIssuer })}</p> : null}
                <p>{badge.description}</p>
              </div>
            </div>
            <div class="two-col wide-left">
              <div>
                <Section title={t('Criteria')}>
                  {badge.criteriaNarrative ? <Markdown text={badge.criteriaNarrative} /> : <Empty>{t('No criteria were written for this badge.')}</Empty>}
                </Section>
                {award.evidence && (award.evidence.url || award.evidence.narrative) ? (
                  <Section title={t('Evidence')}>
                    {award.evidence.narrative ? <Markdown text={award.evidence.narrative} /> : null}
                    {award.evidence.url && /^https?:/i.test(award.evidence.url) ? (
                      <p>
                        <a href={award.evidence.url} rel="noopener nofollow" target="_blank">
                          {t('Open the evidence')}
                        </a>
                      </p>
                    ) : null}
                  </Section>
                ) : null}
                {badge.skillLevels.length ? (
                  <Section title={t('Skills')}>
                    <ul class="tags">
                      {badge.skillLevels.map((s) => (
                        <li key={s.skill.id}>
                          {s.skill.name} · {t('level {n}', { n: s.level })}
                        </li>
                      ))}
                    </ul>
                  </Section>
                ) : null}
              </div>
              <Section title={t('Share')}>
                <fieldset class="choices" disabled={!standing} aria-busy={saving || undefined}>
                  <legend>{t('Who can see this badge')}</legend>
                  {CHOICES.map((c) => (
                    <label key={c.value} class="choice">
                      <input type="radio" name="visibility" value={c.value} checked={(chosen ?? award.visibility) === c.value} onChange={() => choose(c.value)} />
                      <span>
                        <strong>{t(VISIBILITY_LABEL[c.value])}</strong>
                        <span class="hint">{t(c.hint)}</span>
                      </span>
                    </label>
                  ))}
                </fieldset>
                <ErrorNote error={error} />
                {!standing ? (
                  <p class="muted">{t('A badge that is not active cannot be shared.')}</p>
                ) : award.shareable ? (
                  <div class="share-actions">
                    <a class="button primary" href={award.linkedInAddToProfileUrl} target="_blank" rel="noopener">
                      {t('Add to LinkedIn')}
                    </a>
                    <button type="button" class="button secondary" onClick={() => copy(award.verificationUrl, t('Link copied'))}>
                      {t('Copy link')}
                    </button>
                    <a class="button secondary" href={award.verificationUrl} target="_blank" rel="noopener">
                      {t('Open public page')}
                    </a>
                    <a class="button secondary" href={award.png} download>
                      {t('Download image')}
                    </a>
                    <a class="button ghost" href={award.openBadge3Url} target="_blank" rel="noopener">
                      {t('Open Badges 3.0 credential')}
                    </a>
                    <button type="button" class="button ghost" onClick={() => copy(award.emailSignatureHtml, t('Email signature copied'))}>
                      {t('Copy email signature')}
                    </button>
                    <button type="button" class="button ghost" onClick={() => copy(award.embedHtml, t('Embed code copied'))}>
                      {t('Copy embed code')}
                    </button>
                  </div>
                ) : (
                  <p class="muted">{t('Make it public to share it on LinkedIn, by link or in your email signature.')}</p>
                )}
              </Section>
            </div>
          </>
        );
      }}
    </Await>
  );
}
