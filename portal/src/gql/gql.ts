/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment Shell on Query {\n    viewer {\n      id\n      name\n      email\n      roles\n      headline\n      profilePublic\n      audience { id name kind partnerCompany }\n    }\n    tenant { id name slug branding { color logoUrl } }\n  }\n": typeof types.ShellFragmentDoc,
    "\n  query Shell {\n    ...Shell\n  }\n": typeof types.ShellDocument,
    "\n  query AdminBadges {\n    badgeClasses(first: 100) {\n      edges { node { id name description status imageUrl validityDays points skillLevels { level skill { id name } } } }\n    }\n    courses(first: 100) { edges { node { id title assessments { id title } } } }\n    skills(first: 100) { edges { node { id name } } }\n  }\n": typeof types.AdminBadgesDocument,
    "\n  mutation BadgeClassCreate($input: BadgeClassCreateInput!) {\n    badgeClassCreate(input: $input) { badgeClass { id name status } errors { code field message } }\n  }\n": typeof types.BadgeClassCreateDocument,
    "\n  mutation BadgeClassPublish($id: ID!) { badgeClassPublish(id: $id) { badgeClass { id status } errors { code field message } } }\n": typeof types.BadgeClassPublishDocument,
    "\n  mutation BadgeClassArchive($id: ID!) { badgeClassArchive(id: $id) { badgeClass { id status } errors { code field message } } }\n": typeof types.BadgeClassArchiveDocument,
    "\n  mutation BadgeClassImageSet($id: ID!, $imageBase64: String!, $format: ImageFormat!) {\n    badgeClassImageSet(id: $id, imageBase64: $imageBase64, format: $format) { badgeClass { id imageUrl } errors { code field message } }\n  }\n": typeof types.BadgeClassImageSetDocument,
    "\n  query AdminBranding {\n    tenant { id name branding { color logoUrl } }\n  }\n": typeof types.AdminBrandingDocument,
    "\n  mutation TenantBrandingUpdate($input: TenantBrandingUpdateInput!) {\n    tenantBrandingUpdate(input: $input) { branding { color logoUrl } errors { code field message } }\n  }\n": typeof types.TenantBrandingUpdateDocument,
    "\n  query AdminInsights($filter: InsightsFilter!) {\n    insights(filter: $filter) {\n      views\n      shareClicks\n      badgeClasses { issued revoked expired renewed active renewalRate medianSecondsToEarn badgeClass { id name } }\n      pathways { enrolled completed completionRate pathway { id name } }\n      skills { awarded holders skill { id name } }\n      courses { completions course { id title } }\n      trends { period kind metric value }\n    }\n    pathways(first: 100) { edges { node { id name status } } }\n  }\n": typeof types.AdminInsightsDocument,
    "\n  query PathwayFunnel($pathwayId: ID!) {\n    pathwayFunnel(pathwayId: $pathwayId) { reached enrolled share node { id title badgeClass { name } course { title } } }\n  }\n": typeof types.PathwayFunnelDocument,
    "\n  mutation ReportExportCreate($input: ReportExportCreateInput!) {\n    reportExportCreate(input: $input) { reportExport { id status } errors { code field message } }\n  }\n": typeof types.ReportExportCreateDocument,
    "\n  query ReportExportStatus($id: ID!) { node(id: $id) { ... on ReportExport { id status downloadUrl error rows } } }\n": typeof types.ReportExportStatusDocument,
    "\n  query AdminIntegrations {\n    apiKeys(first: 100) { edges { node { id name scopes createdAt lastUsedAt revokedAt } } }\n    webhookEndpoints {\n      id url description eventTypes enabled\n      deliveries(first: 10) { edges { node { id eventType status attempts responseStatus latencyMs lastError createdAt deliveredAt } } }\n    }\n  }\n": typeof types.AdminIntegrationsDocument,
    "\n  mutation ApiKeyCreate($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { apiKey { id } secret errors { code field message } } }\n": typeof types.ApiKeyCreateDocument,
    "\n  mutation ApiKeyRevoke($id: ID!) { apiKeyRevoke(id: $id) { apiKey { id revokedAt } errors { code field message } } }\n": typeof types.ApiKeyRevokeDocument,
    "\n  mutation WebhookEndpointCreate($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { webhookEndpoint { id } secret errors { code field message } } }\n": typeof types.WebhookEndpointCreateDocument,
    "\n  mutation WebhookDeliveryReplay($id: ID!) { webhookDeliveryReplay(id: $id) { webhookDelivery { id status } errors { code field message } } }\n": typeof types.WebhookDeliveryReplayDocument,
    "\n  query AdminPathways {\n    pathways(first: 100) { edges { node { id name status version audiences { id name } capstone { id name } } } }\n  }\n": typeof types.AdminPathwaysDocument,
    "\n  query PathwayEditorData {\n    badgeClasses(first: 100) { edges { node { id name status } } }\n    courses(first: 100) { edges { node { id title } } }\n    audiences { id name }\n  }\n": typeof types.PathwayEditorDataDocument,
    "\n  query PathwayForEdit($id: ID!) {\n    node(id: $id) {\n      ... on Pathway {\n        id\n        name\n        description\n        status\n        autoEnrol\n        audiences { id }\n        capstone { id }\n        root {\n          ...TreeFields\n          children {\n            ...TreeFields\n            children { ...TreeFields children { ...TreeFields children { ...TreeFields children { ...TreeFields } } } }\n          }\n        }\n      }\n    }\n  }\n  fragment TreeFields on PathwayNode {\n    key title optional kind required badgeClass { id } course { id } milestone { id } prerequisites { key }\n  }\n": typeof types.PathwayForEditDocument,
    "\n  mutation PathwayCreate($input: PathwayCreateInput!) {\n    pathwayCreate(input: $input) { pathway { id name status } errors { code field message } }\n  }\n": typeof types.PathwayCreateDocument,
    "\n  mutation PathwayUpdate($input: PathwayUpdateInput!) {\n    pathwayUpdate(input: $input) { pathway { id name status version } errors { code field message } }\n  }\n": typeof types.PathwayUpdateDocument,
    "\n  mutation PathwayPublish($id: ID!) { pathwayPublish(id: $id) { pathway { id status version } errors { code field message } } }\n": typeof types.PathwayPublishDocument,
    "\n  mutation PathwayArchive($id: ID!) { pathwayArchive(id: $id) { pathway { id status } errors { code field message } } }\n": typeof types.PathwayArchiveDocument,
    "\n  query AdminPeople($search: String) {\n    people(first: 100, filter: { search: $search }) {\n      edges { node { id name email active roles audience { id name } manager { id name } } }\n    }\n    audiences { id name kind partnerCompany }\n  }\n": typeof types.AdminPeopleDocument,
    "\n  mutation PersonInvite($input: PersonInviteInput!) { personInvite(input: $input) { person { id } errors { code field message } } }\n": typeof types.PersonInviteDocument,
    "\n  mutation PersonUpdate($input: PersonUpdateInput!) { personUpdate(input: $input) { person { id roles } errors { code field message } } }\n": typeof types.PersonUpdateDocument,
    "\n  mutation PersonDeactivate($id: ID!) { personDeactivate(id: $id) { person { id active } errors { code field message } } }\n": typeof types.PersonDeactivateDocument,
    "\n  mutation AudienceCreate($input: AudienceCreateInput!) { audienceCreate(input: $input) { audience { id } errors { code field message } } }\n": typeof types.AudienceCreateDocument,
    "\n  query AdminRoles {\n    roleProfiles(first: 100) { edges { node { id name description skills { level skill { id name } } } } }\n    skills(first: 100) { edges { node { id name frameworkGroup frameworkUrl } } }\n  }\n": typeof types.AdminRolesDocument,
    "\n  mutation RoleProfileCreate($input: RoleProfileCreateInput!) { roleProfileCreate(input: $input) { roleProfile { id } errors { code field message } } }\n": typeof types.RoleProfileCreateDocument,
    "\n  mutation SkillCreate($input: SkillCreateInput!) { skillCreate(input: $input) { skill { id } errors { code field message } } }\n": typeof types.SkillCreateDocument,
    "\n  query AdminSignIn {\n    ssoConnections { id name protocol enabled jitProvisioning allowedDomains loginUrl callbackUrl spMetadataUrl spEntityId acsUrl oidcIssuer oidcClientId clientSecretSet audience { id name } }\n    portalOrigins\n    audiences { id name }\n  }\n": typeof types.AdminSignInDocument,
    "\n  mutation SsoConnectionCreate($input: SsoConnectionCreateInput!) {\n    ssoConnectionCreate(input: $input) { ssoConnection { id callbackUrl spMetadataUrl } errors { code field message } }\n  }\n": typeof types.SsoConnectionCreateDocument,
    "\n  mutation SsoConnectionEnable($input: SsoConnectionUpdateInput!) {\n    ssoConnectionUpdate(input: $input) { ssoConnection { id enabled } errors { code field message } }\n  }\n": typeof types.SsoConnectionEnableDocument,
    "\n  mutation PortalOriginsSet($origins: [String!]!) { portalOriginsSet(origins: $origins) { portalOrigins errors { code field message } } }\n": typeof types.PortalOriginsSetDocument,
    "\n  query BadgeDetail($id: ID!) {\n    node(id: $id) {\n      ... on Award {\n        id\n        status\n        issuedAt\n        expiresAt\n        revokedAt\n        revocationReason\n        suspendedAt\n        suspensionReason\n        visibility\n        acceptance\n        shareable\n        delegatedIssuer\n        evidence { url narrative }\n        verificationUrl\n        openBadge3Url\n        linkedInAddToProfileUrl\n        emailSignatureHtml\n        embedHtml\n        png: bakedImageUrl(format: PNG, version: V2)\n        recipient { id name }\n        badgeClass {\n          id\n          name\n          description\n          imageUrl\n          criteriaNarrative\n          validityDays\n          skillLevels { level skill { id name } }\n        }\n      }\n    }\n  }\n": typeof types.BadgeDetailDocument,
    "\n  mutation AwardVisibilitySet($input: AwardVisibilitySetInput!) {\n    awardVisibilitySet(input: $input) { award { id visibility shareable } errors { code field message } }\n  }\n": typeof types.AwardVisibilitySetDocument,
    "\n  query MyGoals {\n    viewer { id goals { id title targetDate status percent onTrack pathway { id name } badgeClass { id name } } }\n    pathways(first: 100) { edges { node { id name status } } }\n    badgeClasses(first: 100, filter: { status: PUBLISHED }) { edges { node { id name } } }\n  }\n": typeof types.MyGoalsDocument,
    "\n  mutation GoalCreate($input: GoalCreateInput!) {\n    goalCreate(input: $input) { goal { id } errors { code field message } }\n  }\n": typeof types.GoalCreateDocument,
    "\n  mutation GoalUpdate($input: GoalUpdateInput!) {\n    goalUpdate(input: $input) { goal { id targetDate status } errors { code field message } }\n  }\n": typeof types.GoalUpdateDocument,
    "\n  query LearnerHome {\n    ...Shell\n    viewer {\n      id\n      awards(first: 100) {\n        edges {\n          node {\n            id\n            status\n            issuedAt\n            expiresAt\n            visibility\n            acceptance\n            badgeClass { id name imageUrl }\n          }\n        }\n      }\n      enrolments(first: 4) {\n        edges { node { id percent completedAt pathway { id name } next(first: 1) { id title badgeClass { name } course { title } } } }\n      }\n      recommendations(first: 4) {\n        reason\n        badgeClass { id name imageUrl }\n        course { id title }\n        pathway { id name }\n      }\n    }\n  }\n": typeof types.LearnerHomeDocument,
    "\n  mutation AwardAccept($id: ID!) { awardAccept(id: $id) { award { id acceptance } errors { code field message } } }\n": typeof types.AwardAcceptDocument,
    "\n  mutation AwardDecline($id: ID!) { awardDecline(id: $id) { award { id acceptance } errors { code field message } } }\n": typeof types.AwardDeclineDocument,
    "\n  query MyPathways {\n    viewer {\n      id\n      enrolments(first: 50) {\n        edges {\n          node {\n            id\n            percent\n            enrolledAt\n            completedAt\n            pathway { id name description capstone { id name } }\n            nodes { met locked percent missing node { id title kind optional badgeClass { id name } course { id title } } }\n            next(first: 3) { id title badgeClass { id name } course { id title } }\n          }\n        }\n      }\n    }\n    pathways(first: 50) { edges { node { id name description status viewerEnrolment { id } } } }\n  }\n": typeof types.MyPathwaysDocument,
    "\n  mutation PathwayEnrolSelf($input: PathwayEnrolInput!) {\n    pathwayEnrol(input: $input) { enrolment { id } errors { code field message } }\n  }\n": typeof types.PathwayEnrolSelfDocument,
    "\n  query MyProfile {\n    viewer {\n      id\n      name\n      email\n      headline\n      profilePublic\n      profileUrl\n      did\n      audience { id name }\n      manager { id name }\n      awards(first: 100) { edges { node { id visibility acceptance status badgeClass { id name imageUrl } } } }\n    }\n  }\n": typeof types.MyProfileDocument,
    "\n  mutation ViewerProfileUpdate($profilePublic: Boolean, $headline: String, $did: String) {\n    viewerProfileUpdate(profilePublic: $profilePublic, headline: $headline, did: $did) {\n      person { id headline profilePublic did profileUrl }\n      errors { code field message }\n    }\n  }\n": typeof types.ViewerProfileUpdateDocument,
    "\n  query MySkills {\n    viewer {\n      id\n      skills { level lapsesAt skill { id name frameworkGroup } awards { id badgeClass { name } } }\n      currentRole { id name }\n      targetRoles { id name }\n    }\n    roleProfiles(first: 100) { edges { node { id name } } }\n  }\n": typeof types.MySkillsDocument,
    "\n  query MySkillGap($roleId: ID!) {\n    viewer {\n      id\n      skillGap(roleId: $roleId) {\n        coverage\n        role { id name }\n        skills { requiredLevel currentLevel met skill { id name } closers { id name } pathways { id name } }\n      }\n    }\n  }\n": typeof types.MySkillGapDocument,
    "\n  mutation PersonTargetRolesSet($personId: ID!, $roleIds: [ID!]!) {\n    personTargetRolesSet(personId: $personId, roleIds: $roleIds) { person { id targetRoles { id name } } errors { code field message } }\n  }\n": typeof types.PersonTargetRolesSetDocument,
    "\n  query MyTeam {\n    people(first: 100, filter: { reportsOnly: true, active: true }) {\n      edges {\n        node {\n          id\n          name\n          email\n          currentRole { id name }\n          enrolments(first: 10) { edges { node { id percent completedAt pathway { id name } } } }\n          goals { id title targetDate status percent onTrack pathway { id name } badgeClass { id name } }\n        }\n      }\n    }\n    roleProfiles(first: 100) { edges { node { id name } } }\n    pathways(first: 100, filter: { status: PUBLISHED }) { edges { node { id name } } }\n    badgeClasses(first: 100, filter: { status: PUBLISHED }) { edges { node { id name } } }\n  }\n": typeof types.MyTeamDocument,
    "\n  query TeamGap($roleId: ID!) {\n    teamSkillGap(roleId: $roleId) {\n      people\n      coverage\n      role { id name }\n      gaps(first: 10) { requiredLevel meeting missing coverage skill { id name } }\n      matrix(first: 50) { met person { id name } skills { level met skill { id } } }\n      lapsing(days: 60) { level lapsesAt person { id name } skill { id name } }\n      skills { skill { id name } requiredLevel }\n    }\n  }\n": typeof types.TeamGapDocument,
    "\n  mutation PathwayEnrolReports($input: PathwayEnrolInput!) {\n    pathwayEnrol(input: $input) { enrolments { id person { id name } } errors { code field message } }\n  }\n": typeof types.PathwayEnrolReportsDocument,
};
const documents: Documents = {
    "\n  fragment Shell on Query {\n    viewer {\n      id\n      name\n      email\n      roles\n      headline\n      profilePublic\n      audience { id name kind partnerCompany }\n    }\n    tenant { id name slug branding { color logoUrl } }\n  }\n": types.ShellFragmentDoc,
    "\n  query Shell {\n    ...Shell\n  }\n": types.ShellDocument,
    "\n  query AdminBadges {\n    badgeClasses(first: 100) {\n      edges { node { id name description status imageUrl validityDays points skillLevels { level skill { id name } } } }\n    }\n    courses(first: 100) { edges { node { id title assessments { id title } } } }\n    skills(first: 100) { edges { node { id name } } }\n  }\n": types.AdminBadgesDocument,
    "\n  mutation BadgeClassCreate($input: BadgeClassCreateInput!) {\n    badgeClassCreate(input: $input) { badgeClass { id name status } errors { code field message } }\n  }\n": types.BadgeClassCreateDocument,
    "\n  mutation BadgeClassPublish($id: ID!) { badgeClassPublish(id: $id) { badgeClass { id status } errors { code field message } } }\n": types.BadgeClassPublishDocument,
    "\n  mutation BadgeClassArchive($id: ID!) { badgeClassArchive(id: $id) { badgeClass { id status } errors { code field message } } }\n": types.BadgeClassArchiveDocument,
    "\n  mutation BadgeClassImageSet($id: ID!, $imageBase64: String!, $format: ImageFormat!) {\n    badgeClassImageSet(id: $id, imageBase64: $imageBase64, format: $format) { badgeClass { id imageUrl } errors { code field message } }\n  }\n": types.BadgeClassImageSetDocument,
    "\n  query AdminBranding {\n    tenant { id name branding { color logoUrl } }\n  }\n": types.AdminBrandingDocument,
    "\n  mutation TenantBrandingUpdate($input: TenantBrandingUpdateInput!) {\n    tenantBrandingUpdate(input: $input) { branding { color logoUrl } errors { code field message } }\n  }\n": types.TenantBrandingUpdateDocument,
    "\n  query AdminInsights($filter: InsightsFilter!) {\n    insights(filter: $filter) {\n      views\n      shareClicks\n      badgeClasses { issued revoked expired renewed active renewalRate medianSecondsToEarn badgeClass { id name } }\n      pathways { enrolled completed completionRate pathway { id name } }\n      skills { awarded holders skill { id name } }\n      courses { completions course { id title } }\n      trends { period kind metric value }\n    }\n    pathways(first: 100) { edges { node { id name status } } }\n  }\n": types.AdminInsightsDocument,
    "\n  query PathwayFunnel($pathwayId: ID!) {\n    pathwayFunnel(pathwayId: $pathwayId) { reached enrolled share node { id title badgeClass { name } course { title } } }\n  }\n": types.PathwayFunnelDocument,
    "\n  mutation ReportExportCreate($input: ReportExportCreateInput!) {\n    reportExportCreate(input: $input) { reportExport { id status } errors { code field message } }\n  }\n": types.ReportExportCreateDocument,
    "\n  query ReportExportStatus($id: ID!) { node(id: $id) { ... on ReportExport { id status downloadUrl error rows } } }\n": types.ReportExportStatusDocument,
    "\n  query AdminIntegrations {\n    apiKeys(first: 100) { edges { node { id name scopes createdAt lastUsedAt revokedAt } } }\n    webhookEndpoints {\n      id url description eventTypes enabled\n      deliveries(first: 10) { edges { node { id eventType status attempts responseStatus latencyMs lastError createdAt deliveredAt } } }\n    }\n  }\n": types.AdminIntegrationsDocument,
    "\n  mutation ApiKeyCreate($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { apiKey { id } secret errors { code field message } } }\n": types.ApiKeyCreateDocument,
    "\n  mutation ApiKeyRevoke($id: ID!) { apiKeyRevoke(id: $id) { apiKey { id revokedAt } errors { code field message } } }\n": types.ApiKeyRevokeDocument,
    "\n  mutation WebhookEndpointCreate($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { webhookEndpoint { id } secret errors { code field message } } }\n": types.WebhookEndpointCreateDocument,
    "\n  mutation WebhookDeliveryReplay($id: ID!) { webhookDeliveryReplay(id: $id) { webhookDelivery { id status } errors { code field message } } }\n": types.WebhookDeliveryReplayDocument,
    "\n  query AdminPathways {\n    pathways(first: 100) { edges { node { id name status version audiences { id name } capstone { id name } } } }\n  }\n": types.AdminPathwaysDocument,
    "\n  query PathwayEditorData {\n    badgeClasses(first: 100) { edges { node { id name status } } }\n    courses(first: 100) { edges { node { id title } } }\n    audiences { id name }\n  }\n": types.PathwayEditorDataDocument,
    "\n  query PathwayForEdit($id: ID!) {\n    node(id: $id) {\n      ... on Pathway {\n        id\n        name\n        description\n        status\n        autoEnrol\n        audiences { id }\n        capstone { id }\n        root {\n          ...TreeFields\n          children {\n            ...TreeFields\n            children { ...TreeFields children { ...TreeFields children { ...TreeFields children { ...TreeFields } } } }\n          }\n        }\n      }\n    }\n  }\n  fragment TreeFields on PathwayNode {\n    key title optional kind required badgeClass { id } course { id } milestone { id } prerequisites { key }\n  }\n": types.PathwayForEditDocument,
    "\n  mutation PathwayCreate($input: PathwayCreateInput!) {\n    pathwayCreate(input: $input) { pathway { id name status } errors { code field message } }\n  }\n": types.PathwayCreateDocument,
    "\n  mutation PathwayUpdate($input: PathwayUpdateInput!) {\n    pathwayUpdate(input: $input) { pathway { id name status version } errors { code field message } }\n  }\n": types.PathwayUpdateDocument,
    "\n  mutation PathwayPublish($id: ID!) { pathwayPublish(id: $id) { pathway { id status version } errors { code field message } } }\n": types.PathwayPublishDocument,
    "\n  mutation PathwayArchive($id: ID!) { pathwayArchive(id: $id) { pathway { id status } errors { code field message } } }\n": types.PathwayArchiveDocument,
    "\n  query AdminPeople($search: String) {\n    people(first: 100, filter: { search: $search }) {\n      edges { node { id name email active roles audience { id name } manager { id name } } }\n    }\n    audiences { id name kind partnerCompany }\n  }\n": types.AdminPeopleDocument,
    "\n  mutation PersonInvite($input: PersonInviteInput!) { personInvite(input: $input) { person { id } errors { code field message } } }\n": types.PersonInviteDocument,
    "\n  mutation PersonUpdate($input: PersonUpdateInput!) { personUpdate(input: $input) { person { id roles } errors { code field message } } }\n": types.PersonUpdateDocument,
    "\n  mutation PersonDeactivate($id: ID!) { personDeactivate(id: $id) { person { id active } errors { code field message } } }\n": types.PersonDeactivateDocument,
    "\n  mutation AudienceCreate($input: AudienceCreateInput!) { audienceCreate(input: $input) { audience { id } errors { code field message } } }\n": types.AudienceCreateDocument,
    "\n  query AdminRoles {\n    roleProfiles(first: 100) { edges { node { id name description skills { level skill { id name } } } } }\n    skills(first: 100) { edges { node { id name frameworkGroup frameworkUrl } } }\n  }\n": types.AdminRolesDocument,
    "\n  mutation RoleProfileCreate($input: RoleProfileCreateInput!) { roleProfileCreate(input: $input) { roleProfile { id } errors { code field message } } }\n": types.RoleProfileCreateDocument,
    "\n  mutation SkillCreate($input: SkillCreateInput!) { skillCreate(input: $input) { skill { id } errors { code field message } } }\n": types.SkillCreateDocument,
    "\n  query AdminSignIn {\n    ssoConnections { id name protocol enabled jitProvisioning allowedDomains loginUrl callbackUrl spMetadataUrl spEntityId acsUrl oidcIssuer oidcClientId clientSecretSet audience { id name } }\n    portalOrigins\n    audiences { id name }\n  }\n": types.AdminSignInDocument,
    "\n  mutation SsoConnectionCreate($input: SsoConnectionCreateInput!) {\n    ssoConnectionCreate(input: $input) { ssoConnection { id callbackUrl spMetadataUrl } errors { code field message } }\n  }\n": types.SsoConnectionCreateDocument,
    "\n  mutation SsoConnectionEnable($input: SsoConnectionUpdateInput!) {\n    ssoConnectionUpdate(input: $input) { ssoConnection { id enabled } errors { code field message } }\n  }\n": types.SsoConnectionEnableDocument,
    "\n  mutation PortalOriginsSet($origins: [String!]!) { portalOriginsSet(origins: $origins) { portalOrigins errors { code field message } } }\n": types.PortalOriginsSetDocument,
    "\n  query BadgeDetail($id: ID!) {\n    node(id: $id) {\n      ... on Award {\n        id\n        status\n        issuedAt\n        expiresAt\n        revokedAt\n        revocationReason\n        suspendedAt\n        suspensionReason\n        visibility\n        acceptance\n        shareable\n        delegatedIssuer\n        evidence { url narrative }\n        verificationUrl\n        openBadge3Url\n        linkedInAddToProfileUrl\n        emailSignatureHtml\n        embedHtml\n        png: bakedImageUrl(format: PNG, version: V2)\n        recipient { id name }\n        badgeClass {\n          id\n          name\n          description\n          imageUrl\n          criteriaNarrative\n          validityDays\n          skillLevels { level skill { id name } }\n        }\n      }\n    }\n  }\n": types.BadgeDetailDocument,
    "\n  mutation AwardVisibilitySet($input: AwardVisibilitySetInput!) {\n    awardVisibilitySet(input: $input) { award { id visibility shareable } errors { code field message } }\n  }\n": types.AwardVisibilitySetDocument,
    "\n  query MyGoals {\n    viewer { id goals { id title targetDate status percent onTrack pathway { id name } badgeClass { id name } } }\n    pathways(first: 100) { edges { node { id name status } } }\n    badgeClasses(first: 100, filter: { status: PUBLISHED }) { edges { node { id name } } }\n  }\n": types.MyGoalsDocument,
    "\n  mutation GoalCreate($input: GoalCreateInput!) {\n    goalCreate(input: $input) { goal { id } errors { code field message } }\n  }\n": types.GoalCreateDocument,
    "\n  mutation GoalUpdate($input: GoalUpdateInput!) {\n    goalUpdate(input: $input) { goal { id targetDate status } errors { code field message } }\n  }\n": types.GoalUpdateDocument,
    "\n  query LearnerHome {\n    ...Shell\n    viewer {\n      id\n      awards(first: 100) {\n        edges {\n          node {\n            id\n            status\n            issuedAt\n            expiresAt\n            visibility\n            acceptance\n            badgeClass { id name imageUrl }\n          }\n        }\n      }\n      enrolments(first: 4) {\n        edges { node { id percent completedAt pathway { id name } next(first: 1) { id title badgeClass { name } course { title } } } }\n      }\n      recommendations(first: 4) {\n        reason\n        badgeClass { id name imageUrl }\n        course { id title }\n        pathway { id name }\n      }\n    }\n  }\n": types.LearnerHomeDocument,
    "\n  mutation AwardAccept($id: ID!) { awardAccept(id: $id) { award { id acceptance } errors { code field message } } }\n": types.AwardAcceptDocument,
    "\n  mutation AwardDecline($id: ID!) { awardDecline(id: $id) { award { id acceptance } errors { code field message } } }\n": types.AwardDeclineDocument,
    "\n  query MyPathways {\n    viewer {\n      id\n      enrolments(first: 50) {\n        edges {\n          node {\n            id\n            percent\n            enrolledAt\n            completedAt\n            pathway { id name description capstone { id name } }\n            nodes { met locked percent missing node { id title kind optional badgeClass { id name } course { id title } } }\n            next(first: 3) { id title badgeClass { id name } course { id title } }\n          }\n        }\n      }\n    }\n    pathways(first: 50) { edges { node { id name description status viewerEnrolment { id } } } }\n  }\n": types.MyPathwaysDocument,
    "\n  mutation PathwayEnrolSelf($input: PathwayEnrolInput!) {\n    pathwayEnrol(input: $input) { enrolment { id } errors { code field message } }\n  }\n": types.PathwayEnrolSelfDocument,
    "\n  query MyProfile {\n    viewer {\n      id\n      name\n      email\n      headline\n      profilePublic\n      profileUrl\n      did\n      audience { id name }\n      manager { id name }\n      awards(first: 100) { edges { node { id visibility acceptance status badgeClass { id name imageUrl } } } }\n    }\n  }\n": types.MyProfileDocument,
    "\n  mutation ViewerProfileUpdate($profilePublic: Boolean, $headline: String, $did: String) {\n    viewerProfileUpdate(profilePublic: $profilePublic, headline: $headline, did: $did) {\n      person { id headline profilePublic did profileUrl }\n      errors { code field message }\n    }\n  }\n": types.ViewerProfileUpdateDocument,
    "\n  query MySkills {\n    viewer {\n      id\n      skills { level lapsesAt skill { id name frameworkGroup } awards { id badgeClass { name } } }\n      currentRole { id name }\n      targetRoles { id name }\n    }\n    roleProfiles(first: 100) { edges { node { id name } } }\n  }\n": types.MySkillsDocument,
    "\n  query MySkillGap($roleId: ID!) {\n    viewer {\n      id\n      skillGap(roleId: $roleId) {\n        coverage\n        role { id name }\n        skills { requiredLevel currentLevel met skill { id name } closers { id name } pathways { id name } }\n      }\n    }\n  }\n": types.MySkillGapDocument,
    "\n  mutation PersonTargetRolesSet($personId: ID!, $roleIds: [ID!]!) {\n    personTargetRolesSet(personId: $personId, roleIds: $roleIds) { person { id targetRoles { id name } } errors { code field message } }\n  }\n": types.PersonTargetRolesSetDocument,
    "\n  query MyTeam {\n    people(first: 100, filter: { reportsOnly: true, active: true }) {\n      edges {\n        node {\n          id\n          name\n          email\n          currentRole { id name }\n          enrolments(first: 10) { edges { node { id percent completedAt pathway { id name } } } }\n          goals { id title targetDate status percent onTrack pathway { id name } badgeClass { id name } }\n        }\n      }\n    }\n    roleProfiles(first: 100) { edges { node { id name } } }\n    pathways(first: 100, filter: { status: PUBLISHED }) { edges { node { id name } } }\n    badgeClasses(first: 100, filter: { status: PUBLISHED }) { edges { node { id name } } }\n  }\n": types.MyTeamDocument,
    "\n  query TeamGap($roleId: ID!) {\n    teamSkillGap(roleId: $roleId) {\n      people\n      coverage\n      role { id name }\n      gaps(first: 10) { requiredLevel meeting missing coverage skill { id name } }\n      matrix(first: 50) { met person { id name } skills { level met skill { id } } }\n      lapsing(days: 60) { level lapsesAt person { id name } skill { id name } }\n      skills { skill { id name } requiredLevel }\n    }\n  }\n": types.TeamGapDocument,
    "\n  mutation PathwayEnrolReports($input: PathwayEnrolInput!) {\n    pathwayEnrol(input: $input) { enrolments { id person { id name } } errors { code field message } }\n  }\n": types.PathwayEnrolReportsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment Shell on Query {\n    viewer {\n      id\n      name\n      email\n      roles\n      headline\n      profilePublic\n      audience { id name kind partnerCompany }\n    }\n    tenant { id name slug branding { color logoUrl } }\n  }\n"): typeof import('./graphql').ShellFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Shell {\n    ...Shell\n  }\n"): typeof import('./graphql').ShellDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminBadges {\n    badgeClasses(first: 100) {\n      edges { node { id name description status imageUrl validityDays points skillLevels { level skill { id name } } } }\n    }\n    courses(first: 100) { edges { node { id title assessments { id title } } } }\n    skills(first: 100) { edges { node { id name } } }\n  }\n"): typeof import('./graphql').AdminBadgesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BadgeClassCreate($input: BadgeClassCreateInput!) {\n    badgeClassCreate(input: $input) { badgeClass { id name status } errors { code field message } }\n  }\n"): typeof import('./graphql').BadgeClassCreateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BadgeClassPublish($id: ID!) { badgeClassPublish(id: $id) { badgeClass { id status } errors { code field message } } }\n"): typeof import('./graphql').BadgeClassPublishDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BadgeClassArchive($id: ID!) { badgeClassArchive(id: $id) { badgeClass { id status } errors { code field message } } }\n"): typeof import('./graphql').BadgeClassArchiveDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BadgeClassImageSet($id: ID!, $imageBase64: String!, $format: ImageFormat!) {\n    badgeClassImageSet(id: $id, imageBase64: $imageBase64, format: $format) { badgeClass { id imageUrl } errors { code field message } }\n  }\n"): typeof import('./graphql').BadgeClassImageSetDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminBranding {\n    tenant { id name branding { color logoUrl } }\n  }\n"): typeof import('./graphql').AdminBrandingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TenantBrandingUpdate($input: TenantBrandingUpdateInput!) {\n    tenantBrandingUpdate(input: $input) { branding { color logoUrl } errors { code field message } }\n  }\n"): typeof import('./graphql').TenantBrandingUpdateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminInsights($filter: InsightsFilter!) {\n    insights(filter: $filter) {\n      views\n      shareClicks\n      badgeClasses { issued revoked expired renewed active renewalRate medianSecondsToEarn badgeClass { id name } }\n      pathways { enrolled completed completionRate pathway { id name } }\n      skills { awarded holders skill { id name } }\n      courses { completions course { id title } }\n      trends { period kind metric value }\n    }\n    pathways(first: 100) { edges { node { id name status } } }\n  }\n"): typeof import('./graphql').AdminInsightsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PathwayFunnel($pathwayId: ID!) {\n    pathwayFunnel(pathwayId: $pathwayId) { reached enrolled share node { id title badgeClass { name } course { title } } }\n  }\n"): typeof import('./graphql').PathwayFunnelDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReportExportCreate($input: ReportExportCreateInput!) {\n    reportExportCreate(input: $input) { reportExport { id status } errors { code field message } }\n  }\n"): typeof import('./graphql').ReportExportCreateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReportExportStatus($id: ID!) { node(id: $id) { ... on ReportExport { id status downloadUrl error rows } } }\n"): typeof import('./graphql').ReportExportStatusDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminIntegrations {\n    apiKeys(first: 100) { edges { node { id name scopes createdAt lastUsedAt revokedAt } } }\n    webhookEndpoints {\n      id url description eventTypes enabled\n      deliveries(first: 10) { edges { node { id eventType status attempts responseStatus latencyMs lastError createdAt deliveredAt } } }\n    }\n  }\n"): typeof import('./graphql').AdminIntegrationsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApiKeyCreate($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { apiKey { id } secret errors { code field message } } }\n"): typeof import('./graphql').ApiKeyCreateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApiKeyRevoke($id: ID!) { apiKeyRevoke(id: $id) { apiKey { id revokedAt } errors { code field message } } }\n"): typeof import('./graphql').ApiKeyRevokeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WebhookEndpointCreate($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { webhookEndpoint { id } secret errors { code field message } } }\n"): typeof import('./graphql').WebhookEndpointCreateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WebhookDeliveryReplay($id: ID!) { webhookDeliveryReplay(id: $id) { webhookDelivery { id status } errors { code field message } } }\n"): typeof import('./graphql').WebhookDeliveryReplayDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminPathways {\n    pathways(first: 100) { edges { node { id name status version audiences { id name } capstone { id name } } } }\n  }\n"): typeof import('./graphql').AdminPathwaysDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PathwayEditorData {\n    badgeClasses(first: 100) { edges { node { id name status } } }\n    courses(first: 100) { edges { node { id title } } }\n    audiences { id name }\n  }\n"): typeof import('./graphql').PathwayEditorDataDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PathwayForEdit($id: ID!) {\n    node(id: $id) {\n      ... on Pathway {\n        id\n        name\n        description\n        status\n        autoEnrol\n        audiences { id }\n        capstone { id }\n        root {\n          ...TreeFields\n          children {\n            ...TreeFields\n            children { ...TreeFields children { ...TreeFields children { ...TreeFields children { ...TreeFields } } } }\n          }\n        }\n      }\n    }\n  }\n  fragment TreeFields on PathwayNode {\n    key title optional kind required badgeClass { id } course { id } milestone { id } prerequisites { key }\n  }\n"): typeof import('./graphql').PathwayForEditDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PathwayCreate($input: PathwayCreateInput!) {\n    pathwayCreate(input: $input) { pathway { id name status } errors { code field message } }\n  }\n"): typeof import('./graphql').PathwayCreateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PathwayUpdate($input: PathwayUpdateInput!) {\n    pathwayUpdate(input: $input) { pathway { id name status version } errors { code field message } }\n  }\n"): typeof import('./graphql').PathwayUpdateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PathwayPublish($id: ID!) { pathwayPublish(id: $id) { pathway { id status version } errors { code field message } } }\n"): typeof import('./graphql').PathwayPublishDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PathwayArchive($id: ID!) { pathwayArchive(id: $id) { pathway { id status } errors { code field message } } }\n"): typeof import('./graphql').PathwayArchiveDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminPeople($search: String) {\n    people(first: 100, filter: { search: $search }) {\n      edges { node { id name email active roles audience { id name } manager { id name } } }\n    }\n    audiences { id name kind partnerCompany }\n  }\n"): typeof import('./graphql').AdminPeopleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PersonInvite($input: PersonInviteInput!) { personInvite(input: $input) { person { id } errors { code field message } } }\n"): typeof import('./graphql').PersonInviteDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PersonUpdate($input: PersonUpdateInput!) { personUpdate(input: $input) { person { id roles } errors { code field message } } }\n"): typeof import('./graphql').PersonUpdateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PersonDeactivate($id: ID!) { personDeactivate(id: $id) { person { id active } errors { code field message } } }\n"): typeof import('./graphql').PersonDeactivateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AudienceCreate($input: AudienceCreateInput!) { audienceCreate(input: $input) { audience { id } errors { code field message } } }\n"): typeof import('./graphql').AudienceCreateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminRoles {\n    roleProfiles(first: 100) { edges { node { id name description skills { level skill { id name } } } } }\n    skills(first: 100) { edges { node { id name frameworkGroup frameworkUrl } } }\n  }\n"): typeof import('./graphql').AdminRolesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RoleProfileCreate($input: RoleProfileCreateInput!) { roleProfileCreate(input: $input) { roleProfile { id } errors { code field message } } }\n"): typeof import('./graphql').RoleProfileCreateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SkillCreate($input: SkillCreateInput!) { skillCreate(input: $input) { skill { id } errors { code field message } } }\n"): typeof import('./graphql').SkillCreateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminSignIn {\n    ssoConnections { id name protocol enabled jitProvisioning allowedDomains loginUrl callbackUrl spMetadataUrl spEntityId acsUrl oidcIssuer oidcClientId clientSecretSet audience { id name } }\n    portalOrigins\n    audiences { id name }\n  }\n"): typeof import('./graphql').AdminSignInDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SsoConnectionCreate($input: SsoConnectionCreateInput!) {\n    ssoConnectionCreate(input: $input) { ssoConnection { id callbackUrl spMetadataUrl } errors { code field message } }\n  }\n"): typeof import('./graphql').SsoConnectionCreateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SsoConnectionEnable($input: SsoConnectionUpdateInput!) {\n    ssoConnectionUpdate(input: $input) { ssoConnection { id enabled } errors { code field message } }\n  }\n"): typeof import('./graphql').SsoConnectionEnableDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PortalOriginsSet($origins: [String!]!) { portalOriginsSet(origins: $origins) { portalOrigins errors { code field message } } }\n"): typeof import('./graphql').PortalOriginsSetDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BadgeDetail($id: ID!) {\n    node(id: $id) {\n      ... on Award {\n        id\n        status\n        issuedAt\n        expiresAt\n        revokedAt\n        revocationReason\n        suspendedAt\n        suspensionReason\n        visibility\n        acceptance\n        shareable\n        delegatedIssuer\n        evidence { url narrative }\n        verificationUrl\n        openBadge3Url\n        linkedInAddToProfileUrl\n        emailSignatureHtml\n        embedHtml\n        png: bakedImageUrl(format: PNG, version: V2)\n        recipient { id name }\n        badgeClass {\n          id\n          name\n          description\n          imageUrl\n          criteriaNarrative\n          validityDays\n          skillLevels { level skill { id name } }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').BadgeDetailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AwardVisibilitySet($input: AwardVisibilitySetInput!) {\n    awardVisibilitySet(input: $input) { award { id visibility shareable } errors { code field message } }\n  }\n"): typeof import('./graphql').AwardVisibilitySetDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyGoals {\n    viewer { id goals { id title targetDate status percent onTrack pathway { id name } badgeClass { id name } } }\n    pathways(first: 100) { edges { node { id name status } } }\n    badgeClasses(first: 100, filter: { status: PUBLISHED }) { edges { node { id name } } }\n  }\n"): typeof import('./graphql').MyGoalsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GoalCreate($input: GoalCreateInput!) {\n    goalCreate(input: $input) { goal { id } errors { code field message } }\n  }\n"): typeof import('./graphql').GoalCreateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GoalUpdate($input: GoalUpdateInput!) {\n    goalUpdate(input: $input) { goal { id targetDate status } errors { code field message } }\n  }\n"): typeof import('./graphql').GoalUpdateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LearnerHome {\n    ...Shell\n    viewer {\n      id\n      awards(first: 100) {\n        edges {\n          node {\n            id\n            status\n            issuedAt\n            expiresAt\n            visibility\n            acceptance\n            badgeClass { id name imageUrl }\n          }\n        }\n      }\n      enrolments(first: 4) {\n        edges { node { id percent completedAt pathway { id name } next(first: 1) { id title badgeClass { name } course { title } } } }\n      }\n      recommendations(first: 4) {\n        reason\n        badgeClass { id name imageUrl }\n        course { id title }\n        pathway { id name }\n      }\n    }\n  }\n"): typeof import('./graphql').LearnerHomeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AwardAccept($id: ID!) { awardAccept(id: $id) { award { id acceptance } errors { code field message } } }\n"): typeof import('./graphql').AwardAcceptDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AwardDecline($id: ID!) { awardDecline(id: $id) { award { id acceptance } errors { code field message } } }\n"): typeof import('./graphql').AwardDeclineDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyPathways {\n    viewer {\n      id\n      enrolments(first: 50) {\n        edges {\n          node {\n            id\n            percent\n            enrolledAt\n            completedAt\n            pathway { id name description capstone { id name } }\n            nodes { met locked percent missing node { id title kind optional badgeClass { id name } course { id title } } }\n            next(first: 3) { id title badgeClass { id name } course { id title } }\n          }\n        }\n      }\n    }\n    pathways(first: 50) { edges { node { id name description status viewerEnrolment { id } } } }\n  }\n"): typeof import('./graphql').MyPathwaysDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PathwayEnrolSelf($input: PathwayEnrolInput!) {\n    pathwayEnrol(input: $input) { enrolment { id } errors { code field message } }\n  }\n"): typeof import('./graphql').PathwayEnrolSelfDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyProfile {\n    viewer {\n      id\n      name\n      email\n      headline\n      profilePublic\n      profileUrl\n      did\n      audience { id name }\n      manager { id name }\n      awards(first: 100) { edges { node { id visibility acceptance status badgeClass { id name imageUrl } } } }\n    }\n  }\n"): typeof import('./graphql').MyProfileDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ViewerProfileUpdate($profilePublic: Boolean, $headline: String, $did: String) {\n    viewerProfileUpdate(profilePublic: $profilePublic, headline: $headline, did: $did) {\n      person { id headline profilePublic did profileUrl }\n      errors { code field message }\n    }\n  }\n"): typeof import('./graphql').ViewerProfileUpdateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MySkills {\n    viewer {\n      id\n      skills { level lapsesAt skill { id name frameworkGroup } awards { id badgeClass { name } } }\n      currentRole { id name }\n      targetRoles { id name }\n    }\n    roleProfiles(first: 100) { edges { node { id name } } }\n  }\n"): typeof import('./graphql').MySkillsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MySkillGap($roleId: ID!) {\n    viewer {\n      id\n      skillGap(roleId: $roleId) {\n        coverage\n        role { id name }\n        skills { requiredLevel currentLevel met skill { id name } closers { id name } pathways { id name } }\n      }\n    }\n  }\n"): typeof import('./graphql').MySkillGapDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PersonTargetRolesSet($personId: ID!, $roleIds: [ID!]!) {\n    personTargetRolesSet(personId: $personId, roleIds: $roleIds) { person { id targetRoles { id name } } errors { code field message } }\n  }\n"): typeof import('./graphql').PersonTargetRolesSetDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyTeam {\n    people(first: 100, filter: { reportsOnly: true, active: true }) {\n      edges {\n        node {\n          id\n          name\n          email\n          currentRole { id name }\n          enrolments(first: 10) { edges { node { id percent completedAt pathway { id name } } } }\n          goals { id title targetDate status percent onTrack pathway { id name } badgeClass { id name } }\n        }\n      }\n    }\n    roleProfiles(first: 100) { edges { node { id name } } }\n    pathways(first: 100, filter: { status: PUBLISHED }) { edges { node { id name } } }\n    badgeClasses(first: 100, filter: { status: PUBLISHED }) { edges { node { id name } } }\n  }\n"): typeof import('./graphql').MyTeamDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TeamGap($roleId: ID!) {\n    teamSkillGap(roleId: $roleId) {\n      people\n      coverage\n      role { id name }\n      gaps(first: 10) { requiredLevel meeting missing coverage skill { id name } }\n      matrix(first: 50) { met person { id name } skills { level met skill { id } } }\n      lapsing(days: 60) { level lapsesAt person { id name } skill { id name } }\n      skills { skill { id name } requiredLevel }\n    }\n  }\n"): typeof import('./graphql').TeamGapDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PathwayEnrolReports($input: PathwayEnrolInput!) {\n    pathwayEnrol(input: $input) { enrolments { id person { id name } } errors { code field message } }\n  }\n"): typeof import('./graphql').PathwayEnrolReportsDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
