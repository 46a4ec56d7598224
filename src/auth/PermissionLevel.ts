/** The graph's single permission scale (DESIGN §3), lowest first. Every backend's levels map onto it. */
export const PERMISSION_LEVELS = [
  'NO_PERMISSIONS',
  'CAN_READ',
  'CAN_USE',
  'CAN_EDIT',
  'CAN_MANAGE_STAGING_VERSIONS',
  'CAN_MANAGE_PRODUCTION_VERSIONS',
  'CAN_MANAGE',
] as const;

/** One level of {@link PERMISSION_LEVELS}. */
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

/** True when `level` grants at least `required`. */
export function atLeast(level: PermissionLevel, required: PermissionLevel): boolean {
  return PERMISSION_LEVELS.indexOf(level) >= PERMISSION_LEVELS.indexOf(required);
}

/** The higher of two levels. */
export function maxLevel(a: PermissionLevel, b: PermissionLevel): PermissionLevel {
  return atLeast(a, b) ? a : b;
}

/** MLflow basic-auth's permission names → the graph's scale (MLflow: READ < EDIT < MANAGE). */
export function fromMlflowPermission(permission: string): PermissionLevel {
  switch (permission) {
    case 'READ':
      return 'CAN_READ';
    case 'EDIT':
      return 'CAN_EDIT';
    case 'MANAGE':
      return 'CAN_MANAGE';
    case 'NO_PERMISSIONS':
      return 'NO_PERMISSIONS';
    default:
      // An unknown name from a newer server must not grant anything.
      return 'NO_PERMISSIONS';
  }
}

/** The graph's level → MLflow basic-auth's permission name (levels MLflow lacks round down). */
export function toMlflowPermission(level: PermissionLevel): 'NO_PERMISSIONS' | 'READ' | 'EDIT' | 'MANAGE' {
  if (level === 'CAN_MANAGE') return 'MANAGE';
  if (atLeast(level, 'CAN_EDIT')) return 'EDIT';
  if (atLeast(level, 'CAN_READ')) return 'READ';
  return 'NO_PERMISSIONS';
}

/** Databricks' permission names are the graph's own (CAN_READ … CAN_MANAGE); unknown ones grant nothing. */
export function fromDatabricksPermission(permission: string | undefined): PermissionLevel {
  return (PERMISSION_LEVELS as readonly string[]).includes(permission ?? '')
    ? (permission as PermissionLevel)
    : 'NO_PERMISSIONS';
}
