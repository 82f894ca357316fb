import type { ApiScope } from '@vigil/contracts';

/** Who made a management API call. */
export interface ApiKeyPrincipal {
  readonly kind: 'api-key';
  readonly keyId: number;
  readonly keyUuid: string;
  readonly name: string;
  readonly scopes: readonly ApiScope[];
}

/** Who made a runner API call. */
export interface RunnerPrincipal {
  readonly kind: 'runner';
  readonly runnerId: number;
  readonly slug: string;
  readonly kid: string;
}

export type Principal = ApiKeyPrincipal | RunnerPrincipal | { readonly kind: 'anonymous' };

/** The `source` of an audit row an operator caused: `operator:<key name>`. */
export function operatorSource(principal: ApiKeyPrincipal): string {
  return `operator:${principal.name}`;
}
