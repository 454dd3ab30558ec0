import { ConfigError, describeVariables, loadConfig } from '../../config';

describe('config', () => {
  it('should give the documented defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c.ENGINE).toBe('embedded');
    expect(c.DATABASE_URL).toBe('sqlite:./data/egov.sqlite');
    expect(c.HTTP_PORT).toBe(3000);
    expect(c.ENGINE_HOST).toBe('127.0.0.1');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('should name the variable and the allowed values when ENGINE is wrong', () => {
    expect(() => loadConfig({ ENGINE: 'camunda7' })).toThrow(ConfigError);
    try {
      loadConfig({ ENGINE: 'camunda7' });
    } catch (e) {
      expect((e as ConfigError).variable).toBe('ENGINE');
      expect((e as Error).message).toMatch(/ENGINE.*embedded \| zeebe/);
    }
  });

  it('should reject a DATABASE_URL that is neither sqlite nor mysql', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x/y' })).toThrow(/DATABASE_URL.*sqlite:.*mysql:\/\//);
  });

  it('should require CAMUNDA_REST_ADDRESS in zeebe mode', () => {
    expect(() => loadConfig({ ENGINE: 'zeebe' })).toThrow(/CAMUNDA_REST_ADDRESS/);
    expect(loadConfig({ ENGINE: 'zeebe', CAMUNDA_REST_ADDRESS: 'http://camunda:8080' }).ENGINE).toBe('zeebe');
  });

  it('should reject a port out of range', () => {
    expect(() => loadConfig({ HTTP_PORT: '70000' })).toThrow(/HTTP_PORT/);
  });

  it('should document every variable with a description', () => {
    const vars = describeVariables();
    expect(vars.length).toBeGreaterThan(15);
    for (const v of vars) expect(v.description).not.toBe('');
    expect(vars.find((v) => v.name === 'HTTP_PORT')?.default).toBe('3000');
  });
});
