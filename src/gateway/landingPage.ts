import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { ApolloServerPlugin } from '@apollo/server';

/** The operation Sandbox opens with: a first look at experiments, runs and their metrics. */
export const initialSandboxOperation = `# Welcome to mlflow-supergraph. Press Run to see experiments and their latest runs.
# Send credentials in the Headers tab: Authorization: Bearer <token>  (or Basic <base64 user:password>)
query Dashboard {
  experiments(first: 5) {
    nodes {
      id
      name
      runs(first: 5, orderBy: ["metrics.loss ASC"]) {
        nodes {
          id
          name
          status
          startTime
          params { key value }
          metrics { key value step }
        }
      }
    }
  }
}
`;

/** Apollo Sandbox embedded on the landing page when enabled (it loads from Apollo's CDN); nothing otherwise. */
export function landingPagePlugin(enabled: boolean): ApolloServerPlugin {
  if (!enabled) return ApolloServerPluginLandingPageDisabled();
  return ApolloServerPluginLandingPageLocalDefault({
    embed: { endpointIsEditable: false, initialState: { pollForSchemaUpdates: false } },
    document: initialSandboxOperation,
    headers: { Authorization: '' },
    includeCookies: false,
  });
}
