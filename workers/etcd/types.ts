/**
 * etcd v3 request and response shapes (etcdserverpb, mvccpb), as the simulated etcd speaks them
 * on the bus. Keys and values are byte strings: one JS character per byte (0-255), so that
 * comparisons and sorting follow etcd's byte order. Revisions are plain numbers; the JSON gateway
 * turns them into the strings and base64 that etcd's own gateway prints.
 */
export interface ResponseHeader {
  cluster_id: string;
  member_id: string;
  revision: number;
  raft_term: number;
}

export interface KeyValue {
  key: string;
  create_revision: number;
  mod_revision: number;
  version: number;
  value: string;
  lease: number;
}

export type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';
export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

export interface RangeRequest {
  key: string;
  range_end?: string;
  limit?: number;
  revision?: number;
  sort_order?: SortOrder;
  sort_target?: SortTarget;
  serializable?: boolean;
  keys_only?: boolean;
  count_only?: boolean;
  min_mod_revision?: number;
  max_mod_revision?: number;
  min_create_revision?: number;
  max_create_revision?: number;
}

export interface RangeResponse {
  header: ResponseHeader;
  kvs: KeyValue[];
  more: boolean;
  count: number;
}

export interface PutRequest {
  key: string;
  value?: string;
  lease?: number;
  prev_kv?: boolean;
  ignore_value?: boolean;
  ignore_lease?: boolean;
}

export interface PutResponse {
  header: ResponseHeader;
  prev_kv?: KeyValue;
}

export interface DeleteRangeRequest {
  key: string;
  range_end?: string;
  prev_kv?: boolean;
}

export interface DeleteRangeResponse {
  header: ResponseHeader;
  deleted: number;
  prev_kvs: KeyValue[];
}

export type CompareResult = 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
export type CompareTarget = 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';

export interface Compare {
  result?: CompareResult;
  target?: CompareTarget;
  key: string;
  range_end?: string;
  version?: number;
  create_revision?: number;
  mod_revision?: number;
  value?: string;
  lease?: number;
}

export type RequestOp =
  | { request_range: RangeRequest }
  | { request_put: PutRequest }
  | { request_delete_range: DeleteRangeRequest }
  | { request_txn: TxnRequest };

export type ResponseOp =
  | { response_range: RangeResponse }
  | { response_put: PutResponse }
  | { response_delete_range: DeleteRangeResponse }
  | { response_txn: TxnResponse };

export interface TxnRequest {
  compare?: Compare[];
  success?: RequestOp[];
  failure?: RequestOp[];
}

export interface TxnResponse {
  header: ResponseHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}

export interface CompactionRequest {
  revision: number;
  physical?: boolean;
}

export interface CompactionResponse {
  header: ResponseHeader;
}

export type EventType = 'PUT' | 'DELETE';

export interface WatchEvent {
  type: EventType;
  kv: KeyValue;
  prev_kv?: KeyValue;
}

export interface WatchCreateRequest {
  key: string;
  range_end?: string;
  start_revision?: number;
  progress_notify?: boolean;
  filters?: ('NOPUT' | 'NODELETE')[];
  prev_kv?: boolean;
  watch_id?: number;
}

export interface WatchResponse {
  header: ResponseHeader;
  watch_id: number;
  created: boolean;
  canceled: boolean;
  compact_revision: number;
  cancel_reason: string;
  events: WatchEvent[];
}

/** gRPC status codes etcd uses. */
export const Code = {
  InvalidArgument: 3,
  NotFound: 5,
  FailedPrecondition: 9,
  ResourceExhausted: 8,
  OutOfRange: 11,
  Unavailable: 14,
} as const;

/** An etcd error as the server reports it: gRPC code and the `etcdserver: …` text. */
export class EtcdError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'EtcdError';
  }
}

/** Error texts, as etcd's rpctypes and mvcc packages word them. */
export const Errors = {
  emptyKey: () => new EtcdError(Code.InvalidArgument, 'etcdserver: key is not provided'),
  keyNotFound: () => new EtcdError(Code.InvalidArgument, 'etcdserver: key not found'),
  valueProvided: () => new EtcdError(Code.InvalidArgument, 'etcdserver: value is provided'),
  leaseProvided: () => new EtcdError(Code.InvalidArgument, 'etcdserver: lease is provided'),
  tooManyOps: () => new EtcdError(Code.InvalidArgument, 'etcdserver: too many operations in txn request'),
  duplicateKey: () => new EtcdError(Code.InvalidArgument, 'etcdserver: duplicate key given in txn request'),
  requestTooLarge: () => new EtcdError(Code.InvalidArgument, 'etcdserver: request is too large'),
  leaseNotFound: () => new EtcdError(Code.NotFound, 'etcdserver: requested lease not found'),
  compacted: () => new EtcdError(Code.OutOfRange, 'etcdserver: mvcc: required revision has been compacted'),
  futureRev: () => new EtcdError(Code.OutOfRange, 'etcdserver: mvcc: required revision is a future revision'),
} as const;

/** etcd's defaults: --max-request-bytes 1.5 MiB, --max-txn-ops 128. */
export const MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;
export const MAX_TXN_OPS = 128;
