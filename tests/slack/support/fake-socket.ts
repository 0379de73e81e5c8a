/**
 * A fake Slack Socket Mode endpoint: the WebSocket server that `apps.connections.open` points an
 * app at, on 127.0.0.1 with an OS-chosen port. Nothing here reaches the internet.
 *
 * Why a hand-written WebSocket server: @slack/socket-mode 3.x connects with undici's WebSocket
 * client (its own dependency list has no `ws`), and the project has no WebSocket server package.
 * This is the small part of RFC 6455 a server needs: the opening handshake (101 with
 * Sec-WebSocket-Accept = base64(SHA-1(key + GUID))), unmasked frames out, masked frames in,
 * text messages (fragmented or not), ping → pong, and the close handshake. No extensions are
 * negotiated, so undici sends uncompressed frames.
 *
 * The Socket Mode protocol as @slack/socket-mode 3.1 (SocketModeClient.onWebSocketMessage / send)
 * and Slack's "Using Socket Mode" docs describe it:
 * - after the upgrade Slack sends `{"type":"hello", "num_connections", "debug_info", "connection_info"}`;
 *   the client's start() resolves only then.
 * - each request arrives as an envelope `{"envelope_id", "type": "slash_commands" | "interactive" |
 *   "events_api", "payload", "accepts_response_payload"}` (events_api redeliveries also carry
 *   `retry_attempt` and `retry_reason`). The payload is the JSON object an HTTP request would carry:
 *   slash command fields, the block_actions object, the event_callback body.
 * - the app acknowledges by sending `{"envelope_id", "payload": {...}}` back (the client always
 *   adds `payload`, `{}` for a bare ack).
 * - `{"type":"disconnect","reason":…}` asks the app to close and reconnect through a fresh
 *   apps.connections.open.
 * - the client pings every clientPingTimeout/3 ms and drops the connection when pongs stop.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { FAKE_APP_ID } from './signing.js';

/** RFC 6455 §1.3: the GUID appended to Sec-WebSocket-Key before hashing. */
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface Ack {
  envelope_id: string;
  payload?: Record<string, unknown>;
  /** Milliseconds from sending the envelope to receiving its ack. */
  ms: number;
}

export interface Delivery {
  envelopeId: string;
  /** The ack; rejects (already handled, so not awaiting it is fine) when none comes within ackWithinMs. */
  acked: Promise<Ack>;
}

export interface ConnectionClose {
  /** 'app' when the app sent a close frame (the server answers it); 'network' when the TCP connection ended without one. */
  by: 'app' | 'network';
  /** The status code of the app's close frame, if it sent one. */
  code?: number;
}

export interface SocketConnection {
  /** 0, 1, 2… in order of connection. */
  index: number;
  /** Request path and query of the upgrade (`/link/?ticket=…`). */
  path: string;
  headers: IncomingHttpHeaders;
  /** Every JSON message the app sent, in order. */
  received: Record<string, unknown>[];
  /** Frames the server could not accept (unmasked, binary, not JSON): should stay empty. */
  protocolErrors: string[];
  /** Pings received from the app (each answered with a pong). */
  pings: number;
  readonly open: boolean;
  send(message: object): void;
  /** Slack's hello: the app's start() resolves on it. */
  hello(): void;
  /** Sends an envelope; its ack is awaited for ackWithinMs (Slack allows 3 s). */
  deliver(type: EnvelopeType, payload: Record<string, unknown>, options?: { accepts_response_payload?: boolean; retry_attempt?: number; retry_reason?: string; envelope_id?: string; ackWithinMs?: number }): Delivery;
  /** Slack's `disconnect` message (reason `refresh_requested`, `warning`, `link_disabled`). */
  disconnect(reason?: string): void;
  /** Resolves when the TCP connection is gone. */
  closed: Promise<ConnectionClose>;
}

export interface FakeSocketMode {
  /** A fresh `ws://127.0.0.1:PORT/link/?ticket=…&app_id=…` for apps.connections.open to hand out. */
  url(): string;
  connections: SocketConnection[];
  /** The `index`-th connection (0 = the first), waiting for it up to timeoutMs. */
  connection(index?: number, timeoutMs?: number): Promise<SocketConnection>;
  close(): Promise<void>;
}

function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.alloc(2);
    header[1] = length;
  } else if (length < 65_536) {
    header = Buffer.alloc(4);
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  header[0] = 0x80 | opcode; // FIN, no RSV bits, server frames are never masked
  return Buffer.concat([header, payload]);
}

function closeFrame(code: number): Buffer {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(code, 0);
  return frame(OP.close, payload);
}

export async function startFakeSocketMode(options: { autoHello?: boolean } = {}): Promise<FakeSocketMode> {
  const autoHello = options.autoHello ?? true;
  const connections: SocketConnection[] = [];
  const sockets = new Set<Socket>();
  const watchers = new Set<() => void>();
  let tickets = 0;

  const server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
    res.end('WebSocket only');
  });

  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const key = req.headers['sec-websocket-key'];
    const path = req.url ?? '/';
    if (req.method !== 'GET' || req.headers.upgrade?.toLowerCase() !== 'websocket' || req.headers['sec-websocket-version'] !== '13' || typeof key !== 'string') {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!path.startsWith('/link')) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const accept = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
    socket.setNoDelay(true);
    socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, '', ''].join('\r\n'));

    const received: Record<string, unknown>[] = [];
    const protocolErrors: string[] = [];
    const ackWaiters = new Map<string, { sentAt: number; resolve: (ack: Ack) => void; reject: (error: Error) => void }>();
    let open = true;
    let closeInfo: ConnectionClose | undefined;
    let buffered = Buffer.alloc(0);
    let fragments: Buffer[] | undefined;
    let resolveClosed!: (close: ConnectionClose) => void;
    const closed = new Promise<ConnectionClose>((resolve) => {
      resolveClosed = resolve;
    });

    const write = (data: Buffer) => {
      if (!socket.destroyed && socket.writable) socket.write(data);
    };
    const onMessage = (text: string) => {
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        protocolErrors.push(`not JSON: ${text.slice(0, 200)}`);
        return;
      }
      if (typeof message !== 'object' || message === null || Array.isArray(message)) {
        protocolErrors.push(`not a JSON object: ${text.slice(0, 200)}`);
        return;
      }
      const m = message as Record<string, unknown>;
      received.push(m);
      const id = m.envelope_id;
      const waiter = typeof id === 'string' ? ackWaiters.get(id) : undefined;
      if (typeof id === 'string' && waiter) {
        ackWaiters.delete(id);
        const ack: Ack = { envelope_id: id, ms: Math.round(performance.now() - waiter.sentAt) };
        if (m.payload !== undefined) ack.payload = m.payload as Record<string, unknown>;
        waiter.resolve(ack);
      }
    };
    const onFrame = (fin: boolean, opcode: number, payload: Buffer) => {
      switch (opcode) {
        case OP.text:
        case OP.continuation:
          if (opcode === OP.text) fragments = [];
          if (!fragments) {
            protocolErrors.push('continuation frame without a first frame');
            return;
          }
          fragments.push(payload);
          if (fin) {
            const whole = Buffer.concat(fragments);
            fragments = undefined;
            onMessage(whole.toString('utf8'));
          }
          return;
        case OP.binary:
          protocolErrors.push('binary frame');
          return;
        case OP.ping:
          connection.pings += 1;
          write(frame(OP.pong, payload));
          return;
        case OP.pong:
          return;
        case OP.close: {
          const code = payload.length >= 2 ? payload.readUInt16BE(0) : undefined;
          if (!closeInfo) closeInfo = code !== undefined ? { by: 'app', code } : { by: 'app' };
          open = false;
          // Answer the app's close frame (echoing its code), then end the TCP connection.
          write(closeFrame(code ?? 1000));
          socket.end();
          return;
        }
        default:
          protocolErrors.push(`unknown opcode ${opcode}`);
      }
    };
    const parse = () => {
      for (;;) {
        if (buffered.length < 2) return;
        const b0 = buffered[0]!;
        const b1 = buffered[1]!;
        const fin = (b0 & 0x80) !== 0;
        const opcode = b0 & 0x0f;
        const masked = (b1 & 0x80) !== 0;
        let length = b1 & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffered.length < 4) return;
          length = buffered.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffered.length < 10) return;
          length = Number(buffered.readBigUInt64BE(2));
          offset = 10;
        }
        const maskOffset = offset;
        if (masked) offset += 4;
        if (buffered.length < offset + length) return;
        const payload = Buffer.from(buffered.subarray(offset, offset + length));
        if (masked) {
          for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ buffered[maskOffset + (i % 4)]!;
        } else {
          protocolErrors.push('unmasked frame from the client (RFC 6455 §5.1)');
        }
        buffered = buffered.subarray(offset + length);
        onFrame(fin, opcode, payload);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      parse();
    });
    socket.on('close', () => {
      open = false;
      for (const [id, waiter] of ackWaiters) waiter.reject(new Error(`the connection closed before envelope ${id} was acknowledged`));
      ackWaiters.clear();
      resolveClosed(closeInfo ?? { by: 'network' });
      for (const w of [...watchers]) w();
    });

    const connection: SocketConnection = {
      index: connections.length,
      path,
      headers: req.headers,
      received,
      protocolErrors,
      pings: 0,
      get open() {
        return open;
      },
      send(message) {
        write(frame(OP.text, Buffer.from(JSON.stringify(message), 'utf8')));
      },
      hello() {
        connection.send({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: `applink-fake-${connection.index}`, build_number: 1, approximate_connection_time: 18_060 },
          connection_info: { app_id: FAKE_APP_ID },
        });
      },
      deliver(type, payload, options = {}) {
        const envelopeId = options.envelope_id ?? randomUUID();
        const ackWithinMs = options.ackWithinMs ?? 3000;
        const acked = new Promise<Ack>((resolve, reject) => {
          const timer = setTimeout(() => {
            ackWaiters.delete(envelopeId);
            reject(new Error(`envelope ${envelopeId} (${type}) was not acknowledged within ${ackWithinMs} ms; the app sent: ${JSON.stringify(received).slice(0, 500)}`));
          }, ackWithinMs);
          ackWaiters.set(envelopeId, {
            sentAt: performance.now(),
            resolve: (ack) => {
              clearTimeout(timer);
              resolve(ack);
            },
            reject: (error) => {
              clearTimeout(timer);
              reject(error);
            },
          });
        });
        acked.catch(() => {}); // a test that does not await it must not leave an unhandled rejection
        const envelope: Record<string, unknown> = { envelope_id: envelopeId, payload, type, accepts_response_payload: options.accepts_response_payload ?? false };
        if (options.retry_attempt !== undefined) envelope.retry_attempt = options.retry_attempt;
        if (options.retry_reason !== undefined) envelope.retry_reason = options.retry_reason;
        connection.send(envelope);
        return { envelopeId, acked };
      },
      disconnect(reason = 'refresh_requested') {
        connection.send({ type: 'disconnect', reason, debug_info: { host: `applink-fake-${connection.index}` } });
      },
      closed,
    };
    connections.push(connection);
    for (const w of [...watchers]) w();
    if (head.length > 0) {
      buffered = Buffer.concat([buffered, head]);
      parse();
    }
    if (autoHello) connection.hello();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: () => `ws://127.0.0.1:${port}/link/?ticket=${++tickets}&app_id=${FAKE_APP_ID}`,
    connections,
    connection: (index = 0, timeoutMs = 5000) =>
      new Promise<SocketConnection>((resolve, reject) => {
        const check = () => {
          const c = connections[index];
          if (c) done(() => resolve(c));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no WebSocket connection #${index} within ${timeoutMs} ms (${connections.length} so far)`))), timeoutMs);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          watchers.delete(check);
          settle();
        };
        watchers.add(check);
        check();
      }),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
