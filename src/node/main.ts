#!/usr/bin/env node
/**
 * One node of a heartbeat cluster as its own process: flags, logging, signals and exit codes
 * around run-node.ts, which wires the concrete parts (also for startNode, inside an application).
 */
import { pino, type Logger } from 'pino';
import { processIo, readSingleCommand } from '../command-line/program.ts';
import { exitCodes } from './exit-codes.ts';
import { nodeProgram, parseNodeOptions, type NodeOptions } from './node-options.ts';
import { runNode } from './run-node.ts';

// --help exits 0; a bad command line exits 2, which is also exitCodes.badConfiguration.
const parsed = readSingleCommand(process.argv.slice(2), processIo(), nodeProgram, (argv) => parseNodeOptions(argv, process.env, process.stdout.isTTY === true));
if (!parsed.ok) process.exit(parsed.exitCode);

const options: NodeOptions = parsed.options;
const logger: Logger = await createNodeLogger(options);
process.on('uncaughtException', (error) => crash(logger, error));
process.on('unhandledRejection', (error) => crash(logger, error));

const outcome = await runNode(options, logger, (_reason, exitCode) => process.exit(exitCode));
if (!outcome.ok) {
  logger.fatal({ event: 'start-failed', reason: outcome.reason }, outcome.message);
  for (const line of outcome.message.split('\n')) process.stderr.write(`error: ${line}\n`);
  logger.flush();
  process.exit(outcome.exitCode);
}
const node = outcome.node;

let stopping = false;
const shutdown = async (signal: string): Promise<void> => {
  if (stopping) {
    logger.warn({ event: 'forced-exit', signal }, 'second signal: exiting at once');
    process.exit(exitCodes.crashed);
  }
  stopping = true;
  logger.info({ event: 'shutting-down', signal }, 'shutting down');
  await node.stop();
  logger.flush();
  process.exit(exitCodes.ok);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
// Certificate rotation: the files are read again and serve every new connection (see run-node.ts).
process.on('SIGHUP', () => {
  node.reloadTls();
});

function crash(log: Logger, error: unknown): void {
  log.fatal({ event: 'crashed', err: error }, 'unexpected error; stopping');
  log.flush();
  process.exit(exitCodes.crashed);
}

/**
 * JSON lines by default (the cluster launcher parses them); colourful lines for a person at a
 * terminal. pino-pretty is loaded only then: the nodes the launcher starts need not pay for it.
 */
async function createNodeLogger(options: NodeOptions): Promise<Logger> {
  const settings = { level: options.logLevel, base: { node: options.id, pid: process.pid } };
  if (options.logFormat === 'pretty') {
    const { default: pretty } = await import('pino-pretty');
    return pino(settings, pretty({ colorize: process.stdout.isTTY === true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino(settings);
}
