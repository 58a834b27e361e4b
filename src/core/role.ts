export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';
