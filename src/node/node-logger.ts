import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { NodeOptions } from './node-options.ts';

/** JSON lines by default (the cluster launcher parses them); colourful lines for a person at a terminal. */
export function createNodeLogger(options: NodeOptions): Logger {
  const settings = { level: options.logLevel, base: { node: options.id, pid: process.pid } };
  if (options.logFormat === 'pretty') {
    return pino(settings, pretty({ colorize: process.stdout.isTTY === true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino(settings);
}
