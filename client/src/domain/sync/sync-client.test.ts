import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  Access, ErrorReason, MessageType, SyncStep, addAsset, catalogRoom, decodeMessage, encodeMessage, listAssets, setFavorite,
  type AssetFacts, type AssetId, type BlobHash, type Message, type RoomId, type UserId,
} from '../../../../protocol/src/index.js';
import { ConnectionStatus } from './connection-status.js';
import { SyncClient, type SyncSocketHandlers, type Timers } from './sync-client.js';

const ROOM = catalogRoom('u1' as UserId);

const facts = (n: number): AssetFacts => ({
  hash: n.toString(16).padStart(64, '0') as BlobHash, kind: 'image', mime: 'image/jpeg', name: `${n}.jpg`, size: 1, width: 1, height: 1, orientation: 1,
  takenAt: '2026-01-01T00:00:00', utcOffset: null, importedAt: 0, latitude: null, longitude: null, make: null, model: null, duration: null,
});

/** A relay in memory with explicit delivery: nothing moves until flush(). */
class FakeServer {
  readonly doc = new Y.Doc();
  readonly queue: Array<() => void> = [];
  readonly sessions = new Set<{ handlers: SyncSocketHandlers; open: boolean }>();
  ack = true;
  up = true;
  /** Updates the relay refuses with error(invalidUpdate), as its update check would. */
  refuse: (update: Uint8Array) => boolean = () => false;
  token = 'good';
  received: Message[] = [];

  factory = (handlers: SyncSocketHandlers) => {
    const session = { handlers, open: true };
    this.queue.push(() => {
      if (!this.up) return this.close(session);
      this.sessions.add(session);
      handlers.onOpen();
    });
    return {
      send: (bytes: Uint8Array) => this.queue.push(() => session.open && this.receive(session, decodeMessage(bytes))),
      close: () => this.close(session, false),
    };
  };

  flush(): void {
    for (let i = 0; i < 1000 && this.queue.length; i++) (this.queue.shift() as () => void)();
  }

  dropAll(): void {
    for (const s of [...this.sessions]) this.close(s);
  }

  private close(session: { handlers: SyncSocketHandlers; open: boolean }, notify = true): void {
    if (!session.open) return;
    session.open = false;
    this.sessions.delete(session);
    if (notify) this.queue.push(() => session.handlers.onClose());
  }

  private send(session: { handlers: SyncSocketHandlers; open: boolean }, m: Message): void {
    const bytes = encodeMessage(m);
    this.queue.push(() => session.open && session.handlers.onMessage(bytes));
  }

  private receive(session: { handlers: SyncSocketHandlers; open: boolean }, m: Message): void {
    this.received.push(m);
    switch (m.type) {
      case MessageType.hello:
        if (m.token !== this.token) return this.send(session, { type: MessageType.error, reason: ErrorReason.unauthorized, room: '', message: 'bad token' });
        return this.send(session, { type: MessageType.welcome, version: 1, userId: 'u1', sessionId: 's' });
      case MessageType.join:
        this.send(session, { type: MessageType.joined, room: m.room, access: Access.write });
        return this.send(session, { type: MessageType.sync, room: m.room, step: SyncStep.step1, payload: Y.encodeStateVector(this.doc) });
      case MessageType.sync:
        if (m.step === SyncStep.step1) return this.send(session, { type: MessageType.sync, room: m.room, step: SyncStep.step2, payload: Y.encodeStateAsUpdate(this.doc, m.payload) });
        Y.applyUpdate(this.doc, m.payload);
        return;
      case MessageType.update:
        if (this.refuse(m.update)) return this.send(session, { type: MessageType.error, reason: ErrorReason.invalidUpdate, room: m.room, message: 'refused' });
        Y.applyUpdate(this.doc, m.update);
        if (this.ack) this.send(session, { type: MessageType.ack, room: m.room, seq: m.seq });
        for (const other of this.sessions) if (other !== session) this.send(other, { type: MessageType.update, room: m.room, seq: 0, update: m.update });
        return;
      default:
        return;
    }
  }
}

const manualTimers = () => {
  const pending = new Map<number, () => void>();
  let next = 1;
  const timers: Timers = {
    setTimeout: (fn) => (pending.set(next, fn), next++),
    clearTimeout: (h) => void pending.delete(h as number),
  };
  const fire = () => {
    const fns = [...pending.values()];
    pending.clear();
    for (const fn of fns) fn();
  };
  return { timers, fire };
};

const client = (server: FakeServer, doc: Y.Doc, token = 'good') => {
  const t = manualTimers();
  const c = new SyncClient({ token, clientId: 'c', createSocket: server.factory, timers: t.timers, random: () => 0 });
  c.addRoom(ROOM as RoomId, doc);
  return { c, fire: t.fire };
};

describe('SyncClient', () => {
  it('says hello, joins, exchanges state both ways and goes online', () => {
    const server = new FakeServer();
    addAsset(server.doc, facts(1));
    const doc = new Y.Doc();
    addAsset(doc, facts(2));
    const { c } = client(server, doc);
    c.start();
    expect(c.status).toBe(ConnectionStatus.connecting);
    server.flush();
    expect(c.status).toBe(ConnectionStatus.online);
    expect(server.received.map((m) => m.type).slice(0, 2)).toEqual([MessageType.hello, MessageType.join]);
    expect(listAssets(doc).length).toBe(2);
    expect(listAssets(server.doc).length).toBe(2);
    expect(c.pending).toBe(0);
  });

  it('resynchronises a room after the relay refuses one of its updates', () => {
    const server = new FakeServer();
    const doc = new Y.Doc();
    const { c } = client(server, doc);
    c.start();
    server.flush();
    addAsset(server.doc, facts(4)); // an edit the device has not seen yet
    server.refuse = () => true;
    doc.getMap('meta').set('schemaVersion', 999);
    server.flush();
    expect(c.lastError).toMatchObject({ reason: ErrorReason.invalidUpdate, room: ROOM });
    const resync = server.received.filter((m) => m.type === MessageType.sync && m.step === SyncStep.step1);
    expect(resync).toHaveLength(2); // the join's, and the one after the refusal
    expect(listAssets(doc).map((a) => a.id)).toEqual([facts(4).hash]);
    expect(c.status).toBe(ConnectionStatus.online);
    expect(server.doc.getMap('meta').get('schemaVersion')).toBeUndefined();
  });

  it('counts local updates as pending until acked', () => {
    const server = new FakeServer();
    server.ack = false;
    const doc = new Y.Doc();
    const { c } = client(server, doc);
    c.start();
    server.flush();
    addAsset(doc, facts(3));
    setFavorite(doc, facts(3).hash as string as AssetId, true);
    expect(c.pending).toBe(2);
    server.flush();
    expect(listAssets(server.doc)[0]?.favorite).toBe(true);
    expect(c.pending).toBe(2);
    server.ack = true;
    addAsset(doc, facts(4));
    server.flush();
    expect(c.pending).toBe(2);
  });

  it('keeps offline edits and delivers them on reconnect with backoff', () => {
    const server = new FakeServer();
    const doc = new Y.Doc();
    const { c, fire } = client(server, doc);
    c.start();
    server.flush();
    server.up = false;
    server.dropAll();
    server.flush();
    expect(c.status).toBe(ConnectionStatus.offline);
    addAsset(doc, facts(5));
    expect(c.pending).toBe(1);
    fire(); // retry while down
    server.flush();
    expect(c.status).toBe(ConnectionStatus.offline);
    server.up = true;
    fire();
    server.flush();
    expect(c.status).toBe(ConnectionStatus.online);
    expect(listAssets(server.doc).map((a) => a.name)).toEqual(['5.jpg']);
    expect(c.pending).toBe(0);
  });

  it('relays between two devices', () => {
    const server = new FakeServer();
    const a = new Y.Doc();
    const b = new Y.Doc();
    client(server, a).c.start();
    client(server, b).c.start();
    server.flush();
    addAsset(a, facts(6));
    server.flush();
    expect(listAssets(b).map((x) => x.name)).toEqual(['6.jpg']);
  });

  it('stops and reports unauthorized', () => {
    const server = new FakeServer();
    const { c, fire } = client(server, new Y.Doc(), 'bad');
    const reasons: string[] = [];
    c.onError((e) => reasons.push(e.reason));
    c.start();
    server.flush();
    fire();
    server.flush();
    expect(reasons).toEqual([ErrorReason.unauthorized]);
    expect(c.status).toBe(ConnectionStatus.offline);
  });

  it('drops the connection on an undecodable frame and retries', () => {
    const server = new FakeServer();
    let handlers: SyncSocketHandlers | null = null;
    const t = manualTimers();
    const c = new SyncClient({ token: 'good', clientId: 'c', timers: t.timers, createSocket: (h) => ((handlers = h), server.factory(h)) });
    c.addRoom(ROOM as RoomId, new Y.Doc());
    c.start();
    server.flush();
    (handlers as unknown as SyncSocketHandlers).onMessage(new Uint8Array([250, 1, 2]));
    expect(c.status).toBe(ConnectionStatus.offline);
    t.fire();
    server.flush();
    expect(c.status).toBe(ConnectionStatus.online);
  });
});
