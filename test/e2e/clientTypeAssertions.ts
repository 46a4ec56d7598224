// Compile-time assertions on the typed client, checked by `tsc -p examples/tsconfig.json` (test/e2e/client.test.ts).
// Each @ts-expect-error must meet an error: were the documents untyped (any), tsc would fail on the unused directive.
import {
  createClient,
  GetRunWithMetricsDocument,
  ListExperimentRunsDocument,
  PromoteModelVersionDocument,
  SupergraphRequestError,
  ViewerDocument,
  type ErrorCode,
  type PermissionLevel,
} from '@mlflow-supergraph/client';

/** Never called: only compiled. */
export async function typeAssertions(): Promise<void> {
  const client = createClient({ url: 'http://127.0.0.1:4000/graphql', token: 't' });

  // Results are typed from the selection set.
  const { run } = await client.request(GetRunWithMetricsDocument, { id: 'abc' });
  const level: PermissionLevel | undefined = run?.viewerPermission;
  const startTime: string | null | undefined = run?.startTime;
  const value: number | 'NaN' | 'Infinity' | '-Infinity' | undefined = run?.metrics[0]?.value;
  // @ts-expect-error artifacts were not selected
  void run?.artifacts;
  // @ts-expect-error a Timestamp arrives as an ISO string, not a number
  const wrong: number | null | undefined = run?.startTime;

  // Variables are checked: required ones must be there, with the right types.
  // @ts-expect-error `id` is required
  await client.request(GetRunWithMetricsDocument, {});
  // @ts-expect-error `id` is an ID (string)
  await client.request(GetRunWithMetricsDocument, { id: 42 });
  // @ts-expect-error `version` is missing
  await client.request(PromoteModelVersionDocument, { name: 'm', alias: 'champion' });
  // An operation without variables needs none; optional ones may be left out.
  await client.request(ViewerDocument);
  await client.request(ListExperimentRunsDocument, { experimentId: '1' });

  // Errors carry the closed set of codes.
  try {
    await client.request(ViewerDocument);
  } catch (error) {
    if (error instanceof SupergraphRequestError) {
      const code: ErrorCode = error.code;
      // @ts-expect-error not a code of the closed set
      if (error.code === 'NOT_A_CODE') return;
      void code;
    }
  }
  void level;
  void startTime;
  void value;
  void wrong;
}
