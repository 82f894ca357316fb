export { FakeController, httpRun } from './fake-controller';
