import {
  loggedModelIdOfSource,
  sourceNamesModel,
  taggedVersions,
} from '../../../../src/upstream/mlflow/loggedModelLinks.js';

const ID = 'm-f4955926b98346f082f3cd074e05f4fb';
const ARTIFACTS = `/srv/mlflow/artifacts/1/models/${ID}/artifacts`;

// The sources MLflow 3.11.1 recorded (corpus seq 117, 119) and the ones that name no logged model.
describe('loggedModelLinks', () => {
  it('reads the logged model a version source names', () => {
    expect(loggedModelIdOfSource(`models:/${ID}`)).toBe(ID);
    expect(loggedModelIdOfSource(ARTIFACTS)).toBe(ID);
    expect(loggedModelIdOfSource(`s3://bucket/7/models/${ID}/artifacts/model.pkl`)).toBe(ID);
    expect(loggedModelIdOfSource('models:/my-model/3')).toBeUndefined();
    expect(loggedModelIdOfSource('runs:/895727c33fe74e418b4f38acbed91a6c/model')).toBeUndefined();
    expect(loggedModelIdOfSource('dummy-source')).toBeUndefined();
    expect(loggedModelIdOfSource(`/tmp/models/${ID}`)).toBeUndefined();
    expect(loggedModelIdOfSource(undefined)).toBeUndefined();
  });

  it('matches a version to a model by its id or its artifact location, never by a prefix of another path', () => {
    expect(sourceNamesModel(`models:/${ID}`, ID, ARTIFACTS)).toBe(true);
    expect(sourceNamesModel(ARTIFACTS, ID, undefined)).toBe(true);
    expect(sourceNamesModel('s3://b/custom/path/model', ID, 's3://b/custom/path')).toBe(true);
    expect(sourceNamesModel('s3://b/custom/path2/model', ID, 's3://b/custom/path')).toBe(false);
    expect(sourceNamesModel(`models:/m-00000000000000000000000000000000`, ID, ARTIFACTS)).toBe(false);
    expect(sourceNamesModel('', ID, ARTIFACTS)).toBe(false);
  });

  it('reads the mlflow.modelVersions tag as MLflow writes it, and ignores anything else', () => {
    const tag = (value: string) => [{ key: 'mlflow.modelVersions', value }];
    expect(
      taggedVersions(
        tag('[{"name": "corpus-8d6be77d-reg", "version": 1}, {"name": "corpus-8d6be77d-reg", "version": 2}]'),
      ),
    ).toEqual([
      { name: 'corpus-8d6be77d-reg', version: '1' },
      { name: 'corpus-8d6be77d-reg', version: '2' },
    ]);
    expect(taggedVersions(tag('not json'))).toEqual([]);
    expect(taggedVersions(tag('{"name": "x"}'))).toEqual([]);
    expect(taggedVersions(tag('[{"name": "x", "version": "two"}, {"version": 1}]'))).toEqual([]);
    expect(taggedVersions([{ key: 'other', value: '[]' }])).toEqual([]);
    expect(taggedVersions(undefined)).toEqual([]);
  });
});
