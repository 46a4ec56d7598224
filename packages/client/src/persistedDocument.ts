import { createHash } from 'node:crypto';
import { printExecutableGraphQLDocument } from '@graphql-tools/documents';
import { Kind, type DocumentNode } from 'graphql';

/** What the client sends for one document: the text the manifest holds, its APQ hash, its operation name. */
export interface PersistedDocument {
  /** The normalized text, byte for byte the value in persisted-documents.json. */
  readonly text: string;
  /** sha256 of `text` in hex: Apollo's APQ `sha256Hash` (the manifest key without its `sha256:` prefix). */
  readonly sha256Hash: string;
  readonly operationName: string | undefined;
}

const memo = new WeakMap<DocumentNode, PersistedDocument>();

/**
 * The persisted form of a document, memoized per document object. The text is printed exactly as the client
 * preset prints it when it writes the manifest (graphql-tools' executable-document printer), so its hash is
 * the manifest's: a persisted-only gateway accepts it by hash alone.
 */
export function persistedDocument(document: DocumentNode): PersistedDocument {
  let entry = memo.get(document);
  if (!entry) {
    const text = printExecutableGraphQLDocument(document);
    const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    entry = {
      text,
      sha256Hash: createHash('sha256').update(text).digest('hex'),
      operationName: operation?.kind === Kind.OPERATION_DEFINITION ? operation.name?.value : undefined,
    };
    memo.set(document, entry);
  }
  return entry;
}
