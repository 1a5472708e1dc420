import http from 'node:http';
import { expect, it } from 'vitest';
import { ADMIN } from './support/admin.js';
import { startTestEngine } from './support/test-engine.js';

/**
 * Stopping an engine (SIGTERM → engine.close()) while a client's kept-alive connection has a
 * request under way: the request is answered, with `Connection: close`, and the close ends with
 * it instead of waiting for the kept-alive connection to go idle (65 s) or be used again.
 */

it('answers the request under way with Connection: close, and closes', async () => {
  const t = await startTestEngine();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const body = JSON.stringify(ADMIN);
    const arrived = new Promise<void>((resolve) => t.engine.server.once('request', () => resolve()));
    let req!: http.ClientRequest;
    const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
      req = http.request(
        `${t.url}/api/v1/auth/login`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
        resolve,
      );
      req.on('error', reject);
    });
    // Headers and half the body: the request is under way when the engine is told to stop.
    req.write(body.slice(0, 10));
    await arrived;
    const closed = t.close();
    req.end(body.slice(10));
    const res = await answered;
    res.resume();
    expect(res.statusCode).toBe(200);
    expect(res.headers.connection).toBe('close');
    await closed;
  } finally {
    agent.destroy();
  }
});
