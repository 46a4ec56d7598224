// Lists of protected objects: each item is kept only if the caller may see the object, and the question is asked
// once per distinct resource (a page of runs of one experiment asks about that experiment once), with the same
// answer as asking per item.
import { buildSchema, graphql, type GraphQLObjectType } from 'graphql';
import { applyAuthorization } from '../../../src/auth/applyAuthorization.js';
import type { Authorizer } from '../../../src/auth/authorizer.js';
import type { PermissionLevel } from '../../../src/auth/PermissionLevel.js';
import type { Resource } from '../../../src/auth/Resource.js';

const schema = buildSchema(`
  directive @hasPermission(level: PermissionLevel!) on FIELD_DEFINITION | OBJECT
  enum PermissionLevel { NO_PERMISSIONS CAN_READ CAN_EDIT CAN_MANAGE }
  type Query { items: [Item] edges: [ItemEdge!]! slowItems: [Item!]! }
  type Item @hasPermission(level: CAN_READ) { id: ID! }
  type ItemEdge { node: Item cursor: String! }
`);

interface Item {
  id: string;
  experiment: string | null;
}
const items: (Item | null)[] = [
  { id: 'a1', experiment: 'open' },
  null,
  { id: 's1', experiment: 'secret' },
  { id: 'a2', experiment: 'open' },
  { id: 's2', experiment: 'secret' },
  { id: 'a3', experiment: 'open' },
];
const query = schema.getType('Query') as GraphQLObjectType;
query.getFields().items!.resolve = () => items;
query.getFields().edges!.resolve = () => items.map((node) => ({ node, cursor: `c${node?.id ?? '-'}` }));
query.getFields().slowItems!.resolve = () => items.filter((item) => item !== null);

const asked: string[] = [];
let slowLookups = 0;
applyAuthorization(schema, {
  objectResource: {
    Item: (item: Item, context: { slow?: boolean }) => {
      const resource = { kind: 'experiment', id: item.experiment } as Resource;
      if (!context.slow) return resource;
      slowLookups += 1;
      return Promise.resolve(resource);
    },
  } as Record<string, (object: any, context: any) => Resource | Promise<Resource>>,
  argumentResource: {},
});

function authorizer(): Authorizer {
  return {
    allows: async (resource: Resource, _level: PermissionLevel) => {
      asked.push(resource.kind === 'experiment' ? resource.id : resource.name);
      return resource.kind === 'experiment' && resource.id === 'open';
    },
    requireKnownCaller: async () => undefined,
  } as unknown as Authorizer;
}

async function run(source: string, slow = false) {
  asked.length = 0;
  const result = await graphql({ schema, source, contextValue: { authorizer: authorizer(), slow } });
  return result;
}

describe('applyAuthorization: lists of protected objects', () => {
  it('keeps the items the caller may see, in order, and the null ones, asking once per resource', async () => {
    const result = await run('{ items { id } }');
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ items: [{ id: 'a1' }, null, { id: 'a2' }, { id: 'a3' }] });
    expect(asked.sort()).toEqual(['open', 'secret']);
  });

  it('drops the edges whose node the caller may not see, and keeps an edge without a node', async () => {
    const result = await run('{ edges { cursor node { id } } }');
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      edges: [
        { cursor: 'ca1', node: { id: 'a1' } },
        { cursor: 'c-', node: null },
        { cursor: 'ca2', node: { id: 'a2' } },
        { cursor: 'ca3', node: { id: 'a3' } },
      ],
    });
    // The list asks about each experiment once; each kept edge's `node` is checked again where it is produced.
    expect(asked.filter((id) => id === 'secret')).toEqual(['secret']);
  });

  it('waits for resources that are looked up asynchronously', async () => {
    slowLookups = 0;
    const result = await run('{ slowItems { id } }', true);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ slowItems: [{ id: 'a1' }, { id: 'a2' }, { id: 'a3' }] });
    expect(slowLookups).toBe(5);
    expect(asked.sort()).toEqual(['open', 'secret']);
  });

  it('fails closed when an object has no resource to ask about', async () => {
    const failing = buildSchema(`
      directive @hasPermission(level: PermissionLevel!) on FIELD_DEFINITION | OBJECT
      enum PermissionLevel { NO_PERMISSIONS CAN_READ CAN_EDIT CAN_MANAGE }
      type Query { items: [Item!] }
      type Item @hasPermission(level: CAN_READ) { id: ID! }
    `);
    (failing.getType('Query') as GraphQLObjectType).getFields().items!.resolve = () => [{ id: 'x' }];
    applyAuthorization(failing, {
      objectResource: { Item: () => undefined as unknown as Resource },
      argumentResource: {},
    });
    const result = await graphql({
      schema: failing,
      source: '{ items { id } }',
      contextValue: {
        authorizer: {
          requireKnownCaller: async () => undefined,
          allows: async (resource: Resource) => {
            if (!resource) throw new Error('no resource');
            return true;
          },
        },
      },
    });
    expect(result.data).toEqual({ items: null });
    expect(result.errors?.[0]?.message).toBe('no resource');
  });
});
