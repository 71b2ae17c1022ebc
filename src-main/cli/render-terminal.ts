import type { KillEvent, KillResult, Survivor } from '../../src-shared/kill';

interface Row {
  pid: number;
  name: string;
  strategy?: string;
  graceMs: number;
  remainingMs: number;
  notice?: string;
  /** The question it is asking the user: the countdown is paused. */
  asking?: string;
  result?: KillResult;
}

const BAR = 20;

export function describeResult(r: KillResult): string {
  const how =
    r.signal !== undefined
      ? ` (${r.signal})`
      : r.exitCode !== undefined
        ? ` (exit code ${r.exitCode})`
        : '';
  return `${r.outcome}${how} after ${(r.elapsedMs / 1000).toFixed(1)} s: ${r.reason}`;
}

/** One line per target: a countdown while waiting, the outcome when done. Pure, for tests. */
export function formatRow(row: Row): string {
  const head = `${String(row.pid).padStart(7)} ${row.name.slice(0, 16).padEnd(16)}`;
  if (row.result) return `${head} ${describeResult(row.result)}`;
  if (!row.strategy) return `${head} preparing…`;
  if (row.asking)
    return `${head} ${row.strategy.padEnd(15)} paused: it is asking ${JSON.stringify(row.asking)}; answer it (Ctrl+C leaves it running)`;
  const frac = row.graceMs > 0 ? Math.min(1, Math.max(0, row.remainingMs / row.graceMs)) : 0;
  const filled = Math.round(frac * BAR);
  const bar = '█'.repeat(filled) + '░'.repeat(BAR - filled);
  const note = row.notice ? `  ${row.notice}` : '';
  return `${head} ${row.strategy.padEnd(15)} ${bar} ${(row.remainingMs / 1000).toFixed(1)} s left${note}`;
}

/** Live countdown lines on a terminal, redrawn in place. */
export class TerminalRenderer {
  private readonly rows = new Map<number, Row>();
  private drawn = 0;
  private pending: NodeJS.Timeout | undefined;
  /** Closing lines, printed under the countdown rows once they are final. */
  private readonly closing: string[] = [];

  constructor(private readonly out: NodeJS.WriteStream) {}

  onEvent(e: KillEvent): void {
    if (e.type === 'tree') {
      // Comes before any countdown line is drawn.
      this.out.write(plainLine(e) + '\n');
      return;
    }
    if (e.type === 'survivors' || e.type === 'restarted') {
      this.closing.push(plainLine(e)!);
      return;
    }
    const row = this.rows.get(e.pid) ?? { pid: e.pid, name: '', graceMs: 0, remainingMs: 0 };
    this.rows.set(e.pid, row);
    switch (e.type) {
      case 'plan':
        row.name = e.plan.name;
        break;
      case 'step':
        row.strategy = e.strategy;
        row.graceMs = row.remainingMs = e.graceMs;
        row.notice = row.asking = undefined;
        break;
      case 'tick':
        row.remainingMs = e.remainingMs;
        break;
      case 'supervisor-stop':
        row.notice = `${e.command.join(' ')}: waiting up to ${Math.round(e.timeoutMs / 1000)} s`;
        break;
      case 'notice':
        row.notice = e.message;
        break;
      case 'waiting':
        row.asking = e.question;
        break;
      case 'extended':
        row.notice = `extended: ${e.reason}`;
        row.graceMs = row.remainingMs = e.graceMs;
        break;
      case 'resumed':
        row.asking = undefined;
        row.graceMs = row.remainingMs = e.graceMs;
        break;
      case 'result':
        row.result = e;
        break;
    }
    // Redraw at most once per frame's worth of events.
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.draw();
    }, 16);
  }

  finish(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
    this.draw();
    for (const line of this.closing.splice(0)) this.out.write(line + '\n');
  }

  private draw(): void {
    const lines = [...this.rows.values()].map(formatRow);
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F` : '';
    this.out.write(up + lines.map((l) => `\x1b[2K${l}\n`).join(''));
    this.drawn = lines.length;
  }
}

/** Plain lines, one per event that matters, when stdout is not a terminal and not --json. */
export function plainLine(e: KillEvent): string | undefined {
  switch (e.type) {
    case 'plan':
      return `${e.pid} ${e.plan.name}: ${e.plan.summary}`;
    case 'supervisor-stop':
      return `${e.pid}: ${e.command.join(' ')}, waiting up to ${e.timeoutMs} ms (${e.reason})`;
    case 'step':
      return `${e.pid}: ${e.strategy}, waiting up to ${e.graceMs} ms (${e.reason})`;
    case 'escalated':
      return `${e.pid}: ${e.from} → ${e.to}: ${e.reason}`;
    case 'notice':
      return `${e.pid}: ${e.message}`;
    case 'waiting':
      return `${e.pid}: paused: it is asking the user ${JSON.stringify(e.question)}; waiting for an answer`;
    case 'extended':
      return `${e.pid}: grace extended by ${e.graceMs} ms: ${e.reason}`;
    case 'resumed':
      return `${e.pid}: the question was answered; waiting up to ${e.graceMs} ms again`;
    case 'result':
      return `${e.pid}: ${describeResult(e)}`;
    case 'tree':
      return `ending ${e.order.length} processes under ${e.pid}: ${(e.stages ?? [e.order]).map((g) => g.join(', ')).join(' → ')} (${e.reason})`;
    case 'restarted':
      return `${e.pid}: started again by ${e.by} as PID ${e.newPid}: stop it through its supervisor`;
    case 'survivors':
      return [`${e.pid}: ${e.reason}:`, ...e.survivors.map(survivorLine)].join('\n');
    case 'tick':
      return undefined;
  }
}

/** `  4321 nginx (descendant), holds tcp 127.0.0.1:8080, /run/nginx.pid`. */
export function survivorLine(s: Survivor): string {
  const holds = [...s.ports, ...s.files];
  return `  still running: ${s.pid} ${s.name} (${s.relation})${holds.length ? `, holds ${holds.join(', ')}` : ''}`;
}
