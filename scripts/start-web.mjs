// `npm run start:web -- [--port N] [--no-open]`: browser mode, run in this very process so that
// SIGINT/SIGTERM reach it directly (it stops cleanly and leaves no child behind).
import { createRequire } from 'node:module';

createRequire(import.meta.url)('../dist/web.cjs');
