/** The CLI's commands: main.ts runs them, and the launcher keeps one code cache for each. */
export const COMMAND_NAMES = ['plan', 'kill', 'doctor', 'list', 'helper'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];
