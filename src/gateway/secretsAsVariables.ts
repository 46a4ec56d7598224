import { Kind, type ASTNode, type ASTVisitor, type ValidationContext, type ValueNode } from 'graphql';
import { inlineSecret } from '../errors/inlineSecret.js';

/** Arguments and input fields whose value is a credential (a webhook's signing secret). */
const SECRET_NAMES: ReadonlySet<string> = new Set(['secret']);

/**
 * A validation rule: a secret argument or input field must be a variable without a default value. Validation runs
 * before Apollo stores an APQ registration or the response cache looks at the operation, so a refused text is kept
 * nowhere. A null literal (no secret) passes.
 */
export function secretsAsVariables(context: ValidationContext): ASTVisitor {
  // Variables in a secret's place, in any operation or fragment of the document (checked against every operation's
  // definitions at the end: a name shared by two operations makes the rule stricter, never laxer).
  const secretVariables = new Set<string>();
  const check = (name: string, value: ValueNode, node: ASTNode) => {
    if (!SECRET_NAMES.has(name)) return;
    if (value.kind === Kind.STRING) context.reportError(inlineSecret(node));
    else if (value.kind === Kind.VARIABLE) secretVariables.add(value.name.value);
  };
  return {
    Argument: (node) => check(node.name.value, node.value, node),
    ObjectField: (node) => check(node.name.value, node.value, node),
    Document: {
      leave(document) {
        for (const definition of document.definitions) {
          if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
          for (const variable of definition.variableDefinitions ?? [])
            if (secretVariables.has(variable.variable.name.value) && variable.defaultValue?.kind === Kind.STRING)
              context.reportError(inlineSecret(variable));
        }
      },
    },
  };
}
