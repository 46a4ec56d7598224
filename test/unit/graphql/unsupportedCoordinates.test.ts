import { backendProfile } from '../../../src/upstream/profiles/BackendProfile.js';
import { FEATURE_FIELDS, unsupportedCoordinates } from '../../../src/graphql/unsupportedCoordinates.js';

const mlflow = backendProfile('mlflow');
const databricks = backendProfile('databricks');
const gitlab = backendProfile('gitlab');

describe('unsupportedCoordinates', () => {
  const prompts = Object.keys(FEATURE_FIELDS.prompts).sort();

  it('names only prompts and evaluation datasets on Databricks with its own permissions, and the ACL fields without a permission service', () => {
    // Databricks' prompts and evaluation datasets are Unity Catalog's own APIs, which the graph does not speak.
    expect(unsupportedCoordinates(databricks, 'databricks')).toEqual(
      [...prompts, ...Object.keys(FEATURE_FIELDS.evaluationDatasets)].sort(),
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
});
