import { graphql } from '../gql';

export const ShellFields = graphql(`
  fragment Shell on Query {
    viewer {
      id
      name
      email
      roles
      headline
      profilePublic
      audience { id name kind partnerCompany }
    }
    tenant { id name slug branding { color logoUrl } }
  }
`);

export const ShellQuery = graphql(`
  query Shell {
    ...Shell
  }
`);
