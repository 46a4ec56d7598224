import { Kind, type ASTVisitor, type ValidationContext } from 'graphql';
import { inlineSecret } from '../errors/inlineSecret.js';

/** Arguments and input fields whose value is a credential (a webhook's signing secret). */
const SECRET_NAMES: ReadonlySet<string> = new Set(['secret']);

/**
 * A validation rule: a secret argument or input field must be a variable. Validation runs before Apollo stores an
 * APQ registration or the response cache looks at the operation, so a refused text is kept nowhere; a null literal
 * (clearing nothing) passes.
 */
export function secretsAsVariables(context: ValidationContext): ASTVisitor {
  return {
    Argument(node) {
      if (SECRET_NAMES.has(node.name.value) && node.value.kind === Kind.STRING) context.reportError(inlineSecret(node));
    },
    ObjectField(node) {
      if (SECRET_NAMES.has(node.name.value) && node.value.kind === Kind.STRING) context.reportError(inlineSecret(node));
    },
  };
}
