import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkPort } from '../../src/util/port-check.ts';

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
      resolve(address.port);
    });
  });
}

describe('checkPort', () => {
  it('reports a port someone listens on as in use, and as free once they stop', async () => {
    const server = net.createServer();
    const port = await listen(server);
    expect(await checkPort('127.0.0.1', port)).toEqual({ free: false, reason: 'already in use' });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await checkPort('127.0.0.1', port)).toEqual({ free: true });
  });

  it('leaves a free port free after checking it', async () => {
    const server = net.createServer();
    const port = await listen(server);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await checkPort('127.0.0.1', port)).toEqual({ free: true });
    expect(await checkPort('127.0.0.1', port)).toEqual({ free: true });
  });
});
