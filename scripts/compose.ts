// npm run compose: supergraph.yaml → schema/supergraph.graphql (what Rover's `supergraph compose` does;
// Rover cannot be installed here).
import { writeFileSync } from 'node:fs';
import { composeSupergraph } from '../src/gateway/composeSupergraph.js';
import { supergraphSdlPath } from '../src/gateway/supergraphConfig.js';

writeFileSync(supergraphSdlPath, composeSupergraph());
console.log(`composed ${supergraphSdlPath}`);
