/**
 * Kubernetes protobuf (`application/vnd.kubernetes.protobuf`) for request bodies: what kubectl's
 * typed commands (create deployment, create secret, ...) send, decoded to the JSON object the same
 * command would have sent as JSON; and the inverse.
 */
export {
  bytesFromBinaryString,
  type DecodedK8sObject,
  decodeK8sProtobuf,
  decodeMessageBytes,
  encodeK8sProtobuf,
  encodeMessageBytes,
  isK8sProtobuf,
  K8S_PROTOBUF_MAGIC,
  PROTOBUF_CONTENT_TYPE,
  ProtobufError,
  type UnknownProtobufField,
} from './codec.ts';
export { coveredKinds, messageTypeFor } from './registry.ts';
