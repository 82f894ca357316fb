import { PREPARED, preparedStatementName } from './prepared';

describe('preparedStatementName', () => {
  it('names only statements that start with the marker', () => {
    expect(preparedStatementName('SELECT 1')).toBeUndefined();
    expect(preparedStatementName(`SELECT 1 ${PREPARED}`)).toBeUndefined();
    expect(preparedStatementName(`${PREPARED} SELECT 1`)).toMatch(/^vigil_[0-9a-f]{24}$/);
  });

  it('gives the same text the same name and another text another name', () => {
    const name = preparedStatementName(`${PREPARED} SELECT $1::int`);
    expect(preparedStatementName(`${PREPARED} SELECT $1::int`)).toBe(name);
    expect(preparedStatementName(`${PREPARED} SELECT $1::bigint`)).not.toBe(name);
  });
});
