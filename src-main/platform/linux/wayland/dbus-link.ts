/** One D-Bus method call, as the KWin path makes and receives them. */
export interface DBusCall {
  destination?: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: unknown[];
  /** Set on calls received: who sent it. */
  sender?: string;
}

/** A D-Bus error reply, by name (org.freedesktop.DBus.Error.UnknownObject). */
export class DBusCallError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
    this.name = 'DBusCallError';
  }
}

/**
 * The little of a session-bus connection the KWin path needs: calls out, and the one call that
 * comes in (the script's answer). dbus-next behind it in SafeKill, a recorded exchange in tests.
 */
export interface DBusLink {
  /** This connection's unique name (":1.42"). */
  readonly uniqueName: string;
  /** Calls a method; resolves with the reply's body, rejects with a DBusCallError. */
  call(c: DBusCall): Promise<unknown[]>;
  /** Handles calls made to this connection; the handler returns true for those it answered. */
  onCall(handler: (c: DBusCall) => boolean): () => void;
  close(): void;
}
