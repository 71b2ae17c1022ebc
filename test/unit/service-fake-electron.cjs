// Loaded with `node --require` before dist/main.cjs: answers `require('electron')` with a
// recording stand-in (the Electron binary cannot be had on this machine), then, once the app is
// ready, drives the IPC handlers like the renderer would and prints what it saw as JSON.
const Module = require('node:module');
const { EventEmitter } = require('node:events');

const seen = { windows: [], handlers: [], loaded: [], permission: [], openHandler: null };
const ipcHandlers = new Map();
const appEvents = new EventEmitter();
let readyResolve;
const ready = new Promise((r) => (readyResolve = r));

class WebContents extends EventEmitter {
  constructor() {
    super();
    this.sent = [];
  }
  setWindowOpenHandler(h) {
    seen.openHandler = h({ url: 'https://example.com/' });
  }
  send(channel, m) {
    this.sent.push(channel + ' ' + m.channel);
  }
  isDestroyed() {
    return false;
  }
}
class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    seen.windows.push(options);
    this.webContents = new WebContents();
    BrowserWindow.all.push(this);
    appEvents.emit('web-contents-created', {}, this.webContents);
  }
  loadFile(file) {
    seen.loaded.push(file);
    return Promise.resolve();
  }
  show() {}
  focus() {}
  static getAllWindows() {
    return BrowserWindow.all;
  }
}
BrowserWindow.all = [];

const fake = {
  app: {
    requestSingleInstanceLock: () => true,
    on: (e, l) => appEvents.on(e, l),
    whenReady: () => ready,
    getPath: () => process.env.FAKE_USER_DATA,
    getVersion: () => '0.1.0',
    setAboutPanelOptions: (o) => (seen.about = o),
    quit: () => {
      seen.quit = true;
      appEvents.emit('will-quit', { preventDefault: () => (seen.quitDeferred = true) });
    },
  },
  BrowserWindow,
  ipcMain: {
    handle: (c, h) => {
      seen.handlers.push(c);
      ipcHandlers.set(c, h);
    },
    removeHandler: (c) => ipcHandlers.delete(c),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h) => h({}, 'media', (ok) => seen.permission.push(ok)),
    },
  },
};

const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'electron' ? fake : load.call(this, request, ...rest);
};

setImmediate(async () => {
  readyResolve();
  await new Promise((r) => setTimeout(r, 200));
  const url = require('node:url').pathToFileURL(seen.loaded[0]).href;
  const call = (c, payload, from = url) =>
    ipcHandlers.get(c)({ senderFrame: { url: from } }, payload);
  seen.replies = {
    info: await call('safekill:app:info', undefined),
    bad: await call('safekill:kill:start', { targets: 'all' }),
    foreign: await call('safekill:history:list', undefined, 'https://example.com/'),
  };
  const wc = BrowserWindow.all[0].webContents;
  const nav = {
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
  wc.emit('will-navigate', nav, 'https://example.com/');
  seen.navigationBlocked = nav.prevented;
  await new Promise((r) => setTimeout(r, 1500));
  seen.pushed = wc.sent.slice(0, 1);
  fake.app.quit();
  process.stdout.write(JSON.stringify(seen) + '\n');
  setTimeout(() => process.exit(0), 500);
});
