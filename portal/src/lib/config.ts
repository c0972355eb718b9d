// Where the portal is and what it may offer before anyone signs in. The portal lives at
// /portal/<tenant slug>/...; its host (Insignia itself, or any static server that copies
// config.json) says which sign-in connections exist and whether the development login is on.

export interface Connection {
  id: string;
  name: string;
  protocol: 'OIDC' | 'SAML';
  loginUrl: string;
}

export interface PortalConfig {
  slug: string;
  tenantName: string;
  connections: Connection[];
  devLogin: boolean;
  brand: { color: string; logoUrl: string | null };
}

export const BASE = '/portal';

/** The tenant slug of the current URL (/portal/<slug>/...), or null on /portal/. */
export function slugFromPath(pathname: string): string | null {
  const match = /^\/portal\/([a-z0-9][a-z0-9-]{0,62})(?:\/|$)/.exec(pathname);
  return match ? match[1] : null;
}

export async function loadConfig(slug: string): Promise<PortalConfig | null> {
  const response = await fetch(`${BASE}/${slug}/config.json`, { headers: { Accept: 'application/json' } });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`The portal configuration did not load (${response.status}).`);
  return (await response.json()) as PortalConfig;
}
