/**
 * Contender: the npm package `netlink` (0.3.0, a small native addon for the
 * socket, messages parsed in JavaScript on the main thread):
 * RtNetlinkSocket.getRoutes({ family: AF_INET }) or getLinks().
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createRtNetlink } from 'netlink';
import { loopDelay, serve, timed } from './child.js';

const AF_INET = 2;
const socket = createRtNetlink();
const delay = monitorEventLoopDelay({ resolution: 1 });
await serve(async (kind) => {
  delay.reset();
  delay.enable();
  const r = await timed(async () =>
    (kind === 'route' ? await socket.getRoutes({ family: AF_INET }) : await socket.getLinks()).length);
  delay.disable();
  return { ...r, ...loopDelay(delay) };
}, () => socket.socket.close());
