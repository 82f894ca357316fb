import { itServesTheServiceEndpoints } from '@vigil/http/testing';
import { createApp } from './app';

describe('the notifier health and metrics app', () => {
  itServesTheServiceEndpoints(createApp);
});
