/**
 * comlink's adapter from a Node MessagePort/Worker to a comlink endpoint.
 * It ships as a CommonJS (UMD) module whose typings describe an ES module,
 * so it is loaded with require() and given its real type here.
 */
import { createRequire } from 'node:module';
import type { Endpoint } from 'comlink';

import type { MessagePort, Worker } from 'node:worker_threads';

type NodePort = MessagePort | Worker;

const require = createRequire(import.meta.url);
const adapter = require('comlink/dist/umd/node-adapter.js') as (port: unknown) => Endpoint;

/** The endpoint; `afterPost` runs after each message it sends (to wake a waiting receiver). */
export function nodeEndpoint(port: NodePort, afterPost?: () => void): Endpoint {
  const endpoint = adapter(port);
  if (!afterPost) return endpoint;
  const post = endpoint.postMessage.bind(endpoint);
  endpoint.postMessage = (message, transfer) => {
    post(message, transfer);
    afterPost();
  };
  return endpoint;
}
