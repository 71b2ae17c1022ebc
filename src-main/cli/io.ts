/** Where the CLI writes; a parameter so tests and other hosts can capture it. */
export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}
