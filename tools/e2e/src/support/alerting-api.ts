import { type BodyInputOf, type ResponseOf, type RouteContract, routePath } from '@vigil/contracts';
import type { ControllerHarness } from '@vigil/controller/testing';
import request from 'supertest';

export interface RouteInput<C extends RouteContract> {
  readonly params?: Record<string, string>;
  readonly query?: Record<string, string | number>;
  readonly body?: BodyInputOf<C>;
}

/** Calls routes of one controller app as one caller (an API key or a runner's token). */
export type RouteCaller = <C extends RouteContract>(route: C, input?: RouteInput<C>) => Promise<ResponseOf<C>>;

/**
 * A caller that expects each route's success status and checks each answer against the
 * route's own response schema: what the API answers is what its contract says.
 */
export function routeCaller(app: ControllerHarness['app'], authorization: () => string): RouteCaller {
  return async (route, input = {}) => {
    let pending = request(app)[route.method](routePath(route, input.params)).set('Authorization', authorization());
    if (input.query !== undefined) pending = pending.query(input.query);
    if (input.body !== undefined) pending = pending.send(input.body as object);
    const response = await pending;
    if (response.status !== route.success.status) {
      throw new Error(`${route.method.toUpperCase()} ${route.path} answered ${response.status}: ${JSON.stringify(response.body)}`);
    }
    const { schema } = route.success;
    return (schema === undefined ? undefined : schema.parse(response.body)) as ResponseOf<typeof route>;
  };
}
