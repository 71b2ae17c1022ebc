/** The Electron executable's path when it is installed, otherwise undefined. Never downloads. */
export function electronBinary(root: string, env?: NodeJS.ProcessEnv): string | undefined;
