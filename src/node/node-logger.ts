import { pino, type Logger } from 'pino';
import type { NodeOptions } from './node-options.ts';

/**
 * JSON lines by default (the cluster launcher parses them); colourful lines for a person at a
 * terminal. pino-pretty is loaded only for the latter: a node logging JSON (every node the
 * launcher, the tests and the benchmarks start) saves the memory its modules take.
 */
export async function createNodeLogger(options: NodeOptions): Promise<Logger> {
  const settings = { level: options.logLevel, base: { node: options.id, pid: process.pid } };
  if (options.logFormat === 'pretty') {
    const { default: pretty } = await import('pino-pretty');
    return pino(settings, pretty({ colorize: process.stdout.isTTY === true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino(settings);
}
