import { describe, expect, it } from 'vitest';
import { cliDatabase } from './support/cli.js';
import { request, type TestEngine } from './support/test-engine.js';

/**
 * The `tessera` command as users run it (bin/tessera.mjs, the compiled engine) in a child
 * process, on a fresh PGlite data folder or a fresh PostgreSQL schema; what it does is checked
 * through a real server on the same database. Embedded PGlite has one owner at a time, so the
 * server is stopped while the command runs.
 */

const { schema, tessera, withServer } = cliDatabase('cli');

const login = (t: TestEngine, email: string, password: string) =>
  request(t.url, 'POST', '/api/v1/auth/login', { email, password });

const shownPassword = (out: string) => /password: (\S+) {3}\(shown once\)/.exec(out)?.[1];

describe('tessera --help', () => {
  it('lists every command, and each command says what it does with examples', async () => {
    const top = await tessera(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['start', 'migrate', 'tenant', 'user', 'metadata'])
      expect(top.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect((await tessera(['tenant', '--help'])).stdout).toMatch(/create \[options\] <name>[\s\S]*list/);
    expect((await tessera(['user', '--help'])).stdout).toMatch(/create[\s\S]*deactivate[\s\S]*reset-password/);
    for (const command of [
      ['start'],
      ['migrate'],
      ['tenant', 'create'],
      ['tenant', 'list'],
      ['user', 'create'],
      ['user', 'deactivate'],
      ['user', 'reset-password'],
      ['metadata', 'export'],
      ['metadata', 'import'],
      ['metadata', 'diff'],
    ]) {
      const help = await tessera([...command, '--help']);
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.stdout, command.join(' ')).toContain(`Usage: tessera ${command.join(' ')}`);
      expect(help.stdout, command.join(' ')).toContain(`$ tessera ${command.join(' ')}`);
    }
    const unknown = await tessera(['frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  }, 120_000);
});

describe('tessera user', () => {
  it('creates a user who can log in, resets a password, and deactivates a user, who then cannot', async () => {
    // On a fresh database: the command sets it up as a first start would, then adds the user.
    const created = await tessera(['user', 'create', '--email', 'Rep@Example.test', '--name', 'Rita Rep']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('created user rep@example.test');
    const repPassword = shownPassword(created.stdout)!;
    expect(repPassword).toMatch(/^[\w-]{20,}$/);
    const admin = await tessera([
      'user',
      'create',
      '--email',
      'ops@example.test',
      '--name',
      'Ops',
      '--admin',
      '--password',
      'ops-password-123',
    ]);
    expect(admin.code, admin.stderr).toBe(0);
    expect(shownPassword(admin.stdout)).toBeUndefined();

    let repToken = '';
    await withServer(async (t) => {
      const rep = await login(t, 'rep@example.test', repPassword);
      expect(rep.status).toBe(200);
      expect(rep.body.user).toMatchObject({ email: 'rep@example.test', name: 'Rita Rep', isAdmin: false });
      repToken = rep.body.token;
      expect((await login(t, 'ops@example.test', 'ops-password-123')).body.user.isAdmin).toBe(true);
      // The setup audit says the CLI made them, and keeps no password.
      const audit = (await t.api('GET', '/api/v1/setup-audit')).body.data;
      const made = audit.filter((a: { action: string }) => a.action === 'user.create');
      expect(made).toHaveLength(2);
      for (const entry of made) expect(entry).toMatchObject({ userId: null, detail: { via: 'cli' } });
      expect(JSON.stringify(audit)).not.toContain('ops-password-123');
    });

    const reset = await tessera(['user', 'reset-password', 'ops@example.test']);
    expect(reset.code, reset.stderr).toBe(0);
    const opsPassword = shownPassword(reset.stdout)!;
    expect(opsPassword).toMatch(/^[\w-]{20,}$/);

    const deactivated = await tessera(['user', 'deactivate', 'REP@example.test']);
    expect(deactivated.code, deactivated.stderr).toBe(0);
    expect(deactivated.stdout).toContain('deactivated rep@example.test');

    await withServer(async (t) => {
      expect((await login(t, 'ops@example.test', 'ops-password-123')).status).toBe(401);
      expect((await login(t, 'ops@example.test', opsPassword)).status).toBe(200);
      expect((await login(t, 'rep@example.test', repPassword)).status).toBe(401);
      // Deactivating ended the session the user had.
      const old = await request(t.url, 'GET', '/api/v1/auth/me', undefined, { authorization: `Bearer ${repToken}` });
      expect(old.status).toBe(401);
      const audit = (await t.api('GET', '/api/v1/setup-audit')).body.data;
      const updates = audit.filter((a: { action: string }) => a.action === 'user.update');
      expect(updates.map((a: { detail: unknown }) => a.detail)).toEqual([
        { active: false, via: 'cli' },
        { password: 'changed', via: 'cli' },
      ]);
    });
  }, 300_000);

  it('refuses a bad user with each field and rule, exits 1, and shows a stack only with TESSERA_DEBUG', async () => {
    const bad = await tessera(['user', 'create', '--email', 'not-an-email', '--name', 'X', '--password', 'short']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('tessera: could not create the user: the user was not saved');
    expect(bad.stderr).toContain('email: a valid e-mail address');
    expect(bad.stderr).toContain('password: 10 to 200 characters');
    expect(bad.stderr).not.toMatch(/^ {4}at /m);
    expect(bad.stdout).toBe('');

    const nobody = await tessera(['user', 'deactivate', 'nobody@example.test'], { TESSERA_DEBUG: '1' });
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('email: no user of this tenant has this e-mail');
    expect(nobody.stderr).toMatch(/^ {4}at /m);

    const noTenant = await tessera(['user', 'reset-password', 'ops@example.test', '--tenant', 'nope']);
    expect(noTenant.code).toBe(1);
    expect(noTenant.stderr).toContain('there is no tenant "nope"');
    expect(noTenant.stderr).toContain('--tenant: tessera tenant list shows the tenants');
  }, 120_000);
});

describe('tessera tenant and migrate', () => {
  it('creates and lists tenants, migrates every one of them, and adds a user to one', async () => {
    const created = await tessera(['tenant', 'create', 'gamma', '--admin-email', 'g@gamma.test']);
    expect(created.code, created.stderr).toBe(0);
    const gammaPassword = shownPassword(created.stdout)!;
    const listed = await tessera(['tenant', 'list']);
    expect(listed.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^default +${schema}$`)),
      expect.stringMatching(new RegExp(`^gamma +${schema}__gamma +\\d{4}-\\d\\d-\\d\\dT`)),
    ]);
    const migrated = await tessera(['migrate']);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toContain(`tenant default (schema ${schema}) is up to date`);
    expect(migrated.stdout).toContain(`tenant gamma (schema ${schema}__gamma) is up to date`);
    const user = await tessera(['user', 'create', '--email', 'u@gamma.test', '--name', 'U', '--tenant', 'gamma']);
    expect(user.code, user.stderr).toBe(0);
    await withServer(async (t) => {
      const session = await request(t.url, 'POST', '/api/v1/auth/login', {
        tenant: 'gamma',
        email: 'u@gamma.test',
        password: shownPassword(user.stdout),
      });
      expect(session.status).toBe(200);
      expect(session.body.token.startsWith('gamma.')).toBe(true);
      expect(
        (
          await request(t.url, 'POST', '/api/v1/auth/login', {
            tenant: 'gamma',
            email: 'g@gamma.test',
            password: gammaPassword,
          })
        ).status,
      ).toBe(200);
      // Not a user of the default tenant.
      expect((await login(t, 'u@gamma.test', shownPassword(user.stdout)!)).status).toBe(401);
    });
  }, 300_000);
});
