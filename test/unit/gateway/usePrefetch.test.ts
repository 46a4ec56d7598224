// Which follow-ups an operation arms: a target selected beneath every selection of its source, in a query without
// @skip/@include. Anything else arms nothing, so a prefetch never fetches what the operation does not read.
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { definePrefetch } from '../../../src/context/prefetch.js';
import type { RequestContext } from '../../../src/context/RequestContext.js';
import { apiSchemaFromSupergraph } from '../../../src/gateway/apiSchema.js';
import { subgraphPrefetches } from '../../../src/gateway/subgraphSchemas.js';
import { supergraphSdlPath } from '../../../src/gateway/supergraphConfig.js';
import { prefetchesSelected } from '../../../src/gateway/usePrefetch.js';

const schema = apiSchemaFromSupergraph(readFileSync(supergraphSdlPath, 'utf8'));
const versionsOfRuns = definePrefetch<RequestContext>('Experiment.runs', 'Run.modelVersions', async () => {});

const armed = (query: string, operationName?: string) =>
  prefetchesSelected(schema, parse(query), operationName, [versionsOfRuns]).map((t) => `${t.source}→${t.target}`);
const ARMED = ['Experiment.runs→Run.modelVersions'];

describe('prefetchesSelected', () => {
  it("is what the registry declares: Run.modelVersions for an experiment's runs and for a runs search", () => {
    expect(subgraphPrefetches.map((t) => `${t.source}→${t.target}`)).toEqual([
      'Experiment.runs→Run.modelVersions',
      'Query.runs→Run.modelVersions',
    ]);
    const both = (query: string) =>
      prefetchesSelected(schema, parse(query), undefined, subgraphPrefetches).map((t) => t.source);
    expect(both(`{ runs(experimentIds: ["1"]) { nodes { modelVersions { name } } } }`)).toEqual(['Query.runs']);
    expect(
      both(
        `{ runs(experimentIds: ["1"]) { nodes { id } } experiment(id: "1") { runs { nodes { modelVersions { name } } } } }`,
      ),
    ).toEqual(['Experiment.runs']);
  });

  it("arms the dashboard's follow-up: model versions of each experiment's runs (nodes or edges)", () => {
    expect(
      armed(`{ experiments(first: 10) { nodes { runs(first: 50) { nodes { id modelVersions { name } } } } } }`),
    ).toEqual(ARMED);
    expect(armed(`{ experiment(id: "1") { runs { edges { node { modelVersions { version } } } } } }`)).toEqual(ARMED);
  });

  it('sees the target through named and inline fragments', () => {
    expect(
      armed(`query Q { experiment(id: "1") { ...Exp } }
        fragment Exp on Experiment { runs { nodes { ...R } } }
        fragment R on Run { ... on Run { modelVersions { name } } }`),
    ).toEqual(ARMED);
  });

  it('arms nothing when one selection of the source lacks the target (its runs would be searched for nothing)', () => {
    expect(
      armed(
        `{ experiment(id: "1") { a: runs { nodes { modelVersions { name } } } b: runs(first: 5) { nodes { id } } } }`,
      ),
    ).toEqual([]);
    // The target selected elsewhere (a run reached another way) does not count for the source's runs.
    expect(armed(`{ experiment(id: "1") { runs { nodes { id } } } run(id: "r") { modelVersions { name } } }`)).toEqual(
      [],
    );
    expect(armed(`{ experiment(id: "1") { runs { nodes { id } } } }`)).toEqual([]);
    expect(armed(`{ run(id: "r") { modelVersions { name } } }`)).toEqual([]);
  });

  it('arms nothing for a mutation, or where @skip/@include leave the selection to the variables', () => {
    expect(
      armed(
        `query Q($v: Boolean!) { experiment(id: "1") { runs { nodes { modelVersions @include(if: $v) { name } } } } }`,
      ),
    ).toEqual([]);
    expect(
      armed(
        `mutation { setExperimentTag(experimentId: "1", tag: { key: "k", value: "v" }) { runs { nodes { modelVersions { name } } } } }`,
      ),
    ).toEqual([]);
  });

  it('reads the operation named, in a document that holds several', () => {
    const document = `query A { experiment(id: "1") { runs { nodes { modelVersions { name } } } } }
      query B { experiment(id: "1") { runs { nodes { id } } } }`;
    expect(armed(document, 'A')).toEqual(ARMED);
    expect(armed(document, 'B')).toEqual([]);
  });
});
