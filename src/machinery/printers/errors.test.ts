import { describe, expect, it } from 'vitest';
import type { Status } from '../api/types.ts';
import { CommandError, ErrorList, renderError, StatusError } from './errors.ts';

function status(s: Partial<Status>): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...s } as Status);
}

describe('renderError (kubectl checkErr)', () => {
  it('NotFound and other API errors', () => {
    expect(renderError(status({ reason: 'NotFound', message: 'pods "foo" not found', code: 404 }))).toEqual({
      text: 'Error from server (NotFound): pods "foo" not found\n',
      exitCode: 1,
    });
    expect(
      renderError(status({ reason: 'AlreadyExists', message: 'deployments.apps "web" already exists', code: 409 }))
        .text,
    ).toBe('Error from server (AlreadyExists): deployments.apps "web" already exists\n');
    expect(
      renderError(status({ message: 'the server has asked for the client to provide credentials', code: 500 })).text,
    ).toBe('Error from server: the server has asked for the client to provide credentials\n');
    expect(renderError(status({ reason: 'Unauthorized', message: 'Unauthorized', code: 401 })).text).toBe(
      'error: You must be logged in to the server (Unauthorized)\n',
    );
  });

  it('Invalid with one cause', () => {
    const e = status({
      reason: 'Invalid',
      code: 422,
      message: 'Pod "Foo_Bar" is invalid: metadata.name: Invalid value: "Foo_Bar": ...',
      details: {
        kind: 'Pod',
        name: 'Foo_Bar',
        causes: [
          {
            reason: 'FieldValueInvalid',
            field: 'metadata.name',
            message: 'Invalid value: "Foo_Bar": a lowercase RFC 1123 subdomain',
          },
        ],
      },
    });
    expect(renderError(e).text).toBe(
      'The Pod "Foo_Bar" is invalid: metadata.name: Invalid value: "Foo_Bar": a lowercase RFC 1123 subdomain\n',
    );
  });

  it('Invalid with several causes, duplicates dropped', () => {
    const e = status({
      reason: 'Invalid',
      code: 422,
      details: {
        kind: 'Service',
        name: 'web',
        causes: [
          { reason: 'FieldValueRequired', field: 'spec.ports', message: 'Required value' },
          { reason: 'FieldValueInvalid', field: 'spec.type', message: 'Unsupported value: "Foo"' },
          { reason: 'FieldValueRequired', field: 'spec.ports', message: 'Required value' },
        ],
      },
    });
    expect(renderError(e).text).toBe(
      'The Service "web" is invalid: \n* spec.ports: Required value\n* spec.type: Unsupported value: "Foo"\n',
    );
  });

  it('Invalid without details or causes', () => {
    expect(renderError(status({ reason: 'Invalid', code: 422 })).text).toBe('The request is invalid\n');
    expect(renderError(status({ reason: 'Invalid', code: 422, details: { kind: 'Pod', name: 'x' } })).text).toBe(
      'The Pod "x" is invalid\n',
    );
  });

  it('plain errors get the error: prefix once', () => {
    expect(renderError(new CommandError('the server doesn\'t have a resource type "foos"')).text).toBe(
      'error: the server doesn\'t have a resource type "foos"\n',
    );
    expect(renderError(new CommandError('error: already prefixed')).text).toBe('error: already prefixed\n');
    expect(renderError(new Error('boom')).text).toBe('error: boom\n');
  });

  it('raw command errors print as they are, with their exit code', () => {
    expect(
      renderError(new CommandError("Error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n", 1, true)),
    ).toEqual({
      text: "Error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n",
      exitCode: 1,
    });
  });

  it('aggregates print one line per error; an aggregate of one is unwrapped', () => {
    const nf = status({ reason: 'NotFound', message: 'pods "a" not found' });
    const nf2 = status({ reason: 'NotFound', message: 'pods "b" not found' });
    expect(renderError(new ErrorList([nf, nf2])).text).toBe(
      'Error from server (NotFound): pods "a" not found\nError from server (NotFound): pods "b" not found\n',
    );
    const invalid = status({
      reason: 'Invalid',
      details: {
        kind: 'Pod',
        name: 'x',
        causes: [{ reason: 'FieldValueRequired', field: 'spec', message: 'Required value' }],
      },
    });
    expect(renderError(new ErrorList([invalid])).text).toBe('The Pod "x" is invalid: spec: Required value\n');
  });
});
