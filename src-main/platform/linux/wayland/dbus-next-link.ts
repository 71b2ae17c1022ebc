import type * as DBus from '@particle/dbus-next';
import { CompositorError } from './compositor';
import { DBusCallError, type DBusCall, type DBusLink } from './dbus-link';

/**
 * Connects to the session bus at `address` with dbus-next (the maintained @particle fork) and
 * resolves once the bus has named this connection. A bus that never answers times out.
 */
export async function connectSessionBus(address: string, timeoutMs: number): Promise<DBusLink> {
  // Loaded on first use: dbus-next and its XML parser cost tens of ms at start-up, and only the
  // KWin path needs them.
  const dbus = (await import('@particle/dbus-next')) as typeof DBus;
  return new Promise((resolve, reject) => {
    let bus: DBus.MessageBus;
    try {
      bus = dbus.sessionBus({ busAddress: address });
    } catch (e) {
      reject(new CompositorError(`cannot use the session bus ${address}: ${String(e)}`));
      return;
    }
    const timer = setTimeout(() => {
      bus.disconnect();
      reject(new CompositorError(`the session bus did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    bus.once('error', (e: unknown) => {
      clearTimeout(timer);
      bus.disconnect();
      reject(new CompositorError(`cannot connect to the session bus: ${String(e)}`));
    });
    bus.once('connect', () => {
      clearTimeout(timer);
      // Later errors (the bus going away) fail the pending call instead of throwing.
      bus.on('error', () => {});
      resolve(linkOf(dbus, bus));
    });
  });
}

function linkOf(dbus: typeof DBus, bus: DBus.MessageBus): DBusLink {
  return {
    uniqueName: (bus as unknown as { name: string }).name,
    async call(c: DBusCall) {
      try {
        const reply = await bus.call(new dbus.Message({ ...c, body: c.body ?? [] }));
        return reply?.body ?? [];
      } catch (e) {
        if (e instanceof dbus.DBusError) throw new DBusCallError(e.type, e.text);
        throw e;
      }
    },
    onCall(handler) {
      const fn = (msg: DBus.Message) => {
        const taken = handler({
          path: msg.path,
          interface: msg.interface,
          member: msg.member,
          signature: msg.signature,
          body: msg.body,
          sender: msg.sender,
        });
        if (taken) bus.send(dbus.Message.newMethodReturn(msg, '', []));
        return taken;
      };
      bus.addMethodHandler(fn);
      return () => bus.removeMethodHandler(fn);
    },
    close: () => bus.disconnect(),
  };
}
