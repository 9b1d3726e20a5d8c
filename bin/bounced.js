#!/usr/bin/env node
// Entry point of the `bounced` command. The sources are TypeScript run through tsx,
// so `npx bounced …` works from a checkout right after `npm install`, with no build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
