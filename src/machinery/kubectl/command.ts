/** The shape of a kubectl command and the flags every command accepts. */
import type { Ctx } from './context.ts';
import type { FlagDef, Flags } from './flags.ts';

export interface Command {
  /** The command path after `kubectl`, e.g. `get`, `create deployment`, `rollout status`. */
  name: string;
  aliases?: string[];
  flags: FlagDef[];
  run(ctx: Ctx, flags: Flags): Promise<void>;
}

/** kubectl's persistent flags (most are accepted and ignored: there is one cluster and one user). */
export const GLOBAL_FLAGS: FlagDef[] = [
  { name: 'namespace', short: 'n', type: 'string' },
  { name: 'server', short: 's', type: 'string' },
  { name: 'context', type: 'string' },
  { name: 'cluster', type: 'string' },
  { name: 'user', type: 'string' },
  { name: 'kubeconfig', type: 'string' },
  { name: 'token', type: 'string' },
  { name: 'as', type: 'string' },
  { name: 'as-group', type: 'stringArray' },
  { name: 'as-uid', type: 'string' },
  { name: 'username', type: 'string' },
  { name: 'password', type: 'string' },
  { name: 'request-timeout', type: 'string', default: '0' },
  { name: 'v', short: 'v', type: 'int' },
  { name: 'cache-dir', type: 'string' },
  { name: 'insecure-skip-tls-verify', type: 'bool' },
  { name: 'certificate-authority', type: 'string' },
  { name: 'client-certificate', type: 'string' },
  { name: 'client-key', type: 'string' },
  { name: 'tls-server-name', type: 'string' },
  { name: 'match-server-version', type: 'bool' },
  { name: 'warnings-as-errors', type: 'bool' },
  { name: 'disable-compression', type: 'bool' },
  { name: 'profile', type: 'string' },
  { name: 'profile-output', type: 'string' },
  { name: 'log-flush-frequency', type: 'string' },
  { name: 'vmodule', type: 'string' },
];

/** Global flags that take a value, to find the command word in `kubectl -n ns get pods`. */
export const GLOBAL_VALUE_FLAGS = new Set(
  GLOBAL_FLAGS.filter((f) => f.type !== 'bool').flatMap((f) => [`--${f.name}`, ...(f.short ? [`-${f.short}`] : [])]),
);

export const FILENAME_FLAGS: FlagDef[] = [
  { name: 'filename', short: 'f', type: 'stringSlice' },
  { name: 'recursive', short: 'R', type: 'bool' },
  { name: 'kustomize', short: 'k', type: 'string' },
];

export const OUTPUT_FLAGS: FlagDef[] = [
  { name: 'output', short: 'o', type: 'string' },
  { name: 'template', type: 'string' },
  { name: 'allow-missing-template-keys', type: 'bool', default: true },
  { name: 'show-managed-fields', type: 'bool' },
];

export const DRY_RUN_FLAG: FlagDef = { name: 'dry-run', type: 'string', default: 'none', noOptDefault: 'unchanged' };

export type DryRun = 'none' | 'client' | 'server';
