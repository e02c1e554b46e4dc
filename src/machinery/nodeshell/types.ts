/** What a command in the node shell prints and returns, as a process would. */
export interface ShellResult {
  stdout: string;
  stderr: string;
  exit: number;
}
