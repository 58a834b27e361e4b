/** How busy a node is, as it reports itself on every heartbeat and ack. */
export interface NodeLoad {
  /** 99th percentile event-loop delay over the last sampling interval. */
  readonly eventLoopDelayP99Ms: number;
  /** CPU use over the last sampling interval, in percent of one core. */
  readonly cpuPercent: number;
  readonly rssBytes: number;
}

/** What a node piggybacks on heartbeats and acks: no extra messages, a few dozen bytes. */
export interface NodeMetadata {
  /** Incremented (and persisted) on every start, so a restart is told apart from a slow node. */
  readonly incarnation: number;
  readonly version: string;
  readonly load: NodeLoad;
}
