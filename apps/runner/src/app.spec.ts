import { itServesTheServiceEndpoints } from '@vigil/http/testing';
import { createApp } from './app';

describe('the runner health and metrics app', () => {
  itServesTheServiceEndpoints(createApp);
});
