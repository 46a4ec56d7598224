import {
  assertChatTemplate,
  assertPromptName,
  assertUserTags,
  isPromptModel,
  isPromptVersion,
  promptsFilter,
  refusePromptClause,
  templateType,
  templateVariables,
  userTags,
} from '../../../../src/subgraphs/registry/prompts.js';

// MLflow's prompt conventions as the corpus shows them (3.11.1, seq 135-147).
const PROMPT_TAGS = [
  { key: 'mlflow.prompt.is_prompt', value: 'true' },
  { key: '_mlflow_prompt_type', value: 'text' },
  { key: 'lang', value: 'en' },
];

describe('prompts', () => {
  it('tells prompts and their versions by their own tag', () => {
    expect(isPromptModel({ tags: PROMPT_TAGS })).toBe(true);
    // Exactly `true`, as MLflow's store hides and finds prompts: an object is in one list or the other, never neither.
    expect(isPromptModel({ tags: [{ key: 'mlflow.prompt.is_prompt', value: 'TRUE' }] })).toBe(false);
    expect(isPromptModel({ tags: [{ key: 'mlflow.prompt.is_prompt', value: 'false' }] })).toBe(false);
    expect(isPromptModel({ tags: [{ key: 'domain', value: 'qa' }] })).toBe(false);
    expect(isPromptModel({})).toBe(false);
    expect(isPromptVersion({ tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] })).toBe(true);
  });

  it('lists prompts with the tag MLflow searches by, ANDed with the caller’s filter', () => {
    expect(promptsFilter(undefined)).toBe("tags.`mlflow.prompt.is_prompt` = 'true'");
    expect(promptsFilter("name LIKE 'qa-%'")).toBe("tags.`mlflow.prompt.is_prompt` = 'true' AND name LIKE 'qa-%'");
  });

  it('refuses a filter that names the prompt tag, whichever way it compares', () => {
    for (const filter of [
      "tags.`mlflow.prompt.is_prompt` = 'true'",
      "tags.`mlflow.prompt.is_prompt` != 'true'",
      "name = 'x' AND tag.mlflow.prompt.is_prompt = 'false'",
    ]) {
      expect(() => refusePromptClause(filter, 'registeredModels')).toThrow(/never lists prompts/);
      expect(() => promptsFilter(filter)).toThrow(/mlflow.prompt.is_prompt/);
    }
    expect(() => refusePromptClause("tags.team = 'ml'", 'registeredModels')).not.toThrow();
  });

  it('hides the keys the prompt fields stand for, and refuses them as user tags', () => {
    expect(userTags(PROMPT_TAGS)).toEqual([{ key: 'lang', value: 'en' }]);
    expect(() => assertUserTags([{ key: 'mlflow.prompt.text' }])).toThrow(/kept by MLflow/);
    expect(() => assertUserTags([{ key: '_mlflow_prompt_type' }])).toThrow(/kept by MLflow/);
    expect(() => assertUserTags([{ key: 'mlflow.source' }, { key: 'team' }])).not.toThrow();
  });

  it('reads the template type and its variables as MLflow does', () => {
    expect(templateType({ tags: [{ key: '_mlflow_prompt_type', value: 'chat' }] })).toBe('CHAT');
    expect(templateType({ tags: [] })).toBe('TEXT');
    expect(templateVariables('Hi {{ name }}, {{topic.title}}: {{name}} {{ 1bad }}')).toEqual(['name', 'topic.title']);
  });

  it('accepts the names and chat templates MLflow’s client accepts', () => {
    expect(assertPromptName('qa_answer-v1.2')).toBe('qa_answer-v1.2');
    expect(() => assertPromptName("it's")).toThrow(/prompt name/);
    expect(() => assertPromptName('a b')).toThrow(/prompt name/);
    expect(() => assertChatTemplate('[{"role": "user", "content": "Hi {{name}}"}]')).not.toThrow();
    expect(() => assertChatTemplate('[{"role": "user"}]')).toThrow(/CHAT template/);
    expect(() => assertChatTemplate('not json')).toThrow(/JSON/);
  });
});
