// A node preload for the crash-at-persist torture (src/nemesis/crash-torture.ts): the process
// SIGKILLs itself at one chosen point around one of its hard-state writes (a synced LevelDB batch
// of every key, `term` and `votedFor` among them, followed by the checksummed record), as a power cut or an OOM kill could. Plain JavaScript, so that it
// adds no TypeScript loader to the node. HBC_PERSIST_KILL is JSON:
//   { "save": k, "phase": "before" | "during" | "after", "spinUs": n }
// `before`: the k-th save of this process never starts. `during`: it is handed to LevelDB's
// thread and the process dies `spinUs` microseconds later, done or not. `after`: LevelDB said it
// is on disk, and the process dies before the node acts on it (before the vote or message leaves).
// Before dying it prints one line, `{"event":"persist-kill","writingTerm":...,"writingVotedFor":...}`,
// so the harness knows where (not `term`: a history must not take a write that may never have
// happened for a term the node had).
import { writeSync } from 'node:fs';
import level from 'level';

const config = JSON.parse(process.env.HBC_PERSIST_KILL ?? 'null');
if (config !== null) {
  const { Level } = level;
  const batch = Level.prototype.batch;
  let saves = 0;
  /** The incarnation of this process's previous batch (null before its first). */
  let previousIncarnation = null;
  const die = (state) => {
    writeSync(1, `${JSON.stringify({ event: 'persist-kill', time: Date.now(), pid: process.pid, phase: config.phase, save: saves, ...state })}\n`);
    process.kill(process.pid, 'SIGKILL');
  };
  Level.prototype.batch = function (operations, ...rest) {
    const ops = Array.isArray(operations) ? operations : [];
    const value = (key) => JSON.parse(ops.find((operation) => operation.key === key)?.value ?? 'null');
    // Every write of the store carries every key. Only the node's saves of its hard state count:
    // not the store's creation (the first batch of a process) nor the start's incarnation bump
    // (a batch whose incarnation differs from the previous one's).
    const incarnation = value('incarnation');
    const isSave = previousIncarnation !== null && incarnation === previousIncarnation;
    previousIncarnation = incarnation;
    if (!isSave) return batch.call(this, operations, ...rest);
    saves += 1;
    if (saves !== config.save) return batch.call(this, operations, ...rest);
    const state = { writingTerm: value('term'), writingVotedFor: value('votedFor') };
    if (config.phase === 'before') die(state);
    const written = batch.call(this, operations, ...rest);
    if (config.phase === 'during') {
      const until = process.hrtime.bigint() + BigInt(Math.round(config.spinUs ?? 0) * 1000);
      while (process.hrtime.bigint() < until);
      die(state);
    }
    return written.then((value) => {
      die(state);
      return value;
    });
  };
}
