// The npm registry mirror these machines use serves only the platform packages they need, so
// `npm install` leaves other platforms' optional packages (@swc/core-darwin-arm64, …) out of
// package-lock.json, and `npm ci` then refuses the lock as "out of sync". This adds the missing optional
// entries (version only, marked optional): on a machine of another platform npm ci installs them as
// usual; here it skips them. Run after changing dependencies: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    // Resolution as npm does it: nested node_modules first, then the root.
    const nested = `${location}/node_modules/${name}`;
    const top = `node_modules/${name}`;
    if (packages[nested] || packages[top]) continue;
    packages[top] = { version, dev: entry.dev === true || undefined, optional: true };
    added += 1;
  }
}
const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
lock.packages = sorted;
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional platform entries`);
