/**
 * Contender: the npm package `netlink` (0.3.0, a small native addon for the
 * socket, messages parsed in JavaScript on the main thread):
 * RtNetlinkSocket.getRoutes({ family: AF_INET }) or getLinks().
 */
import { createRtNetlink } from 'netlink';
import { serve, timedWithLoopDelay } from './child.js';

const AF_INET = 2;
const socket = createRtNetlink();
await serve((kind) => timedWithLoopDelay(async () =>
  (kind === 'route' ? await socket.getRoutes({ family: AF_INET }) : await socket.getLinks()).length),
() => socket.socket.close());
