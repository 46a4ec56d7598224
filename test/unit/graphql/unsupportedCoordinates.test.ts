import { backendProfile } from '../../../src/upstream/profiles/BackendProfile.js';
import { FEATURE_FIELDS, unsupportedCoordinates } from '../../../src/graphql/unsupportedCoordinates.js';

const mlflow = backendProfile('mlflow');
const databricks = backendProfile('databricks');
const gitlab = backendProfile('gitlab');

describe('unsupportedCoordinates', () => {
  const prompts = Object.keys(FEATURE_FIELDS.prompts).sort();
  const webhooks = Object.keys(FEATURE_FIELDS.webhooks).sort();

  it('names only prompts, evaluation datasets and webhooks on Databricks with its own permissions, and the ACL fields without a permission service', () => {
    // Databricks' prompts and evaluation datasets are Unity Catalog's own APIs, its registry webhooks another: the
    // graph speaks none of them.
    expect(unsupportedCoordinates(databricks, 'databricks')).toEqual(
      [...prompts, ...Object.keys(FEATURE_FIELDS.evaluationDatasets), ...webhooks].sort(),
    );
    expect(unsupportedCoordinates(mlflow, 'none')).toEqual(
      expect.arrayContaining([
        'Experiment.permissions',
        'Mutation.setExperimentPermission',
        'Mutation.createTransitionRequest',
      ]),
    );
    expect(unsupportedCoordinates(mlflow, 'mlflow-basic-auth')).not.toContain('Experiment.permissions');
  });

  it('derives GitLab’s missing mutations from its endpoint table', () => {
    const coordinates = unsupportedCoordinates(gitlab, 'gitlab');
    expect(coordinates).toEqual(
      expect.arrayContaining([
        'Mutation.restoreRun',
        'Mutation.renameRegisteredModel',
        'Query.modelVersions',
        'Query.runs(filter:)',
      ]),
    );
    expect(coordinates).not.toContain('Run.modelVersions'); // served from the models' version lists
    expect(coordinates).not.toContain('Mutation.createRun');
    expect(coordinates).not.toContain('Query.registeredModels(filter:)'); // name = '…' works
    expect([...coordinates].sort()).toEqual(coordinates);
  });

  it('names a version-gated feature only once it is decided absent (MLflow < 3), never while unknown', () => {
    expect(unsupportedCoordinates(mlflow, 'mlflow-basic-auth')).not.toContain('Query.prompts');
    expect(unsupportedCoordinates(mlflow, 'mlflow-basic-auth', { prompts: 'unknown' })).not.toContain('Query.prompts');
    expect(unsupportedCoordinates(mlflow, 'mlflow-basic-auth', { prompts: 'yes' })).not.toContain('Query.prompts');
    expect(unsupportedCoordinates(mlflow, 'mlflow-basic-auth', { prompts: 'no' })).toEqual(
      expect.arrayContaining(prompts),
    );
    expect(unsupportedCoordinates(gitlab, 'gitlab')).toEqual(expect.arrayContaining(prompts));
  });

  it('names the webhook fields where MLflow is older than 3.3, and on GitLab', () => {
    expect(unsupportedCoordinates(mlflow, 'mlflow-basic-auth', { prompts: 'yes', webhooks: 'no' })).toEqual(
      expect.arrayContaining(webhooks),
    );
    expect(unsupportedCoordinates(mlflow, 'mlflow-basic-auth', { webhooks: 'yes' })).not.toContain('Query.webhooks');
    expect(unsupportedCoordinates(gitlab, 'gitlab')).toEqual(expect.arrayContaining(webhooks));
  });
});
