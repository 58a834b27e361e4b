import { pino, type Logger } from 'pino';
import type { NodeOptions } from './node-options.ts';

/**
 * JSON lines by default (the cluster launcher parses them); colourful lines for a person at a
 * terminal. pino-pretty is loaded only then: the nodes the launcher starts need not pay for it.
 */
export async function createNodeLogger(options: NodeOptions): Promise<Logger> {
  const settings = { level: options.logLevel, base: { node: options.id, pid: process.pid } };
  if (options.logFormat === 'pretty') {
    const { default: pretty } = await import('pino-pretty');
    return pino(settings, pretty({ colorize: process.stdout.isTTY === true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino(settings);
}
