import { itServesTheServiceEndpoints } from '@vigil/http/testing';
import { createApp } from './app';

describe('the evaluator health and metrics app', () => {
  itServesTheServiceEndpoints(createApp);
});
