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
