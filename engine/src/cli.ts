import { Command } from 'commander';
import { keysCommand } from './cli/keys.js';
import { metadataCommand } from './cli/metadata.js';
import { migrateCommand } from './cli/migrate.js';
import { packCommand } from './cli/pack.js';
import { startCommand } from './cli/start.js';
import { tenantCommand } from './cli/tenant.js';
import { userCommand } from './cli/user.js';

/**
 * The `tessera` command. Each command group is a module of cli/ returning its commander Command;
 * a new group is one more module and one more line here. Without a command it starts the server.
 */

const program = new Command('tessera')
  .description(
    'Tessera, the metadata-driven CRM: run the server, manage tenants and users, keep the configuration in files.',
  )
  .addHelpText(
    'after',
    '\nSettings come from the environment (DATABASE_URL, TESSERA_DATA_DIR, TESSERA_SCHEMA, LOG_LEVEL, …):\n' +
      'see Configuration in README.md. Each command has --help with examples.\n',
  );
for (const command of [
  startCommand(),
  migrateCommand(),
  tenantCommand(),
  userCommand(),
  metadataCommand(),
  packCommand(),
  keysCommand(),
])
  program.addCommand(command);

// A usage error ends with where to read the command's usage.
const pathOf = (command: Command): string =>
  command.parent ? `${pathOf(command.parent)} ${command.name()}` : command.name();
const withHint = (command: Command): void => {
  command.showHelpAfterError(`(${pathOf(command)} --help shows how to use it)`);
  command.commands.forEach(withHint);
};
withHint(program);

const args = process.argv.slice(2);
await program.parseAsync(args.length ? args : ['start'], { from: 'user' });
