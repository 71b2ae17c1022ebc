import { COMPOSITOR_TIMEOUT_MS, CompositorError } from './compositor';
import { socketRequest } from './socket-request';

/** i3-IPC message types used here (sway speaks the same protocol). */
export const RUN_COMMAND = 0;
export const GET_TREE = 4;

const MAGIC = Buffer.from('i3-ipc', 'latin1');
const HEADER = MAGIC.length + 8;

/** "i3-ipc", payload length, message type (uint32 in host order: little-endian on x64, arm64). */
export function encodeMessage(type: number, payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const head = Buffer.alloc(HEADER);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(body.length, MAGIC.length);
  head.writeUInt32LE(type, MAGIC.length + 4);
  return Buffer.concat([head, body]);
}

/** One whole reply from the front of `buf`, or undefined while more bytes are needed. */
export function decodeReply(buf: Buffer): { type: number; payload: string } | undefined {
  if (buf.length < HEADER) return undefined;
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new CompositorError('the i3-IPC socket answered without the "i3-ipc" magic');
  }
  const length = buf.readUInt32LE(MAGIC.length);
  if (buf.length < HEADER + length) return undefined;
  return {
    type: buf.readUInt32LE(MAGIC.length + 4),
    payload: buf.subarray(HEADER, HEADER + length).toString('utf8'),
  };
}

/**
 * One request over a fresh connection to an i3-IPC socket, its JSON reply parsed. Rejects with a
 * CompositorError when the socket refuses, closes early or says nothing within `timeoutMs`.
 */
export function i3Request(
  socket: string,
  type: number,
  payload = '',
  timeoutMs = COMPOSITOR_TIMEOUT_MS,
): Promise<unknown> {
  return socketRequest(socket, encodeMessage(type, payload), timeoutMs, (received) => {
    const reply = decodeReply(received);
    if (!reply) return undefined;
    if (reply.type !== type) {
      throw new CompositorError(`asked for message type ${type}, got ${reply.type}`);
    }
    return { value: JSON.parse(reply.payload) as unknown };
  });
}
