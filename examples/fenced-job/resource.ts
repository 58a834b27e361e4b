/**
 * The shared resource of the fenced-job example: a tiny HTTP server holding one value. It
 * accepts a write only if the write's fencing token is at least the highest it has seen, so a
 * writer whose lease has ended, and which does not know it yet, cannot overwrite a newer one.
 *
 *   npx tsx examples/fenced-job/resource.ts [port]      (default 7790)
 *
 * POST /write {"writer": "a", "token": 7, "value": "..."} answers 200 {"accepted": true}, or
 * 409 {"accepted": false, "reason": "..."}; each decision is logged as a JSON line.
 */
import http from 'node:http';

const port = Number(process.argv[2] ?? 7790);
let highest = 0;
let value: unknown = null;

function log(entry: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: Date.now(), ...entry })}\n`);
}

const server = http.createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    const answer = (status: number, payload: object): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    let write: { writer?: unknown; token?: unknown; value?: unknown };
    try {
      write = JSON.parse(body) as typeof write;
    } catch {
      answer(400, { accepted: false, reason: 'the body is not JSON' });
      return;
    }
    const { writer, token } = write;
    if (request.url !== '/write' || typeof writer !== 'string' || typeof token !== 'number' || !Number.isSafeInteger(token)) {
      answer(400, { accepted: false, reason: 'POST /write {"writer": string, "token": integer, "value": any}' });
      return;
    }
    if (token < highest) {
      const reason = `fencing token ${token} is below ${highest}, which a later lease holder has already written with`;
      log({ event: 'rejected', writer, token, highest, reason });
      answer(409, { accepted: false, reason });
      return;
    }
    highest = token;
    value = write.value;
    log({ event: 'accepted', writer, token, value });
    answer(200, { accepted: true });
  });
});
server.listen(port, '127.0.0.1', () => log({ event: 'listening', port }));
