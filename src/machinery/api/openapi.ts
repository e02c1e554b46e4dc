/** OpenAPI documents for kubectl explain and apply. (Placeholder until the schema table lands.) */
export function openapiV3Index(): unknown {
  return { paths: {} };
}

export function openapiV3(_groupVersionPath: string): unknown | undefined {
  return undefined;
}

export function openapiV2(): unknown {
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.33.1' }, paths: {}, definitions: {} };
}
