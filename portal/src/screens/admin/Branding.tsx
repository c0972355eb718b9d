// Branding: the organisation's colour and logo with a live preview of what they change (the
// verification page, a badge, an email) before saving.

import { useState } from 'preact/hooks';
import { graphql } from '../../gql';
import { byField } from '../../lib/api';
import { useApp } from '../../lib/app';
import { ink, parseHex } from '../../lib/colour';
import { t } from '../../lib/i18n';
import { invalidate, useQuery } from '../../lib/query';
import { Await, Check, Field, FormErrors, PageHeader, Section } from '../../ui/kit';

const Query = graphql(`
  query AdminBranding {
    tenant { id name branding { color logoUrl } }
  }
`);

const Update = graphql(`
  mutation TenantBrandingUpdate($input: TenantBrandingUpdateInput!) {
    tenantBrandingUpdate(input: $input) { branding { color logoUrl } errors { code field message } }
  }
`);

function readFile(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

export function Preview({ name, colour, logo }: { name: string; colour: string; logo: string | null }) {
  const valid = parseHex(colour) ? colour : '#1f2933';
  const style = { '--preview-brand': valid, '--preview-ink': ink(valid) } as Record<string, string>;
  const mark = logo ? <img class="logo-preview" src={logo} alt="" /> : null;
  return (
    <div class="preview-grid" style={style} aria-label={t('Preview')} data-testid="branding-preview">
      <div class="preview">
        <p class="preview-title">{t('Verification page')}</p>
        <div class="preview-body">
          <div class="preview-page-head">
            {mark}
            <span>{name}</span>
          </div>
          <span class="preview-status">{t('Valid')}</span>
          <p class="small muted">{t('Issuer, signature, status and expiry checked.')}</p>
          <span class="preview-button">{t('Add to LinkedIn')}</span>
        </div>
      </div>
      <div class="preview">
        <p class="preview-title">{t('Badge')}</p>
        <div class="preview-badge">
          <svg width="120" height="120" viewBox="0 0 120 120" role="img" aria-label={t('Sample badge')}>
            <circle cx="60" cy="60" r="56" fill={ink(valid)} />
            <circle cx="60" cy="60" r="46" fill="none" stroke="#fff" stroke-width="3" opacity="0.8" />
            <text x="60" y="66" text-anchor="middle" font-size="15" font-weight="700" fill="#fff" font-family="system-ui, sans-serif">
              {t('Sample')}
            </text>
          </svg>
        </div>
      </div>
      <div class="preview preview-email">
        <p class="preview-title">{t('Email')}</p>
        <div class="mail-head">{name}</div>
        <div class="preview-body">
          <p>{t('You earned a badge: Sample badge.')}</p>
          <span class="preview-button">{t('See your badge')}</span>
        </div>
      </div>
    </div>
  );
}

export function BrandingScreen() {
  const { api, notify } = useApp();
  const state = useQuery(api, Query);
  const [colour, setColour] = useState<string | null>(null);
  const [logo, setLogo] = useState<{ data: string; format: 'PNG' | 'SVG'; url: string } | null>(null);
  const [removeLogo, setRemoveLogo] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  return (
    <>
      <PageHeader title={t('Branding')} lead={t('Your colour and logo on the portal, verification pages, badges and emails.')} />
      <Await state={state}>
        {(data) => {
          const current = colour ?? data.tenant.branding.color;
          const shownLogo = removeLogo ? null : logo?.url ?? data.tenant.branding.logoUrl ?? null;
          async function save(event: Event) {
            event.preventDefault();
            setBusy(true);
            try {
              const result = (
                await api.request(Update, {
                  input: {
                    color: current,
                    logoBase64: logo?.data ?? null,
                    logoFormat: logo?.format ?? null,
                    removeLogo,
                  },
                })
              ).tenantBrandingUpdate;
              setErrors(byField(result.errors));
              if (!result.errors.length) {
                notify(t('Branding saved'));
                setColour(null);
                setLogo(null);
                setRemoveLogo(false);
                invalidate();
              }
            } catch (e) {
              setErrors({ '': (e as Error).message });
            } finally {
              setBusy(false);
            }
          }
          return (
            <div class="two-col wide-left">
              <Section title={t('Preview')}>
                <Preview name={data.tenant.name} colour={current} logo={shownLogo} />
              </Section>
              <Section title={t('Organisation')}>
                <form class="form-grid" onSubmit={save}>
                  <Field label={t('Colour')} error={errors.color}>
                    {(a) => (
                      <div class="inline-form">
                        <input type="color" value={parseHex(current) ? current : '#000000'} onInput={(e) => setColour(e.currentTarget.value)} aria-label={t('Pick a colour')} />
                        <input {...a} type="text" value={current} onInput={(e) => setColour(e.currentTarget.value)} maxLength={7} />
                      </div>
                    )}
                  </Field>
                  <Field label={t('Logo (PNG or SVG, at most 512 KB)')} error={errors.logoBase64 || errors.logoFormat}>
                    {(a) => (
                      <input
                        {...a}
                        type="file"
                        accept="image/png,image/svg+xml"
                        onChange={async (e) => {
                          const file = e.currentTarget.files?.[0];
                          if (!file) return;
                          const url = await readFile(file);
                          setRemoveLogo(false);
                          setLogo({ url, data: url.split(',', 2)[1], format: file.type === 'image/svg+xml' ? 'SVG' : 'PNG' });
                        }}
                      />
                    )}
                  </Field>
                  {data.tenant.branding.logoUrl ? <Check label={t('Remove the logo')} checked={removeLogo} onChange={setRemoveLogo} /> : null}
                  <FormErrors errors={errors} />
                  <div class="form-actions">
                    <button class="button primary" type="submit" disabled={busy}>
                      {t('Save branding')}
                    </button>
                    {colour !== null || logo ? (
                      <button type="button" class="button secondary" onClick={() => (setColour(null), setLogo(null), setErrors({}))}>
                        {t('Discard changes')}
                      </button>
                    ) : null}
                  </div>
                </form>
                <p class="hint">{t('Text and buttons use {shade}, a shade of your colour that keeps 4.5:1 contrast on white.', { shade: ink(current) })}</p>
              </Section>
            </div>
          );
        }}
      </Await>
    </>
  );
}
