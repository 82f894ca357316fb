import { itServesTheServiceEndpoints } from '@vigil/http/testing';
import { createApp } from './app';

describe('the controller API app', () => {
  itServesTheServiceEndpoints(createApp);
});
