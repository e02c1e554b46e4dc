/**
 * The project's kubectl: the same command line, the same HTTP requests and the same output as
 * kubectl v1.32, over whatever transport `io` provides (the bus in the browser, HTTP headless,
 * a fake in tests). Entry point: runKubectl(argv, io).
 */

import { CommandError, renderError } from '../printers/errors.ts';
import { type Command, GLOBAL_FLAGS, GLOBAL_VALUE_FLAGS } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { Ctx } from './context.ts';
import { FlagError, Flags, parseFlags } from './flags.ts';
import { TOP_LEVEL } from './top-level.ts';
import type { KubectlIO, KubectlResult } from './types.ts';

export type { KubectlCache, KubectlIO, KubectlResult, WatchEvent, WatchHandle } from './types.ts';

/** Positions of the words that are not global flags or their values (the command path). */
function commandWords(argv: string[]): number[] {
  const idx: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') break;
    if (a.startsWith('-')) {
      if (GLOBAL_VALUE_FLAGS.has(a)) i++;
      continue;
    }
    idx.push(i);
    if (idx.length === 3) break;
  }
  return idx;
}

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  return (d[a.length] as number[])[b.length] as number;
}

/** cobra's "Did you mean this?" candidates (distance <= 2, or a prefix). */
function suggestions(word: string, names: string[]): string[] {
  return names.filter((n) => levenshtein(word.toLowerCase(), n.toLowerCase()) <= 2 || n.startsWith(word.toLowerCase()));
}

export const HELP = `kubectl controls the Kubernetes cluster manager.

 Find more information at: https://kubernetes.io/docs/reference/kubectl/

Basic Commands (Beginner):
  create          Create a resource from a file or from stdin
  expose          Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service
  run             Run a particular image on the cluster
  set             Set specific features on objects

Basic Commands (Intermediate):
  explain         Get documentation for a resource
  get             Display one or many resources
  edit            Edit a resource on the server
  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector

Deploy Commands:
  rollout         Manage the rollout of a resource
  scale           Set a new size for a deployment, replica set, or replication controller
  autoscale       Auto-scale a deployment, replica set, stateful set, or replication controller

Cluster Management Commands:
  certificate     Modify certificate resources
  cluster-info    Display cluster information
  top             Display resource (CPU/memory) usage
  cordon          Mark node as unschedulable
  uncordon        Mark node as schedulable
  drain           Drain node in preparation for maintenance
  taint           Update the taints on one or more nodes

Troubleshooting and Debugging Commands:
  describe        Show details of a specific resource or group of resources
  logs            Print the logs for a container in a pod
  attach          Attach to a running container
  exec            Execute a command in a container
  port-forward    Forward one or more local ports to a pod
  proxy           Run a proxy to the Kubernetes API server
  cp              Copy files and directories to and from containers
  auth            Inspect authorization
  debug           Create debugging sessions for troubleshooting workloads and nodes
  events          List events

Advanced Commands:
  diff            Diff the live version against a would-be applied version
  apply           Apply a configuration to a resource by file name or stdin
  patch           Update fields of a resource
  replace         Replace a resource by file name or stdin
  wait            Experimental: Wait for a specific condition on one or many resources
  kustomize       Build a kustomization target from a directory or URL

Settings Commands:
  label           Update the labels on a resource
  annotate        Update the annotations on a resource
  completion      Output shell completion code for the specified shell (bash, zsh, fish, or powershell)

Other Commands:
  api-resources   Print the supported API resources on the server
  api-versions    Print the supported API versions on the server, in the form of "group/version"
  config          Modify kubeconfig files
  plugin          Provides utilities for interacting with plugins
  version         Print the client and server version information

Usage:
  kubectl [flags] [options]

Use "kubectl <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
`;

/** Finds the command for argv: the longest registered path made of the leading words. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | { unknown: string } | undefined {
  const words = commandWords(argv);
  if (words.length === 0) return undefined;
  for (let n = words.length; n >= 1; n--) {
    const path = words.slice(0, n).map((i) => argv[i] as string);
    const cmd = COMMANDS.find((c) => c.name === path.join(' ') || (n === 1 && c.aliases?.includes(path[0] as string)));
    if (cmd) {
      const drop = new Set(words.slice(0, n));
      return { command: cmd, rest: argv.filter((_, i) => !drop.has(i)) };
    }
  }
  return { unknown: argv[words[0] as number] as string };
}

/** Runs one kubectl command line. Never throws: errors end up on stderr with kubectl's text. */
export async function runKubectl(argv: string[], io: KubectlIO): Promise<KubectlResult> {
  const found = findCommand(argv);
  if (found === undefined) {
    io.onStdout?.(HELP);
    return { stdout: HELP, stderr: '', exitCode: 0 };
  }
  if ('unknown' in found) {
    const s = suggestions(found.unknown, TOP_LEVEL);
    const text = `Error: unknown command "${found.unknown}" for "kubectl"\n${s.length ? `\nDid you mean this?\n${s.map((x) => `\t${x}\n`).join('')}\n` : ''}`;
    io.onStderr?.(text);
    return { stdout: '', stderr: text, exitCode: 1 };
  }
  const { command, rest } = found;
  const ctx = new Ctx(io, command.name);
  try {
    let flags: Flags;
    try {
      flags = new Flags(
        parseFlags(rest, [
          ...command.flags,
          ...GLOBAL_FLAGS.filter((g) => !command.flags.some((f) => f.name === g.name)),
        ]),
      );
    } catch (e) {
      if (e instanceof FlagError) {
        throw new CommandError(`Error: ${e.message}\nSee 'kubectl ${command.name} --help' for usage.`, 1, true);
      }
      throw e;
    }
    const ns = flags.str('namespace');
    if (flags.changed('namespace')) {
      ctx.namespace = ns;
      ctx.explicitNamespace = true;
    }
    await command.run(ctx, flags);
    return { stdout: ctx.stdout(), stderr: ctx.stderr(), exitCode: 0 };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const { text, exitCode } = renderError(err);
    ctx.printErr(text);
    return { stdout: ctx.stdout(), stderr: ctx.stderr(), exitCode };
  }
}
