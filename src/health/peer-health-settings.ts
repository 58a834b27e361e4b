import type { ElectionConfig } from '../core/election-config.ts';
import type { PeerHealthSettings } from './peer-health-tracker.ts';

/**
 * Failure-detector settings derived from the election timing, so they need no tuning of their
 * own: suspicion starts once a peer is late by about half an election timeout beyond its usual
 * rhythm, and a peer silent for four election timeouts is dead.
 */
export function peerHealthSettings(config: ElectionConfig): PeerHealthSettings {
  return {
    windowSize: 100,
    minStdDeviationMs: Math.max(config.heartbeatIntervalMs / 2, 5),
    acceptablePauseMs: config.electionTimeoutMinMs / 2,
    firstIntervalEstimateMs: config.heartbeatIntervalMs,
    suspectPhi: 8,
    deadAfterMs: 4 * config.electionTimeoutMinMs,
    // A gap long enough to be called dead is an outage, not rhythm.
    maxIntervalMs: 4 * config.electionTimeoutMinMs,
  };
}
