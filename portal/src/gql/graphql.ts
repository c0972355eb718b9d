/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
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

export type Role =
  | 'ADMIN'
  | 'ISSUER'
  | 'LEARNER'
  | 'MANAGER'
  | 'PARTNER_ADMIN';

/** Who sees an award. */
export type Visibility =
  | 'PRIVATE'
  | 'PUBLIC'
  | 'TENANT';

export type ShellFragment = { viewer: { id: string, name: string, email: string | null, roles: Array<Role> | null, headline: string | null, profilePublic: boolean, audience: { id: string, name: string, kind: AudienceKind, partnerCompany: string | null } } | null, tenant: { id: string, name: string, slug: string, branding: { color: string, logoUrl: string | null } } };

export type ShellQueryVariables = Exact<{ [key: string]: never; }>;


export type ShellQuery = { viewer: { id: string, name: string, email: string | null, roles: Array<Role> | null, headline: string | null, profilePublic: boolean, audience: { id: string, name: string, kind: AudienceKind, partnerCompany: string | null } } | null, tenant: { id: string, name: string, slug: string, branding: { color: string, logoUrl: string | null } } };

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