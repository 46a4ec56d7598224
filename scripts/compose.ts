// npm run compose: supergraph.yaml → schema/supergraph.graphql (what Rover's `supergraph compose` does;
// Rover cannot be installed here), plus schema/api.graphql, the API schema clients see (client codegen reads it).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printApiSchema } from '../src/gateway/apiSchema.js';
import { composeSupergraph } from '../src/gateway/composeSupergraph.js';
import { projectRoot, supergraphSdlPath } from '../src/gateway/supergraphConfig.js';

const supergraphSdl = composeSupergraph();
writeFileSync(supergraphSdlPath, supergraphSdl);
console.log(`composed ${supergraphSdlPath}`);
const apiSchemaPath = resolve(projectRoot, 'schema/api.graphql');
writeFileSync(apiSchemaPath, printApiSchema(supergraphSdl));
console.log(`wrote ${apiSchemaPath}`);
