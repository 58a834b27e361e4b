/**
 * One node of a heartbeat cluster: the only place that wires concrete implementations
 * (LevelDB, gRPC, pino, the real clock and randomness) around the node driver.
 */
import type { Logger } from 'pino';
import { wantsHelp } from '../util/command-line.ts';
import { exitCodes } from './exit-codes.ts';
import { nodeUsage, parseNodeOptions, type NodeOptions } from './node-options.ts';
import { runNode } from './run-node.ts';
import { createNodeLogger } from './node-logger.ts';

const argv = process.argv.slice(2);
if (wantsHelp(argv)) {
  process.stdout.write(nodeUsage);
  process.exit(exitCodes.ok);
}
const parsed = parseNodeOptions(argv, process.env, process.stdout.isTTY === true);
if (!parsed.ok) {
  for (const problem of parsed.problems) process.stderr.write(`error: ${problem}\n`);
  process.stderr.write('run with --help to see every flag\n');
  process.exit(exitCodes.badConfiguration);
}

const options: NodeOptions = parsed.options;
const logger: Logger = await createNodeLogger(options);
process.on('uncaughtException', (error) => crash(logger, error));
process.on('unhandledRejection', (error) => crash(logger, error));

const outcome = await runNode(options, logger);
if (!outcome.ok) {
  logger.fatal({ event: 'start-failed', reason: outcome.reason }, outcome.message);
  process.stderr.write(`error: ${outcome.message}\n`);
  logger.flush();
  process.exit(outcome.exitCode);
}

function crash(log: Logger, error: unknown): void {
  log.fatal({ event: 'crashed', err: error }, 'unexpected error; stopping');
  log.flush();
  process.exit(exitCodes.crashed);
}
