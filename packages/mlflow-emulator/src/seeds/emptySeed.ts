// The `empty` seed: what a fresh MLflow server holds (experiment "0" named Default, and the
// basic-auth admin), plus the Databricks tokens so that mode can authenticate.
import type { EmulatorStore } from '../EmulatorStore.js';
import { ADMIN, DATABRICKS_PERSONAS } from './users.js';

/** Options shared by the seeds. */
export interface SeedOptions {
  /** Password of the basic-auth admin (default {@link ADMIN}'s). */
  readonly adminPassword?: string;
}

/** Adds the Databricks personas (tokens, users, groups). */
export function seedDatabricksPersonas(store: EmulatorStore): void {
  for (const persona of DATABRICKS_PERSONAS) {
    store.databricks.addUser(persona.token, {
      userName: persona.userName,
      displayName: persona.displayName,
      groups: persona.groups,
    });
  }
}

/** Fills a store as a fresh MLflow. */
export function seedEmpty(store: EmulatorStore, options: SeedOptions = {}): void {
  store.tracking.createDefaultExperiment();
  store.auth.createUser(ADMIN.username, options.adminPassword ?? ADMIN.password, true);
  seedDatabricksPersonas(store);
  store.databricks.grant('experiments', '0', { kind: 'group', name: 'users' }, 'CAN_EDIT');
}
