// Saved workflows keep working: every node type, version, parameter (name, type, where it shows,
// default) and option value recorded in test/fixtures/node-surface.json (written before the
// operations moved into one file each) is still there; additions are free. A deliberate breaking
// change rewrites the fixture with UPDATE_SURFACE=1 npx jest test/package/surface.test.ts, and says
// so in the changelog.
import fs from 'node:fs';
import path from 'node:path';

import { missing, surface, type Surface } from './surface';

/* eslint-disable @typescript-eslint/no-require-imports */
const { Athenahealth } = require('../../dist/nodes/Athenahealth/Athenahealth.node.js');
const {
	AthenahealthTrigger,
} = require('../../dist/nodes/Athenahealth/AthenahealthTrigger.node.js');
const {
	AthenahealthEventTrigger,
} = require('../../dist/nodes/Athenahealth/AthenahealthEventTrigger.node.js');
const {
	AthenahealthOAuth2Api,
} = require('../../dist/credentials/AthenahealthOAuth2Api.credentials.js');
/* eslint-enable @typescript-eslint/no-require-imports */

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'node-surface.json');

test('node types, versions, parameter names, defaults and option values are unchanged', () => {
	const credential = new AthenahealthOAuth2Api();
	const now = [
		surface(new Athenahealth().description),
		surface(new AthenahealthTrigger().description),
		surface({ name: credential.name, version: 1, properties: credential.properties } as never),
		surface(new AthenahealthEventTrigger().description),
	];
	if (process.env.UPDATE_SURFACE) fs.writeFileSync(FIXTURE, `${JSON.stringify(now, null, 1)}\n`);
	const before: Surface[] = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
	expect(before.map((b, i) => missing(b, now[i])).flat()).toEqual([]);
});
