// How the custom permission service's answers fold into what one request knows of the caller's rights on one
// object, and which questions are still worth asking. Pure: the session asks, this decides.
import type { WireAnswer } from '../../../upstream/permission-service/PermissionServiceClient.js';
import { atLeast, PERMISSION_LEVELS, type PermissionLevel } from '../../PermissionLevel.js';

/** What the graph asks a permission service for, lowest first: allowing one allows those below it. */
export type PermissionAction = 'read' | 'write' | 'manage';

/** Every action, lowest first (the order `decide` and `fullLevel` walk). */
export const ACTIONS: readonly PermissionAction[] = ['read', 'write', 'manage'];

/** The lowest level of the graph's scale each action stands for. */
const ACTION_MIN: Record<PermissionAction, PermissionLevel> = {
  read: 'CAN_READ',
  write: 'CAN_USE',
  manage: 'CAN_MANAGE_STAGING_VERSIONS',
};

/** The level an `allowed: true` without a `level` implies: the highest the action stands for. */
const ACTION_IMPLIES: Record<PermissionAction, PermissionLevel> = {
  read: 'CAN_READ',
  write: 'CAN_EDIT',
  manage: 'CAN_MANAGE',
};

/** The action a check at `required` asks: CAN_READ → read, CAN_USE/CAN_EDIT → write, above → manage. */
export function actionFor(required: PermissionLevel): PermissionAction {
  if (atLeast(required, ACTION_MIN.manage)) return 'manage';
  if (atLeast(required, ACTION_MIN.write)) return 'write';
  return 'read';
}

/** What one request has learned about the caller's rights on one object. */
export interface PermissionKnowledge {
  /** From an answer that carried a `level` (the caller's level on the object, whatever the action asked). */
  level: PermissionLevel | undefined;
  /** `allowed` per action asked. */
  answers: Partial<Record<PermissionAction, boolean>>;
  /** Checks the service could not answer in this request (not retried within it; never cached). */
  failures: Partial<Record<PermissionAction, Error>>;
}

/** Nothing known yet: every check on the object is undecided. */
export function blankKnowledge(): PermissionKnowledge {
  return { level: undefined, answers: {}, failures: {} };
}

/** The level just below `floor` (NO_PERMISSIONS at the bottom). */
function below(floor: PermissionLevel): PermissionLevel {
  return PERMISSION_LEVELS[Math.max(0, PERMISSION_LEVELS.indexOf(floor) - 1)] as PermissionLevel;
}

/**
 * Folds one answer into what is known. Contradictions resolve to the lower reading: `allowed: false` with a
 * level that would allow the action caps the level below it; `allowed: true` with a level too low for the
 * action keeps the low level (levels are consulted first).
 */
export function learn(knowledge: PermissionKnowledge, action: PermissionAction, answer: WireAnswer): void {
  if (answer.level !== undefined) {
    const level =
      answer.allowed || !atLeast(answer.level, ACTION_MIN[action]) ? answer.level : below(ACTION_MIN[action]);
    knowledge.level = knowledge.level === undefined || atLeast(knowledge.level, level) ? level : knowledge.level;
  }
  knowledge.answers[action] = answer.allowed;
}

/** Whether the caller holds `required`, or undefined when the answers so far do not say. A denial below wins. */
export function decide(knowledge: PermissionKnowledge, required: PermissionLevel): boolean | undefined {
  if (knowledge.level !== undefined) return atLeast(knowledge.level, required);
  const index = ACTIONS.indexOf(actionFor(required));
  if (ACTIONS.slice(0, index + 1).some((a) => knowledge.answers[a] === false)) return false;
  if (ACTIONS.slice(index).some((a) => knowledge.answers[a] === true)) return true;
  return undefined;
}

/** The caller's whole level, or the actions still to ask (read first; then every unknown one above it at once). */
export function fullLevel(knowledge: PermissionKnowledge): PermissionLevel | PermissionAction[] {
  if (knowledge.level !== undefined) return knowledge.level;
  const { answers } = knowledge;
  let level: PermissionLevel = 'NO_PERMISSIONS';
  for (const [index, action] of ACTIONS.entries()) {
    // An action above allowed allows this one (no denial below it, or the loop would have ended).
    const allowed = answers[action] ?? (ACTIONS.slice(index + 1).some((a) => answers[a] === true) ? true : undefined);
    if (allowed === false) return level;
    if (allowed === undefined) {
      // Nothing known: `read` alone, which a service answering with levels settles in one check.
      if (Object.keys(answers).length === 0) return ['read'];
      return ACTIONS.slice(index).filter((a) => answers[a] === undefined);
    }
    level = ACTION_IMPLIES[action];
  }
  return level;
}
