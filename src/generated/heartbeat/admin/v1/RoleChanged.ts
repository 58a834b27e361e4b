// Original file: proto/admin.proto


/**
 * Roles: follower | pre-candidate | candidate | leader.
 */
export interface RoleChanged {
  'from'?: (string);
  'to'?: (string);
}

/**
 * Roles: follower | pre-candidate | candidate | leader.
 */
export interface RoleChanged__Output {
  'from': (string);
  'to': (string);
}
