import { describe, expect, it } from 'vitest';
import { checkDatabasesExist, databasesToDump, databaseToRestore } from '../src/plugin/select.js';

const existing = ['shop', 'blog', 'mysql', 'information_schema', 'old'];

describe('databasesToDump', () => {
  it("dumps every database the server has but the excluded ones and its own schemas, 'all' of them", () => {
    const warnings: string[] = [];
    const options = { where: 'root@db1', warn: (message: string) => warnings.push(message) };
    const selection = { databases: 'all' as const, exclude: ['old'] };
    expect(databasesToDump(selection, existing, options)).toEqual(['shop', 'blog', 'mysql', 'information_schema']);
    const schemas = { never: ['information_schema'], onlyWhenNamed: ['mysql'] };
    expect(databasesToDump(selection, existing, { ...options, ...schemas })).toEqual(['shop', 'blog']);
    expect(warnings).toEqual([]);
  });

  it('dumps the named databases that exist, warns about the others, and never a schema of the server', () => {
    const warnings: string[] = [];
    const options = {
      where: 'root@db1',
      warn: (message: string) => warnings.push(message),
      never: ['information_schema'],
      onlyWhenNamed: ['mysql'],
    };
    const selection = { databases: ['blog', 'gone', 'mysql', 'information_schema', 'old'], exclude: ['old'] };
    expect(databasesToDump(selection, existing, options)).toEqual(['blog', 'mysql']);
    expect(warnings).toEqual(['database gone does not exist at root@db1; the others are dumped']);
  });
});

describe('checkDatabasesExist', () => {
  it('refuses named databases the server does not have, as an error of the databases option', () => {
    expect(() => checkDatabasesExist({ databases: 'all', exclude: [] }, [], 'root@db1')).not.toThrow();
    expect(() => checkDatabasesExist({ databases: ['shop'], exclude: [] }, existing, 'root@db1')).not.toThrow();
    const error = (() => {
      try {
        checkDatabasesExist({ databases: ['shop', 'gone', 'lost'], exclude: [] }, existing, 'root@db1');
      } catch (caught) {
        return caught as { name: string; option: string; message: string };
      }
    })();
    expect(error).toMatchObject({
      name: 'OptionError',
      option: 'databases',
      message: 'no database gone, lost at root@db1',
    });
  });
});

describe('databaseToRestore', () => {
  const globals = { name: 'globals', what: 'globals for the roles' };

  it("takes the database --only names, or the backup's only one", () => {
    expect(databaseToRestore(['blog'], ['shop', 'blog'], globals)).toBe('blog');
    expect(databaseToRestore([], ['shop'], globals)).toBe('shop');
  });

  it('takes the other part by its name, before a database of that name, only when the backup holds it', () => {
    expect(databaseToRestore(['globals'], ['shop', 'globals'], globals)).toBe('globals');
    expect(databaseToRestore(['globals'], ['shop', 'globals'])).toBe('globals');
    expect(() => databaseToRestore(['globals'], ['shop'])).toThrow(
      '--only globals: no such database in this backup (it has: shop)',
    );
  });

  it('lists what the backup has when none or several are named, or the named one is not there', () => {
    expect(() => databaseToRestore([], ['shop', 'blog'], globals)).toThrow(
      'choose one database to restore with --only NAME (this backup has: shop, blog, and globals for the roles)',
    );
    expect(() => databaseToRestore(['shop', 'blog'], ['shop', 'blog'])).toThrow(
      'choose one database to restore with --only NAME (this backup has: shop, blog)',
    );
    expect(() => databaseToRestore(['nope'], ['shop'], globals)).toThrow(
      '--only nope: no such database in this backup (it has: shop)',
    );
  });
});
