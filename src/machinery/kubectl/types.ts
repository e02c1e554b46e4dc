/** The interface between kubectl and whoever runs it (the browser console, a scenario, a test). */
import type { ApiRequest, ApiResponse, KObject } from '../api/types.ts';
import type { RESTMapper } from './discovery.ts';

export interface WatchEvent {
  type: string;
  object: KObject;
}

export interface WatchHandle {
  stop(): void;
}

/** A discovery cache kept between invocations, as kubectl keeps one under ~/.kube/cache. */
export interface KubectlCache {
  mapper?: RESTMapper;
  serverVersion?: Record<string, string>;
}

export interface KubectlIO {
  /** Sends one API request (the HTTP shape) and resolves with the response. */
  request(req: ApiRequest): Promise<ApiResponse>;
  /**
   * Opens a watch (`req.query.watch` is set); onEvent gets each event; onClose is called once
   * when the server ends the stream (or with an error). Without it, -w and waits are unavailable.
   */
  watch?(req: ApiRequest, onEvent: (e: WatchEvent) => void, onClose?: (err?: unknown) => void): WatchHandle;
  /** Simulated epoch milliseconds. */
  now(): number;
  /** The API server URL kubectl talks to (cluster-info prints it); https://127.0.0.1:6443 if unset. */
  server?: string;
  /** The current context's namespace (kubeconfig); `default` if unset. */
  namespace?: string;
  /** What `-f -` reads. */
  stdin?: string;
  /** Files `-f name` can read, by name. */
  files?: Record<string, string>;
  /** Streams output as it is produced (for -w, rollout status, logs -f); the result still has all of it. */
  onStdout?(chunk: string): void;
  onStderr?(chunk: string): void;
  /** Settles when the user interrupts a long-running command (Ctrl-C). */
  interrupt?: Promise<unknown>;
  /** Kept between invocations to skip repeated discovery. */
  cache?: KubectlCache;
}

export interface KubectlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}
