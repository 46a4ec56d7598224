import { backendProfile } from '../../../src/upstream/profiles/BackendProfile.js';
import { unsupportedCoordinates } from '../../../src/graphql/unsupportedCoordinates.js';

const mlflow = backendProfile('mlflow');
const databricks = backendProfile('databricks');
const gitlab = backendProfile('gitlab');

describe('unsupportedCoordinates', () => {
  it('names nothing on Databricks with its own permissions, and the ACL fields without a permission service', () => {
    expect(unsupportedCoordinates(databricks, 'databricks')).toEqual([]);
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
});
