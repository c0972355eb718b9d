/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type AlignmentInput = {
  code?: string | null | undefined;
  framework?: string | null | undefined;
  targetName: string;
  targetUrl: string;
};

export type ApiKeyCreateInput = {
  name: string;
  scopes: Array<ApiKeyScope>;
};

/** What an API key may do. */
export type ApiKeyScope =
  | 'AUDIENCES_WRITE'
  | 'AWARDS_ISSUE'
  | 'AWARDS_READ'
  | 'BADGES_WRITE'
  | 'JOBS_MANAGE'
  | 'LEARNING_RECORD'
  | 'LEARNING_WRITE'
  | 'PEOPLE_READ'
  | 'PEOPLE_WRITE'
  | 'SCIM_PROVISION'
  | 'WEBHOOKS_MANAGE';

export type AttributeMappingInput = {
  email?: string | null | undefined;
  groups?: string | null | undefined;
  name?: string | null | undefined;
};

export type AudienceCreateInput = {
  kind: AudienceKind;
  name: string;
  partnerCompany?: string | null | undefined;
};

export type AudienceKind =
  | 'CUSTOMER'
  | 'EMPLOYEE'
  | 'PARTNER';

export type AwardAcceptance =
  | 'ACCEPTED'
  | 'DECLINED'
  | 'PENDING';

export type AwardStatus =
  | 'ACTIVE'
  | 'EXPIRED'
  | 'REVOKED'
  | 'SUSPENDED';

export type AwardVisibilitySetInput = {
  id: string | number;
  visibility: Visibility;
};

export type BadgeClassCreateInput = {
  alignments?: Array<AlignmentInput> | null | undefined;
  audienceIds?: Array<string | number> | null | undefined;
  criteria?: CriteriaInput | null | undefined;
  criteriaNarrative?: string;
  /** The visibility of new awards (default: the organisation's). */
  defaultVisibility?: Visibility | null | undefined;
  /** Partner admins may issue it to people of their own partner company. */
  delegated?: boolean;
  description: string;
  evidenceRequired?: boolean;
  imageUrl?: string | null | undefined;
  name: string;
  points?: number;
  skillIds?: Array<string | number> | null | undefined;
  /** Skills with the level (1-5) the badge grants them at; others in skillIds get 1. */
  skillLevels?: Array<SkillLevelInput> | null | undefined;
  /** Awards expire this many days after issue. */
  validityDays?: number | null | undefined;
};

export type BadgeClassStatus =
  | 'ARCHIVED'
  | 'DRAFT'
  | 'PUBLISHED';

export type CriteriaInput = {
  groups?: Array<CriteriaInput>;
  mode?: CriteriaMode;
  /** For N_OF: how many must be met. */
  n?: number | null | undefined;
  requirements?: Array<CriterionInput>;
};

export type CriteriaMode =
  | 'ALL_OF'
  | 'N_OF';

export type CriterionInput = {
  assessmentId?: string | number | null | undefined;
  badgeClassId?: string | number | null | undefined;
  courseId?: string | number | null | undefined;
  minScore?: number | null | undefined;
};

export type GoalCreateInput = {
  badgeClassId?: string | number | null | undefined;
  pathwayId?: string | number | null | undefined;
  /** Default: the signed-in person. */
  personId?: string | number | null | undefined;
  targetDate?: string | null | undefined;
  title?: string | null | undefined;
};

export type GoalStatus =
  | 'ABANDONED'
  | 'ACHIEVED'
  | 'ACTIVE';

export type GoalUpdateInput = {
  clearTargetDate?: boolean;
  id: string | number;
  /** ACTIVE or ABANDONED. */
  status?: GoalStatus | null | undefined;
  targetDate?: string | null | undefined;
  title?: string | null | undefined;
};

export type Granularity =
  | 'DAY'
  | 'MONTH'
  | 'WEEK';

export type ImageFormat =
  | 'PNG'
  | 'SVG';

/** A period (at most two years) and an optional audience, partner company or team. */
export type InsightsFilter = {
  audienceId?: string | number | null | undefined;
  from: string;
  granularity?: Granularity;
  /** A manager's (transitive) reports: managers use their own id. */
  managerId?: string | number | null | undefined;
  partnerCompany?: string | null | undefined;
  to: string;
};

/** Exactly one of badgeClassId, courseId, allOf or nOf. */
export type NOfInput = {
  n: number;
  of: Array<RequirementInput>;
};

export type OidcSettingsInput = {
  clientId?: string | null | undefined;
  /** Stored encrypted; never shown again. */
  clientSecret?: string | null | undefined;
  /** The issuer (or its discovery URL). */
  issuer?: string | null | undefined;
  /** Default: openid email profile. */
  scopes?: Array<string> | null | undefined;
};

export type PathwayCreateInput = {
  /** None: everyone. */
  audienceIds?: Array<string | number> | null | undefined;
  autoEnrol?: boolean;
  capstoneBadgeClassId?: string | number | null | undefined;
  description?: string | null | undefined;
  imageUrl?: string | null | undefined;
  name: string;
  requirement: RequirementInput;
};

/** Nobody given: the signed-in person. Or people (managers, admins), or a whole audience (a job). */
export type PathwayEnrolInput = {
  audienceId?: string | number | null | undefined;
  pathwayId: string | number;
  personIds?: Array<string | number> | null | undefined;
};

export type PathwayNodeKind =
  | 'ALL_OF'
  | 'BADGE_CLASS'
  | 'COURSE'
  | 'N_OF';

export type PathwayStatus =
  | 'ARCHIVED'
  | 'DRAFT'
  | 'PUBLISHED';

/** Only the fields given change; a new tree on a published pathway is a new version. */
export type PathwayUpdateInput = {
  audienceIds?: Array<string | number> | null | undefined;
  autoEnrol?: boolean | null | undefined;
  capstoneBadgeClassId?: string | number | null | undefined;
  clearCapstone?: boolean;
  description?: string | null | undefined;
  id: string | number;
  imageUrl?: string | null | undefined;
  name?: string | null | undefined;
  requirement?: RequirementInput | null | undefined;
};

export type PersonInviteInput = {
  audienceId: string | number;
  email: string;
  managerId?: string | number | null | undefined;
  name: string;
  roles?: Array<Role>;
};

export type PersonUpdateInput = {
  audienceId?: string | number | null | undefined;
  email?: string | null | undefined;
  id: string | number;
  /** Null removes the manager; omitted leaves it. */
  managerId?: string | number | null | undefined;
  name?: string | null | undefined;
  roles?: Array<Role> | null | undefined;
};

export type ReportExportCreateInput = {
  filter?: InsightsFilter | null | undefined;
  /** TEAM_SKILL_GAP: whose team. */
  managerId?: string | number | null | undefined;
  report: ReportKind;
  /** TEAM_SKILL_GAP: the role. */
  roleId?: string | number | null | undefined;
};

export type ReportExportStatus =
  | 'DONE'
  | 'FAILED'
  | 'PENDING'
  | 'RUNNING';

export type ReportKind =
  | 'INSIGHTS'
  | 'TEAM_SKILL_GAP'
  | 'TRENDS';

/** A requirement tree: exactly one of badgeClassId, courseId, allOf, nOf. */
export type RequirementInput = {
  allOf?: Array<RequirementInput> | null | undefined;
  badgeClassId?: string | number | null | undefined;
  courseId?: string | number | null | undefined;
  /** Names the node (unique in the tree): keeps its id across versions, for prerequisites. */
  key?: string | null | undefined;
  /** Awarded when this node is met. */
  milestoneBadgeClassId?: string | number | null | undefined;
  nOf?: NOfInput | null | undefined;
  /** Shown, never required. */
  optional?: boolean;
  /** Keys of the nodes that must be met first (shown as locked until then). */
  prerequisiteKeys?: Array<string> | null | undefined;
  title?: string | null | undefined;
};

export type Role =
  | 'ADMIN'
  | 'ISSUER'
  | 'LEARNER'
  | 'MANAGER'
  | 'PARTNER_ADMIN';

export type RoleProfileCreateInput = {
  audienceId?: string | number | null | undefined;
  description?: string;
  name: string;
  skills?: Array<RoleSkillInput>;
};

export type RoleSkillInput = {
  level?: number;
  skillId: string | number;
};

export type SamlSettingsInput = {
  /** IdP signing certificates (PEM). */
  certificates?: Array<string> | null | undefined;
  entityId?: string | null | undefined;
  /** The IdP's metadata document; fills entity id, endpoints and certificates. */
  metadataXml?: string | null | undefined;
  /** SingleLogoutService (HTTP-Redirect). */
  sloUrl?: string | null | undefined;
  /** SingleSignOnService (HTTP-Redirect). */
  ssoUrl?: string | null | undefined;
};

export type SkillCreateInput = {
  description?: string | null | undefined;
  /** A tenant framework group, e.g. Cloud. */
  frameworkGroup?: string | null | undefined;
  /** A public framework URI (ESCO, O*NET). */
  frameworkUrl?: string | null | undefined;
  name: string;
};

export type SkillLevelInput = {
  level?: number;
  skillId: string | number;
};

export type SsoConnectionCreateInput = {
  allowedDomains?: Array<string>;
  attributeMapping?: AttributeMappingInput | null | undefined;
  audienceId: string | number;
  enabled?: boolean;
  jitProvisioning?: boolean;
  name: string;
  oidc?: OidcSettingsInput | null | undefined;
  protocol: SsoProtocol;
  saml?: SamlSettingsInput | null | undefined;
};

export type SsoConnectionUpdateInput = {
  allowedDomains?: Array<string> | null | undefined;
  attributeMapping?: AttributeMappingInput | null | undefined;
  audienceId?: string | number | null | undefined;
  enabled?: boolean | null | undefined;
  id: string | number;
  jitProvisioning?: boolean | null | undefined;
  name?: string | null | undefined;
  oidc?: OidcSettingsInput | null | undefined;
  saml?: SamlSettingsInput | null | undefined;
};

export type SsoProtocol =
  | 'OIDC'
  | 'SAML';

export type TenantBrandingUpdateInput = {
  /** Hex colour (#1a73e8); empty resets it. */
  color?: string | null | undefined;
  /** PNG or SVG (sanitised), at most 512 KB. */
  logoBase64?: string | null | undefined;
  logoFormat?: ImageFormat | null | undefined;
  removeLogo?: boolean;
};

/** Who sees an award. */
export type Visibility =
  | 'PRIVATE'
  | 'PUBLIC'
  | 'TENANT';

export type WebhookDeliveryStatus =
  | 'FAILED'
  | 'PENDING'
  | 'SUCCEEDED';

export type WebhookEndpointCreateInput = {
  description?: string | null | undefined;
  /** For example person.created, award.issued. */
  eventTypes: Array<string>;
  /** Your own signing secret; generated if omitted. */
  secret?: string | null | undefined;
  url: string;
};

export type ShellFragment = { viewer: { id: string, name: string, email: string | null, roles: Array<Role> | null, headline: string | null, profilePublic: boolean, audience: { id: string, name: string, kind: AudienceKind, partnerCompany: string | null } } | null, tenant: { id: string, name: string, slug: string, branding: { color: string, logoUrl: string | null } } };

export type ShellQueryVariables = Exact<{ [key: string]: never; }>;


export type ShellQuery = { viewer: { id: string, name: string, email: string | null, roles: Array<Role> | null, headline: string | null, profilePublic: boolean, audience: { id: string, name: string, kind: AudienceKind, partnerCompany: string | null } } | null, tenant: { id: string, name: string, slug: string, branding: { color: string, logoUrl: string | null } } };

export type AdminBadgesQueryVariables = Exact<{ [key: string]: never; }>;


export type AdminBadgesQuery = { badgeClasses: { edges: Array<{ node: { id: string, name: string, description: string, status: BadgeClassStatus, imageUrl: string, validityDays: number | null, points: number, skillLevels: Array<{ level: number, skill: { id: string, name: string } }> } }> }, courses: { edges: Array<{ node: { id: string, title: string, assessments: Array<{ id: string, title: string }> } }> }, skills: { edges: Array<{ node: { id: string, name: string } }> } };

export type BadgeClassCreateMutationVariables = Exact<{
  input: BadgeClassCreateInput;
}>;


export type BadgeClassCreateMutation = { badgeClassCreate: { badgeClass: { id: string, name: string, status: BadgeClassStatus } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type BadgeClassPublishMutationVariables = Exact<{
  id: string | number;
}>;


export type BadgeClassPublishMutation = { badgeClassPublish: { badgeClass: { id: string, status: BadgeClassStatus } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type BadgeClassArchiveMutationVariables = Exact<{
  id: string | number;
}>;


export type BadgeClassArchiveMutation = { badgeClassArchive: { badgeClass: { id: string, status: BadgeClassStatus } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type BadgeClassImageSetMutationVariables = Exact<{
  id: string | number;
  imageBase64: string;
  format: ImageFormat;
}>;


export type BadgeClassImageSetMutation = { badgeClassImageSet: { badgeClass: { id: string, imageUrl: string } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type AdminBrandingQueryVariables = Exact<{ [key: string]: never; }>;


export type AdminBrandingQuery = { tenant: { id: string, name: string, branding: { color: string, logoUrl: string | null } } };

export type TenantBrandingUpdateMutationVariables = Exact<{
  input: TenantBrandingUpdateInput;
}>;


export type TenantBrandingUpdateMutation = { tenantBrandingUpdate: { branding: { color: string, logoUrl: string | null } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type AdminInsightsQueryVariables = Exact<{
  filter: InsightsFilter;
}>;


export type AdminInsightsQuery = { insights: { views: number, shareClicks: number, badgeClasses: Array<{ issued: number, revoked: number, expired: number, renewed: number, active: number, renewalRate: number | null, medianSecondsToEarn: number | null, badgeClass: { id: string, name: string } | null }>, pathways: Array<{ enrolled: number, completed: number, completionRate: number | null, pathway: { id: string, name: string } | null }>, skills: Array<{ awarded: number, holders: number, skill: { id: string, name: string } | null }>, courses: Array<{ completions: number, course: { id: string, title: string } | null }>, trends: Array<{ period: string, kind: string, metric: string, value: number }> }, pathways: { edges: Array<{ node: { id: string, name: string, status: PathwayStatus } }> } };

export type PathwayFunnelQueryVariables = Exact<{
  pathwayId: string | number;
}>;


export type PathwayFunnelQuery = { pathwayFunnel: Array<{ reached: number, enrolled: number, share: number | null, node: { id: string, title: string | null, badgeClass: { name: string } | null, course: { title: string } | null } }> };

export type ReportExportCreateMutationVariables = Exact<{
  input: ReportExportCreateInput;
}>;


export type ReportExportCreateMutation = { reportExportCreate: { reportExport: { id: string, status: ReportExportStatus } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type ReportExportStatusQueryVariables = Exact<{
  id: string | number;
}>;


export type ReportExportStatusQuery = { node:
    | { id: string, status: ReportExportStatus, downloadUrl: string | null, error: string | null, rows: number | null }
    | Record<PropertyKey, never>
   | null };

export type AdminIntegrationsQueryVariables = Exact<{ [key: string]: never; }>;


export type AdminIntegrationsQuery = { apiKeys: { edges: Array<{ node: { id: string, name: string, scopes: Array<ApiKeyScope>, createdAt: string, lastUsedAt: string | null, revokedAt: string | null } }> }, webhookEndpoints: Array<{ id: string, url: string, description: string | null, eventTypes: Array<string>, enabled: boolean, deliveries: { edges: Array<{ node: { id: string, eventType: string, status: WebhookDeliveryStatus, attempts: number, responseStatus: number | null, latencyMs: number | null, lastError: string | null, createdAt: string, deliveredAt: string | null } }> } }> };

export type ApiKeyCreateMutationVariables = Exact<{
  input: ApiKeyCreateInput;
}>;


export type ApiKeyCreateMutation = { apiKeyCreate: { secret: string | null, apiKey: { id: string } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type ApiKeyRevokeMutationVariables = Exact<{
  id: string | number;
}>;


export type ApiKeyRevokeMutation = { apiKeyRevoke: { apiKey: { id: string, revokedAt: string | null } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type WebhookEndpointCreateMutationVariables = Exact<{
  input: WebhookEndpointCreateInput;
}>;


export type WebhookEndpointCreateMutation = { webhookEndpointCreate: { secret: string | null, webhookEndpoint: { id: string } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type WebhookDeliveryReplayMutationVariables = Exact<{
  id: string | number;
}>;


export type WebhookDeliveryReplayMutation = { webhookDeliveryReplay: { webhookDelivery: { id: string, status: WebhookDeliveryStatus } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type AdminPathwaysQueryVariables = Exact<{ [key: string]: never; }>;


export type AdminPathwaysQuery = { pathways: { edges: Array<{ node: { id: string, name: string, status: PathwayStatus, version: number, audiences: Array<{ id: string, name: string }>, capstone: { id: string, name: string } | null } }> } };

export type PathwayEditorDataQueryVariables = Exact<{ [key: string]: never; }>;


export type PathwayEditorDataQuery = { badgeClasses: { edges: Array<{ node: { id: string, name: string, status: BadgeClassStatus } }> }, courses: { edges: Array<{ node: { id: string, title: string } }> }, audiences: Array<{ id: string, name: string }> };

export type PathwayForEditQueryVariables = Exact<{
  id: string | number;
}>;


export type PathwayForEditQuery = { node:
    | { id: string, name: string, description: string, status: PathwayStatus, autoEnrol: boolean, audiences: Array<{ id: string }>, capstone: { id: string } | null, root: { key: string | null, title: string | null, optional: boolean, kind: PathwayNodeKind, required: number | null, children: Array<{ key: string | null, title: string | null, optional: boolean, kind: PathwayNodeKind, required: number | null, children: Array<{ key: string | null, title: string | null, optional: boolean, kind: PathwayNodeKind, required: number | null, children: Array<{ key: string | null, title: string | null, optional: boolean, kind: PathwayNodeKind, required: number | null, children: Array<{ key: string | null, title: string | null, optional: boolean, kind: PathwayNodeKind, required: number | null, children: Array<{ key: string | null, title: string | null, optional: boolean, kind: PathwayNodeKind, required: number | null, badgeClass: { id: string } | null, course: { id: string } | null, milestone: { id: string } | null, prerequisites: Array<{ key: string | null }> }>, badgeClass: { id: string } | null, course: { id: string } | null, milestone: { id: string } | null, prerequisites: Array<{ key: string | null }> }>, badgeClass: { id: string } | null, course: { id: string } | null, milestone: { id: string } | null, prerequisites: Array<{ key: string | null }> }>, badgeClass: { id: string } | null, course: { id: string } | null, milestone: { id: string } | null, prerequisites: Array<{ key: string | null }> }>, badgeClass: { id: string } | null, course: { id: string } | null, milestone: { id: string } | null, prerequisites: Array<{ key: string | null }> }>, badgeClass: { id: string } | null, course: { id: string } | null, milestone: { id: string } | null, prerequisites: Array<{ key: string | null }> } }
    | Record<PropertyKey, never>
   | null };

export type TreeFieldsFragment = { key: string | null, title: string | null, optional: boolean, kind: PathwayNodeKind, required: number | null, badgeClass: { id: string } | null, course: { id: string } | null, milestone: { id: string } | null, prerequisites: Array<{ key: string | null }> };

export type PathwayCreateMutationVariables = Exact<{
  input: PathwayCreateInput;
}>;


export type PathwayCreateMutation = { pathwayCreate: { pathway: { id: string, name: string, status: PathwayStatus } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type PathwayUpdateMutationVariables = Exact<{
  input: PathwayUpdateInput;
}>;


export type PathwayUpdateMutation = { pathwayUpdate: { pathway: { id: string, name: string, status: PathwayStatus, version: number } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type PathwayPublishMutationVariables = Exact<{
  id: string | number;
}>;


export type PathwayPublishMutation = { pathwayPublish: { pathway: { id: string, status: PathwayStatus, version: number } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type PathwayArchiveMutationVariables = Exact<{
  id: string | number;
}>;


export type PathwayArchiveMutation = { pathwayArchive: { pathway: { id: string, status: PathwayStatus } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type AdminPeopleQueryVariables = Exact<{
  search?: string | null | undefined;
}>;


export type AdminPeopleQuery = { people: { edges: Array<{ node: { id: string, name: string, email: string | null, active: boolean, roles: Array<Role> | null, audience: { id: string, name: string }, manager: { id: string, name: string } | null } }> }, audiences: Array<{ id: string, name: string, kind: AudienceKind, partnerCompany: string | null }> };

export type PersonInviteMutationVariables = Exact<{
  input: PersonInviteInput;
}>;


export type PersonInviteMutation = { personInvite: { person: { id: string } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type PersonUpdateMutationVariables = Exact<{
  input: PersonUpdateInput;
}>;


export type PersonUpdateMutation = { personUpdate: { person: { id: string, roles: Array<Role> | null } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type PersonDeactivateMutationVariables = Exact<{
  id: string | number;
}>;


export type PersonDeactivateMutation = { personDeactivate: { person: { id: string, active: boolean } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type AudienceCreateMutationVariables = Exact<{
  input: AudienceCreateInput;
}>;


export type AudienceCreateMutation = { audienceCreate: { audience: { id: string } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type AdminRolesQueryVariables = Exact<{ [key: string]: never; }>;


export type AdminRolesQuery = { roleProfiles: { edges: Array<{ node: { id: string, name: string, description: string, skills: Array<{ level: number, skill: { id: string, name: string } }> } }> }, skills: { edges: Array<{ node: { id: string, name: string, frameworkGroup: string | null, frameworkUrl: string | null } }> } };

export type RoleProfileCreateMutationVariables = Exact<{
  input: RoleProfileCreateInput;
}>;


export type RoleProfileCreateMutation = { roleProfileCreate: { roleProfile: { id: string } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type SkillCreateMutationVariables = Exact<{
  input: SkillCreateInput;
}>;


export type SkillCreateMutation = { skillCreate: { skill: { id: string } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type AdminSignInQueryVariables = Exact<{ [key: string]: never; }>;


export type AdminSignInQuery = { portalOrigins: Array<string>, ssoConnections: Array<{ id: string, name: string, protocol: SsoProtocol, enabled: boolean, jitProvisioning: boolean, allowedDomains: Array<string>, loginUrl: string, callbackUrl: string | null, spMetadataUrl: string | null, spEntityId: string | null, acsUrl: string | null, oidcIssuer: string | null, oidcClientId: string | null, clientSecretSet: boolean, audience: { id: string, name: string } }>, audiences: Array<{ id: string, name: string }> };

export type SsoConnectionCreateMutationVariables = Exact<{
  input: SsoConnectionCreateInput;
}>;


export type SsoConnectionCreateMutation = { ssoConnectionCreate: { ssoConnection: { id: string, callbackUrl: string | null, spMetadataUrl: string | null } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type SsoConnectionEnableMutationVariables = Exact<{
  input: SsoConnectionUpdateInput;
}>;


export type SsoConnectionEnableMutation = { ssoConnectionUpdate: { ssoConnection: { id: string, enabled: boolean } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type PortalOriginsSetMutationVariables = Exact<{
  origins: Array<string> | string;
}>;


export type PortalOriginsSetMutation = { portalOriginsSet: { portalOrigins: Array<string> | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type BadgeDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type BadgeDetailQuery = { node:
    | { id: string, status: AwardStatus, issuedAt: string, expiresAt: string | null, revokedAt: string | null, revocationReason: string | null, suspendedAt: string | null, suspensionReason: string | null, visibility: Visibility, acceptance: AwardAcceptance, shareable: boolean, delegatedIssuer: string | null, verificationUrl: string, openBadge3Url: string, linkedInAddToProfileUrl: string, emailSignatureHtml: string, embedHtml: string, png: string, evidence: { url: string | null, narrative: string | null } | null, recipient: { id: string, name: string }, badgeClass: { id: string, name: string, description: string, imageUrl: string, criteriaNarrative: string, validityDays: number | null, skillLevels: Array<{ level: number, skill: { id: string, name: string } }> } }
    | Record<PropertyKey, never>
   | null };

export type AwardVisibilitySetMutationVariables = Exact<{
  input: AwardVisibilitySetInput;
}>;


export type AwardVisibilitySetMutation = { awardVisibilitySet: { award: { id: string, visibility: Visibility, shareable: boolean } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type MyGoalsQueryVariables = Exact<{ [key: string]: never; }>;


export type MyGoalsQuery = { viewer: { id: string, goals: Array<{ id: string, title: string | null, targetDate: string | null, status: GoalStatus, percent: number, onTrack: boolean | null, pathway: { id: string, name: string } | null, badgeClass: { id: string, name: string } | null }> } | null, pathways: { edges: Array<{ node: { id: string, name: string, status: PathwayStatus } }> }, badgeClasses: { edges: Array<{ node: { id: string, name: string } }> } };

export type GoalCreateMutationVariables = Exact<{
  input: GoalCreateInput;
}>;


export type GoalCreateMutation = { goalCreate: { goal: { id: string } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type GoalUpdateMutationVariables = Exact<{
  input: GoalUpdateInput;
}>;


export type GoalUpdateMutation = { goalUpdate: { goal: { id: string, targetDate: string | null, status: GoalStatus } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type LearnerHomeQueryVariables = Exact<{ [key: string]: never; }>;


export type LearnerHomeQuery = { viewer: { id: string, name: string, email: string | null, roles: Array<Role> | null, headline: string | null, profilePublic: boolean, awards: { edges: Array<{ node: { id: string, status: AwardStatus, issuedAt: string, expiresAt: string | null, visibility: Visibility, acceptance: AwardAcceptance, badgeClass: { id: string, name: string, imageUrl: string } } }> }, enrolments: { edges: Array<{ node: { id: string, percent: number, completedAt: string | null, pathway: { id: string, name: string }, next: Array<{ id: string, title: string | null, badgeClass: { name: string } | null, course: { title: string } | null }> } }> }, recommendations: Array<{ reason: string, badgeClass: { id: string, name: string, imageUrl: string } | null, course: { id: string, title: string } | null, pathway: { id: string, name: string } | null }>, audience: { id: string, name: string, kind: AudienceKind, partnerCompany: string | null } } | null, tenant: { id: string, name: string, slug: string, branding: { color: string, logoUrl: string | null } } };

export type AwardAcceptMutationVariables = Exact<{
  id: string | number;
}>;


export type AwardAcceptMutation = { awardAccept: { award: { id: string, acceptance: AwardAcceptance } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type AwardDeclineMutationVariables = Exact<{
  id: string | number;
}>;


export type AwardDeclineMutation = { awardDecline: { award: { id: string, acceptance: AwardAcceptance } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type MyPathwaysQueryVariables = Exact<{ [key: string]: never; }>;


export type MyPathwaysQuery = { viewer: { id: string, enrolments: { edges: Array<{ node: { id: string, percent: number, enrolledAt: string, completedAt: string | null, pathway: { id: string, name: string, description: string, capstone: { id: string, name: string } | null }, nodes: Array<{ met: boolean, locked: boolean, percent: number, missing: string | null, node: { id: string, title: string | null, kind: PathwayNodeKind, optional: boolean, badgeClass: { id: string, name: string } | null, course: { id: string, title: string } | null } }>, next: Array<{ id: string, title: string | null, badgeClass: { id: string, name: string } | null, course: { id: string, title: string } | null }> } }> } } | null, pathways: { edges: Array<{ node: { id: string, name: string, description: string, status: PathwayStatus, viewerEnrolment: { id: string } | null } }> } };

export type PathwayEnrolSelfMutationVariables = Exact<{
  input: PathwayEnrolInput;
}>;


export type PathwayEnrolSelfMutation = { pathwayEnrol: { enrolment: { id: string } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type MyProfileQueryVariables = Exact<{ [key: string]: never; }>;


export type MyProfileQuery = { viewer: { id: string, name: string, email: string | null, headline: string | null, profilePublic: boolean, profileUrl: string | null, did: string | null, audience: { id: string, name: string }, manager: { id: string, name: string } | null, awards: { edges: Array<{ node: { id: string, visibility: Visibility, acceptance: AwardAcceptance, status: AwardStatus, badgeClass: { id: string, name: string, imageUrl: string } } }> } } | null };

export type ViewerProfileUpdateMutationVariables = Exact<{
  profilePublic?: boolean | null | undefined;
  headline?: string | null | undefined;
  did?: string | null | undefined;
}>;


export type ViewerProfileUpdateMutation = { viewerProfileUpdate: { person: { id: string, headline: string | null, profilePublic: boolean, did: string | null, profileUrl: string | null } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type MySkillsQueryVariables = Exact<{ [key: string]: never; }>;


export type MySkillsQuery = { viewer: { id: string, skills: Array<{ level: number, lapsesAt: string | null, skill: { id: string, name: string, frameworkGroup: string | null }, awards: Array<{ id: string, badgeClass: { name: string } }> }> | null, currentRole: { id: string, name: string } | null, targetRoles: Array<{ id: string, name: string }> } | null, roleProfiles: { edges: Array<{ node: { id: string, name: string } }> } };

export type MySkillGapQueryVariables = Exact<{
  roleId: string | number;
}>;


export type MySkillGapQuery = { viewer: { id: string, skillGap: { coverage: number, role: { id: string, name: string }, skills: Array<{ requiredLevel: number, currentLevel: number, met: boolean, skill: { id: string, name: string }, closers: Array<{ id: string, name: string }>, pathways: Array<{ id: string, name: string }> }> } } | null };

export type PersonTargetRolesSetMutationVariables = Exact<{
  personId: string | number;
  roleIds: Array<string | number> | string | number;
}>;


export type PersonTargetRolesSetMutation = { personTargetRolesSet: { person: { id: string, targetRoles: Array<{ id: string, name: string }> } | null, errors: Array<{ code: string, field: string | null, message: string }> } };

export type MyTeamQueryVariables = Exact<{ [key: string]: never; }>;


export type MyTeamQuery = { people: { edges: Array<{ node: { id: string, name: string, email: string | null, currentRole: { id: string, name: string } | null, enrolments: { edges: Array<{ node: { id: string, percent: number, completedAt: string | null, pathway: { id: string, name: string } } }> }, goals: Array<{ id: string, title: string | null, targetDate: string | null, status: GoalStatus, percent: number, onTrack: boolean | null, pathway: { id: string, name: string } | null, badgeClass: { id: string, name: string } | null }> } }> }, roleProfiles: { edges: Array<{ node: { id: string, name: string } }> }, pathways: { edges: Array<{ node: { id: string, name: string } }> }, badgeClasses: { edges: Array<{ node: { id: string, name: string } }> } };

export type TeamGapQueryVariables = Exact<{
  roleId: string | number;
}>;


export type TeamGapQuery = { teamSkillGap: { people: number, coverage: number, role: { id: string, name: string }, gaps: Array<{ requiredLevel: number, meeting: number, missing: number, coverage: number, skill: { id: string, name: string } }>, matrix: Array<{ met: number, person: { id: string, name: string }, skills: Array<{ level: number, met: boolean, skill: { id: string } }> }>, lapsing: Array<{ level: number, lapsesAt: string, person: { id: string, name: string }, skill: { id: string, name: string } }>, skills: Array<{ requiredLevel: number, skill: { id: string, name: string } }> } };

export type PathwayEnrolReportsMutationVariables = Exact<{
  input: PathwayEnrolInput;
}>;


export type PathwayEnrolReportsMutation = { pathwayEnrol: { enrolments: Array<{ id: string, person: { id: string, name: string } | null }>, errors: Array<{ code: string, field: string | null, message: string }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ShellFragmentDoc = new TypedDocumentString(`
    fragment Shell on Query {
  viewer {
    id
    name
    email
    roles
    headline
    profilePublic
    audience {
      id
      name
      kind
      partnerCompany
    }
  }
  tenant {
    id
    name
    slug
    branding {
      color
      logoUrl
    }
  }
}
    `, {"fragmentName":"Shell"}) as unknown as TypedDocumentString<ShellFragment, unknown>;
export const TreeFieldsFragmentDoc = new TypedDocumentString(`
    fragment TreeFields on PathwayNode {
  key
  title
  optional
  kind
  required
  badgeClass {
    id
  }
  course {
    id
  }
  milestone {
    id
  }
  prerequisites {
    key
  }
}
    `, {"fragmentName":"TreeFields"}) as unknown as TypedDocumentString<TreeFieldsFragment, unknown>;
export const ShellDocument = new TypedDocumentString(`
    query Shell {
  ...Shell
}
    fragment Shell on Query {
  viewer {
    id
    name
    email
    roles
    headline
    profilePublic
    audience {
      id
      name
      kind
      partnerCompany
    }
  }
  tenant {
    id
    name
    slug
    branding {
      color
      logoUrl
    }
  }
}`, {"hash":"sha256:81a2df712512580436d20b8c2b094ece68c6041b699c34fad0d9ac05bdf52a2f"}) as unknown as TypedDocumentString<ShellQuery, ShellQueryVariables>;
export const AdminBadgesDocument = new TypedDocumentString(`
    query AdminBadges {
  badgeClasses(first: 100) {
    edges {
      node {
        id
        name
        description
        status
        imageUrl
        validityDays
        points
        skillLevels {
          level
          skill {
            id
            name
          }
        }
      }
    }
  }
  courses(first: 100) {
    edges {
      node {
        id
        title
        assessments {
          id
          title
        }
      }
    }
  }
  skills(first: 100) {
    edges {
      node {
        id
        name
      }
    }
  }
}
    `, {"hash":"sha256:1ae2a69c95d741b18621f4290ad713214d4bc84abefb70d87078ccfbfecf229d"}) as unknown as TypedDocumentString<AdminBadgesQuery, AdminBadgesQueryVariables>;
export const BadgeClassCreateDocument = new TypedDocumentString(`
    mutation BadgeClassCreate($input: BadgeClassCreateInput!) {
  badgeClassCreate(input: $input) {
    badgeClass {
      id
      name
      status
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:a65eda496336103335ebfb7cb57c7da33030ff4a77f15e8d283d8be8682f4681"}) as unknown as TypedDocumentString<BadgeClassCreateMutation, BadgeClassCreateMutationVariables>;
export const BadgeClassPublishDocument = new TypedDocumentString(`
    mutation BadgeClassPublish($id: ID!) {
  badgeClassPublish(id: $id) {
    badgeClass {
      id
      status
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:d40e1b717bac3fc1114772377a7b2460cc60c7e3232cf03a66348e63a8fca316"}) as unknown as TypedDocumentString<BadgeClassPublishMutation, BadgeClassPublishMutationVariables>;
export const BadgeClassArchiveDocument = new TypedDocumentString(`
    mutation BadgeClassArchive($id: ID!) {
  badgeClassArchive(id: $id) {
    badgeClass {
      id
      status
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:c576c78bf26749e915be43e1f881940203aba297f047bf93b4066b6d2ef6938f"}) as unknown as TypedDocumentString<BadgeClassArchiveMutation, BadgeClassArchiveMutationVariables>;
export const BadgeClassImageSetDocument = new TypedDocumentString(`
    mutation BadgeClassImageSet($id: ID!, $imageBase64: String!, $format: ImageFormat!) {
  badgeClassImageSet(id: $id, imageBase64: $imageBase64, format: $format) {
    badgeClass {
      id
      imageUrl
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:30ef7b7d8a130f85b8c53ea7efbba4e2df0385042ac69bd4730e48198c3d27ed"}) as unknown as TypedDocumentString<BadgeClassImageSetMutation, BadgeClassImageSetMutationVariables>;
export const AdminBrandingDocument = new TypedDocumentString(`
    query AdminBranding {
  tenant {
    id
    name
    branding {
      color
      logoUrl
    }
  }
}
    `, {"hash":"sha256:f70e1677a91c362020803ebd82adc4179c23954b44c15f7b976c200ae9f66830"}) as unknown as TypedDocumentString<AdminBrandingQuery, AdminBrandingQueryVariables>;
export const TenantBrandingUpdateDocument = new TypedDocumentString(`
    mutation TenantBrandingUpdate($input: TenantBrandingUpdateInput!) {
  tenantBrandingUpdate(input: $input) {
    branding {
      color
      logoUrl
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:b0d22cc4bf6e97f748de868b3f2c9c13700846fc8cee4ad30063cfd544c3ec8d"}) as unknown as TypedDocumentString<TenantBrandingUpdateMutation, TenantBrandingUpdateMutationVariables>;
export const AdminInsightsDocument = new TypedDocumentString(`
    query AdminInsights($filter: InsightsFilter!) {
  insights(filter: $filter) {
    views
    shareClicks
    badgeClasses {
      issued
      revoked
      expired
      renewed
      active
      renewalRate
      medianSecondsToEarn
      badgeClass {
        id
        name
      }
    }
    pathways {
      enrolled
      completed
      completionRate
      pathway {
        id
        name
      }
    }
    skills {
      awarded
      holders
      skill {
        id
        name
      }
    }
    courses {
      completions
      course {
        id
        title
      }
    }
    trends {
      period
      kind
      metric
      value
    }
  }
  pathways(first: 100) {
    edges {
      node {
        id
        name
        status
      }
    }
  }
}
    `, {"hash":"sha256:79d5e5edfc415bb728b529136a9517189ef9629e17654b2acd8b4405d7a6b199"}) as unknown as TypedDocumentString<AdminInsightsQuery, AdminInsightsQueryVariables>;
export const PathwayFunnelDocument = new TypedDocumentString(`
    query PathwayFunnel($pathwayId: ID!) {
  pathwayFunnel(pathwayId: $pathwayId) {
    reached
    enrolled
    share
    node {
      id
      title
      badgeClass {
        name
      }
      course {
        title
      }
    }
  }
}
    `, {"hash":"sha256:72fcca6cb2af7398f0649858780dfbf5ccc8917763df3f3ee2cb659d7e04ce4b"}) as unknown as TypedDocumentString<PathwayFunnelQuery, PathwayFunnelQueryVariables>;
export const ReportExportCreateDocument = new TypedDocumentString(`
    mutation ReportExportCreate($input: ReportExportCreateInput!) {
  reportExportCreate(input: $input) {
    reportExport {
      id
      status
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:0ffb2d86bbbdb7fe91c55834c5dc9a39eddba631c48272e825649025a91c4641"}) as unknown as TypedDocumentString<ReportExportCreateMutation, ReportExportCreateMutationVariables>;
export const ReportExportStatusDocument = new TypedDocumentString(`
    query ReportExportStatus($id: ID!) {
  node(id: $id) {
    ... on ReportExport {
      id
      status
      downloadUrl
      error
      rows
    }
  }
}
    `, {"hash":"sha256:451ed20937e2b290ce52c00d4432b35b17a34a26d8309f00f0c00fb3e0af958b"}) as unknown as TypedDocumentString<ReportExportStatusQuery, ReportExportStatusQueryVariables>;
export const AdminIntegrationsDocument = new TypedDocumentString(`
    query AdminIntegrations {
  apiKeys(first: 100) {
    edges {
      node {
        id
        name
        scopes
        createdAt
        lastUsedAt
        revokedAt
      }
    }
  }
  webhookEndpoints {
    id
    url
    description
    eventTypes
    enabled
    deliveries(first: 10) {
      edges {
        node {
          id
          eventType
          status
          attempts
          responseStatus
          latencyMs
          lastError
          createdAt
          deliveredAt
        }
      }
    }
  }
}
    `, {"hash":"sha256:29978392e9f696ee7017f1ee44d0e9f4c01e777a8a4903fac1930f8c3a135a1c"}) as unknown as TypedDocumentString<AdminIntegrationsQuery, AdminIntegrationsQueryVariables>;
export const ApiKeyCreateDocument = new TypedDocumentString(`
    mutation ApiKeyCreate($input: ApiKeyCreateInput!) {
  apiKeyCreate(input: $input) {
    apiKey {
      id
    }
    secret
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:19a936a3adea0bdf4eaf99cb1ffcb41c5f7fd303d3d630709d21d70e7a2ead83"}) as unknown as TypedDocumentString<ApiKeyCreateMutation, ApiKeyCreateMutationVariables>;
export const ApiKeyRevokeDocument = new TypedDocumentString(`
    mutation ApiKeyRevoke($id: ID!) {
  apiKeyRevoke(id: $id) {
    apiKey {
      id
      revokedAt
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:1c7f8d003ccb69bc1823d4c4df0c9402a1587bd40bb0263805ac4bd8ab6acffc"}) as unknown as TypedDocumentString<ApiKeyRevokeMutation, ApiKeyRevokeMutationVariables>;
export const WebhookEndpointCreateDocument = new TypedDocumentString(`
    mutation WebhookEndpointCreate($input: WebhookEndpointCreateInput!) {
  webhookEndpointCreate(input: $input) {
    webhookEndpoint {
      id
    }
    secret
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:8346bbf554002f40552ca9a43254462901636c301d6d19d59e9b52b1461e2ac4"}) as unknown as TypedDocumentString<WebhookEndpointCreateMutation, WebhookEndpointCreateMutationVariables>;
export const WebhookDeliveryReplayDocument = new TypedDocumentString(`
    mutation WebhookDeliveryReplay($id: ID!) {
  webhookDeliveryReplay(id: $id) {
    webhookDelivery {
      id
      status
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:9b97511521d9681d7baec8c9689b56f8eaeb844756343e582f208ae66e4550a6"}) as unknown as TypedDocumentString<WebhookDeliveryReplayMutation, WebhookDeliveryReplayMutationVariables>;
export const AdminPathwaysDocument = new TypedDocumentString(`
    query AdminPathways {
  pathways(first: 100) {
    edges {
      node {
        id
        name
        status
        version
        audiences {
          id
          name
        }
        capstone {
          id
          name
        }
      }
    }
  }
}
    `, {"hash":"sha256:f352cc5d3fbff89453934fe3bfbd645c751c2f3a939adf4f1e7c850595fa753c"}) as unknown as TypedDocumentString<AdminPathwaysQuery, AdminPathwaysQueryVariables>;
export const PathwayEditorDataDocument = new TypedDocumentString(`
    query PathwayEditorData {
  badgeClasses(first: 100) {
    edges {
      node {
        id
        name
        status
      }
    }
  }
  courses(first: 100) {
    edges {
      node {
        id
        title
      }
    }
  }
  audiences {
    id
    name
  }
}
    `, {"hash":"sha256:77080027c8fd6ecee6a9624a1305df86ad8fdfc82e2fe2ec5e54da7c2465ccf4"}) as unknown as TypedDocumentString<PathwayEditorDataQuery, PathwayEditorDataQueryVariables>;
export const PathwayForEditDocument = new TypedDocumentString(`
    query PathwayForEdit($id: ID!) {
  node(id: $id) {
    ... on Pathway {
      id
      name
      description
      status
      autoEnrol
      audiences {
        id
      }
      capstone {
        id
      }
      root {
        ...TreeFields
        children {
          ...TreeFields
          children {
            ...TreeFields
            children {
              ...TreeFields
              children {
                ...TreeFields
                children {
                  ...TreeFields
                }
              }
            }
          }
        }
      }
    }
  }
}
    fragment TreeFields on PathwayNode {
  key
  title
  optional
  kind
  required
  badgeClass {
    id
  }
  course {
    id
  }
  milestone {
    id
  }
  prerequisites {
    key
  }
}`, {"hash":"sha256:4230b962f4693d541bd0a67b9f7da9761fe26e3338c8c8dc31fc79c59ba0259b"}) as unknown as TypedDocumentString<PathwayForEditQuery, PathwayForEditQueryVariables>;
export const PathwayCreateDocument = new TypedDocumentString(`
    mutation PathwayCreate($input: PathwayCreateInput!) {
  pathwayCreate(input: $input) {
    pathway {
      id
      name
      status
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:3d2f52187b8c71455e985cebed4a0eea1b7248ee2fd2e503ea4961623add4cf1"}) as unknown as TypedDocumentString<PathwayCreateMutation, PathwayCreateMutationVariables>;
export const PathwayUpdateDocument = new TypedDocumentString(`
    mutation PathwayUpdate($input: PathwayUpdateInput!) {
  pathwayUpdate(input: $input) {
    pathway {
      id
      name
      status
      version
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:3cb078d90c0bf01bb007c85c72b4f4401ac9f9bc9f5c648cd14c48b26000151d"}) as unknown as TypedDocumentString<PathwayUpdateMutation, PathwayUpdateMutationVariables>;
export const PathwayPublishDocument = new TypedDocumentString(`
    mutation PathwayPublish($id: ID!) {
  pathwayPublish(id: $id) {
    pathway {
      id
      status
      version
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:8c2c7b36f34d654e484bb9aac4d2641cc56680f681c9f14dec2a28d164484ec6"}) as unknown as TypedDocumentString<PathwayPublishMutation, PathwayPublishMutationVariables>;
export const PathwayArchiveDocument = new TypedDocumentString(`
    mutation PathwayArchive($id: ID!) {
  pathwayArchive(id: $id) {
    pathway {
      id
      status
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:90f55de4dd9db795fd1eb98cacff0407d191a3c3b83896be9ec940c836c151d5"}) as unknown as TypedDocumentString<PathwayArchiveMutation, PathwayArchiveMutationVariables>;
export const AdminPeopleDocument = new TypedDocumentString(`
    query AdminPeople($search: String) {
  people(first: 100, filter: {search: $search}) {
    edges {
      node {
        id
        name
        email
        active
        roles
        audience {
          id
          name
        }
        manager {
          id
          name
        }
      }
    }
  }
  audiences {
    id
    name
    kind
    partnerCompany
  }
}
    `, {"hash":"sha256:76edbc7422d002c0e31bcd82d4f04e112ed7c4bd54517f0825387aad6255c097"}) as unknown as TypedDocumentString<AdminPeopleQuery, AdminPeopleQueryVariables>;
export const PersonInviteDocument = new TypedDocumentString(`
    mutation PersonInvite($input: PersonInviteInput!) {
  personInvite(input: $input) {
    person {
      id
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:f02e9be1ae0e61e8625b9316099ccec85ff31cb5ac3423c16c6253d8abc7eb4f"}) as unknown as TypedDocumentString<PersonInviteMutation, PersonInviteMutationVariables>;
export const PersonUpdateDocument = new TypedDocumentString(`
    mutation PersonUpdate($input: PersonUpdateInput!) {
  personUpdate(input: $input) {
    person {
      id
      roles
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:44b3d3e0d8444d24662b39b0b8beeb932a745b5742f78fadb1cda6479765fdb7"}) as unknown as TypedDocumentString<PersonUpdateMutation, PersonUpdateMutationVariables>;
export const PersonDeactivateDocument = new TypedDocumentString(`
    mutation PersonDeactivate($id: ID!) {
  personDeactivate(id: $id) {
    person {
      id
      active
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:f0448c9772d55a5f75ee298c08268ac843ed1b0576158db267de911d8c3ed2b2"}) as unknown as TypedDocumentString<PersonDeactivateMutation, PersonDeactivateMutationVariables>;
export const AudienceCreateDocument = new TypedDocumentString(`
    mutation AudienceCreate($input: AudienceCreateInput!) {
  audienceCreate(input: $input) {
    audience {
      id
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:1eba658e8c646a303dc08e264267ce9c9f9a3e0d53c4c74f178d0ebdf166350e"}) as unknown as TypedDocumentString<AudienceCreateMutation, AudienceCreateMutationVariables>;
export const AdminRolesDocument = new TypedDocumentString(`
    query AdminRoles {
  roleProfiles(first: 100) {
    edges {
      node {
        id
        name
        description
        skills {
          level
          skill {
            id
            name
          }
        }
      }
    }
  }
  skills(first: 100) {
    edges {
      node {
        id
        name
        frameworkGroup
        frameworkUrl
      }
    }
  }
}
    `, {"hash":"sha256:96457d47c9058d1965d22ef015ec23eec8f8b7561d142c451a364cd4b50d7f09"}) as unknown as TypedDocumentString<AdminRolesQuery, AdminRolesQueryVariables>;
export const RoleProfileCreateDocument = new TypedDocumentString(`
    mutation RoleProfileCreate($input: RoleProfileCreateInput!) {
  roleProfileCreate(input: $input) {
    roleProfile {
      id
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:6c956bd497f0119a6581612f50bca69d560f114d8646a5cdce216e00c8c9caa9"}) as unknown as TypedDocumentString<RoleProfileCreateMutation, RoleProfileCreateMutationVariables>;
export const SkillCreateDocument = new TypedDocumentString(`
    mutation SkillCreate($input: SkillCreateInput!) {
  skillCreate(input: $input) {
    skill {
      id
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:b5d982f0f2362f5f6cdea201f4441ea20edfa5de5009fce97c365ad4279d06c2"}) as unknown as TypedDocumentString<SkillCreateMutation, SkillCreateMutationVariables>;
export const AdminSignInDocument = new TypedDocumentString(`
    query AdminSignIn {
  ssoConnections {
    id
    name
    protocol
    enabled
    jitProvisioning
    allowedDomains
    loginUrl
    callbackUrl
    spMetadataUrl
    spEntityId
    acsUrl
    oidcIssuer
    oidcClientId
    clientSecretSet
    audience {
      id
      name
    }
  }
  portalOrigins
  audiences {
    id
    name
  }
}
    `, {"hash":"sha256:292400c6209ced9d6e694dec4644f1120f19c48942ca8e002ff6684fb34b233b"}) as unknown as TypedDocumentString<AdminSignInQuery, AdminSignInQueryVariables>;
export const SsoConnectionCreateDocument = new TypedDocumentString(`
    mutation SsoConnectionCreate($input: SsoConnectionCreateInput!) {
  ssoConnectionCreate(input: $input) {
    ssoConnection {
      id
      callbackUrl
      spMetadataUrl
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:411757dcd88f1c45adf457938140056e60ae34c5c555fcc5d9a6850f15755db0"}) as unknown as TypedDocumentString<SsoConnectionCreateMutation, SsoConnectionCreateMutationVariables>;
export const SsoConnectionEnableDocument = new TypedDocumentString(`
    mutation SsoConnectionEnable($input: SsoConnectionUpdateInput!) {
  ssoConnectionUpdate(input: $input) {
    ssoConnection {
      id
      enabled
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:72053923166546649f9f8be5b8be7965bfe157bedefcca251ad737e4c15ed48c"}) as unknown as TypedDocumentString<SsoConnectionEnableMutation, SsoConnectionEnableMutationVariables>;
export const PortalOriginsSetDocument = new TypedDocumentString(`
    mutation PortalOriginsSet($origins: [String!]!) {
  portalOriginsSet(origins: $origins) {
    portalOrigins
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:d269f27a09d327cc6814ae960e246dfd407e24ab2d529bd2b1f6b1d4d7a14bae"}) as unknown as TypedDocumentString<PortalOriginsSetMutation, PortalOriginsSetMutationVariables>;
export const BadgeDetailDocument = new TypedDocumentString(`
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
      evidence {
        url
        narrative
      }
      verificationUrl
      openBadge3Url
      linkedInAddToProfileUrl
      emailSignatureHtml
      embedHtml
      png: bakedImageUrl(format: PNG, version: V2)
      recipient {
        id
        name
      }
      badgeClass {
        id
        name
        description
        imageUrl
        criteriaNarrative
        validityDays
        skillLevels {
          level
          skill {
            id
            name
          }
        }
      }
    }
  }
}
    `, {"hash":"sha256:4a477bc64ff1efa8af0c27e714d2b05529cd254d950598254a6960298667dfae"}) as unknown as TypedDocumentString<BadgeDetailQuery, BadgeDetailQueryVariables>;
export const AwardVisibilitySetDocument = new TypedDocumentString(`
    mutation AwardVisibilitySet($input: AwardVisibilitySetInput!) {
  awardVisibilitySet(input: $input) {
    award {
      id
      visibility
      shareable
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:42b27dca436378fa9a0624312b084560b39a12a092db5f2a0a29dae58014ca48"}) as unknown as TypedDocumentString<AwardVisibilitySetMutation, AwardVisibilitySetMutationVariables>;
export const MyGoalsDocument = new TypedDocumentString(`
    query MyGoals {
  viewer {
    id
    goals {
      id
      title
      targetDate
      status
      percent
      onTrack
      pathway {
        id
        name
      }
      badgeClass {
        id
        name
      }
    }
  }
  pathways(first: 100) {
    edges {
      node {
        id
        name
        status
      }
    }
  }
  badgeClasses(first: 100, filter: {status: PUBLISHED}) {
    edges {
      node {
        id
        name
      }
    }
  }
}
    `, {"hash":"sha256:50362410b84f87311a7626b4b343de11c24b08bff7837a35a31d66563d1a011b"}) as unknown as TypedDocumentString<MyGoalsQuery, MyGoalsQueryVariables>;
export const GoalCreateDocument = new TypedDocumentString(`
    mutation GoalCreate($input: GoalCreateInput!) {
  goalCreate(input: $input) {
    goal {
      id
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:dd140a1f97d7cb1150587ab6f8d2f1459caf7ec32ea79153ec48a3e3900eaec2"}) as unknown as TypedDocumentString<GoalCreateMutation, GoalCreateMutationVariables>;
export const GoalUpdateDocument = new TypedDocumentString(`
    mutation GoalUpdate($input: GoalUpdateInput!) {
  goalUpdate(input: $input) {
    goal {
      id
      targetDate
      status
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:bf194d3ddf865b0e121760b2db0ef099aa8fd9fce60719a049286e4b63fd0010"}) as unknown as TypedDocumentString<GoalUpdateMutation, GoalUpdateMutationVariables>;
export const LearnerHomeDocument = new TypedDocumentString(`
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
          badgeClass {
            id
            name
            imageUrl
          }
        }
      }
    }
    enrolments(first: 4) {
      edges {
        node {
          id
          percent
          completedAt
          pathway {
            id
            name
          }
          next(first: 1) {
            id
            title
            badgeClass {
              name
            }
            course {
              title
            }
          }
        }
      }
    }
    recommendations(first: 4) {
      reason
      badgeClass {
        id
        name
        imageUrl
      }
      course {
        id
        title
      }
      pathway {
        id
        name
      }
    }
  }
}
    fragment Shell on Query {
  viewer {
    id
    name
    email
    roles
    headline
    profilePublic
    audience {
      id
      name
      kind
      partnerCompany
    }
  }
  tenant {
    id
    name
    slug
    branding {
      color
      logoUrl
    }
  }
}`, {"hash":"sha256:d1cae52e3d5cadbf899e8c2d85cd4954a325cbf141e345799e4e0199dab2ad80"}) as unknown as TypedDocumentString<LearnerHomeQuery, LearnerHomeQueryVariables>;
export const AwardAcceptDocument = new TypedDocumentString(`
    mutation AwardAccept($id: ID!) {
  awardAccept(id: $id) {
    award {
      id
      acceptance
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:76ac1dd55471f8dd3a8ca28ebbd54af93718f70fc190500a54451261ec6ed4ff"}) as unknown as TypedDocumentString<AwardAcceptMutation, AwardAcceptMutationVariables>;
export const AwardDeclineDocument = new TypedDocumentString(`
    mutation AwardDecline($id: ID!) {
  awardDecline(id: $id) {
    award {
      id
      acceptance
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:91b7bd65e28da087c84ded6f84d63396357d98c497a7154272670731fa4fbcc7"}) as unknown as TypedDocumentString<AwardDeclineMutation, AwardDeclineMutationVariables>;
export const MyPathwaysDocument = new TypedDocumentString(`
    query MyPathways {
  viewer {
    id
    enrolments(first: 50) {
      edges {
        node {
          id
          percent
          enrolledAt
          completedAt
          pathway {
            id
            name
            description
            capstone {
              id
              name
            }
          }
          nodes {
            met
            locked
            percent
            missing
            node {
              id
              title
              kind
              optional
              badgeClass {
                id
                name
              }
              course {
                id
                title
              }
            }
          }
          next(first: 3) {
            id
            title
            badgeClass {
              id
              name
            }
            course {
              id
              title
            }
          }
        }
      }
    }
  }
  pathways(first: 50) {
    edges {
      node {
        id
        name
        description
        status
        viewerEnrolment {
          id
        }
      }
    }
  }
}
    `, {"hash":"sha256:ed4ed73beb43bbf11ce9a1cc5df90c084615c8ca1014d10c4948fc128b6df014"}) as unknown as TypedDocumentString<MyPathwaysQuery, MyPathwaysQueryVariables>;
export const PathwayEnrolSelfDocument = new TypedDocumentString(`
    mutation PathwayEnrolSelf($input: PathwayEnrolInput!) {
  pathwayEnrol(input: $input) {
    enrolment {
      id
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:fed0bca17796df6e56d32785b6d81ec1cee139a2f44d04eafaf3bcc11bc02b98"}) as unknown as TypedDocumentString<PathwayEnrolSelfMutation, PathwayEnrolSelfMutationVariables>;
export const MyProfileDocument = new TypedDocumentString(`
    query MyProfile {
  viewer {
    id
    name
    email
    headline
    profilePublic
    profileUrl
    did
    audience {
      id
      name
    }
    manager {
      id
      name
    }
    awards(first: 100) {
      edges {
        node {
          id
          visibility
          acceptance
          status
          badgeClass {
            id
            name
            imageUrl
          }
        }
      }
    }
  }
}
    `, {"hash":"sha256:78278e1592a27424be3aecd9e33d448825b8473178daebc6c28ab85daa2e6cd6"}) as unknown as TypedDocumentString<MyProfileQuery, MyProfileQueryVariables>;
export const ViewerProfileUpdateDocument = new TypedDocumentString(`
    mutation ViewerProfileUpdate($profilePublic: Boolean, $headline: String, $did: String) {
  viewerProfileUpdate(
    profilePublic: $profilePublic
    headline: $headline
    did: $did
  ) {
    person {
      id
      headline
      profilePublic
      did
      profileUrl
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:23cb3a80d60f6407d710031a9b9ae35f3123b61e993ca94ad788ed271381d1a3"}) as unknown as TypedDocumentString<ViewerProfileUpdateMutation, ViewerProfileUpdateMutationVariables>;
export const MySkillsDocument = new TypedDocumentString(`
    query MySkills {
  viewer {
    id
    skills {
      level
      lapsesAt
      skill {
        id
        name
        frameworkGroup
      }
      awards {
        id
        badgeClass {
          name
        }
      }
    }
    currentRole {
      id
      name
    }
    targetRoles {
      id
      name
    }
  }
  roleProfiles(first: 100) {
    edges {
      node {
        id
        name
      }
    }
  }
}
    `, {"hash":"sha256:f907bc5a009d5dc8805a7eec64f3600c30eef7ecdfc32e1eb5090a6bedb45780"}) as unknown as TypedDocumentString<MySkillsQuery, MySkillsQueryVariables>;
export const MySkillGapDocument = new TypedDocumentString(`
    query MySkillGap($roleId: ID!) {
  viewer {
    id
    skillGap(roleId: $roleId) {
      coverage
      role {
        id
        name
      }
      skills {
        requiredLevel
        currentLevel
        met
        skill {
          id
          name
        }
        closers {
          id
          name
        }
        pathways {
          id
          name
        }
      }
    }
  }
}
    `, {"hash":"sha256:38e198ee89b5f1355df52c09c5e760e46447ecf83610be0d87c06d12e3ee35be"}) as unknown as TypedDocumentString<MySkillGapQuery, MySkillGapQueryVariables>;
export const PersonTargetRolesSetDocument = new TypedDocumentString(`
    mutation PersonTargetRolesSet($personId: ID!, $roleIds: [ID!]!) {
  personTargetRolesSet(personId: $personId, roleIds: $roleIds) {
    person {
      id
      targetRoles {
        id
        name
      }
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:ffd9827b14d214043686ac4501edce65af57f89412fb75698b0692e7bf2a820b"}) as unknown as TypedDocumentString<PersonTargetRolesSetMutation, PersonTargetRolesSetMutationVariables>;
export const MyTeamDocument = new TypedDocumentString(`
    query MyTeam {
  people(first: 100, filter: {reportsOnly: true, active: true}) {
    edges {
      node {
        id
        name
        email
        currentRole {
          id
          name
        }
        enrolments(first: 10) {
          edges {
            node {
              id
              percent
              completedAt
              pathway {
                id
                name
              }
            }
          }
        }
        goals {
          id
          title
          targetDate
          status
          percent
          onTrack
          pathway {
            id
            name
          }
          badgeClass {
            id
            name
          }
        }
      }
    }
  }
  roleProfiles(first: 100) {
    edges {
      node {
        id
        name
      }
    }
  }
  pathways(first: 100, filter: {status: PUBLISHED}) {
    edges {
      node {
        id
        name
      }
    }
  }
  badgeClasses(first: 100, filter: {status: PUBLISHED}) {
    edges {
      node {
        id
        name
      }
    }
  }
}
    `, {"hash":"sha256:d850c955072676941f1414e784c66f69afe3509205e2cab53a00cd0ffa542b03"}) as unknown as TypedDocumentString<MyTeamQuery, MyTeamQueryVariables>;
export const TeamGapDocument = new TypedDocumentString(`
    query TeamGap($roleId: ID!) {
  teamSkillGap(roleId: $roleId) {
    people
    coverage
    role {
      id
      name
    }
    gaps(first: 10) {
      requiredLevel
      meeting
      missing
      coverage
      skill {
        id
        name
      }
    }
    matrix(first: 50) {
      met
      person {
        id
        name
      }
      skills {
        level
        met
        skill {
          id
        }
      }
    }
    lapsing(days: 60) {
      level
      lapsesAt
      person {
        id
        name
      }
      skill {
        id
        name
      }
    }
    skills {
      skill {
        id
        name
      }
      requiredLevel
    }
  }
}
    `, {"hash":"sha256:24b2cfbc1b60b0c63dd3096fbeef20170a755e9ee75f503d63e02c1dea557bc3"}) as unknown as TypedDocumentString<TeamGapQuery, TeamGapQueryVariables>;
export const PathwayEnrolReportsDocument = new TypedDocumentString(`
    mutation PathwayEnrolReports($input: PathwayEnrolInput!) {
  pathwayEnrol(input: $input) {
    enrolments {
      id
      person {
        id
        name
      }
    }
    errors {
      code
      field
      message
    }
  }
}
    `, {"hash":"sha256:29f4904126426eade9036dc4dee1862de04f110f6c32192bcda104a036f2fd11"}) as unknown as TypedDocumentString<PathwayEnrolReportsMutation, PathwayEnrolReportsMutationVariables>;